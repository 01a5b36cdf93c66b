// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO groups: /dev/vfio/<iommu group id>, the unit of ownership.  A group
 * is created with its first registered device and torn down with its last.
 * The group fd puts the group in a container and hands out device fds.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/xarray.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/string.h>
#include <compat/kcompat.h>
#include "vfio.h"

static struct class *vfio_group_class;
static dev_t vfio_group_devt;
/* Minors of the group chardevs; the IDA does its own locking. */
static DEFINE_IDA(vfio_group_ida);

/*
 * Protects vfio_group_xa (groups keyed by iommu_group_id(), so a lookup
 * costs the same with ten groups or ten thousand) and vfio_group.drivers;
 * serialises creation and teardown of groups.  Taken outside every
 * group_lock.
 */
static DEFINE_MUTEX(vfio_group_table_lock);
static DEFINE_XARRAY(vfio_group_xa);

static const struct file_operations vfio_group_file_ops;

static void vfio_group_release(struct device *dev)
{
	struct vfio_group *group = container_of(dev, struct vfio_group, dev);

	mutex_destroy(&group->device_lock);
	mutex_destroy(&group->group_lock);
	WARN_ON(group->iommu_group);
	ida_free(&vfio_group_ida, MINOR(group->dev.devt));
	kfree(group);
}

static struct vfio_group *vfio_group_create(struct iommu_group *iommu_group,
					    enum vfio_group_type type)
{
	unsigned long id = iommu_group_id(iommu_group);
	struct vfio_group *group;
	int minor, ret;

	lockdep_assert_held(&vfio_group_table_lock);

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);

	minor = ida_alloc_max(&vfio_group_ida, MINORMASK, GFP_KERNEL);
	if (minor < 0) {
		kfree(group);
		return ERR_PTR(minor);
	}

	device_initialize(&group->dev);
	group->dev.devt = MKDEV(MAJOR(vfio_group_devt), minor);
	group->dev.class = vfio_group_class;
	group->dev.release = vfio_group_release;
	cdev_init(&group->cdev, &vfio_group_file_ops);
	group->cdev.owner = THIS_MODULE;
	group->type = type;
	group->drivers = 1;
	mutex_init(&group->group_lock);
	mutex_init(&group->device_lock);
	INIT_LIST_HEAD(&group->device_list);
	/* Dropped when the last device goes, in vfio_group_teardown(). */
	group->iommu_group = iommu_group_ref_get(iommu_group);

	ret = dev_set_name(&group->dev, "%s%lu",
			   type == VFIO_NO_IOMMU ? "noiommu-" : "", id);
	if (ret)
		goto err_put_group;

	ret = xa_insert(&vfio_group_xa, id, group, GFP_KERNEL);
	if (ret)
		goto err_put_group;

	ret = cdev_device_add(&group->cdev, &group->dev);
	if (ret)
		goto err_erase;
	return group;

err_erase:
	xa_erase(&vfio_group_xa, id);
err_put_group:
	iommu_group_put(group->iommu_group);
	group->iommu_group = NULL;
	put_device(&group->dev);
	return ERR_PTR(ret);
}

/*
 * An IOMMU group of our own making for a device that has none (or whose
 * DMA the driver does in software): named "vfio-noiommu", holding @dev.
 */
static struct iommu_group *vfio_make_iommu_group(struct device *dev)
{
	struct iommu_group *made = iommu_group_alloc();
	int err;

	if (IS_ERR(made))
		return made;

	err = iommu_group_set_name(made, "vfio-noiommu");
	if (!err)
		err = iommu_group_add_device(made, dev);
	if (err) {
		iommu_group_put(made);
		return ERR_PTR(err);
	}
	return made;
}

/* A one-device group of @type around a made-up IOMMU group. */
static struct vfio_group *vfio_group_single(struct device *dev,
					    enum vfio_group_type type)
{
	struct iommu_group *made;
	struct vfio_group *group;

	made = vfio_make_iommu_group(dev);
	if (IS_ERR(made))
		return ERR_CAST(made);

	mutex_lock(&vfio_group_table_lock);
	group = vfio_group_create(made, type);
	mutex_unlock(&vfio_group_table_lock);
	if (IS_ERR(group))
		iommu_group_remove_device(dev);

