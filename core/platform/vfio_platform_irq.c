// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform-base: a platform device's interrupts, forwarded to
 * userspace through eventfds (VFIO_DEVICE_SET_IRQS).
 *
 * An edge interrupt is simply signalled.  A level interrupt would fire
 * again at once while the device holds the line, so its handler disables
 * the line before signalling (VFIO_IRQ_INFO_AUTOMASKED); userspace quiets
 * the device and unmasks, by ioctl or by writing an eventfd registered for
 * unmasking (a virqfd, which is how a hypervisor wires a guest's EOI).
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <compat/kcompat.h>
#include "vfio_platform_private.h"

/* Mask the line, unless it is masked already. */
static void vfio_platform_mask(struct vfio_platform_intr *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->state_lock, flags);
	if (!irq->disabled) {
		if (irq->signal)
			disable_irq_nosync(irq->linux_irq);
		irq->disabled = true;
	}
	spin_unlock_irqrestore(&irq->state_lock, flags);
}

static void vfio_platform_unmask(struct vfio_platform_intr *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->state_lock, flags);
	if (irq->disabled) {
		if (irq->signal)
			enable_irq(irq->linux_irq);
		irq->disabled = false;
	}
	spin_unlock_irqrestore(&irq->state_lock, flags);
}

/* virqfd handlers: they run in the eventfd's wakeup path. */
static int vfio_platform_mask_handler(void *opaque, void *data)
{
	vfio_platform_mask(data);
	return 0;
}

static int vfio_platform_unmask_handler(void *opaque, void *data)
{
	vfio_platform_unmask(data);
	return 0;
}

static irqreturn_t vfio_platform_level_handler(int hwirq, void *dev_id)
{
	struct vfio_platform_intr *irq = dev_id;
	struct eventfd_ctx *trigger = NULL;
	unsigned long flags;

	spin_lock_irqsave(&irq->state_lock, flags);
	if (!irq->disabled && irq->signal) {
		/* Automask: the device keeps the line up until serviced. */
		disable_irq_nosync(irq->linux_irq);
		irq->disabled = true;
		trigger = irq->signal;
	}
	spin_unlock_irqrestore(&irq->state_lock, flags);

	if (!trigger)
		return IRQ_NONE;
	kc_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static irqreturn_t vfio_platform_edge_handler(int hwirq, void *dev_id)
{
	struct vfio_platform_intr *irq = dev_id;
	struct eventfd_ctx *trigger = READ_ONCE(irq->signal);

	if (!trigger)
		return IRQ_NONE;
	kc_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static bool vfio_platform_irq_is_level(struct vfio_platform_intr *irq)
{
	return irq->level;
}

/*
 * Point the interrupt at the eventfd @fd, or at nothing for -1.  The line
 * is requested only while there is an eventfd, and comes up masked if
 * userspace masked it before.
 */
static int vfio_platform_set_trigger(struct vfio_platform_device *vdev,
				     struct vfio_platform_intr *irq, s32 fd)
{
	irq_handler_t handler = vfio_platform_irq_is_level(irq) ?
		vfio_platform_level_handler : vfio_platform_edge_handler;
	struct eventfd_ctx *trigger;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&vdev->intr_lock);

	if (irq->signal) {
		/* Cleared first, so mask and unmask leave the line alone. */
		spin_lock_irqsave(&irq->state_lock, flags);
		trigger = irq->signal;
		irq->signal = NULL;
		spin_unlock_irqrestore(&irq->state_lock, flags);
		free_irq(irq->linux_irq, irq);
		kfree(irq->label);
		irq->label = NULL;
		eventfd_ctx_put(trigger);
	}
	if (fd < 0)
		return 0;

	irq->label = kasprintf(GFP_KERNEL, "vfio-irq[%d](%s)", irq->linux_irq,
			      vdev->label);
	if (!irq->label)
		return -ENOMEM;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger)) {
		ret = PTR_ERR(trigger);
		goto err_free_name;
	}

	/* Set before the line can fire; the handler reads it. */
	spin_lock_irqsave(&irq->state_lock, flags);
	irq->signal = trigger;
	spin_unlock_irqrestore(&irq->state_lock, flags);

	irq_set_status_flags(irq->linux_irq, IRQ_NOAUTOEN);
	ret = request_irq(irq->linux_irq, handler, 0, irq->label, irq);
	irq_clear_status_flags(irq->linux_irq, IRQ_NOAUTOEN);
	if (ret)
		goto err_put_trigger;

	spin_lock_irqsave(&irq->state_lock, flags);
	if (!irq->disabled)
		enable_irq(irq->linux_irq);
	spin_unlock_irqrestore(&irq->state_lock, flags);
	return 0;

err_put_trigger:
	irq->signal = NULL;
	eventfd_ctx_put(trigger);
err_free_name:
	kfree(irq->label);
	irq->label = NULL;
	return ret;
}

