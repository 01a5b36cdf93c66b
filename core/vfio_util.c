// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the ioctls every VFIO driver implements: capability chains for
 * the *_INFO ioctls, and the common checks of VFIO_DEVICE_SET_IRQS.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/bitops.h>
#include "vfio.h"

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
	struct vfio_info_cap_header *header, *last;
	void *buf;

	buf = krealloc(caps->buf, caps->size + size, GFP_KERNEL);
	if (!buf) {
		kfree(caps->buf);
		caps->buf = NULL;
		caps->size = 0;
		return ERR_PTR(-ENOMEM);
	}
	caps->buf = buf;

	/* This ends up in the user's buffer: no stale bytes. */
	header = buf + caps->size;
	memset(header, 0, size);
	header->id = id;
	header->version = version;

	/* The first capability links to itself at 0, which ends the chain. */
	for (last = buf; last->next; last = buf + last->next)
		;
	last->next = caps->size;
	caps->size += size;
	return header;
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
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, size, cap->id, cap->version);
	if (IS_ERR(header))
		return PTR_ERR(header);

	memcpy(header + 1, cap + 1, size - sizeof(*header));
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_info_add_capability);

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
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	size_t size;

	if (hdr->argsz < minsz || hdr->index >= max_irq_type ||
	    hdr->count >= U32_MAX - hdr->start ||
	    hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			   VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;

	if (hweight32(hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) > 1)
		return -EINVAL;

	if (data_size)
		*data_size = 0;

	if (hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs)
		return -EINVAL;

	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(u8);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(s32);
		break;
	default:
		return -EINVAL;	/* more than one data type */
	}

	if (size) {
		if (hdr->argsz - minsz < hdr->count * size)
			return -EINVAL;
		if (!data_size)
			return -EINVAL;
		*data_size = hdr->count * size;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_set_irqs_validate_and_prepare);
