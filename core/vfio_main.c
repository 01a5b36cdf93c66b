// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core: module setup, the life of a struct vfio_device from allocation
 * to unregistration, and device sets.
 *
 * A vfio_device has two counts.  device->device (a struct device in class
 * "vfio-dev") carries the memory lifetime: the driver's allocation goes away
 * on its last put.  device->refcount counts the registration plus every open
 * device fd; when it drops to zero unregistration may finish.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/xarray.h>
#include <linux/sched.h>
#include <compat/kcompat.h>
#include "vfio.h"

#define DRIVER_DESC	"VFIO core: devices for userspace drivers"
#define DRIVER_VERSION	"0.3"

/* /sys/class/vfio-dev/vfioN */
static struct class *vfio_device_class;
/* The N of vfioN; the IDA does its own locking. */
static DEFINE_IDA(vfio_device_ida);
/* Device sets by set_id; the xarray's own lock guards lookup and refcount. */
static DEFINE_XARRAY(vfio_device_set_xa);

static struct vfio_device_set *vfio_device_set_new(void *set_id)
{
	struct vfio_device_set *set = kzalloc(sizeof(*set), GFP_KERNEL);

	if (!set)
		return NULL;
	set->set_id = set_id;
	INIT_LIST_HEAD(&set->device_list);
	mutex_init(&set->lock);
	return set;
}

static void vfio_device_set_free(struct vfio_device_set *set)
{
	mutex_destroy(&set->lock);
	kfree(set);
}

/*
 * The set keyed by @set_id, with one more member counted.  A fresh set is
 * made up front, as the xarray lock does not allow sleeping allocations;
 * if the key turns out to exist already, the fresh one is thrown away.
 */
static struct vfio_device_set *vfio_device_set_get(void *set_id)
{
	struct vfio_device_set *fresh, *set;

	fresh = vfio_device_set_new(set_id);
	if (!fresh)
		return ERR_PTR(-ENOMEM);

	xa_lock(&vfio_device_set_xa);
	set = __xa_cmpxchg(&vfio_device_set_xa, (unsigned long)set_id, NULL,
			   fresh, GFP_KERNEL);
	if (!xa_is_err(set)) {
		if (!set) {
			set = fresh;	/* ours went in */
			fresh = NULL;
		}
		set->device_count++;
	}
	xa_unlock(&vfio_device_set_xa);

	if (fresh)
		vfio_device_set_free(fresh);
	return xa_is_err(set) ? ERR_PTR(xa_err(set)) : set;
}

/* Undo vfio_device_set_get(); the last member out removes the set. */
static void vfio_device_set_put(struct vfio_device_set *set)
{
	bool last;

	xa_lock(&vfio_device_set_xa);
	last = --set->device_count == 0;
	if (last)
		__xa_erase(&vfio_device_set_xa, (unsigned long)set->set_id);
	xa_unlock(&vfio_device_set_xa);

	/* Out of the xarray, nobody can find it any more. */
	if (last)
		vfio_device_set_free(set);
}

/**
 * vfio_assign_device_set - put a device in a set shared with others
 * @device: the device, initialised but not yet registered
 * @set_id: key of the set; devices passing the same key share one set
 *
 * Devices in one set are opened and closed under one lock, so a driver can
 * reset them together.  Call it at most once, before registration; a device
 * left alone gets a set of its own.
 *
 * Return: 0 or a negative errno.
 */
int vfio_assign_device_set(struct vfio_device *device, void *set_id)
{
	struct vfio_device_set *set;

	if (WARN_ON(!set_id))
		return -EINVAL;

	set = vfio_device_set_get(set_id);
	if (IS_ERR(set))
		return PTR_ERR(set);

	/* Membership changes under the set's lock, like opens and closes. */
	mutex_lock(&set->lock);
	list_add_tail(&device->dev_set_list, &set->device_list);
	device->dev_set = set;
	mutex_unlock(&set->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_assign_device_set);

static void vfio_release_device_set(struct vfio_device *device)
{
	struct vfio_device_set *set = device->dev_set;

	if (!set)
		return;

	mutex_lock(&set->lock);
	list_del(&device->dev_set_list);
	mutex_unlock(&set->lock);

	device->dev_set = NULL;
	vfio_device_set_put(set);
}

/**
 * vfio_device_set_open_count - how many device fds are open in a set
 * @dev_set: the set; the caller holds its lock
 *
 * Return: the sum of the open counts of every member.
 */
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set)
{
	struct vfio_device *member;
	unsigned int total = 0;

	lockdep_assert_held(&dev_set->lock);

	list_for_each_entry(member, &dev_set->device_list, dev_set_list)
		total += member->open_count;
	return total;
}
EXPORT_SYMBOL_GPL(vfio_device_set_open_count);

/* The registration reference and the references of open device fds. */
bool vfio_device_try_get(struct vfio_device *device)
{
	return refcount_inc_not_zero(&device->refcount);
}

