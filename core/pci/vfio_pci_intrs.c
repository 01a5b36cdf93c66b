// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: the device's interrupts, relayed to the user's eventfds.
 *
 * INTx is level triggered and possibly shared, so the host masks it when
 * it fires (with the INTx disable bit of the command register when the
 * device has one, pci_2_3, or else at the interrupt controller) and the
 * user unmasks it once it has serviced the device: by VFIO_DEVICE_SET_IRQS
 * or by signalling an unmask eventfd (a virqfd).  MSI and MSI-X vectors
 * each get an eventfd; they need no masking.  ERR and REQ are eventfds the
 * core signals on AER errors and unbind requests.
 *
 * Everything here runs under vdev->igate except the interrupt handler and
 * the virqfd callbacks, which take vdev->irqlock.
 */
#include <linux/pci.h>
#include <linux/interrupt.h>
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/file.h>
#include <linux/rcupdate.h>
#include <compat/kcompat.h>

#include "vfio_pci_priv.h"
#include "vfio_pci_config.h"

/**
 * vfio_pci_get_irq_count - vectors the device offers for an irq index
 * @vdev: the device
 * @irq_type: VFIO_PCI_*_IRQ_INDEX
 *
 * Return: the count (0 when the index does not apply).
 */
int vfio_pci_get_irq_count(struct vfio_pci_core_device *vdev, int irq_type)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 flags;
	u8 pin;

	switch (irq_type) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (vdev->nointx || pdev->is_virtfn)
			return 0;
		pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin);
		return pin ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!pdev->msi_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS,
				     &flags);
		return 1 << ((flags & PCI_MSI_FLAGS_QMASK) >> 1);
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (!pdev->msix_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				     &flags);
		return (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/* ----------------------------------------------------------------- INTx */

/*
 * Tell the user INTx fired.  The trigger and the context may be changed
 * or freed by SET_IRQS while a virqfd thread or the config code gets
 * here, so both are looked at under irqlock only; but the eventfd is
 * signalled after irqlock is dropped.  A virqfd's handler runs under its
 * eventfd's wait-queue lock and takes irqlock, so signalling under
 * irqlock would order the two locks both ways (a deadlock when one
 * eventfd is both trigger and unmask).  The RCU read section keeps the
 * trigger alive meanwhile: vfio_intx_put_trigger() waits for it.
 */
static void vfio_send_intx_eventfd(void *opaque, void *unused)
{
	struct vfio_pci_core_device *vdev = opaque;
	struct eventfd_ctx *trigger = NULL;
	unsigned long flags;

	rcu_read_lock();
	spin_lock_irqsave(&vdev->irqlock, flags);
	if (likely(is_intx(vdev) && !vdev->virq_disabled))
		trigger = vdev->ctx[0].trigger;
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	if (trigger)
		kc_eventfd_signal(trigger);
	rcu_read_unlock();
}

/* Release a trigger already cleared from the context (under irqlock). */
static void vfio_intx_put_trigger(struct eventfd_ctx *trigger)
{
	synchronize_rcu();
	eventfd_ctx_put(trigger);
}

/* Mask INTx; the caller holds irqlock. */
static void __vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	lockdep_assert_held(&vdev->irqlock);

	if (!is_intx(vdev) || vdev->ctx[0].masked)
		return;
	if (vdev->pci_2_3)
		pci_intx(pdev, 0);
	else
		disable_irq_nosync(pdev->irq);
	vdev->ctx[0].masked = true;
}

/**
 * vfio_pci_intx_mask - mask INTx for the user
 * @vdev: the device
 *
 * Also used by the config code when the user sets the INTx disable bit.
 */
void vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (is_intx(vdev))
		__vfio_pci_intx_mask(vdev);
	spin_unlock_irqrestore(&vdev->irqlock, flags);
}

/*
 * Unmask INTx.  Return 1 if the device still asserts it: the interrupt is
 * then left masked and the user must be told once more.
 */
