// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO containers: /dev/vfio/vfio, the IOMMU backend registry, and the
 * forwarders drivers use to reach the backend of a device's container.
 *
 * A container is an address space.  Groups join it with
 * VFIO_GROUP_SET_CONTAINER; only then may VFIO_SET_IOMMU pick a backend, and
 * when the last group leaves, the backend is released again.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/rwsem.h>
#include "vfio.h"
#include "vfio_trace.h"

struct vfio_iommu_driver {
	const struct vfio_iommu_driver_ops	*ops;
	struct list_head			next;
};

/**
 * struct vfio_container - one open /dev/vfio/vfio
 * @kref: held by the fd and by every group in @group_list
 * @group_lock: protects @group_list, @iommu_driver, @iommu_data and
 *	@noiommu; taken inside a group's group_lock
 * @group_list: groups in the container, linked by vfio_group.container_next
 * @iommu_driver: the backend chosen by VFIO_SET_IOMMU, or NULL
 * @iommu_data: what @iommu_driver->ops->open() returned
 * @noiommu: the groups are VFIO_NO_IOMMU ones (they cannot mix with others)
 */
struct vfio_container {
	struct kref			kref;
	struct rw_semaphore		group_lock;
	struct list_head		group_list;
	struct vfio_iommu_driver	*iommu_driver;
	void				*iommu_data;
	bool				noiommu;
};

/* Protects vfio_iommu_drivers; taken inside a container's group_lock. */
static DEFINE_MUTEX(vfio_iommu_drivers_lock);
static LIST_HEAD(vfio_iommu_drivers);

/**
 * vfio_register_iommu_driver - offer an IOMMU backend to containers
 * @ops: the backend; must stay valid until unregistered
 *
 * Return: 0, or -EINVAL if @ops is already registered or incomplete.
 */
int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_iommu_driver *driver, *cur;

	if (WARN_ON(!ops->register_device != !ops->unregister_device))
		return -EINVAL;

	driver = kzalloc(sizeof(*driver), GFP_KERNEL);
	if (!driver)
		return -ENOMEM;
	driver->ops = ops;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(cur, &vfio_iommu_drivers, next) {
		if (cur->ops == ops) {
			mutex_unlock(&vfio_iommu_drivers_lock);
			kfree(driver);
			return -EINVAL;
		}
	}
	list_add(&driver->next, &vfio_iommu_drivers);
	mutex_unlock(&vfio_iommu_drivers_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_register_iommu_driver);

/**
 * vfio_unregister_iommu_driver - withdraw a backend
 * @ops: what was given to vfio_register_iommu_driver()
 *
 * Containers pin the backend's module while they use it, so by the time its
 * module exits, no container does.
 */
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_iommu_driver *driver;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(driver, &vfio_iommu_drivers, next) {
		if (driver->ops == ops) {
			list_del(&driver->next);
			kfree(driver);
			break;
		}
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
}
EXPORT_SYMBOL_GPL(vfio_unregister_iommu_driver);

static void vfio_container_release(struct kref *kref)
{
	struct vfio_container *container = container_of(kref,
					struct vfio_container, kref);

	WARN_ON(container->iommu_driver);
	kfree(container);
}

static void vfio_container_put(struct vfio_container *container)
{
	kref_put(&container->kref, vfio_container_release);
}

/* Release the backend; the last group just left. */
static void vfio_container_drop_iommu(struct vfio_container *container)
{
	struct vfio_iommu_driver *driver = container->iommu_driver;

	lockdep_assert_held_write(&container->group_lock);

	driver->ops->release(container->iommu_data);
	module_put(driver->ops->owner);
	container->iommu_driver = NULL;
	container->iommu_data = NULL;
}

/*
 * A group with a real IOMMU must have DMA ownership of every device in it,
 * which fails while a kernel driver outside VFIO is bound to one of them.
 * The other kinds of group have nothing to claim.
 */
static int vfio_group_claim_dma(struct vfio_group *group)
{
	if (group->type != VFIO_IOMMU)
		return 0;
	return iommu_group_claim_dma_owner(group->iommu_group,
					   group->opened_file);
}

static void vfio_group_unclaim_dma(struct vfio_group *group)
{
	if (group->type == VFIO_IOMMU)
		iommu_group_release_dma_owner(group->iommu_group);
}

/* Bookkeeping of a group entering @container: it holds a reference. */
static void vfio_container_link(struct vfio_container *container,
				struct vfio_group *group)
{
	lockdep_assert_held_write(&container->group_lock);

	kref_get(&container->kref);
	list_add(&group->container_next, &container->group_list);
	container->noiommu = group->type == VFIO_NO_IOMMU;
	group->container_users = 1;
	group->container = container;
}

/* Undo vfio_container_link() but for the reference, dropped unlocked. */
static void vfio_container_unlink(struct vfio_container *container,
				  struct vfio_group *group)
{
	lockdep_assert_held_write(&container->group_lock);

