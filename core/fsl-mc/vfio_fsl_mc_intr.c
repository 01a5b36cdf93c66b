// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-fsl-mc: an object's MSIs forwarded to eventfds.
 *
 * MSIs of fsl-mc objects come from their container's IRQ pool, which is
 * filled when the first object of the container asks for interrupts and
 * emptied when the last object of the device set closes.  An MSI is an
 * edge: it is only ever signalled, never masked.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <compat/kcompat.h>
#include "vfio_fsl_mc_private.h"

static irqreturn_t vfio_fsl_mc_irq_handler(int irq_no, void *arg)
{
	struct vfio_fsl_mc_msi *mc_irq = arg;

	kc_eventfd_signal(mc_irq->signal);
	return IRQ_HANDLED;
}

/* Allocate the object's MSIs from the container's pool, once. */
static int vfio_fsl_mc_irqs_allocate(struct vfio_fsl_mc_device *vdev)
{
	struct fsl_mc_device *mc_dev = vdev->mc_dev;
	int irq_count = mc_dev->obj_desc.irq_count;
	struct vfio_fsl_mc_msi *msi;
	int ret;

	lockdep_assert_held(&vdev->msi_lock);

	if (vdev->msi)
		return 0;

	/* Fills the pool on first use; a no-op when it is populated. */
	ret = fsl_mc_populate_irq_pool(vfio_fsl_mc_cont(mc_dev),
				       FSL_MC_IRQ_POOL_MAX_TOTAL_IRQS);
	if (ret)
		return ret;

	msi = kcalloc(irq_count, sizeof(*msi), GFP_KERNEL);
	if (!msi)
		return -ENOMEM;

	ret = fsl_mc_allocate_irqs(mc_dev);
	if (ret) {
		kfree(msi);
		return ret;
	}

	vdev->msi = msi;
	return 0;
}

/* Point MSI @index at eventfd @fd, or at nothing for -1. */
static int vfio_fsl_mc_set_trigger(struct vfio_fsl_mc_device *vdev,
				   unsigned int index, s32 fd)
{
	struct vfio_fsl_mc_msi *mc_irq = &vdev->msi[index];
	int hwirq = vdev->mc_dev->irqs[index]->virq;
	struct eventfd_ctx *trigger;
	int ret;

	lockdep_assert_held(&vdev->msi_lock);

	if (mc_irq->signal) {
		free_irq(hwirq, mc_irq);
		kfree(mc_irq->label);
		mc_irq->label = NULL;
		eventfd_ctx_put(mc_irq->signal);
		mc_irq->signal = NULL;
	}
	if (fd < 0)
		return 0;

	mc_irq->label = kasprintf(GFP_KERNEL, "vfio-irq[%d](%s)", hwirq,
				 dev_name(&vdev->mc_dev->dev));
	if (!mc_irq->label)
		return -ENOMEM;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger)) {
		ret = PTR_ERR(trigger);
		goto err_free_name;
	}
	mc_irq->signal = trigger;

	ret = request_irq(hwirq, vfio_fsl_mc_irq_handler, 0, mc_irq->label,
			  mc_irq);
	if (ret)
		goto err_put_trigger;
	return 0;

err_put_trigger:
	mc_irq->signal = NULL;
	eventfd_ctx_put(trigger);
err_free_name:
	kfree(mc_irq->label);
	mc_irq->label = NULL;
	return ret;
}

static int vfio_fsl_mc_set_irq_trigger(struct vfio_fsl_mc_device *vdev,
				       unsigned int index, unsigned int count,
				       u32 flags, void *data)
{
	int ret;

	/* DATA_NONE with no count tears the trigger down. */
	if (!count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		if (vdev->msi)
			vfio_fsl_mc_set_trigger(vdev, index, -1);
		return 0;
	}

	ret = vfio_fsl_mc_irqs_allocate(vdev);
	if (ret)
		return ret;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return vfio_fsl_mc_set_trigger(vdev, index, *(s32 *)data);

	/* NONE or BOOL true: userspace fires the interrupt itself. */
	if (vdev->msi[index].signal &&
	    (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data))
		kc_eventfd_signal(vdev->msi[index].signal);
	return 0;
}

/**
 * vfio_fsl_mc_set_irqs - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: the object
 * @req: the request, its index checked against irq_count, its count 0 or 1
 * @data: one bool or eventfd number, unused for DATA_NONE
 *
 * Only ACTION_TRIGGER exists: an MSI cannot be masked.
 *
 * Return: 0 or a negative errno.
 */
int vfio_fsl_mc_set_irqs(struct vfio_fsl_mc_device *vdev,
			 const struct vfio_irq_set *req, const void *data)
{
	int ret;

	if (!(req->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;

	mutex_lock(&vdev->msi_lock);
	ret = vfio_fsl_mc_set_irq_trigger(vdev, req->index, req->count,
					  req->flags, (void *)data);
	mutex_unlock(&vdev->msi_lock);
	return ret;
}

/**
 * vfio_fsl_mc_irqs_cleanup - free the object's MSIs and eventfds
 * @vdev: the object, being closed
 */
void vfio_fsl_mc_irqs_cleanup(struct vfio_fsl_mc_device *vdev)
{
	int i;

	mutex_lock(&vdev->msi_lock);
	if (vdev->msi) {
		for (i = 0; i < vdev->mc_dev->obj_desc.irq_count; i++)
			vfio_fsl_mc_set_trigger(vdev, i, -1);
		fsl_mc_free_irqs(vdev->mc_dev);
		kfree(vdev->msi);
		vdev->msi = NULL;
	}
	mutex_unlock(&vdev->msi_lock);
}
