// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device fd returned by VFIO_GROUP_GET_DEVICE_FD.  Each fd holds a
 * reference on the device (device->refcount, which unregistration waits
 * for), on the driver's module, and a container user of the group (which
 * pins the group fd and the group's place in its container).  The first
 * open and the last close of a device run the driver's open_device() and
 * close_device() under the device set lock.
 */
#include <linux/anon_inodes.h>
#include <linux/module.h>
#include <linux/fs.h>
#include "vfio.h"
#include "vfio_trace.h"

static struct module *vfio_device_driver_owner(struct vfio_device *device)
{
	return device->dev->driver ? device->dev->driver->owner : NULL;
}

static int vfio_device_first_open(struct vfio_device *device)
{
	struct vfio_group *group = device->group;
	int ret = 0;

	lockdep_assert_held(&device->dev_set->lock);

	/* group_lock keeps group->kvm and the container stable. */
	mutex_lock(&group->group_lock);
	device->kvm = group->kvm;
	if (device->ops->open_device) {
		ret = device->ops->open_device(device);
		if (ret) {
			device->kvm = NULL;
			goto out_unlock;
		}
	}
	vfio_device_container_register(device);
out_unlock:
	mutex_unlock(&group->group_lock);
	return ret;
}

static void vfio_device_last_close(struct vfio_device *device)
{
	struct vfio_group *group = device->group;

	lockdep_assert_held(&device->dev_set->lock);

	/*
	 * close_device() first, as in Linux 6.1: until it has dropped its
	 * pins the driver must still hear of unmaps, or an UNMAP_DMA racing
	 * with this close finds pages pinned that nobody will unpin.
	 */
	mutex_lock(&group->group_lock);
	if (device->ops->close_device)
		device->ops->close_device(device);
	device->kvm = NULL;
	vfio_device_container_unregister(device);
	mutex_unlock(&group->group_lock);
}

/*
 * One more open fd of @device.  The count goes up first: a driver's
 * open_device() already sees itself counted in vfio_device_set_open_count().
 */
static int vfio_device_add_user(struct vfio_device *device)
{
	int ret = 0;

	mutex_lock(&device->dev_set->lock);
	WRITE_ONCE(device->open_count, device->open_count + 1);
	if (device->open_count == 1) {
		ret = vfio_device_first_open(device);
		if (ret)
			WRITE_ONCE(device->open_count, 0);
	}
	mutex_unlock(&device->dev_set->lock);
	return ret;
}

/* Undo vfio_device_add_user(); returns how many fds are still open. */
static unsigned int vfio_device_drop_user(struct vfio_device *device)
{
	unsigned int left;

	mutex_lock(&device->dev_set->lock);
	if (device->open_count == 1)
		vfio_device_last_close(device);
	left = device->open_count - 1;
	WRITE_ONCE(device->open_count, left);
	mutex_unlock(&device->dev_set->lock);
	return left;
}

static int vfio_device_file_release(struct inode *inode, struct file *filep)
{
	struct vfio_device *device = filep->private_data;
	unsigned int left = vfio_device_drop_user(device);

	trace_vfio_device_close(device, left, 0);
	module_put(vfio_device_driver_owner(device));
	vfio_group_unuse_container(device->group);
	/* May let vfio_unregister_group_dev() finish: touch nothing after. */
	vfio_device_put(device);
	return 0;
}

static ssize_t vfio_device_file_read(struct file *filep, char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct vfio_device *device = filep->private_data;
	loff_t pos = *ppos;
	ssize_t ret;

	if (unlikely(!device->ops->read))
		return -EINVAL;
	ret = device->ops->read(device, buf, count, ppos);
	if (ret < 0)
		trace_vfio_region_access_error(device, pos, count, false, ret);
	return ret;
}

static ssize_t vfio_device_file_write(struct file *filep,
				      const char __user *buf,
				      size_t count, loff_t *ppos)
{
	struct vfio_device *device = filep->private_data;
	loff_t pos = *ppos;
	ssize_t ret;

	if (unlikely(!device->ops->write))
		return -EINVAL;
	ret = device->ops->write(device, buf, count, ppos);
	if (ret < 0)
		trace_vfio_region_access_error(device, pos, count, true, ret);
	return ret;
}

static int vfio_device_file_mmap(struct file *filep,
				 struct vm_area_struct *vma)
{
	struct vfio_device *device = filep->private_data;

	if (unlikely(!device->ops->mmap))
		return -EINVAL;
	return device->ops->mmap(device, vma);
}

static long vfio_device_file_ioctl(struct file *filep, unsigned int cmd,
				       unsigned long arg)
{
	struct vfio_device *device = filep->private_data;

	if (cmd == VFIO_DEVICE_FEATURE)
		return vfio_ioctl_device_feature(device, (void __user *)arg);

	if (unlikely(!device->ops->ioctl))
		return -EINVAL;
	return device->ops->ioctl(device, cmd, arg);
}

static const struct file_operations vfio_device_file_ops = {
	.read		= vfio_device_file_read,
	.write		= vfio_device_file_write,
	.mmap		= vfio_device_file_mmap,
	.unlocked_ioctl	= vfio_device_file_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= vfio_device_file_release,
	.owner		= THIS_MODULE,
};

/**
 * vfio_device_open_file - open a device for userspace
 * @device: the device, with a reference the new file takes over
 *
 * Return: the new file, or an ERR_PTR(); on error the caller keeps its
 * reference.
 */
struct file *vfio_device_open_file(struct vfio_device *device)
{
	struct module *owner = vfio_device_driver_owner(device);
	struct file *filep;
	int ret;

	ret = vfio_group_use_container(device->group);
	if (ret)
		return ERR_PTR(ret);

	ret = -ENODEV;
	if (!try_module_get(owner))
		goto err_unuse_container;

	ret = vfio_device_add_user(device);
	if (ret)
		goto err_module_put;

	filep = anon_inode_getfile("[vfio-device]", &vfio_device_file_ops,
				   device, O_RDWR);
	if (IS_ERR(filep)) {
		ret = PTR_ERR(filep);
		goto err_drop_user;
	}
	/*
	 * Regions are addressed by file offset, so allow pread/pwrite.  There
	 * is no llseek op, and as in 6.1 lseek() fails with -ESPIPE: setting
	 * FMODE_LSEEK without one would make the VFS call a NULL pointer.
	 */
	filep->f_mode |= FMODE_PREAD | FMODE_PWRITE;

	if (device->group->type == VFIO_NO_IOMMU)
		dev_warn(device->dev,
			 "unsafe noiommu device handed to %s[%d]\n",
			 current->comm, task_pid_nr(current));
	trace_vfio_device_open(device, READ_ONCE(device->open_count), 0);
	return filep;

err_drop_user:
	vfio_device_drop_user(device);
err_module_put:
	module_put(owner);
err_unuse_container:
	vfio_group_unuse_container(device->group);
	trace_vfio_device_open(device, READ_ONCE(device->open_count), ret);
	return ERR_PTR(ret);
}