	list_del(&group->container_next);
	group->container_users = 0;
	group->container = NULL;
}

/**
 * vfio_container_attach_group - VFIO_GROUP_SET_CONTAINER
 * @container: the container
 * @group: a group in no container; the caller holds its group_lock
 *
 * Return: 0 or a negative errno.
 */
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group)
{
	bool unisolated = group->type == VFIO_NO_IOMMU;
	int ret;

	lockdep_assert_held(&group->group_lock);

	if (unisolated && !capable(CAP_SYS_RAWIO))
		return -EPERM;

	down_write(&container->group_lock);

	/* Isolated and unisolated groups cannot share an address space. */
	if (!list_empty(&container->group_list) &&
	    container->noiommu != unisolated) {
		ret = -EPERM;
		goto out_unlock;
	}

	ret = vfio_group_claim_dma(group);
	if (ret)
		goto out_unlock;

	/* Without a backend yet, VFIO_SET_IOMMU attaches it later. */
	if (container->iommu_driver) {
		ret = container->iommu_driver->ops->attach_group(
				container->iommu_data, group->iommu_group,
				group->type);
		if (ret)
			goto err_unclaim_dma;
	}

	vfio_container_link(container, group);
	up_write(&container->group_lock);
	return 0;

err_unclaim_dma:
	vfio_group_unclaim_dma(group);
out_unlock:
	up_write(&container->group_lock);
	return ret;
}

/**
 * vfio_group_detach_container - take a group out of its container
 * @group: the group; the caller holds its group_lock and no device fd of
 *	the group is open
 *
 * The last group out releases the container's backend.
 */
void vfio_group_detach_container(struct vfio_group *group)
{
	struct vfio_container *container = group->container;
	const struct vfio_iommu_driver_ops *backend = NULL;

	lockdep_assert_held(&group->group_lock);
	WARN_ON(group->container_users != 1);

	down_write(&container->group_lock);
	if (container->iommu_driver) {
		backend = container->iommu_driver->ops;
		backend->detach_group(container->iommu_data,
				      group->iommu_group);
	}
	vfio_group_unclaim_dma(group);
	vfio_container_unlink(container, group);

	if (backend && list_empty(&container->group_list))
		vfio_container_drop_iommu(container);
	up_write(&container->group_lock);

	/* The group's reference on the container, taken by the link. */
	vfio_container_put(container);
}

/**
 * vfio_container_has_iommu - whether VFIO_SET_IOMMU has succeeded
 * @container: the container
 *
 * Return: true once a backend is set.
 */
bool vfio_container_has_iommu(struct vfio_container *container)
{
	bool ret;

	down_read(&container->group_lock);
	ret = container->iommu_driver;
	up_read(&container->group_lock);
	return ret;
}

/*
 * Tell the backend a device of an attached group was opened or closed.
 * The group is in the container and holds its group_lock, so the backend
 * cannot go away under us.
 */
void vfio_device_container_register(struct vfio_device *device)
{
	struct vfio_container *container = device->group->container;
	struct vfio_iommu_driver *driver;

	lockdep_assert_held(&device->group->group_lock);

	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver && driver->ops->register_device)
		driver->ops->register_device(container->iommu_data, device);
	up_read(&container->group_lock);
}

void vfio_device_container_unregister(struct vfio_device *device)
{
	struct vfio_container *container = device->group->container;
	struct vfio_iommu_driver *driver;

	lockdep_assert_held(&device->group->group_lock);

	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver && driver->ops->unregister_device)
		driver->ops->unregister_device(container->iommu_data, device);
	up_read(&container->group_lock);
}

/*
 * For debugfs: the backend's name, or NULL before VFIO_SET_IOMMU.  The
 * caller holds the group_lock of a group in @container, which keeps the
 * backend (and its module) in place while the name is used.
 */
const char *vfio_container_iommu_name(struct vfio_container *container)
{
	const char *name = NULL;

	down_read(&container->group_lock);
	if (container->iommu_driver)
		name = container->iommu_driver->ops->name;
	up_read(&container->group_lock);
	return name;
}

/**
 * vfio_container_check_extension - VFIO_CHECK_EXTENSION
 * @container: the container
 * @arg: the extension asked about
 *
 * Asks the container's backend, or before one is set, each registered
 * backend until one says yes.
 *
 * Return: >0 when supported, 0 when not.
 */
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long arg)
{
	struct vfio_iommu_driver *driver;
	long ret = 0;

	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver) {
		ret = driver->ops->ioctl(container->iommu_data,
					 VFIO_CHECK_EXTENSION, arg);
		goto out_unlock;
	}

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(driver, &vfio_iommu_drivers, next) {
		if (!try_module_get(driver->ops->owner))
			continue;
		ret = driver->ops->ioctl(NULL, VFIO_CHECK_EXTENSION, arg);
		module_put(driver->ops->owner);
		if (ret > 0)
			break;
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
out_unlock:
	up_read(&container->group_lock);
	return ret;
}

