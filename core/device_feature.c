// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_FEATURE: the common checks, the features the core serves
 * itself on behalf of a driver's vfio_migration_ops and vfio_log_ops, and
 * the migration state machine drivers walk with vfio_mig_get_next_state().
 */
#include <linux/file.h>
#include <linux/interval_tree.h>
#include <linux/iova_bitmap.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include "vfio.h"

/* The fewest ranges DMA_LOGGING_START must accept: a page full. */
#define VFIO_LOG_MAX_RANGES \
	(PAGE_SIZE / sizeof(struct vfio_device_feature_dma_logging_range))

/* Which VFIO_MIGRATION_* flags a device needs for it to have a state. */
static u32 vfio_mig_state_needs(enum vfio_device_mig_state state)
{
	switch (state) {
	case VFIO_DEVICE_STATE_RUNNING:
		return 0;
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
		return VFIO_MIGRATION_STOP_COPY;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
	default:
		return ~0U;	/* ERROR, or not a state */
	}
}

static bool vfio_mig_state_valid(struct vfio_device *device,
				 enum vfio_device_mig_state state)
{
	u32 needs = vfio_mig_state_needs(state);

	return (device->migration_flags & needs) == needs;
}

/*
 * The arcs of the 6.1 state machine form a tree:
 *
 *	RUNNING - RUNNING_P2P - STOP - STOP_COPY
 *	                            \- RESUMING
 *
 * so every combination transition has exactly one shortest path.  The
 * "spine" rank orders the three states on the main line; STOP_COPY and
 * RESUMING hang off STOP.
 */
static int vfio_mig_spine_rank(enum vfio_device_mig_state state)
{
	switch (state) {
	case VFIO_DEVICE_STATE_RUNNING:
		return 0;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return 1;
	default:
		return 2;	/* STOP and its leaves */
	}
}

static enum vfio_device_mig_state vfio_mig_step(enum vfio_device_mig_state cur,
						enum vfio_device_mig_state new)
{
	static const enum vfio_device_mig_state spine[] = {
		VFIO_DEVICE_STATE_RUNNING,
		VFIO_DEVICE_STATE_RUNNING_P2P,
		VFIO_DEVICE_STATE_STOP,
	};
	int from, to;

	if (cur == new)
		return new;
	/* A leaf is only ever left towards STOP. */
	if (cur == VFIO_DEVICE_STATE_STOP_COPY ||
	    cur == VFIO_DEVICE_STATE_RESUMING)
		return VFIO_DEVICE_STATE_STOP;

	from = vfio_mig_spine_rank(cur);
	to = vfio_mig_spine_rank(new);
	if (from == to)		/* cur is STOP, new a leaf */
		return new;
	return spine[from < to ? from + 1 : from - 1];
}

/**
 * vfio_mig_get_next_state - the next single arc towards a target state
 * @device: the device, whose migration_flags say which states it has
 * @cur_fsm: the state the device is in
 * @new_fsm: the state userspace asked for
 * @next_fsm: receives the state one arc along the shortest path
 *
 * Drivers call this in a loop, carrying out one arc per call, until they
 * reach @new_fsm.  States the device does not support are skipped.
 *
 * Return: 0, or -EINVAL when @new_fsm is not a state this device has.
 */
int vfio_mig_get_next_state(struct vfio_device *device,
			    enum vfio_device_mig_state cur_fsm,
			    enum vfio_device_mig_state new_fsm,
			    enum vfio_device_mig_state *next_fsm)
{
	if (WARN_ON(!vfio_mig_state_valid(device, cur_fsm)))
		return -EINVAL;
	if (!vfio_mig_state_valid(device, new_fsm))
		return -EINVAL;

	*next_fsm = cur_fsm;
	do {
		*next_fsm = vfio_mig_step(*next_fsm, new_fsm);
	} while (!vfio_mig_state_valid(device, *next_fsm));
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_mig_get_next_state);