	/* A new group took its own reference; drop ours either way. */
	iommu_group_put(made);
	return group;
}

/* No isolation at all: only with enable_unsafe_noiommu_mode. */
static struct vfio_group *vfio_group_single_noiommu(struct device *dev)
{
	struct vfio_group *group = vfio_group_single(dev, VFIO_NO_IOMMU);

	if (IS_ERR(group))
		return group;

	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	dev_warn(dev, "no IOMMU isolation: unsafe noiommu group, kernel tainted\n");
	return group;
}

/* The existing group of @iommu_group with one more device, or a new one. */
static struct vfio_group *vfio_group_join(struct iommu_group *iommu_group)
{
	struct vfio_group *group;

	mutex_lock(&vfio_group_table_lock);
	group = xa_load(&vfio_group_xa, iommu_group_id(iommu_group));
	if (!group)
		group = vfio_group_create(iommu_group, VFIO_IOMMU);
	else
		group->drivers++;
	mutex_unlock(&vfio_group_table_lock);
	return group;
}

/**
 * vfio_group_find_or_alloc - the group for a device behind a real IOMMU
 * @dev: the device
 *
 * Return: the group with one more registration counted, or an ERR_PTR():
 * -EINVAL when @dev has no IOMMU group or its IOMMU cannot enforce cache
 * coherency.  A device without an IOMMU group gets a noiommu group of its
 * own instead when enable_unsafe_noiommu_mode is set (noiommu.c).
 */
struct vfio_group *vfio_group_find_or_alloc(struct device *dev)
{
	struct iommu_group *iommu_group = iommu_group_get(dev);
	struct vfio_group *group = ERR_PTR(-EINVAL);

	if (!iommu_group)
		return vfio_noiommu ? vfio_group_single_noiommu(dev) : group;

	/* Userspace has no way to restore coherency, so it must be given. */
	if (device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		group = vfio_group_join(iommu_group);

	iommu_group_put(iommu_group);
	return group;
}

/**
 * vfio_group_alloc_emulated - a one-device group for software DMA
 * @dev: the device, which gets a new IOMMU group of its own
 *
 * Return: the group, or an ERR_PTR().
 */
struct vfio_group *vfio_group_alloc_emulated(struct device *dev)
{
	return vfio_group_single(dev, VFIO_EMULATED_IOMMU);
}

/* The last device is gone: no new users, then let the group go. */
static void vfio_group_teardown(struct vfio_group *group)
{
	struct iommu_group *iommu_group;

	lockdep_assert_held(&vfio_group_table_lock);

	xa_erase(&vfio_group_xa, iommu_group_id(group->iommu_group));
	/* Under the table lock, so a new group of this id can reuse the name. */
	cdev_device_del(&group->cdev, &group->dev);

	mutex_lock(&group->group_lock);
	WARN_ON(!list_empty(&group->device_list));
	/* An open group fd may still hold a container; take it out. */
	if (group->container)
		vfio_group_detach_container(group);
	iommu_group = group->iommu_group;
	group->iommu_group = NULL;
	mutex_unlock(&group->group_lock);

	iommu_group_put(iommu_group);
	/* An open group fd keeps the structure until it is closed. */
	put_device(&group->dev);
}

/**
 * vfio_group_put_registration - a device of @group is going away
 * @group: its group
 * @dev: the physical or mediated device
 *
 * Undoes vfio_group_find_or_alloc() or vfio_group_alloc_emulated(); the
 * last registration tears the group down.
 */
void vfio_group_put_registration(struct vfio_group *group, struct device *dev)
{
	if (group->type != VFIO_IOMMU)
		iommu_group_remove_device(dev);

	mutex_lock(&vfio_group_table_lock);
	if (!--group->drivers)
		vfio_group_teardown(group);
	mutex_unlock(&vfio_group_table_lock);
}

/**
 * vfio_group_has_device - whether @dev is registered in @group already
 * @group: the group
 * @dev: a physical or mediated device
 *
 * Return: true if a vfio_device for @dev is in the group.
 */
bool vfio_group_has_device(struct vfio_group *group, struct device *dev)
{
	struct vfio_device *cur;
	bool ret = false;

	mutex_lock(&group->device_lock);
	list_for_each_entry(cur, &group->device_list, group_next) {
		if (cur->dev == dev) {
			ret = true;
			break;
		}
	}
	mutex_unlock(&group->device_lock);
	return ret;
}

/* From here on the device can be found by VFIO_GROUP_GET_DEVICE_FD. */
void vfio_group_add_device(struct vfio_group *group,
			   struct vfio_device *device)
{
	mutex_lock(&group->device_lock);
	list_add(&device->group_next, &group->device_list);
	group->dev_counter++;
	mutex_unlock(&group->device_lock);
}

void vfio_group_del_device(struct vfio_device *device)
{
	struct vfio_group *group = device->group;

	mutex_lock(&group->device_lock);
	list_del(&device->group_next);
	group->dev_counter--;
	mutex_unlock(&group->device_lock);
}

/**
 * vfio_group_use_container - a device fd of @group is being opened
 * @group: the group
 *
 * The device fd pins the group fd and keeps the group in its container.
 *
 * Return: 0, -EINVAL unless the group is in a container with a backend,
 * -EPERM for an unprivileged noiommu user.
 */
int vfio_group_use_container(struct vfio_group *group)
{
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->container || WARN_ON(!group->container_users) ||
	    !vfio_container_has_iommu(group->container)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO)) {
		ret = -EPERM;
		goto out_unlock;
	}
	get_file(group->opened_file);
	group->container_users++;
