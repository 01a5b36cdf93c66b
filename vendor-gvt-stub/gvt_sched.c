// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler: one render engine shared by every open vGPU.
 *
 * A kthread plays the engine.  It goes round the vGPUs that have work and
 * gives each a time slice proportional to its type's weight (GVT-g's
 * weight-based time slicing), measured in commands weighted by the pixels
 * they draw (gvt_cmd_cost()) in place of time.  A vGPU whose ring never ends (a batch buffer that starts itself)
 * uses up its slice and waits for its next turn like everyone else, so it
 * cannot starve the others.
 */
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "gvt.h"

/* A slice: 16 simple commands (or 16K pixels drawn) per unit of weight. */
#define GVT_SLICE_PER_WEIGHT	16

/**
 * struct gvt_sched - the engine's scheduler
 * @lock: protects @runq; held across a round, so a vGPU that leaves
 *        the queue is not being run when gvt_sched_remove() returns
 * @runq: open vGPUs, linked through gvt_vgpu.sched_node
 * @wq: the kthread sleeps here while nothing is pending
 * @pending: work was submitted since the kthread last looked
 * @thread: the kthread
 */
static struct gvt_sched {
	struct mutex lock;
	struct list_head runq;
	wait_queue_head_t wq;
	atomic_t pending;
	struct task_struct *thread;
} gvt_sched;

/* One slice for every vGPU with work.  Return: true if work is left. */
static bool gvt_sched_round(void)
{
	struct gvt_vgpu *vgpu;
	bool busy = false;

	mutex_lock(&gvt_sched.lock);
	list_for_each_entry(vgpu, &gvt_sched.runq, sched_node) {
		mutex_lock(&vgpu->lock);
		if (gvt_engine_has_work(vgpu)) {
			gvt_engine_run(vgpu, vgpu->type->weight * GVT_SLICE_PER_WEIGHT);
			busy |= gvt_engine_has_work(vgpu);
		}
		mutex_unlock(&vgpu->lock);
	}
	mutex_unlock(&gvt_sched.lock);
	return busy;
}

static int gvt_sched_thread(void *unused)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(gvt_sched.wq,
					 atomic_xchg(&gvt_sched.pending, 0) ||
					 kthread_should_stop());
		while (gvt_sched_round() && !kthread_should_stop())
			cond_resched();
	}
	return 0;
}

/**
 * gvt_sched_kick - a vGPU may have new work
 * @vgpu: the vGPU
 */
void gvt_sched_kick(struct gvt_vgpu *vgpu)
{
	atomic_set(&gvt_sched.pending, 1);
	wake_up(&gvt_sched.wq);
}

/**
 * gvt_sched_add - let the engine run a vGPU, from open
 * @vgpu: the vGPU
 */
void gvt_sched_add(struct gvt_vgpu *vgpu)
{
	mutex_lock(&gvt_sched.lock);
	list_add_tail(&vgpu->sched_node, &gvt_sched.runq);
	mutex_unlock(&gvt_sched.lock);
	gvt_sched_kick(vgpu);
}

/**
 * gvt_sched_remove - take a vGPU off the engine, from close
 * @vgpu: the vGPU
 *
 * On return the engine is not running @vgpu and will not again.
 */
void gvt_sched_remove(struct gvt_vgpu *vgpu)
{
	mutex_lock(&gvt_sched.lock);
	list_del_init(&vgpu->sched_node);
	mutex_unlock(&gvt_sched.lock);
}

/**
 * gvt_sched_init - start the engine
 *
 * Return: 0 or the error of kthread_run().
 */
int gvt_sched_init(void)
{
	mutex_init(&gvt_sched.lock);
	INIT_LIST_HEAD(&gvt_sched.runq);
	init_waitqueue_head(&gvt_sched.wq);
	atomic_set(&gvt_sched.pending, 0);
	gvt_sched.thread = kthread_run(gvt_sched_thread, NULL, GVT_NAME "_engine");
	return PTR_ERR_OR_ZERO(gvt_sched.thread);
}

/**
 * gvt_sched_exit - stop the engine; every vGPU is gone
 */
void gvt_sched_exit(void)
{
	kthread_stop(gvt_sched.thread);
	WARN_ON(!list_empty(&gvt_sched.runq));
}
