// SPDX-License-Identifier: GPL-2.0-only
/*
 * virqfd: run a driver callback when userspace signals an eventfd, the way
 * KVM's irqfd injects interrupts.  Drivers use it to unmask a level
 * interrupt on a write to an eventfd instead of an ioctl.
 *
 * A signal runs handler() in the eventfd's wakeup path, which is atomic;
 * handler() returning nonzero (or having no handler()) queues thread() on
 * a workqueue.  Closing the eventfd (EPOLLHUP) or vfio_virqfd_disable()
 * tears the virqfd down from our own workqueue.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#define DRIVER_DESC	"IRQFD support for VFIO bus drivers"
#define DRIVER_VERSION	"0.1"

/* Runs teardowns and flushes; flushing it waits for all of them. */
static struct workqueue_struct *vfio_irqfd_cleanup_wq;

/*
 * Protects every driver's *pvirqfd pointer: whoever clears it under this
 * lock owns the teardown, so the EPOLLHUP path and vfio_virqfd_disable()
 * never both queue it.
 */
static DEFINE_SPINLOCK(virqfd_lock);

static void virqfd_deactivate(struct virqfd *virqfd)
{
	lockdep_assert_held(&virqfd_lock);
	queue_work(vfio_irqfd_cleanup_wq, &virqfd->shutdown);
}

/* The eventfd fired: run the handler and maybe the thread. */
static void virqfd_fire(struct virqfd *virqfd)
{
	if ((!virqfd->handler ||
	     virqfd->handler(virqfd->opaque, virqfd->data)) &&
	    virqfd->thread)
		schedule_work(&virqfd->inject);
}

static int virqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			 int sync, void *key)
{
	struct virqfd *virqfd = container_of(wait, struct virqfd, wait);
	__poll_t flags = key_to_poll(key);

	if (flags & EPOLLIN) {
		u64 cnt;

		/* Consume the count so the next signal wakes us again. */
		eventfd_ctx_do_read(virqfd->eventfd, &cnt);
		virqfd_fire(virqfd);
	}

	if (flags & EPOLLHUP) {
		unsigned long irqflags;

		spin_lock_irqsave(&virqfd_lock, irqflags);
		/* Unless disable() got here first, the teardown is ours. */
		if (*virqfd->pvirqfd == virqfd) {
			*virqfd->pvirqfd = NULL;
			virqfd_deactivate(virqfd);
		}
		spin_unlock_irqrestore(&virqfd_lock, irqflags);
	}
	return 0;
}

static void virqfd_ptable_queue_proc(struct file *file,
				     wait_queue_head_t *wqh, poll_table *pt)
{
	struct virqfd *virqfd = container_of(pt, struct virqfd, pt);

	add_wait_queue(wqh, &virqfd->wait);
}

static void virqfd_shutdown(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, shutdown);
	u64 cnt;

	eventfd_ctx_remove_wait_queue(virqfd->eventfd, &virqfd->wait, &cnt);
	/* No new inject can be queued now; let a running one finish. */
	flush_work(&virqfd->inject);
	eventfd_ctx_put(virqfd->eventfd);
	kfree(virqfd);
}

static void virqfd_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, inject);

	if (virqfd->thread)
		virqfd->thread(virqfd->opaque, virqfd->data);
}

static void virqfd_flush_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd,
					     flush_inject);

	if (virqfd->thread)
		virqfd->thread(virqfd->opaque, virqfd->data);
}

/**
 * vfio_virqfd_enable - call a handler whenever an eventfd is signalled
 * @opaque: first argument of @handler and @thread
 * @handler: runs in atomic context on each signal; return nonzero to have
 *	@thread run too.  May be NULL
 * @thread: runs in process context when asked for, or on every signal if
 *	there is no @handler.  May be NULL
 * @data: second argument of @handler and @thread
 * @pvirqfd: the driver's pointer to the new virqfd; must be NULL now, and
 *	is cleared again on teardown
 * @fd: the eventfd
 *
 * A signal that is already pending when this is called counts too.
 *
 * Return: 0, -EBADF for a bad @fd, -EBUSY when *@pvirqfd is in use, or
 * another negative errno.
 */
