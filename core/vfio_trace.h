/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of vfio.ko, trace system "vfio" (events/vfio/ in tracefs).
 * Documentation/observability.rst lists them with their fields.
 *
 * Device names are those of the exposed device (the mdev UUID, the PCI
 * address), the string userspace passes to VFIO_GROUP_GET_DEVICE_FD.
 * core/vfio_trace.c is the one file that instantiates the events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfio

#if !defined(_CORE_VFIO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CORE_VFIO_TRACE_H

#include <linux/tracepoint.h>
#include <linux/vfio.h>

/*
 * The region index and offset use the encoding of vfio-pci and of every
 * mdev sample: the index in the bits from VFIO_TRACE_REGION_SHIFT up.
 * The core itself does not interpret offsets; for a driver with another
 * layout the raw file position is in @pos.
 */
#define VFIO_TRACE_REGION_SHIFT	40

DECLARE_EVENT_CLASS(vfio_device_open_close,
	TP_PROTO(struct vfio_device *device, unsigned int open_count, int ret),
	TP_ARGS(device, open_count, ret),
	TP_STRUCT__entry(
		__string(name, dev_name(device->dev))
		__field(unsigned int, index)
		__field(unsigned int, open_count)
		__field(int, ret)
	),
	TP_fast_assign(
		__assign_str(name, dev_name(device->dev));
		__entry->index = device->index;
		__entry->open_count = open_count;
		__entry->ret = ret;
	),
	TP_printk("device=%s vfio%u open_count=%u ret=%d",
		  __get_str(name), __entry->index, __entry->open_count,
		  __entry->ret)
);

/*
 * A device fd was opened (ret 0, open_count the fds now open) or failed to
 * open (ret the errno, open_count unchanged).
 */
DEFINE_EVENT(vfio_device_open_close, vfio_device_open,
	TP_PROTO(struct vfio_device *device, unsigned int open_count, int ret),
	TP_ARGS(device, open_count, ret)
);

/* A device fd was closed; open_count is what is left open (0: last close). */
DEFINE_EVENT(vfio_device_open_close, vfio_device_close,
	TP_PROTO(struct vfio_device *device, unsigned int open_count, int ret),
	TP_ARGS(device, open_count, ret)
);

/* The driver's read() or write() of a device fd returned an error. */
TRACE_EVENT(vfio_region_access_error,
	TP_PROTO(struct vfio_device *device, loff_t pos, size_t count,
		 bool write, int ret),
	TP_ARGS(device, pos, count, write, ret),
	TP_STRUCT__entry(
		__string(name, dev_name(device->dev))
		__field(u64, pos)
		__field(u32, region)
		__field(u64, offset)
		__field(size_t, count)
		__field(bool, write)
		__field(int, ret)
	),
	TP_fast_assign(
		__assign_str(name, dev_name(device->dev));
		__entry->pos = pos;
		__entry->region = (u64)pos >> VFIO_TRACE_REGION_SHIFT;
		__entry->offset = pos & ((1ULL << VFIO_TRACE_REGION_SHIFT) - 1);
		__entry->count = count;
		__entry->write = write;
		__entry->ret = ret;
	),
	TP_printk("device=%s %s region=%u offset=0x%llx count=%zu ret=%d",
		  __get_str(name), __entry->write ? "write" : "read",
		  __entry->region, __entry->offset, __entry->count,
		  __entry->ret)
);

/* vfio_pin_pages() as the backend answered it: pages pinned or an errno. */
TRACE_EVENT(vfio_pin_pages,
	TP_PROTO(struct vfio_device *device, dma_addr_t iova, int npage,
		 int prot, int ret),
	TP_ARGS(device, iova, npage, prot, ret),
	TP_STRUCT__entry(
		__string(name, dev_name(device->dev))
		__field(u64, iova)
		__field(int, npage)
		__field(int, prot)
		__field(int, ret)
	),
	TP_fast_assign(
		__assign_str(name, dev_name(device->dev));
		__entry->iova = iova;
		__entry->npage = npage;
		__entry->prot = prot;
		__entry->ret = ret;
	),
	TP_printk("device=%s iova=0x%llx npage=%d prot=%s%s ret=%d",
		  __get_str(name), __entry->iova, __entry->npage,
		  __entry->prot & IOMMU_READ ? "r" : "",
		  __entry->prot & IOMMU_WRITE ? "w" : "", __entry->ret)
);

/* vfio_unpin_pages() handed to the backend (it cannot fail). */
TRACE_EVENT(vfio_unpin_pages,
	TP_PROTO(struct vfio_device *device, dma_addr_t iova, int npage),
	TP_ARGS(device, iova, npage),
	TP_STRUCT__entry(
		__string(name, dev_name(device->dev))
		__field(u64, iova)
		__field(int, npage)
	),
	TP_fast_assign(
		__assign_str(name, dev_name(device->dev));
		__entry->iova = iova;
		__entry->npage = npage;
	),
	TP_printk("device=%s iova=0x%llx npage=%d",
		  __get_str(name), __entry->iova, __entry->npage)
);

#endif /* _CORE_VFIO_TRACE_H */

/* Out of tree: define_trace.h finds us through -I$(src) (core/Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vfio_trace
#include <trace/define_trace.h>
