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
static void vfio_platform_mask(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (!irq->masked) {
		if (irq->trigger)
			disable_irq_nosync(irq->hwirq);
		irq->masked = true;
	}
	spin_unlock_irqrestore(&irq->lock, flags);
}

static void vfio_platform_unmask(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (irq->masked) {
		if (irq->trigger)
			enable_irq(irq->hwirq);
		irq->masked = false;
	}
	spin_unlock_irqrestore(&irq->lock, flags);
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
	struct vfio_platform_irq *irq = dev_id;
	struct eventfd_ctx *trigger = NULL;
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (!irq->masked && irq->trigger) {
		/* Automask: the device keeps the line up until serviced. */
		disable_irq_nosync(irq->hwirq);
		irq->masked = true;
		trigger = irq->trigger;
	}
	spin_unlock_irqrestore(&irq->lock, flags);

	if (!trigger)
		return IRQ_NONE;
	kc_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static irqreturn_t vfio_platform_edge_handler(int hwirq, void *dev_id)
{
	struct vfio_platform_irq *irq = dev_id;
	struct eventfd_ctx *trigger = READ_ONCE(irq->trigger);

	if (!trigger)
		return IRQ_NONE;
	kc_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static bool vfio_platform_irq_is_level(struct vfio_platform_irq *irq)
{
	return irq->flags & VFIO_IRQ_INFO_AUTOMASKED;
}

/*
 * Point the interrupt at the eventfd @fd, or at nothing for -1.  The line
 * is requested only while there is an eventfd, and comes up masked if
 * userspace masked it before.
 */
static int vfio_platform_set_trigger(struct vfio_platform_device *vdev,
				     struct vfio_platform_irq *irq, s32 fd)
{
	irq_handler_t handler = vfio_platform_irq_is_level(irq) ?
		vfio_platform_level_handler : vfio_platform_edge_handler;
	struct eventfd_ctx *trigger;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&vdev->igate);

	if (irq->trigger) {
		/* Cleared first, so mask and unmask leave the line alone. */
		spin_lock_irqsave(&irq->lock, flags);
		trigger = irq->trigger;
		irq->trigger = NULL;
		spin_unlock_irqrestore(&irq->lock, flags);
		free_irq(irq->hwirq, irq);
		kfree(irq->name);
		irq->name = NULL;
		eventfd_ctx_put(trigger);
	}
	if (fd < 0)
		return 0;

	irq->name = kasprintf(GFP_KERNEL, "vfio-irq[%d](%s)", irq->hwirq,
			      vdev->name);
	if (!irq->name)
		return -ENOMEM;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger)) {
		ret = PTR_ERR(trigger);
		goto err_free_name;
	}

	/* Set before the line can fire; the handler reads it. */
	spin_lock_irqsave(&irq->lock, flags);
	irq->trigger = trigger;
	spin_unlock_irqrestore(&irq->lock, flags);

	irq_set_status_flags(irq->hwirq, IRQ_NOAUTOEN);
	ret = request_irq(irq->hwirq, handler, 0, irq->name, irq);
	irq_clear_status_flags(irq->hwirq, IRQ_NOAUTOEN);
	if (ret)
		goto err_put_trigger;

	spin_lock_irqsave(&irq->lock, flags);
	if (!irq->masked)
		enable_irq(irq->hwirq);
	spin_unlock_irqrestore(&irq->lock, flags);
	return 0;

err_put_trigger:
	irq->trigger = NULL;
	eventfd_ctx_put(trigger);
err_free_name:
	kfree(irq->name);
	irq->name = NULL;
	return ret;
}

static int vfio_platform_set_irq_mask(struct vfio_platform_device *vdev,
				      struct vfio_platform_irq *irq,
				      u32 flags, void *data)
{
	if (!(irq->flags & VFIO_IRQ_INFO_MASKABLE))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd >= 0)
			return vfio_virqfd_enable(vdev, vfio_platform_mask_handler,
						  NULL, irq, &irq->mask, fd);
		vfio_virqfd_disable(&irq->mask);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		vfio_platform_mask(irq);
	return 0;
}

static int vfio_platform_set_irq_unmask(struct vfio_platform_device *vdev,
					struct vfio_platform_irq *irq,
					u32 flags, void *data)
{
	if (!(irq->flags & VFIO_IRQ_INFO_MASKABLE))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd >= 0)
			return vfio_virqfd_enable(vdev,
						  vfio_platform_unmask_handler,
						  NULL, irq, &irq->unmask, fd);
		vfio_virqfd_disable(&irq->unmask);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		vfio_platform_unmask(irq);
	return 0;
}

static int vfio_platform_set_irq_trigger(struct vfio_platform_device *vdev,
					 struct vfio_platform_irq *irq,
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
	if (!irq->trigger)
		return 0;
	if (flags & VFIO_IRQ_SET_DATA_NONE || *(u8 *)data)
		handler(irq->hwirq, irq);
	return 0;
}

/**
 * vfio_platform_set_irqs_ioctl - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: the device
 * @flags: the request's flags (one action, one data type)
 * @index: the IRQ index, already checked against num_irqs
 * @start: first vector (always 0 here)
 * @count: vectors (0 or 1 here)
 * @data: @count bools or eventfds, or NULL for DATA_NONE
 *
 * Context: called with @vdev->igate held.
 * Return: 0 or a negative errno.
 */
int vfio_platform_set_irqs_ioctl(struct vfio_platform_device *vdev,
				 u32 flags, unsigned int index,
				 unsigned int start, unsigned int count,
				 void *data)
{
	struct vfio_platform_irq *irq = &vdev->irqs[index];

	lockdep_assert_held(&vdev->igate);

	switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
		return count ? vfio_platform_set_irq_mask(vdev, irq, flags,
							  data) : 0;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		return count ? vfio_platform_set_irq_unmask(vdev, irq, flags,
							    data) : 0;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return vfio_platform_set_irq_trigger(vdev, irq, count, flags,
						     data);
	}
	return -ENOTTY;
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

	while (vdev->get_irq(vdev, cnt) >= 0)
		cnt++;

	vdev->irqs = kcalloc(cnt, sizeof(*vdev->irqs), GFP_KERNEL);
	if (cnt && !vdev->irqs)
		return -ENOMEM;

	for (i = 0; i < cnt; i++) {
		struct vfio_platform_irq *irq = &vdev->irqs[i];
		int hwirq = vdev->get_irq(vdev, i);

		if (hwirq <= 0) {
			kfree(vdev->irqs);
			vdev->irqs = NULL;
			return -EINVAL;
		}
		spin_lock_init(&irq->lock);
		irq->hwirq = hwirq;
		irq->count = 1;
		irq->flags = VFIO_IRQ_INFO_EVENTFD;
		if (irq_get_trigger_type(hwirq) & IRQ_TYPE_LEVEL_MASK)
			irq->flags |= VFIO_IRQ_INFO_MASKABLE |
				      VFIO_IRQ_INFO_AUTOMASKED;
	}
	vdev->num_irqs = cnt;
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

	mutex_lock(&vdev->igate);
	for (i = 0; i < vdev->num_irqs; i++) {
		struct vfio_platform_irq *irq = &vdev->irqs[i];

		vfio_virqfd_disable(&irq->mask);
		vfio_virqfd_disable(&irq->unmask);
		vfio_platform_set_trigger(vdev, irq, -1);
	}
	mutex_unlock(&vdev->igate);

	vdev->num_irqs = 0;
	kfree(vdev->irqs);
	vdev->irqs = NULL;
}
EXPORT_SYMBOL_GPL(vfio_platform_irq_cleanup);