int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd)
{
	struct eventfd_ctx *ctx;
	struct virqfd *virqfd;
	__poll_t events;
	struct fd irqfd;
	int ret;

	virqfd = kzalloc(sizeof(*virqfd), GFP_KERNEL_ACCOUNT);
	if (!virqfd)
		return -ENOMEM;

	virqfd->pvirqfd = pvirqfd;
	virqfd->opaque = opaque;
	virqfd->handler = handler;
	virqfd->thread = thread;
	virqfd->data = data;
	INIT_WORK(&virqfd->shutdown, virqfd_shutdown);
	INIT_WORK(&virqfd->inject, virqfd_inject);
	INIT_WORK(&virqfd->flush_inject, virqfd_flush_inject);

	irqfd = fdget(fd);
	if (!irqfd.file) {
		ret = -EBADF;
		goto err_free;
	}

	ctx = eventfd_ctx_fileget(irqfd.file);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_fdput;
	}
	virqfd->eventfd = ctx;

	spin_lock_irq(&virqfd_lock);
	if (*pvirqfd) {
		spin_unlock_irq(&virqfd_lock);
		ret = -EBUSY;
		goto err_put_ctx;
	}
	*pvirqfd = virqfd;
	spin_unlock_irq(&virqfd_lock);

	init_waitqueue_func_entry(&virqfd->wait, virqfd_wakeup);
	init_poll_funcptr(&virqfd->pt, virqfd_ptable_queue_proc);
	events = vfs_poll(irqfd.file, &virqfd->pt);

	/* A signal from before we were on the wait queue still counts. */
	if (events & EPOLLIN)
		virqfd_fire(virqfd);

	/* Hold the file until here so EPOLLHUP cannot race the setup. */
	fdput(irqfd);
	return 0;

err_put_ctx:
	eventfd_ctx_put(ctx);
err_fdput:
	fdput(irqfd);
err_free:
	kfree(virqfd);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_virqfd_enable);

/**
 * vfio_virqfd_disable - stop watching an eventfd
 * @pvirqfd: the driver's pointer given to vfio_virqfd_enable()
 *
 * Clears *@pvirqfd and returns once the virqfd is torn down, so the
 * handler and thread no longer run.  Safe if *@pvirqfd is already NULL.
 */
void vfio_virqfd_disable(struct virqfd **pvirqfd)
{
	unsigned long flags;

	spin_lock_irqsave(&virqfd_lock, flags);
	if (*pvirqfd) {
		virqfd_deactivate(*pvirqfd);
		*pvirqfd = NULL;
	}
	spin_unlock_irqrestore(&virqfd_lock, flags);

	/* Also waits for a teardown an EPOLLHUP queued before us. */
	flush_workqueue(vfio_irqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_disable);

/**
 * vfio_virqfd_flush_thread - run the thread once and wait for it
 * @pvirqfd: the driver's pointer given to vfio_virqfd_enable()
 *
 * Used by drivers that must be sure the thread has seen the current state,
 * for example after unmasking by other means.
 */
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd)
{
	unsigned long flags;

	spin_lock_irqsave(&virqfd_lock, flags);
	if (*pvirqfd && (*pvirqfd)->thread)
		queue_work(vfio_irqfd_cleanup_wq, &(*pvirqfd)->flush_inject);
	spin_unlock_irqrestore(&virqfd_lock, flags);

	flush_workqueue(vfio_irqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_flush_thread);

static int __init vfio_virqfd_init(void)
{
	vfio_irqfd_cleanup_wq = alloc_workqueue("vfio-irqfd-cleanup",
						WQ_UNBOUND, 0);
	if (!vfio_irqfd_cleanup_wq)
		return -ENOMEM;
	return 0;
}

static void __exit vfio_virqfd_exit(void)
{
	destroy_workqueue(vfio_irqfd_cleanup_wq);
}

module_init(vfio_virqfd_init);
module_exit(vfio_virqfd_exit);

MODULE_VERSION(DRIVER_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION(DRIVER_DESC);