/* Hand a migration data file to userspace along with the new state. */
static int vfio_mig_return_fd(struct file *filp,
			      struct vfio_device_feature_mig_state *mig,
			      void __user *arg)
{
	int fd, ret;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_fput;
	}

	mig->data_fd = fd;
	if (copy_to_user(arg, mig, sizeof(*mig))) {
		ret = -EFAULT;
		goto err_put_fd;
	}
	fd_install(fd, filp);
	return 0;

err_put_fd:
	put_unused_fd(fd);
err_fput:
	fput(filp);
	return ret;
}

static int vfio_feature_mig_device_state(struct vfio_device *device,
					 u32 flags, void __user *arg,
					 size_t argsz)
{
	size_t minsz = offsetofend(struct vfio_device_feature_mig_state,
				   data_fd);
	struct vfio_device_feature_mig_state mig;
	struct file *filp = NULL;
	int ret;

	if (!device->mig_ops)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_GET, sizeof(mig));
	if (ret != 1)
		return ret;

	if (copy_from_user(&mig, arg, minsz))
		return -EFAULT;

	if (flags & VFIO_DEVICE_FEATURE_GET) {
		enum vfio_device_mig_state state;

		ret = device->mig_ops->migration_get_state(device, &state);
		if (ret)
			return ret;
		mig.device_state = state;
	} else {
		filp = device->mig_ops->migration_set_state(device,
							    mig.device_state);
		if (!IS_ERR_OR_NULL(filp))
			return vfio_mig_return_fd(filp, &mig, arg);
	}

	mig.data_fd = -1;
	if (copy_to_user(arg, &mig, sizeof(mig)))
		return -EFAULT;
	return PTR_ERR_OR_ZERO(filp);
}

static int vfio_feature_migration(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz)
{
	struct vfio_device_feature_migration info;
	int ret;

	/* A device without migration ops does not know the feature. */
	if (!device->mig_ops)
		return -ENOTTY;

	/* Read-only; 0 is a successful probe, 1 asks for the data. */
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				 sizeof(info));
	if (ret <= 0)
		return ret;

	info = (struct vfio_device_feature_migration) {
		.flags = device->migration_flags,
	};
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Read the user's ranges into an interval tree, refusing overlaps. */
static int vfio_log_build_ranges(struct rb_root_cached *root,
				 struct interval_tree_node *nodes,
				 const struct vfio_device_feature_dma_logging_control *ctl)
{
	struct vfio_device_feature_dma_logging_range __user *ranges;
	struct vfio_device_feature_dma_logging_range range;
	u64 end;
	u32 i;

	ranges = u64_to_user_ptr(ctl->ranges);
	for (i = 0; i < ctl->num_ranges; i++) {
		if (copy_from_user(&range, &ranges[i], sizeof(range)))
			return -EFAULT;
		if (!IS_ALIGNED(range.iova, ctl->page_size) ||
		    !IS_ALIGNED(range.length, ctl->page_size))
			return -EINVAL;
		if (check_add_overflow(range.iova, range.length, &end) ||
		    end > ULONG_MAX)
			return -EOVERFLOW;

		nodes[i].start = range.iova;
		nodes[i].last = range.iova + range.length - 1;
		if (interval_tree_iter_first(root, nodes[i].start,
					     nodes[i].last))
			return -EINVAL;
		interval_tree_insert(&nodes[i], root);
	}
	return 0;
}