static int vfio_platform_set_irq_mask(struct vfio_platform_device *vdev,
				      struct vfio_platform_intr *irq,
				      u32 flags, void *data)
{
	if (!irq->level)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd >= 0)
			return vfio_virqfd_enable(vdev, vfio_platform_mask_handler,
						  NULL, irq, &irq->mask_fd, fd);
		vfio_virqfd_disable(&irq->mask_fd);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		vfio_platform_mask(irq);
	return 0;
}

static int vfio_platform_set_irq_unmask(struct vfio_platform_device *vdev,
					struct vfio_platform_intr *irq,
					u32 flags, void *data)
{
	if (!irq->level)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd >= 0)
			return vfio_virqfd_enable(vdev,
						  vfio_platform_unmask_handler,
						  NULL, irq, &irq->unmask_fd, fd);
		vfio_virqfd_disable(&irq->unmask_fd);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		vfio_platform_unmask(irq);
	return 0;
}

static int vfio_platform_set_irq_trigger(struct vfio_platform_device *vdev,
					 struct vfio_platform_intr *irq,
					 unsigned int count, u32 flags,
					 void *data)
{
	irq_handler_t handler = vfio_platform_irq_is_level(irq) ?
		vfio_platform_level_handler : vfio_platform_edge_handler;

	/* DATA_NONE with no count tears the trigger down. */
	if (!count && (flags & VFIO_IRQ_SET_DATA_NONE))
		return vfio_platform_set_trigger(vdev, irq, -1);

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return vfio_platform_set_trigger(vdev, irq, *(s32 *)data);

	/* NONE or BOOL true: userspace fires the interrupt itself. */
	if (!irq->signal)
		return 0;
	if (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		handler(irq->linux_irq, irq);
	return 0;
}

/**
 * vfio_platform_set_irqs - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: the device
 * @req: the request, its index checked against nr_intr, its count 0 or 1
 * @data: one bool or eventfd number, unused for DATA_NONE
 *
 * Return: 0 or a negative errno.
 */
int vfio_platform_set_irqs(struct vfio_platform_device *vdev,
			   const struct vfio_irq_set *req, const void *data)
{
	struct vfio_platform_intr *irq = &vdev->intr[req->index];
	u32 action = req->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	void *arg = (void *)data;
	int ret = 0;

	mutex_lock(&vdev->intr_lock);
	if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
		ret = vfio_platform_set_irq_trigger(vdev, irq, req->count,
						    req->flags, arg);
	else if (!req->count)
		ret = 0;	/* masking no vector is a no-op */
	else if (action == VFIO_IRQ_SET_ACTION_MASK)
		ret = vfio_platform_set_irq_mask(vdev, irq, req->flags, arg);
	else if (action == VFIO_IRQ_SET_ACTION_UNMASK)
		ret = vfio_platform_set_irq_unmask(vdev, irq, req->flags, arg);
	else
		ret = -ENOTTY;
	mutex_unlock(&vdev->intr_lock);
	return ret;
}

/**
 * vfio_platform_irq_init - find the device's interrupts
 * @vdev: the device
 *
 * Return: 0, -ENOMEM, or -EINVAL if an interrupt cannot be mapped.
 */
int vfio_platform_irq_init(struct vfio_platform_device *vdev)
{
	int cnt = 0, i;

	while (vdev->bus->irq(vdev->dev, cnt) >= 0)
		cnt++;

	vdev->intr = kcalloc(cnt, sizeof(*vdev->intr), GFP_KERNEL);
	if (cnt && !vdev->intr)
		return -ENOMEM;

	for (i = 0; i < cnt; i++) {
		struct vfio_platform_intr *irq = &vdev->intr[i];
		int hwirq = vdev->bus->irq(vdev->dev, i);

		if (hwirq <= 0) {
			kfree(vdev->intr);
			vdev->intr = NULL;
			return -EINVAL;
		}
		spin_lock_init(&irq->state_lock);
		irq->linux_irq = hwirq;
		irq->level = irq_get_trigger_type(hwirq) & IRQ_TYPE_LEVEL_MASK;
	}
	vdev->nr_intr = cnt;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_platform_irq_init);

/**
 * vfio_platform_irq_cleanup - free the interrupts and their eventfds
 * @vdev: the device, no longer open
 */
void vfio_platform_irq_cleanup(struct vfio_platform_device *vdev)
{
	u32 i;

	mutex_lock(&vdev->intr_lock);
	for (i = 0; i < vdev->nr_intr; i++) {
		struct vfio_platform_intr *irq = &vdev->intr[i];

		vfio_virqfd_disable(&irq->mask_fd);
		vfio_virqfd_disable(&irq->unmask_fd);
		vfio_platform_set_trigger(vdev, irq, -1);
	}
	mutex_unlock(&vdev->intr_lock);

	vdev->nr_intr = 0;
	kfree(vdev->intr);
	vdev->intr = NULL;
}
EXPORT_SYMBOL_GPL(vfio_platform_irq_cleanup);