static int vfio_pci_intx_unmask_handler(void *opaque, void *unused)
{
	struct vfio_pci_core_device *vdev = opaque;
	struct pci_dev *pdev = vdev->pdev;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (!is_intx(vdev) || !vdev->ctx[0].masked || vdev->virq_disabled)
		goto out_unlock;

	if (vdev->pci_2_3) {
		/* Pending means the level is still up: keep it masked. */
		if (!pci_check_and_unmask_intx(pdev)) {
			ret = 1;
			goto out_unlock;
		}
	} else {
		enable_irq(pdev->irq);
	}
	vdev->ctx[0].masked = false;
out_unlock:
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return ret;
}

/**
 * vfio_pci_intx_unmask - unmask INTx for the user
 * @vdev: the device
 *
 * If the device still asserts INTx, the user's trigger is signalled again
 * instead.
 */
void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev)
{
	if (vfio_pci_intx_unmask_handler(vdev, NULL) > 0)
		vfio_send_intx_eventfd(vdev, NULL);
}

/*
 * Two handlers, picked when the irq is requested.  A device with the
 * INTx disable bit (pci_2_3) may share its line: it is ours only if the
 * device says so, and it is masked at the device.  Without the bit the
 * line is exclusive, so every interrupt is ours and is masked at the
 * interrupt controller.
 */
static irqreturn_t vfio_intx_handler_shared(int irq, void *dev_id)
{
	struct vfio_pci_core_device *vdev = dev_id;
	bool ours;

	spin_lock(&vdev->irqlock);
	ours = !vdev->ctx[0].masked && pci_check_and_mask_intx(vdev->pdev);
	if (ours)
		vdev->ctx[0].masked = true;
	spin_unlock(&vdev->irqlock);

	if (!ours)
		return IRQ_NONE;
	vfio_send_intx_eventfd(vdev, NULL);
	return IRQ_HANDLED;
}

static irqreturn_t vfio_intx_handler_exclusive(int irq, void *dev_id)
{
	struct vfio_pci_core_device *vdev = dev_id;

	spin_lock(&vdev->irqlock);
	disable_irq_nosync(irq);
	vdev->ctx[0].masked = true;
	spin_unlock(&vdev->irqlock);

	vfio_send_intx_eventfd(vdev, NULL);
	return IRQ_HANDLED;
}

/*
 * Drop the current trigger, if any.  The pointer is cleared under irqlock
 * first, then the unmask virqfd's thread is flushed, so nobody can still
 * be signalling the eventfd when its reference goes.
 */
static void vfio_intx_drop_signal(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[0];
	struct eventfd_ctx *old;
	unsigned long flags;

	lockdep_assert_held(&vdev->igate);
	if (!ctx->trigger)
		return;
	free_irq(vdev->pdev->irq, vdev);

	spin_lock_irqsave(&vdev->irqlock, flags);
	old = ctx->trigger;
	ctx->trigger = NULL;
	spin_unlock_irqrestore(&vdev->irqlock, flags);

	vfio_virqfd_flush_thread(&ctx->unmask);
	vfio_intx_put_trigger(old);
	kfree(ctx->name);
	ctx->name = NULL;
}