out_unlock:
	mutex_unlock(&group->group_lock);
	return ret;
}

/* Undo vfio_group_use_container(). */
void vfio_group_unuse_container(struct vfio_group *group)
{
	struct file *file;

	mutex_lock(&group->group_lock);
	WARN_ON(group->container_users <= 1);
	group->container_users--;
	file = group->opened_file;
	mutex_unlock(&group->group_lock);
	fput(file);
}

/* Find a device by the name userspace gave, with a reference on it. */
static struct vfio_device *vfio_group_get_device_by_name(
		struct vfio_group *group, char *name)
{
	struct vfio_device *device = ERR_PTR(-ENODEV);
	struct vfio_device *cur;
	int ret;

	mutex_lock(&group->device_lock);
	list_for_each_entry(cur, &group->device_list, group_next) {
		if (cur->ops->match) {
			ret = cur->ops->match(cur, name);
			if (ret < 0) {
				device = ERR_PTR(ret);
				break;
			}
		} else {
			ret = !strcmp(dev_name(cur->dev), name);
		}
		if (ret && vfio_device_try_get(cur)) {
			device = cur;
			break;
		}
	}
	mutex_unlock(&group->device_lock);
	return device;
}

static int vfio_group_ioctl_get_device_fd(struct vfio_group *group,
					  char __user *arg)
{
	struct vfio_device *device;
	struct file *filep;
	char *name;
	int fd, ret;

	name = strndup_user(arg, PAGE_SIZE);
	if (IS_ERR(name))
		return PTR_ERR(name);

	device = vfio_group_get_device_by_name(group, name);
	kfree(name);
	if (IS_ERR(device))
		return PTR_ERR(device);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put_device;
	}

	/* On success the file owns our device reference. */
	filep = vfio_device_open_file(device);
	if (IS_ERR(filep)) {
		ret = PTR_ERR(filep);
		goto err_put_fd;
	}

	fd_install(fd, filep);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put_device:
	vfio_device_put(device);
	return ret;
}

/*
 * The VFIO_GROUP_FLAGS_* of @group right now.  Viable means no driver
 * outside VFIO owns DMA of a device in the group; a group in a container
 * is viable by construction.
 */
static int vfio_group_read_flags(struct vfio_group *group, u32 *flags)
{
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->iommu_group)
		ret = -ENODEV;	/* the last device is gone */
	else if (group->container)
		*flags = VFIO_GROUP_FLAGS_VIABLE |
			 VFIO_GROUP_FLAGS_CONTAINER_SET;
	else if (iommu_group_dma_owner_claimed(group->iommu_group))
		*flags = 0;
	else
		*flags = VFIO_GROUP_FLAGS_VIABLE;
	mutex_unlock(&group->group_lock);
	return ret;
}