void vfio_device_put(struct vfio_device *device)
{
	if (refcount_dec_and_test(&device->refcount))
		complete(&device->comp);
}

static void vfio_device_release_common(struct vfio_device *device)
{
	vfio_release_device_set(device);
	ida_free(&vfio_device_ida, device->index);
}

/* Release of a device the driver allocated itself (vfio_init_device()). */
static void vfio_device_release(struct device *dev)
{
	struct vfio_device *device = container_of(dev, struct vfio_device,
						  device);

	vfio_device_release_common(device);
	/* The driver frees its memory here, with vfio_free_device(). */
	if (device->ops->release)
		device->ops->release(device);
}

/* Release of a device allocated by _vfio_alloc_device(): we free it. */
static void vfio_device_release_alloc(struct device *dev)
{
	struct vfio_device *device = container_of(dev, struct vfio_device,
						  device);

	vfio_device_release_common(device);
	if (device->ops->release)
		device->ops->release(device);
	kvfree(device);
}

/**
 * vfio_init_device - initialise a vfio_device the driver allocated itself
 * @device: the device, zeroed
 * @dev: the physical or mediated device it exposes
 * @ops: the driver's callbacks
 *
 * Most drivers use vfio_alloc_device() instead.  After success the memory
 * belongs to the device reference: drop it with vfio_put_device(), and free
 * it from ops->release() with vfio_free_device().
 *
 * Return: 0, or a negative errno with nothing left to undo.
 */
int vfio_init_device(struct vfio_device *device, struct device *dev,
		     const struct vfio_device_ops *ops)
{
	int index, ret;

	device->dev = dev;
	device->ops = ops;
	init_completion(&device->comp);

	index = ida_alloc_max(&vfio_device_ida, MINORMASK, GFP_KERNEL);
	if (index < 0) {
		dev_dbg(dev, "no free vfio device index\n");
		return index;
	}
	device->index = index;

	/* The driver's part first: until it succeeds there is no kref. */
	ret = ops->init ? ops->init(device) : 0;
	if (ret)
		goto err_free_index;

	device_initialize(&device->device);
	device->device.parent = dev;
	device->device.class = vfio_device_class;
	device->device.release = vfio_device_release;
	return 0;

err_free_index:
	/* ops->init() may have put the device in a set already. */
	vfio_release_device_set(device);
	ida_free(&vfio_device_ida, index);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_init_device);

/**
 * _vfio_alloc_device - allocate and initialise a driver's device structure
 * @size: size of the driver's structure, whose first member is the
 *	struct vfio_device
 * @dev: the physical or mediated device it exposes
 * @ops: the driver's callbacks; ops->init() runs before this returns
 *
 * Use it through vfio_alloc_device().  The memory is freed after
 * ops->release() when the last vfio_put_device() drops the reference.
 *
 * Return: the new vfio_device, or an ERR_PTR().
 */
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops)
{
	struct vfio_device *device;
	int ret;

	/* vfio_alloc_device() already checked the member is first. */
	if (WARN_ON(size < sizeof(*device)))
		return ERR_PTR(-EINVAL);

	device = kvzalloc(size, GFP_KERNEL);
	ret = device ? vfio_init_device(device, dev, ops) : -ENOMEM;
	if (ret) {
		kvfree(device);
		return ERR_PTR(ret);
	}

	/* Ours to free now, after ops->release(). */
	device->device.release = vfio_device_release_alloc;
	return device;
}
EXPORT_SYMBOL_GPL(_vfio_alloc_device);

/**
 * vfio_free_device - free a device initialised by vfio_init_device()
 * @device: the device
 *
 * Only for ops->release().  Memory that came from vfio_alloc_device() is
 * freed by the core after ops->release() returns, so for such a device this
 * does nothing; it is accepted so drivers written for either style work.
 */
void vfio_free_device(struct vfio_device *device)
{
	if (device->device.release == vfio_device_release_alloc)
		return;
	kvfree(device);
}
EXPORT_SYMBOL_GPL(vfio_free_device);

static int __vfio_register_dev(struct vfio_device *device,
			       struct vfio_group *group)
{
	int ret;

	if (IS_ERR(group))
		return PTR_ERR(group);

	/* The same device twice is a driver bug; the group has one. */
	if (vfio_group_has_device(group, device->dev)) {
		dev_WARN(device->dev, "device already exists on group %s\n",
			 dev_name(&group->dev));
		ret = -EBUSY;
		goto err_put_registration;
	}

	/* Without an explicit set the device is a set of its own. */
	if (!device->dev_set) {
		ret = vfio_assign_device_set(device, device);
		if (ret)
			goto err_put_registration;
	}

	device->group = group;
	ret = dev_set_name(&device->device, "vfio%u", device->index);
	if (ret)
		goto err_put_registration;

	ret = device_add(&device->device);
	if (ret)
		goto err_put_registration;