/* Attach every group to a freshly opened backend, or none of them. */
static int vfio_container_attach_groups(struct vfio_container *container,
					struct vfio_iommu_driver *driver,
					void *data)
{
	struct vfio_group *group;
	int ret;

	lockdep_assert_held_write(&container->group_lock);

	list_for_each_entry(group, &container->group_list, container_next) {
		ret = driver->ops->attach_group(data, group->iommu_group,
						group->type);
		if (ret)
			goto err_detach;
	}
	return 0;

err_detach:
	list_for_each_entry_continue_reverse(group, &container->group_list,
					     container_next)
		driver->ops->detach_group(data, group->iommu_group);
	return ret;
}

/* Try one backend for VFIO_SET_IOMMU; 1 means "not this one". */
static int vfio_container_try_driver(struct vfio_container *container,
				     struct vfio_iommu_driver *driver,
				     unsigned long arg)
{
	void *data;
	int ret;

	if (!try_module_get(driver->ops->owner))
		return 1;

	/* The SET_IOMMU argument is an extension the backend must claim. */
	if (driver->ops->ioctl(NULL, VFIO_CHECK_EXTENSION, arg) <= 0) {
		ret = 1;
		goto err_module_put;
	}

	data = driver->ops->open(arg);
	if (IS_ERR(data)) {
		ret = PTR_ERR(data);
		goto err_module_put;
	}

	ret = vfio_container_attach_groups(container, driver, data);
	if (ret)
		goto err_release;

	/* The module reference is now the container's. */
	container->iommu_driver = driver;
	container->iommu_data = data;
	return 0;

err_release:
	driver->ops->release(data);
err_module_put:
	module_put(driver->ops->owner);
	return ret;
}

/*
 * Offer @arg to every registered backend in turn: the first to take it
 * wins.  -ENODEV when none claims it, otherwise the last failure.
 */
static long vfio_container_pick_backend(struct vfio_container *container,
					unsigned long arg)
{
	struct vfio_iommu_driver *cand;
	long result = -ENODEV;

	lockdep_assert_held_write(&container->group_lock);

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(cand, &vfio_iommu_drivers, next) {
		int err = vfio_container_try_driver(container, cand, arg);

		if (err == 1)
			continue;	/* not this backend's extension */
		result = err;
		if (!result)
			break;
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
	return result;
}

static long vfio_container_set_iommu(struct vfio_container *container,
				     unsigned long arg)
{
	long ret = -EINVAL;

	down_write(&container->group_lock);
	/*
	 * Only a container holding a group may allocate backend resources,
	 * and the backend stays until the last group leaves.
	 */
	if (!list_empty(&container->group_list) && !container->iommu_driver)
		ret = vfio_container_pick_backend(container, arg);
	up_write(&container->group_lock);
	return ret;
}

static long vfio_container_ioctl(struct file *filep, unsigned int cmd,
				 unsigned long arg)
{
	struct vfio_container *container = filep->private_data;
	struct vfio_iommu_driver *driver;
	long ret = -EINVAL;

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return vfio_container_check_extension(container, arg);
	case VFIO_SET_IOMMU:
		return vfio_container_set_iommu(container, arg);
	}

	/* Everything else belongs to the backend. */
	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver)
		ret = driver->ops->ioctl(container->iommu_data, cmd, arg);
	up_read(&container->group_lock);
	return ret;
}

static int vfio_container_open(struct inode *inode, struct file *filep)
{
	struct vfio_container *container;

	container = kzalloc(sizeof(*container), GFP_KERNEL);
	if (!container)
		return -ENOMEM;

	kref_init(&container->kref);
	init_rwsem(&container->group_lock);
	INIT_LIST_HEAD(&container->group_list);
	filep->private_data = container;
	return 0;
}

static int vfio_container_fops_release(struct inode *inode,
				       struct file *filep)
{
	struct vfio_container *container = filep->private_data;
	struct vfio_iommu_driver *driver;

	/* Groups may keep the backend alive; it must stop using our mm. */
	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver && driver->ops->notify)
		driver->ops->notify(container->iommu_data,
				    VFIO_IOMMU_CONTAINER_CLOSE);
	up_read(&container->group_lock);

	filep->private_data = NULL;
	vfio_container_put(container);
	return 0;
}