static int vfio_intx_set_signal(struct vfio_pci_core_device *vdev, int fd)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[0];
	struct pci_dev *pdev = vdev->pdev;
	struct eventfd_ctx *trigger;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&vdev->igate);
	vfio_intx_drop_signal(vdev);
	if (fd < 0)
		return 0;

	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-intx(%s)",
			      pci_name(pdev));
	if (!ctx->name)
		return -ENOMEM;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger)) {
		ret = PTR_ERR(trigger);
		goto err_free_name;
	}
	spin_lock_irqsave(&vdev->irqlock, flags);
	ctx->trigger = trigger;
	spin_unlock_irqrestore(&vdev->irqlock, flags);

	/*
	 * Without the INTx disable bit the line cannot be shared, and it is
	 * masked at the interrupt controller: keep it off until we know
	 * whether the user had it masked, so the disable depth stays one.
	 */
	if (vdev->pci_2_3)
		ret = request_irq(pdev->irq, vfio_intx_handler_shared,
				  IRQF_SHARED, ctx->name, vdev);
	else
		ret = request_irq(pdev->irq, vfio_intx_handler_exclusive,
				  IRQF_NO_AUTOEN, ctx->name, vdev);
	if (ret)
		goto err_clear_trigger;

	if (!vdev->pci_2_3) {
		spin_lock_irqsave(&vdev->irqlock, flags);
		if (!ctx->masked)
			enable_irq(pdev->irq);
		spin_unlock_irqrestore(&vdev->irqlock, flags);
	}
	return 0;

err_clear_trigger:
	spin_lock_irqsave(&vdev->irqlock, flags);
	ctx->trigger = NULL;
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	vfio_intx_put_trigger(trigger);
err_free_name:
	kfree(ctx->name);
	ctx->name = NULL;
	return ret;
}

static int vfio_intx_enable(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;

	lockdep_assert_held(&vdev->igate);
	if (!is_irq_none(vdev))
		return -EINVAL;
	if (!vdev->pdev->irq)
		return -ENODEV;

	vdev->ctx = kzalloc(sizeof(*vdev->ctx), GFP_KERNEL_ACCOUNT);
	if (!vdev->ctx)
		return -ENOMEM;
	vdev->num_ctx = 1;

	/*
	 * With the INTx disable bit the mask state lives in the device:
	 * take over whatever the user asked for through config space.
	 */
	vdev->ctx[0].masked = vdev->virq_disabled;
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, !vdev->ctx[0].masked);

	/* Published under irqlock: see vfio_intx_disable(). */
	spin_lock_irqsave(&vdev->irqlock, flags);
	vdev->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return 0;
}

static void vfio_intx_disable(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = vdev->ctx;
	unsigned long flags;

	lockdep_assert_held(&vdev->igate);
	vfio_virqfd_disable(&ctx[0].unmask);
	vfio_virqfd_disable(&ctx[0].mask);
	vfio_intx_drop_signal(vdev);
	/* Leave the line masked at the device while nobody listens. */
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, 0);

	/*
	 * The config code masks and unmasks without igate; under irqlock
	 * it sees either INTx with its context or no INTx at all.
	 */
	spin_lock_irqsave(&vdev->irqlock, flags);
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->num_ctx = 0;
	vdev->ctx = NULL;
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	kfree(ctx);
}

/* -------------------------------------------------------------- MSI(-X) */

