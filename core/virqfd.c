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

/*
 * Every teardown and every forced thread run goes through this queue, so
 * draining it is how disable() and flush_thread() wait for them.  It must
 * be ordered: a forced run queued before its virqfd's teardown has to be
 * finished before the teardown frees the virqfd.
 */
static struct workqueue_struct *virqfd_wq;

/*
 * Guards the drivers' slots (the struct virqfd ** given to enable()).  A
 * virqfd is torn down by whoever empties its slot under this lock, which
 * keeps EPOLLHUP and vfio_virqfd_disable() from both doing it.
 */
static DEFINE_SPINLOCK(virqfd_slot_lock);

/*
 * Empty @slot and queue the teardown of what it held.  With @only set,
 * do so only if the slot still holds that virqfd: it may already have
 * been disabled and the slot reused.
 */
static void virqfd_evict_locked(struct virqfd **slot, struct virqfd *only)
{
	struct virqfd *old = *slot;

	lockdep_assert_held(&virqfd_slot_lock);

	if (!old || (only && old != only))
		return;
	*slot = NULL;
	queue_work(virqfd_wq, &old->shutdown);
}

static void virqfd_call_thread(struct virqfd *virqfd)
{
	if (virqfd->thread)
		virqfd->thread(virqfd->opaque, virqfd->data);
}

/*
 * The eventfd counted up (atomic context).  No handler, or a handler
 * asking for more, means the thread has work to do.
 */
static void virqfd_signalled(struct virqfd *virqfd)
{
	bool want_thread = true;

	if (virqfd->handler)
		want_thread = virqfd->handler(virqfd->opaque, virqfd->data);
	if (want_thread && virqfd->thread)
		schedule_work(&virqfd->inject);
}

static int virqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			 int sync, void *key)
{
	struct virqfd *virqfd = container_of(wait, struct virqfd, wait);
	__poll_t events = key_to_poll(key);
	unsigned long irqflags;
	u64 count;

	if (events & EPOLLIN) {
		/* Reset the counter so the next write wakes us again. */
		eventfd_ctx_do_read(virqfd->eventfd, &count);
		virqfd_signalled(virqfd);
	}

	if (!(events & EPOLLHUP))
		return 0;

	/* The eventfd is going away; so must we. */
	spin_lock_irqsave(&virqfd_slot_lock, irqflags);
	virqfd_evict_locked(virqfd->pvirqfd, virqfd);
	spin_unlock_irqrestore(&virqfd_slot_lock, irqflags);
	return 0;
}

/* vfs_poll() hands us the eventfd's wait queue here. */
static void virqfd_add_waiter(struct file *file, wait_queue_head_t *wqh,
			      poll_table *pt)
{
	add_wait_queue(wqh, &container_of(pt, struct virqfd, pt)->wait);
}

static void virqfd_inject_work(struct work_struct *work)
{
	virqfd_call_thread(container_of(work, struct virqfd, inject));
}

static void virqfd_flush_work(struct work_struct *work)
{
	virqfd_call_thread(container_of(work, struct virqfd, flush_inject));
}

static void virqfd_shutdown_work(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, shutdown);
	struct eventfd_ctx *ctx = virqfd->eventfd;
	u64 count;

	/*
	 * Once off the wait queue nothing queues inject any more; wait for
	 * one already queued before freeing what it uses.
	 */
	eventfd_ctx_remove_wait_queue(ctx, &virqfd->wait, &count);
	flush_work(&virqfd->inject);
	kfree(virqfd);
	eventfd_ctx_put(ctx);
}

/* A virqfd holding a reference on the eventfd behind @file, not armed yet. */
static struct virqfd *virqfd_create(struct file *file, void *opaque,
				    int (*handler)(void *, void *),
				    void (*thread)(void *, void *),
				    void *data, struct virqfd **slot)
{
	struct eventfd_ctx *ctx;
	struct virqfd *virqfd;

	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx))
		return ERR_CAST(ctx);

	virqfd = kmalloc(sizeof(*virqfd), GFP_KERNEL_ACCOUNT);
	if (!virqfd) {
		eventfd_ctx_put(ctx);
		return ERR_PTR(-ENOMEM);
	}

	*virqfd = (struct virqfd) {
		.opaque = opaque,
		.eventfd = ctx,
		.handler = handler,
		.thread = thread,
		.data = data,
		.pvirqfd = slot,
	};
	INIT_WORK(&virqfd->inject, virqfd_inject_work);
	INIT_WORK(&virqfd->flush_inject, virqfd_flush_work);
	INIT_WORK(&virqfd->shutdown, virqfd_shutdown_work);
	init_waitqueue_func_entry(&virqfd->wait, virqfd_wakeup);
	init_poll_funcptr(&virqfd->pt, virqfd_add_waiter);
	return virqfd;
}

/* Put @virqfd into its driver's slot, which must be empty. */
static int virqfd_install(struct virqfd *virqfd)
{
	int ret = -EBUSY;

	spin_lock_irq(&virqfd_slot_lock);
	if (!*virqfd->pvirqfd) {
		*virqfd->pvirqfd = virqfd;
		ret = 0;
	}
	spin_unlock_irq(&virqfd_slot_lock);
	return ret;
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
	struct virqfd *virqfd;
	__poll_t pending;
	struct fd f;
	int ret;

	/*
	 * Keep the file pinned until we are on its wait queue, so its
	 * EPOLLHUP cannot come before we can see it.
	 */
	f = fdget(fd);
	if (!f.file)
		return -EBADF;

	virqfd = virqfd_create(f.file, opaque, handler, thread, data, pvirqfd);
	if (IS_ERR(virqfd)) {
		ret = PTR_ERR(virqfd);
		goto err_fdput;
	}

	ret = virqfd_install(virqfd);
	if (ret)
		goto err_free_virqfd;

	pending = vfs_poll(f.file, &virqfd->pt);
	if (pending & EPOLLIN)
		virqfd_signalled(virqfd);

	fdput(f);
	return 0;

err_free_virqfd:
	eventfd_ctx_put(virqfd->eventfd);
	kfree(virqfd);
err_fdput:
	fdput(f);
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
	unsigned long irqflags;

	spin_lock_irqsave(&virqfd_slot_lock, irqflags);
	virqfd_evict_locked(pvirqfd, NULL);
	spin_unlock_irqrestore(&virqfd_slot_lock, irqflags);

	/* Flushing also waits for a teardown EPOLLHUP queued earlier. */
	flush_workqueue(virqfd_wq);
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
	unsigned long irqflags;
	struct virqfd *cur;

	spin_lock_irqsave(&virqfd_slot_lock, irqflags);
	cur = *pvirqfd;
	/* Queued where teardowns go: it cannot outlive its virqfd. */
	if (cur && cur->thread)
		queue_work(virqfd_wq, &cur->flush_inject);
	spin_unlock_irqrestore(&virqfd_slot_lock, irqflags);

	flush_workqueue(virqfd_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_flush_thread);

static int __init vfio_virqfd_init(void)
{
	virqfd_wq = alloc_ordered_workqueue("vfio-irqfd-cleanup", 0);
	return virqfd_wq ? 0 : -ENOMEM;
}

static void __exit vfio_virqfd_exit(void)
{
	destroy_workqueue(virqfd_wq);
}

module_init(vfio_virqfd_init);
module_exit(vfio_virqfd_exit);

MODULE_VERSION(DRIVER_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION(DRIVER_DESC);
