/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of mdev.ko, trace system "mdev" (events/mdev/ in tracefs).
 * Documentation/observability.rst lists them with their fields.
 * mdev/mdev_trace.c is the one file that instantiates the events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mdev

#if !defined(_MDEV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MDEV_TRACE_H

#include <linux/tracepoint.h>
#include <linux/mdev.h>

DECLARE_EVENT_CLASS(mdev_device_event,
	TP_PROTO(struct mdev_type *type, const guid_t *uuid, int ret),
	TP_ARGS(type, uuid, ret),
	TP_STRUCT__entry(
		__array(u8, uuid, UUID_SIZE)
		__string(parent, dev_name(type->parent->dev))
		__string(type, kobject_name(&type->kobj))
		__field(int, ret)
	),
	TP_fast_assign(
		memcpy(__entry->uuid, uuid, UUID_SIZE);
		__assign_str(parent, dev_name(type->parent->dev));
		__assign_str(type, kobject_name(&type->kobj));
		__entry->ret = ret;
	),
	TP_printk("uuid=%pUl parent=%s type=%s ret=%d",
		  __entry->uuid, __get_str(parent), __get_str(type),
		  __entry->ret)
);

/* A write to a type's "create" file finished: 0 or the errno it returns. */
DEFINE_EVENT(mdev_device_event, mdev_create,
	TP_PROTO(struct mdev_type *type, const guid_t *uuid, int ret),
	TP_ARGS(type, uuid, ret)
);

/*
 * A device was removed (ret 0), through its "remove" file or because its
 * parent went away, or removal was refused (-EAGAIN: not active).
 */
DEFINE_EVENT(mdev_device_event, mdev_remove,
	TP_PROTO(struct mdev_type *type, const guid_t *uuid, int ret),
	TP_ARGS(type, uuid, ret)
);

#endif /* _MDEV_TRACE_H */

/* Out of tree: define_trace.h finds us through -I$(src) (mdev/Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mdev_trace
#include <trace/define_trace.h>