static irqreturn_t vfio_msihandler(int irq, void *arg)
{
	struct eventfd_ctx *trigger = arg;

	kc_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static int vfio_msi_enable(struct vfio_pci_core_device *vdev, int nvec,
			   bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int flag = msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI;
	int ret;
	u16 cmd;

	lockdep_assert_held(&vdev->igate);
	if (!is_irq_none(vdev))
		return -EINVAL;

	vdev->ctx = kcalloc(nvec, sizeof(*vdev->ctx), GFP_KERNEL_ACCOUNT);
	if (!vdev->ctx)
		return -ENOMEM;

	/* The MSI-X table is in a BAR: memory decode must be on. */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	ret = pci_alloc_irq_vectors(pdev, 1, nvec, flag);
	if (ret < nvec) {
		if (ret > 0)
			pci_free_irq_vectors(pdev);
		vfio_pci_memory_unlock_and_restore(vdev, cmd);
		kfree(vdev->ctx);
		vdev->ctx = NULL;
		return ret < 0 ? ret : -ENOSPC;
	}
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	vdev->num_ctx = nvec;
	vdev->irq_type = msix ? VFIO_PCI_MSIX_IRQ_INDEX :
				VFIO_PCI_MSI_IRQ_INDEX;
	if (!msix) {
		/* What the user sees as enabled vectors (Multiple Message Enable). */
		vdev->msi_qmax = fls(nvec * 2 - 1) - 1;
	}
	return 0;
}

static int vfio_msi_set_vector_signal(struct vfio_pci_core_device *vdev,
				      int vector, int fd, bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	struct eventfd_ctx *trigger;
	int irq, ret;
	u16 cmd;

	lockdep_assert_held(&vdev->igate);
	if (vector < 0 || vector >= vdev->num_ctx)
		return -EINVAL;
	ctx = &vdev->ctx[vector];

	irq = pci_irq_vector(pdev, vector);
	if (ctx->trigger) {
		free_irq(irq, ctx->trigger);
		kfree(ctx->name);
		ctx->name = NULL;
		eventfd_ctx_put(ctx->trigger);
		ctx->trigger = NULL;
	}
	if (fd < 0)
		return 0;

	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi%s[%d](%s)",
			      msix ? "x" : "", vector, pci_name(pdev));
	if (!ctx->name)
		return -ENOMEM;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger)) {
		ret = PTR_ERR(trigger);
		goto err_free_name;
	}

	/*
	 * A reset may have cleared the MSI-X table behind the irq core's
	 * back; write the cached message again before the vector is used.
	 */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	if (msix) {
		struct msi_msg msg;

		get_cached_msi_msg(irq, &msg);
		pci_write_msi_msg(irq, &msg);
	}
	ret = request_irq(irq, vfio_msihandler, 0, ctx->name, trigger);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	if (ret)
		goto err_put_trigger;

	ctx->trigger = trigger;
	return 0;

err_put_trigger:
	eventfd_ctx_put(trigger);
err_free_name:
	kfree(ctx->name);
	ctx->name = NULL;
	return ret;
}

/*
 * Give vectors [start, start + count) the eventfds in @fds (-1: none; a
 * NULL @fds tears them all down).  All or nothing: if one vector fails,
 * those this call already set are torn down again.
 */
static int vfio_msi_set_block(struct vfio_pci_core_device *vdev,
			      unsigned int start, unsigned int count,
			      s32 *fds, bool msix)
{
	unsigned int n;
	int ret;

	if (start >= vdev->num_ctx || count > vdev->num_ctx - start)
		return -EINVAL;

	for (n = 0; n < count; n++) {
		ret = vfio_msi_set_vector_signal(vdev, start + n,
						 fds ? fds[n] : -1, msix);
		if (ret)
			goto err_unset_done;
	}
	return 0;

err_unset_done:
	while (n--)
		vfio_msi_set_vector_signal(vdev, start + n, -1, msix);
	return ret;
}

static void vfio_msi_disable(struct vfio_pci_core_device *vdev, bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	int i;
	u16 cmd;

	lockdep_assert_held(&vdev->igate);
	for (i = 0; i < vdev->num_ctx; i++) {
		vfio_virqfd_disable(&vdev->ctx[i].unmask);
		vfio_virqfd_disable(&vdev->ctx[i].mask);
	}
	vfio_msi_set_block(vdev, 0, vdev->num_ctx, NULL, msix);

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	pci_free_irq_vectors(pdev);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	/* MSI off: INTx would be live again; keep it masked. */
	if (vdev->pci_2_3)
		pci_intx(pdev, 0);

	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->num_ctx = 0;
	kfree(vdev->ctx);
	vdev->ctx = NULL;
}

/* ------------------------------------------------- SET_IRQS per action */

/* DATA_NONE, or DATA_BOOL with a true first byte: "do it". */
static bool vfio_irq_set_do(u32 flags, void *data)
{
	if (flags & VFIO_IRQ_SET_DATA_NONE)
		return true;
	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		return *(u8 *)data;
	return false;
}