static int vfio_group_ioctl_status(struct vfio_group *group,
				   struct vfio_group_status __user *arg)
{
	const size_t len = offsetofend(struct vfio_group_status, flags);
	struct vfio_group_status st;
	int ret;

	if (copy_from_user(&st, arg, len))
		return -EFAULT;
	if (st.argsz < len)
		return -EINVAL;

	ret = vfio_group_read_flags(group, &st.flags);
	if (ret)
		return ret;
	return copy_to_user(arg, &st, len) ? -EFAULT : 0;
}

/* Whether @group may enter a container now. */
static int vfio_group_may_join(struct vfio_group *group)
{
	lockdep_assert_held(&group->group_lock);

	if (group->container || WARN_ON(group->container_users))
		return -EINVAL;
	return group->iommu_group ? 0 : -ENODEV;
}

static int vfio_group_ioctl_join(struct vfio_group *group, int __user *arg)
{
	struct vfio_container *target;
	int container_fd, ret;
	struct fd cf;

	if (get_user(container_fd, arg))
		return -EFAULT;

	cf = fdget(container_fd);
	if (!cf.file)
		return -EBADF;
	/* NULL for any other kind of fd; that is reported after our checks. */
	target = vfio_container_from_file(cf.file);

	mutex_lock(&group->group_lock);
	ret = vfio_group_may_join(group);
	if (!ret)
		ret = target ? vfio_container_attach_group(target, group) :
			       -EINVAL;
	mutex_unlock(&group->group_lock);

	fdput(cf);
	return ret;
}

static int vfio_group_ioctl_leave(struct vfio_group *group)
{
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->container)
		ret = -EINVAL;
	else if (group->container_users != 1)
		ret = -EBUSY;	/* device fds are open */
	else
		vfio_group_detach_container(group);
	mutex_unlock(&group->group_lock);
	return ret;
}

static long vfio_group_file_ioctl(struct file *filep, unsigned int cmd,
				  unsigned long arg)
{
	struct vfio_group *group = filep->private_data;
	void __user *uptr = (void __user *)arg;

	switch (cmd) {
	case VFIO_GROUP_GET_STATUS:
		return vfio_group_ioctl_status(group, uptr);
	case VFIO_GROUP_SET_CONTAINER:
		return vfio_group_ioctl_join(group, uptr);
	case VFIO_GROUP_UNSET_CONTAINER:
		return vfio_group_ioctl_leave(group);
	case VFIO_GROUP_GET_DEVICE_FD:
		return vfio_group_ioctl_get_device_fd(group, uptr);
	}
	return -ENOTTY;
}

static int vfio_group_file_open(struct inode *inode, struct file *filep)
{
	struct vfio_group *group = container_of(inode->i_cdev,
						struct vfio_group, cdev);
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->iommu_group)
		ret = -ENODEV;	/* the last device is gone */
	else if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO))
		ret = -EPERM;
	else if (group->opened_file)
		ret = -EBUSY;	/* one user at a time */
	else {
		group->opened_file = filep;
		filep->private_data = group;
	}
	mutex_unlock(&group->group_lock);
	return ret;
}

static int vfio_group_file_release(struct inode *inode, struct file *filep)
{
	struct vfio_group *group = filep->private_data;

	filep->private_data = NULL;

	mutex_lock(&group->group_lock);
	group->opened_file = NULL;
	/*
	 * Device fds pin this file, so none is open: the group is in its
	 * container, if any, through this fd alone.
	 */
	if (group->container)
		vfio_group_detach_container(group);
	mutex_unlock(&group->group_lock);
	return 0;
}

static const struct file_operations vfio_group_file_ops = {
	.open		= vfio_group_file_open,
	.release	= vfio_group_file_release,
	.unlocked_ioctl	= vfio_group_file_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.owner		= THIS_MODULE,
};

/**
 * vfio_file_is_group - whether a file is a VFIO group fd
 * @file: any file
 *
 * Return: true for a group fd.
 */
bool vfio_file_is_group(struct file *file)
{
	return file->f_op == &vfio_group_file_ops;
}
EXPORT_SYMBOL_GPL(vfio_file_is_group);

