// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the ioctls every VFIO driver implements: capability chains for
 * the *_INFO ioctls, and the common checks of VFIO_DEVICE_SET_IRQS.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/bitops.h>
#include "vfio.h"

/*
 * Make room for @size more bytes at the end of the chain and return them.
 * A chain we cannot grow is useless to the caller, so it is dropped.
 */
static void *vfio_info_cap_grow(struct vfio_info_cap *caps, size_t size)
{
	void *bigger = krealloc(caps->buf, caps->size + size, GFP_KERNEL);

	if (!bigger) {
		kfree(caps->buf);
		*caps = (struct vfio_info_cap){ };
		return NULL;
	}
	caps->buf = bigger;
	return bigger + caps->size;
}

/**
 * vfio_info_cap_add - append a capability to a chain being built
 * @caps: the chain; caps->buf and caps->size start out NULL and 0
 * @size: size of the capability including its header
 * @id: capability id
 * @version: capability version
 *
 * The new capability is zeroed apart from its header.  The next offsets of
 * the chain count from the start of caps->buf; once the chain's place in
 * the user buffer is known, vfio_info_cap_shift() moves them there.
 *
 * Return: the new header, or ERR_PTR(-ENOMEM), in which case the whole
 * chain is freed and @caps is empty again.
 */
struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version)
{
	struct vfio_info_cap_header *cap, *tail;
	size_t at = caps->size;

	cap = vfio_info_cap_grow(caps, size);
	if (!cap)
		return ERR_PTR(-ENOMEM);

	/* This ends up in the user's buffer: no stale bytes. */
	memset(cap, 0, size);
	cap->id = id;
	cap->version = version;

	/*
	 * Hook it to the current tail.  A next of 0 ends the chain, so the
	 * first capability (at offset 0) is its own tail and stays 0.
	 */
	tail = caps->buf;
	while (tail->next)
		tail = (void *)caps->buf + tail->next;
	tail->next = at;

	caps->size = at + size;
	return cap;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_add);

/**
 * vfio_info_cap_shift - move a chain's next offsets by @offset
 * @caps: a chain built by vfio_info_cap_add()
 * @offset: where the chain will start in the user's buffer, normally the
 *	size of the info structure in front of it
 */
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset)
{
	struct vfio_info_cap_header *cur;
	void *buf = caps->buf;

	for (cur = buf; cur->next; cur = buf + cur->next - offset)
		cur->next += offset;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_shift);

/**
 * vfio_info_add_capability - append a filled-in capability to a chain
 * @caps: the chain
 * @cap: the capability; its id and version are used, its next is ignored
 * @size: size of @cap including its header
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size)
{
	size_t body = size - sizeof(*cap);
	struct vfio_info_cap_header *copy;

	copy = vfio_info_cap_add(caps, size, cap->id, cap->version);
	if (IS_ERR(copy))
		return PTR_ERR(copy);

	/* The header is already right; only what follows it is copied. */
	memcpy((u8 *)copy + sizeof(*copy), (u8 *)cap + sizeof(*cap), body);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_info_add_capability);

/*
 * Bytes of data per irq that follow a struct vfio_irq_set with @flags, or
 * -EINVAL when the flags name no data type or more than one.
 */
static int vfio_irq_set_elem_size(u32 flags)
{
	static const struct {
		u32	type;
		int	elem;
	} data_types[] = {
		{ VFIO_IRQ_SET_DATA_NONE,	0 },
		{ VFIO_IRQ_SET_DATA_BOOL,	sizeof(u8) },
		{ VFIO_IRQ_SET_DATA_EVENTFD,	sizeof(s32) },
	};
	u32 type = flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	int i;

	for (i = 0; i < ARRAY_SIZE(data_types); i++)
		if (data_types[i].type == type)
			return data_types[i].elem;
	return -EINVAL;
}

/* Whether index, start and count of @hdr stay inside the device's irqs. */
static bool vfio_irq_set_in_range(const struct vfio_irq_set *hdr,
				  int num_irqs, int max_irq_type)
{
	if (hdr->index >= max_irq_type)
		return false;
	/* Also keeps start + count below from wrapping. */
	if (hdr->count >= U32_MAX - hdr->start)
		return false;
	return hdr->start < num_irqs && hdr->start + hdr->count <= num_irqs;
}

/**
 * vfio_set_irqs_validate_and_prepare - common checks for DEVICE_SET_IRQS
 * @hdr: the struct vfio_irq_set header, copied from userspace
 * @num_irqs: how many irqs the index @hdr->index has
 * @max_irq_type: number of irq indexes the device has
 * @data_size: receives the size of the data that follows the header:
 *	one u8 per irq for DATA_BOOL, one s32 per irq for DATA_EVENTFD,
 *	0 for DATA_NONE
 *
 * Return: 0, or -EINVAL when argsz is too small, the index or range of
 * irqs is out of bounds, unknown flags or more than one data type or
 * action are given, or argsz cannot hold the data.
 */
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size)
{
	const u32 known = VFIO_IRQ_SET_DATA_TYPE_MASK |
			  VFIO_IRQ_SET_ACTION_TYPE_MASK;
	const size_t fixed = offsetofend(struct vfio_irq_set, count);
	int elem = vfio_irq_set_elem_size(hdr->flags);
	size_t payload;

	/* Every failure below is -EINVAL, so their order does not matter. */
	if (hdr->argsz < fixed || (hdr->flags & ~known) || elem < 0)
		return -EINVAL;
	if (hweight32(hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) > 1)
		return -EINVAL;		/* more than one action */
	if (!vfio_irq_set_in_range(hdr, num_irqs, max_irq_type))
		return -EINVAL;

	payload = (size_t)hdr->count * elem;
	if (elem && (!data_size || hdr->argsz - fixed < payload))
		return -EINVAL;

	if (data_size)
		*data_size = payload;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_set_irqs_validate_and_prepare);
