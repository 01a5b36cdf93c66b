// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a vGPU towards userspace: one MSI vector, INTx (level,
 * automasked: userspace unmasks it after handling), the error interrupt
 * and the device request interrupt, each an eventfd set with
 * VFIO_DEVICE_SET_IRQS.
 *
 * The device's interrupt condition is BAR0's IIR & IER (see gvt_regs.h).
 * As vfio-pci does, MSI is used whenever userspace gave an MSI eventfd;
 * the guest's MSI enable bit is QEMU's business.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>

#include <compat/kcompat.h>

#include "gvt.h"

static unsigned int gvt_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/* Send the interrupt; irq_lock held. */
static void gvt_irq_deliver(struct gvt_vgpu *vgpu)
{
	struct gvt_irq *irq = &vgpu->irq;

	lockdep_assert_held(&vgpu->irq_lock);
	if (irq->msi_trigger) {
		kc_eventfd_signal(irq->msi_trigger);
	} else if (irq->intx_trigger && !irq->intx_masked) {
		kc_eventfd_signal(irq->intx_trigger);
		irq->intx_masked = true;
	}
}

/**
 * gvt_irq_raise - a device event happened
 * @vgpu: the vGPU, its lock held
 * @events: GVT_IRQ_* bits
 *
 * Latches the unmasked events in IIR and interrupts if an enabled one is
 * new.
 */
void gvt_irq_raise(struct gvt_vgpu *vgpu, u32 events)
{
	u32 iir = gvt_reg(vgpu, GVT_REG_IIR);
	u32 new = events & ~gvt_reg(vgpu, GVT_REG_IMR) & ~iir;

	lockdep_assert_held(&vgpu->lock);
	gvt_reg_set(vgpu, GVT_REG_IIR, iir | new);
	dev_dbg(&vgpu->mdev->dev, "events %#x, new %#x\n", events, new);
	if (!(new & gvt_reg(vgpu, GVT_REG_IER)))
		return;
	if (vgpu->cfg[PCI_COMMAND + 1] & (PCI_COMMAND_INTX_DISABLE >> 8) &&
	    !vgpu->irq.msi_trigger)
		return;

	mutex_lock(&vgpu->irq_lock);
	gvt_irq_deliver(vgpu);
	mutex_unlock(&vgpu->irq_lock);
}

/**
 * gvt_irq_request - ask userspace to release the device
 * @vgpu: the vGPU
 * @count: how often it was asked already
 */
void gvt_irq_request(struct gvt_vgpu *vgpu, unsigned int count)
{
	mutex_lock(&vgpu->irq_lock);
	if (vgpu->irq.req_trigger) {
		if (!(count % 10))
			dev_notice(&vgpu->mdev->dev, "asking the user to release the vGPU (%u)\n",
				   count);
		kc_eventfd_signal(vgpu->irq.req_trigger);
	} else if (!count) {
		dev_notice(&vgpu->mdev->dev, "removal waits for the user to close the vGPU\n");
	}
	mutex_unlock(&vgpu->irq_lock);
}

/**
 * gvt_irq_get_info - VFIO_DEVICE_GET_IRQ_INFO
 * @vgpu: the vGPU
 * @arg: the user's struct vfio_irq_info
 *
 * Return: 0 or a negative errno.
 */
long gvt_irq_get_info(struct gvt_vgpu *vgpu, struct vfio_irq_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = gvt_irq_count(info.index);
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static struct eventfd_ctx **gvt_irq_slot(struct gvt_vgpu *vgpu, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return &vgpu->irq.intx_trigger;
	case VFIO_PCI_MSI_IRQ_INDEX:
		return &vgpu->irq.msi_trigger;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return &vgpu->irq.err_trigger;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return &vgpu->irq.req_trigger;
	}
	return NULL;
}

/* Install or drop the eventfd of @slot; fd -1 drops it. */
static int gvt_irq_set_eventfd(struct gvt_vgpu *vgpu, struct eventfd_ctx **slot, s32 fd)
{
	struct eventfd_ctx *ctx = NULL;

	lockdep_assert_held(&vgpu->irq_lock);
	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != -1) {
		return -EINVAL;
	}
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = ctx;
	return 0;
}

static int gvt_irq_trigger(struct gvt_vgpu *vgpu, struct vfio_irq_set *hdr, void *data)
{
	struct eventfd_ctx **slot = gvt_irq_slot(vgpu, hdr->index);

	lockdep_assert_held(&vgpu->irq_lock);
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		if (!hdr->count)
			return gvt_irq_set_eventfd(vgpu, slot, -1);
		return gvt_irq_set_eventfd(vgpu, slot, *(s32 *)data);
	case VFIO_IRQ_SET_DATA_NONE:
		if (!hdr->count)	/* disable */
			return gvt_irq_set_eventfd(vgpu, slot, -1);
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!hdr->count || !*(u8 *)data)
			return 0;
		break;
	}
	/* a loopback trigger from userspace */
	if (*slot)
		kc_eventfd_signal(*slot);
	return 0;
}

static int gvt_irq_intx_mask(struct gvt_vgpu *vgpu, struct vfio_irq_set *hdr,
			     void *data, bool mask)
{
	lockdep_assert_held(&vgpu->lock);
	lockdep_assert_held(&vgpu->irq_lock);

	if ((hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) == VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;	/* no irqfd-based unmask */
	if (!hdr->count)
		return 0;
	if ((hdr->flags & VFIO_IRQ_SET_DATA_BOOL) && !*(u8 *)data)
		return 0;
	if (mask) {
		vgpu->irq.intx_masked = true;
		return 0;
	}
	vgpu->irq.intx_masked = false;
	/* still asserted: the level interrupt fires again */
	if (gvt_reg(vgpu, GVT_REG_IIR) & gvt_reg(vgpu, GVT_REG_IER) &&
	    !vgpu->irq.msi_trigger)
		gvt_irq_deliver(vgpu);
	return 0;
}

/**
 * gvt_irq_set - VFIO_DEVICE_SET_IRQS
 * @vgpu: the vGPU
 * @arg: the user's struct vfio_irq_set and its data
 *
 * Return: 0 or a negative errno.
 */
long gvt_irq_set(struct gvt_vgpu *vgpu, struct vfio_irq_set __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, gvt_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(&arg->data, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vgpu->lock);
	mutex_lock(&vgpu->irq_lock);
	switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
	case VFIO_IRQ_SET_ACTION_UNMASK:
		if (hdr.index != VFIO_PCI_INTX_IRQ_INDEX) {
			ret = -EINVAL;
			break;
		}
		ret = gvt_irq_intx_mask(vgpu, &hdr, data,
					hdr.flags & VFIO_IRQ_SET_ACTION_MASK);
		break;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = gvt_irq_trigger(vgpu, &hdr, data);
		if (hdr.index == VFIO_PCI_INTX_IRQ_INDEX)
			vgpu->irq.intx_masked = false;
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&vgpu->irq_lock);
	mutex_unlock(&vgpu->lock);
	kfree(data);
	return ret;
}

/**
 * gvt_irq_release_all - drop every eventfd, as on close
 * @vgpu: the vGPU
 */
void gvt_irq_release_all(struct gvt_vgpu *vgpu)
{
	unsigned int i;

	mutex_lock(&vgpu->irq_lock);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		struct eventfd_ctx **slot = gvt_irq_slot(vgpu, i);

		if (slot)
			gvt_irq_set_eventfd(vgpu, slot, -1);
	}
	vgpu->irq.intx_masked = false;
	mutex_unlock(&vgpu->irq_lock);
}