	/* The registration reference; open fds add theirs to it. */
	refcount_set(&device->refcount, 1);
	vfio_group_add_device(group, device);
	return 0;

err_put_registration:
	device->group = NULL;
	vfio_group_put_registration(group, device->dev);
	return ret;
}

/**
 * vfio_register_group_dev - make a device with a hardware IOMMU available
 * @device: the device, from vfio_alloc_device()
 *
 * The device must be in an IOMMU group that enforces cache coherency; it
 * joins the VFIO group of that IOMMU group, /dev/vfio/<group id>.
 *
 * Return: 0, -EINVAL when the device has no usable IOMMU group, or another
 * negative errno.
 */
int vfio_register_group_dev(struct vfio_device *device)
{
	return __vfio_register_dev(device, vfio_group_find_or_alloc(device->dev));
}
EXPORT_SYMBOL_GPL(vfio_register_group_dev);

/**
 * vfio_register_emulated_iommu_dev - make a software-DMA device available
 * @device: the device, from vfio_alloc_device()
 *
 * For devices whose driver does DMA in software through vfio_pin_pages()
 * and vfio_dma_rw(), mediated devices in particular.  The device gets an
 * IOMMU group of its own and with it a VFIO group.
 *
 * Return: 0 or a negative errno.
 */
int vfio_register_emulated_iommu_dev(struct vfio_device *device)
{
	return __vfio_register_dev(device,
				   vfio_group_alloc_emulated(device->dev));
}
EXPORT_SYMBOL_GPL(vfio_register_emulated_iommu_dev);

/* Wait for every device fd to be closed, asking the driver to nag. */
static void vfio_device_wait_unused(struct vfio_device *device)
{
	unsigned int count = 0;
	bool interrupted = false;
	long ret;

	ret = try_wait_for_completion(&device->comp);
	while (ret <= 0) {
		if (device->ops->request)
			device->ops->request(device, count++);

		if (interrupted) {
			ret = wait_for_completion_timeout(&device->comp,
							  HZ * 10);
			continue;
		}
		ret = wait_for_completion_interruptible_timeout(&device->comp,
								HZ * 10);
		if (ret < 0) {
			interrupted = true;
			dev_warn(device->dev,
				 "device is in use, task \"%s\" (%d) blocked until it is released\n",
				 current->comm, task_pid_nr(current));
		}
	}
}

/**
 * vfio_unregister_group_dev - take a registered device away from userspace
 * @device: the device
 *
 * It drops the registration reference and blocks until every open fd is
 * closed, calling ops->request() every ten seconds to ask the user to let
 * go.  As in Linux 6.1, VFIO_GROUP_GET_DEVICE_FD still opens the device
 * meanwhile as long as one of its fds is open, and the wait then covers
 * the new fd too; with none open it fails with -ENODEV.  The driver still
 * holds its reference afterwards and drops it with vfio_put_device().
 */
void vfio_unregister_group_dev(struct vfio_device *device)
{
	struct vfio_group *group = device->group;

	/*
	 * As in Linux 6.1 the device stays in its group while we wait: once
	 * the registration reference is gone it can be found, but only
	 * opened while another fd of it still holds the count above zero.
	 */
	vfio_device_put(device);
	vfio_device_wait_unused(device);
	vfio_group_del_device(device);

	device_del(&device->device);
	vfio_group_put_registration(group, device->dev);
	device->group = NULL;
}
EXPORT_SYMBOL_GPL(vfio_unregister_group_dev);

static int __init vfio_init(void)
{
	int ret;

	ret = vfio_container_init();
	if (ret)
		return ret;

	ret = vfio_noiommu_init();
	if (ret)
		goto err_container_exit;

	ret = vfio_group_init();
	if (ret)
		goto err_noiommu_exit;

	vfio_device_class = kc_class_create("vfio-dev");
	if (IS_ERR(vfio_device_class)) {
		ret = PTR_ERR(vfio_device_class);
		goto err_group_exit;
	}

	vfio_debugfs_init();
	pr_info(DRIVER_DESC " version: " DRIVER_VERSION "\n");
	return 0;

err_group_exit:
	vfio_group_exit();
err_noiommu_exit:
	vfio_noiommu_exit();
err_container_exit:
	vfio_container_exit();
	return ret;
}

static void __exit vfio_exit(void)
{
	vfio_debugfs_exit();
	class_destroy(vfio_device_class);
	vfio_group_exit();
	vfio_noiommu_exit();
	vfio_container_exit();
	ida_destroy(&vfio_device_ida);
	WARN_ON(!xa_empty(&vfio_device_set_xa));
}

module_init(vfio_init);
module_exit(vfio_exit);

MODULE_VERSION(DRIVER_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_ALIAS_MISCDEV(VFIO_MINOR);
MODULE_ALIAS("devname:vfio/vfio");
MODULE_SOFTDEP("post: vfio_iommu_type1");