static int vfio_feature_logging_start(struct vfio_device *device, u32 flags,
				      void __user *arg, size_t argsz)
{
	size_t minsz = offsetofend(struct vfio_device_feature_dma_logging_control,
				   ranges);
	struct vfio_device_feature_dma_logging_control ctl;
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct interval_tree_node *nodes;
	int ret;

	if (!device->log_ops)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(ctl));
	if (ret != 1)
		return ret;

	if (copy_from_user(&ctl, arg, minsz))
		return -EFAULT;
	if (!ctl.num_ranges)
		return -EINVAL;
	if (ctl.num_ranges > VFIO_LOG_MAX_RANGES)
		return -E2BIG;

	nodes = kmalloc_array(ctl.num_ranges, sizeof(*nodes), GFP_KERNEL);
	if (!nodes)
		return -ENOMEM;

	ret = vfio_log_build_ranges(&root, nodes, &ctl);
	if (ret)
		goto out_free;

	ret = device->log_ops->log_start(device, &root, ctl.num_ranges,
					 &ctl.page_size);
	if (ret)
		goto out_free;

	/* Report the page size the device picked. */
	if (copy_to_user(arg, &ctl, sizeof(ctl))) {
		ret = -EFAULT;
		device->log_ops->log_stop(device);
	}
out_free:
	kfree(nodes);
	return ret;
}

static int vfio_feature_logging_stop(struct vfio_device *device, u32 flags,
				     void __user *arg, size_t argsz)
{
	int ret;

	if (!device->log_ops)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
	if (ret != 1)
		return ret;
	return device->log_ops->log_stop(device);
}

static int vfio_log_read_and_clear(struct iova_bitmap *iter,
				   unsigned long iova, size_t length,
				   void *opaque)
{
	struct vfio_device *device = opaque;

	return device->log_ops->log_read_and_clear(device, iova, length, iter);
}

static int vfio_feature_logging_report(struct vfio_device *device, u32 flags,
				       void __user *arg, size_t argsz)
{
	size_t minsz = offsetofend(struct vfio_device_feature_dma_logging_report,
				   bitmap);
	struct vfio_device_feature_dma_logging_report report;
	struct iova_bitmap *iter;
	u64 end;
	int ret;

	if (!device->log_ops)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				 sizeof(report));
	if (ret != 1)
		return ret;

	if (copy_from_user(&report, arg, minsz))
		return -EFAULT;
	if (report.page_size < SZ_4K || !is_power_of_2(report.page_size))
		return -EINVAL;
	if (check_add_overflow(report.iova, report.length, &end) ||
	    end > ULONG_MAX)
		return -EOVERFLOW;

	iter = iova_bitmap_alloc(report.iova, report.length, report.page_size,
				 u64_to_user_ptr(report.bitmap));
	if (IS_ERR(iter))
		return PTR_ERR(iter);

	ret = iova_bitmap_for_each(iter, device, vfio_log_read_and_clear);
	iova_bitmap_free(iter);
	return ret;
}

/**
 * vfio_ioctl_device_feature - VFIO_DEVICE_FEATURE on a device fd
 * @device: the device
 * @arg: the user's struct vfio_device_feature
 *
 * Return: 0 or a positive value from the feature, or a negative errno.
 */
long vfio_ioctl_device_feature(struct vfio_device *device,
			       struct vfio_device_feature __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_feature, flags);
	u32 known = VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET |
		    VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE;
	struct vfio_device_feature feature;
	void __user *data = arg->data;
	size_t datasz;

	if (copy_from_user(&feature, arg, minsz))
		return -EFAULT;
	if (feature.argsz < minsz)
		return -EINVAL;
	if (feature.flags & ~known)
		return -EINVAL;
	/* GET and SET together only make sense in a PROBE. */
	if (!(feature.flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_GET) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_SET))
		return -EINVAL;

	datasz = feature.argsz - minsz;
	switch (feature.flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		return vfio_feature_migration(device, feature.flags, data,
					      datasz);
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		return vfio_feature_mig_device_state(device, feature.flags,
						     data, datasz);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		return vfio_feature_logging_start(device, feature.flags, data,
						  datasz);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
		return vfio_feature_logging_stop(device, feature.flags, data,
						 datasz);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		return vfio_feature_logging_report(device, feature.flags,
						   data, datasz);
	default:
		/* The target 6.1 stable kernel answers -ENOTTY here. */
		if (unlikely(!device->ops->device_feature))
			return -ENOTTY;
		return device->ops->device_feature(device, feature.flags,
						   data, datasz);
	}
}