static int vfio_pci_set_intx_unmask(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	if (!is_intx(vdev) || start != 0 || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd >= 0)
			return vfio_virqfd_enable(vdev,
						  vfio_pci_intx_unmask_handler,
						  vfio_send_intx_eventfd, NULL,
						  &vdev->ctx[0].unmask, fd);
		vfio_virqfd_disable(&vdev->ctx[0].unmask);
		return 0;
	}
	if (vfio_irq_set_do(flags, data))
		vfio_pci_intx_unmask(vdev);
	return 0;
}

static int vfio_pci_set_intx_mask(struct vfio_pci_core_device *vdev,
				  unsigned int index, unsigned int start,
				  unsigned int count, u32 flags, void *data)
{
	if (!is_intx(vdev) || start != 0 || count != 1)
		return -EINVAL;

	/* Masking by eventfd would need a handler nobody has asked for. */
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;
	if (vfio_irq_set_do(flags, data))
		vfio_pci_intx_mask(vdev);
	return 0;
}

static int vfio_pci_set_intx_trigger(struct vfio_pci_core_device *vdev,
				     unsigned int index, unsigned int start,
				     unsigned int count, u32 flags, void *data)
{
	int ret;

	if (is_intx(vdev) && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_intx_disable(vdev);
		return 0;
	}
	if (!(is_intx(vdev) || is_irq_none(vdev)) || start != 0 || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (is_intx(vdev))
			return vfio_intx_set_signal(vdev, fd);
		if (fd < 0)
			return 0;
		ret = vfio_intx_enable(vdev);
		if (ret)
			return ret;
		ret = vfio_intx_set_signal(vdev, fd);
		if (ret)
			vfio_intx_disable(vdev);
		return ret;
	}

	if (!is_intx(vdev))
		return -EINVAL;
	/* Loopback: the user fires its own trigger. */
	if (vfio_irq_set_do(flags, data))
		vfio_send_intx_eventfd(vdev, NULL);
	return 0;
}

static int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	bool msix = index == VFIO_PCI_MSIX_IRQ_INDEX;
	unsigned int i;
	int ret;

	if (vdev->irq_type == index && !count &&
	    (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_msi_disable(vdev, msix);
		return 0;
	}
	if (!(vdev->irq_type == index || is_irq_none(vdev)))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 *fds = data;

		if (vdev->irq_type == index)
			return vfio_msi_set_block(vdev, start, count, fds,
						  msix);
		ret = vfio_msi_enable(vdev, start + count, msix);
		if (ret)
			return ret;
		ret = vfio_msi_set_block(vdev, start, count, fds, msix);
		if (ret)
			vfio_msi_disable(vdev, msix);
		return ret;
	}

	if (vdev->irq_type != index || start + count > vdev->num_ctx)
		return -EINVAL;
	/* Loopback, vector by vector. */
	for (i = start; i < start + count; i++) {
		if (!vdev->ctx[i].trigger)
			continue;
		if (flags & VFIO_IRQ_SET_DATA_NONE ||
		    ((u8 *)data)[i - start])
			kc_eventfd_signal(vdev->ctx[i].trigger);
	}
	return 0;
}

/* ERR and REQ: one eventfd each, set, dropped or fired by the user. */
static int vfio_pci_set_ctx_trigger_single(struct eventfd_ctx **ctx,
					   unsigned int count, u32 flags,
					   void *data)
{
	struct eventfd_ctx *efd;
	s32 fd;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!count) {
			if (*ctx)
				eventfd_ctx_put(*ctx);
			*ctx = NULL;
			return 0;
		}
		if (count != 1)
			return -EINVAL;
		if (*ctx)
			kc_eventfd_signal(*ctx);
		return 0;
	}
	if (count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data && *ctx)
			kc_eventfd_signal(*ctx);
		return 0;
	}

	fd = *(s32 *)data;
	if (fd == -1) {
		if (*ctx)
			eventfd_ctx_put(*ctx);
		*ctx = NULL;
		return 0;
	}
	if (fd < 0)
		return -EINVAL;
	efd = eventfd_ctx_fdget(fd);
	if (IS_ERR(efd))
		return PTR_ERR(efd);
	if (*ctx)
		eventfd_ctx_put(*ctx);
	*ctx = efd;
	return 0;
}