static const struct file_operations vfio_container_fops = {
	.owner		= THIS_MODULE,
	.open		= vfio_container_open,
	.release	= vfio_container_fops_release,
	.unlocked_ioctl	= vfio_container_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/**
 * vfio_container_from_file - the container behind a /dev/vfio/vfio fd
 * @file: any file
 *
 * Return: the container, or NULL if @file is not a container.
 */
struct vfio_container *vfio_container_from_file(struct file *file)
{
	if (file->f_op != &vfio_container_fops)
		return NULL;
	return file->private_data;
}

/*
 * The forwarders below are called by drivers on an open device.  While a
 * device fd is open its group cannot leave the container and the container
 * cannot lose its backend, so no lock is needed to reach the backend.
 */

static int __vfio_pin_pages(struct vfio_device *device, dma_addr_t iova,
			    int npage, int prot, struct page **pages)
{
	struct vfio_group *group = device->group;
	struct vfio_container *container;
	struct vfio_iommu_driver *driver;

	if (!pages || !npage || !READ_ONCE(device->open_count))
		return -EINVAL;
	if (npage > VFIO_PIN_PAGES_MAX_ENTRIES)
		return -E2BIG;
	/* Pinning is per group; it only makes sense for a lone device. */
	if (group->dev_counter > 1)
		return -EINVAL;
	/* Pins must be dropped when userspace unmaps; the driver needs it. */
	if (WARN_ON_ONCE(!device->ops->dma_unmap))
		return -EINVAL;

	container = group->container;
	driver = container->iommu_driver;
	if (!driver || !driver->ops->pin_pages)
		return -ENOTTY;
	return driver->ops->pin_pages(container->iommu_data,
				      group->iommu_group, iova, npage, prot,
				      pages);
}

/**
 * vfio_pin_pages - pin user pages for a device's software DMA
 * @device: an open device of a group with no other devices
 * @iova: the I/O virtual address of the first page, page aligned
 * @npage: how many pages, at most VFIO_PIN_PAGES_MAX_ENTRIES
 * @prot: IOMMU_READ and/or IOMMU_WRITE access wanted
 * @pages: receives the pinned pages
 *
 * The driver must unpin them with vfio_unpin_pages(), at the latest when
 * its dma_unmap() op is called for the range.
 *
 * Return: the number of pages pinned, or a negative errno: -EINVAL for bad
 * arguments or a device that is not open, -E2BIG when @npage is too large,
 * -ENOTTY when the backend cannot pin.
 */
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova,
		   int npage, int prot, struct page **pages)
{
	int ret = __vfio_pin_pages(device, iova, npage, prot, pages);

	trace_vfio_pin_pages(device, iova, npage, prot, ret);
	/* Per device, for debugfs; type1 itself counts per mapping. */
	if (ret > 0)
		atomic_add(ret, &device->pinned_pages);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pin_pages);

/**
 * vfio_unpin_pages - unpin pages pinned by vfio_pin_pages()
 * @device: the open device that pinned them
 * @iova: the I/O virtual address of the first page
 * @npage: how many pages
 */
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage)
{
	struct vfio_container *container;
	struct vfio_iommu_driver *driver;

	if (WARN_ON(!READ_ONCE(device->open_count)))
		return;
	if (WARN_ON(npage <= 0 || npage > VFIO_PIN_PAGES_MAX_ENTRIES))
		return;

	container = device->group->container;
	driver = container->iommu_driver;
	if (WARN_ON(!driver || !driver->ops->unpin_pages))
		return;
	trace_vfio_unpin_pages(device, iova, npage);
	driver->ops->unpin_pages(container->iommu_data, iova, npage);
	atomic_sub(npage, &device->pinned_pages);
}
EXPORT_SYMBOL_GPL(vfio_unpin_pages);

/**
 * vfio_dma_rw - read or write user memory through the container's mappings
 * @device: an open device
 * @iova: the I/O virtual address to start at
 * @data: kernel buffer to read into or write from
 * @len: bytes to copy
 * @write: true to copy @data to user memory, false for the other way
 *
 * Return: 0, -EINVAL for bad arguments or a device that is not open,
 * -ENOTTY when the backend cannot do it, or the backend's errno.
 */
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data,
		size_t len, bool write)
{
	struct vfio_container *container;
	struct vfio_iommu_driver *driver;

	if (!data || !len || !READ_ONCE(device->open_count))
		return -EINVAL;

	container = device->group->container;
	driver = container->iommu_driver;
	if (!driver || !driver->ops->dma_rw)
		return -ENOTTY;
	return driver->ops->dma_rw(container->iommu_data, iova, data, len,
				   write);
}
EXPORT_SYMBOL_GPL(vfio_dma_rw);

static struct miscdevice vfio_misc = {
	.minor		= VFIO_MINOR,
	.name		= "vfio",
	.fops		= &vfio_container_fops,
	.nodename	= "vfio/vfio",
	.mode		= 0666,
};

int vfio_container_init(void)
{
	return misc_register(&vfio_misc);
}

void vfio_container_exit(void)
{
	misc_deregister(&vfio_misc);
}