/* The group behind @file, or NULL if it is no group fd. */
static struct vfio_group *vfio_group_of_file(struct file *file)
{
	return vfio_file_is_group(file) ? file->private_data : NULL;
}

/**
 * vfio_file_iommu_group - the IOMMU group behind a VFIO group fd
 * @file: a VFIO group fd
 *
 * Return: the IOMMU group with a reference the caller drops with
 * iommu_group_put(), or NULL if @file is no group fd or the group lost its
 * devices.
 */
struct iommu_group *vfio_file_iommu_group(struct file *file)
{
	struct vfio_group *group = vfio_group_of_file(file);
	struct iommu_group *found = NULL;

	if (!group)
		return NULL;

	mutex_lock(&group->group_lock);
	if (group->iommu_group)
		found = iommu_group_ref_get(group->iommu_group);
	mutex_unlock(&group->group_lock);
	return found;
}
EXPORT_SYMBOL_GPL(vfio_file_iommu_group);

/**
 * vfio_file_enforced_coherent - whether DMA of a group is always coherent
 * @file: a VFIO group fd
 *
 * Only known once the group is in a container; until then, and for files
 * that are not group fds, the answer is true.
 *
 * Return: false if the group's DMA can bypass CPU caches.
 */
bool vfio_file_enforced_coherent(struct file *file)
{
	struct vfio_group *group = vfio_group_of_file(file);
	struct vfio_container *container;
	bool coherent = true;

	if (!group)
		return true;

	mutex_lock(&group->group_lock);
	container = group->container;
	if (container)
		coherent = vfio_container_check_extension(container,
					VFIO_DMA_CC_IOMMU) > 0;
	mutex_unlock(&group->group_lock);
	return coherent;
}
EXPORT_SYMBOL_GPL(vfio_file_enforced_coherent);

/**
 * vfio_file_set_kvm - tell a group which KVM instance uses it
 * @file: a VFIO group fd
 * @kvm: the instance, or NULL to forget it
 *
 * Devices of the group opened afterwards find it in vfio_device.kvm.
 */
void vfio_file_set_kvm(struct file *file, struct kvm *kvm)
{
	struct vfio_group *group = vfio_group_of_file(file);

	if (group) {
		mutex_lock(&group->group_lock);
		group->kvm = kvm;
		mutex_unlock(&group->group_lock);
	}
}
EXPORT_SYMBOL_GPL(vfio_file_set_kvm);

/**
 * vfio_file_has_dev - whether a group fd gives access to a device
 * @file: a VFIO group fd
 * @device: the device
 *
 * Return: true if @device is in the group of @file.
 */
bool vfio_file_has_dev(struct file *file, struct vfio_device *device)
{
	struct vfio_group *group = vfio_group_of_file(file);

	return group && group == device->group;
}
EXPORT_SYMBOL_GPL(vfio_file_has_dev);

/*
 * Call @fn on every group, for debugfs.  The table lock keeps each group
 * alive; @fn may take its group_lock and, alone, its device_lock.
 */
void vfio_group_for_each(void (*fn)(struct vfio_group *group, void *data),
			 void *data)
{
	struct vfio_group *group;
	unsigned long id;

	mutex_lock(&vfio_group_table_lock);
	xa_for_each(&vfio_group_xa, id, group)
		fn(group, data);
	mutex_unlock(&vfio_group_table_lock);
}

static char *vfio_group_devnode(struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "vfio/%s", dev_name(dev));
}

int vfio_group_init(void)
{
	int ret;

	vfio_group_class = kc_class_create("vfio");
	if (IS_ERR(vfio_group_class))
		return PTR_ERR(vfio_group_class);
	vfio_group_class->devnode = vfio_group_devnode;

	ret = alloc_chrdev_region(&vfio_group_devt, 0, MINORMASK + 1, "vfio");
	if (ret)
		goto err_destroy_class;
	return 0;

err_destroy_class:
	class_destroy(vfio_group_class);
	return ret;
}

void vfio_group_exit(void)
{
	WARN_ON(!xa_empty(&vfio_group_xa));
	unregister_chrdev_region(vfio_group_devt, MINORMASK + 1);
	class_destroy(vfio_group_class);
	ida_destroy(&vfio_group_ida);
}