static int vfio_pci_set_err_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	if (index != VFIO_PCI_ERR_IRQ_INDEX || start != 0 || count > 1)
		return -EINVAL;
	return vfio_pci_set_ctx_trigger_single(&vdev->err_trigger, count,
					       flags, data);
}

static int vfio_pci_set_req_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	if (index != VFIO_PCI_REQ_IRQ_INDEX || start != 0 || count > 1)
		return -EINVAL;
	return vfio_pci_set_ctx_trigger_single(&vdev->req_trigger, count,
					       flags, data);
}

typedef int (*vfio_pci_set_irqs_fn)(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data);

enum { VFIO_PCI_ACT_MASK, VFIO_PCI_ACT_UNMASK, VFIO_PCI_ACT_TRIGGER,
       VFIO_PCI_NUM_ACTS };

/* What each irq index supports; a hole means -ENOTTY. */
static const vfio_pci_set_irqs_fn
vfio_pci_irq_actions[VFIO_PCI_NUM_IRQS][VFIO_PCI_NUM_ACTS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = {
		[VFIO_PCI_ACT_MASK]	= vfio_pci_set_intx_mask,
		[VFIO_PCI_ACT_UNMASK]	= vfio_pci_set_intx_unmask,
		[VFIO_PCI_ACT_TRIGGER]	= vfio_pci_set_intx_trigger,
	},
	[VFIO_PCI_MSI_IRQ_INDEX] = {
		[VFIO_PCI_ACT_TRIGGER]	= vfio_pci_set_msi_trigger,
	},
	[VFIO_PCI_MSIX_IRQ_INDEX] = {
		[VFIO_PCI_ACT_TRIGGER]	= vfio_pci_set_msi_trigger,
	},
	[VFIO_PCI_ERR_IRQ_INDEX] = {
		[VFIO_PCI_ACT_TRIGGER]	= vfio_pci_set_err_trigger,
	},
	[VFIO_PCI_REQ_IRQ_INDEX] = {
		[VFIO_PCI_ACT_TRIGGER]	= vfio_pci_set_req_trigger,
	},
};

static int vfio_pci_irq_action(u32 flags)
{
	switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
		return VFIO_PCI_ACT_MASK;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		return VFIO_PCI_ACT_UNMASK;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return VFIO_PCI_ACT_TRIGGER;
	}
	return -1;
}

/**
 * vfio_pci_set_irqs_ioctl - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: the device
 * @flags: VFIO_IRQ_SET_DATA_* | VFIO_IRQ_SET_ACTION_*
 * @index: VFIO_PCI_*_IRQ_INDEX
 * @start: first vector
 * @count: number of vectors
 * @data: @count bools or eventfds, per @flags; NULL for DATA_NONE
 *
 * Caller holds igate.
 *
 * Return: 0 or a negative errno (-ENOTTY for actions the index lacks).
 */
int vfio_pci_set_irqs_ioctl(struct vfio_pci_core_device *vdev, u32 flags,
			    unsigned int index, unsigned int start,
			    unsigned int count, void *data)
{
	int act = vfio_pci_irq_action(flags);
	vfio_pci_set_irqs_fn func;

	lockdep_assert_held(&vdev->igate);

	/* Disabling "no irq type" (at close) has nothing to do. */
	if (index == VFIO_PCI_NUM_IRQS)
		return 0;
	if (index > VFIO_PCI_NUM_IRQS || act < 0)
		return -ENOTTY;
	/* AER reporting needs a PCIe device. */
	if (index == VFIO_PCI_ERR_IRQ_INDEX && !pci_is_pcie(vdev->pdev))
		return -ENOTTY;

	func = vfio_pci_irq_actions[index][act];
	if (!func)
		return -ENOTTY;
	return func(vdev, index, start, count, flags, data);
}
