/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-kernel interface of the mdev bus: mediated devices are software
 * devices that a parent (a physical device's driver, or a purely virtual
 * one) creates on request from userspace, one type at a time, and that a
 * VFIO driver then exposes through /dev/vfio.
 *
 * Source-compatible with the interface of Linux 6.1.
 */
#ifndef _OUR_LINUX_MDEV_H
#define _OUR_LINUX_MDEV_H

#include <linux/device.h>
#include <linux/uuid.h>
#include <linux/rwsem.h>

struct mdev_type;
struct mdev_parent;

/**
 * struct mdev_device - one mediated device
 * @dev: the device on the mdev bus, named after @uuid
 * @uuid: the UUID userspace created it with
 * @next: private to the mdev core
 * @type: the type it was created from
 * @active: private to the mdev core: probe succeeded, not yet removed
 */
struct mdev_device {
	struct device dev;
	guid_t uuid;
	struct list_head next;
	struct mdev_type *type;
	bool active;
};

/**
 * struct mdev_type - a kind of mediated device a parent can create
 * @sysfs_name: directory name under mdev_supported_types/; set by the driver
 * @pretty_name: the "name" attribute; NULL shows @sysfs_name there instead.
 *		 Set by the driver
 * @parent: the parent the type belongs to; set by the core
 * @kobj: private to the mdev core
 * @devices_kobj: private to the mdev core
 *
 * Drivers usually embed it in a static table entry with their own fields
 * and get back to them with container_of().
 */
struct mdev_type {
	const char *sysfs_name;
	const char *pretty_name;

	struct mdev_parent *parent;

	struct kobject kobj;
	struct kobject *devices_kobj;
};

/**
 * struct mdev_parent - a device that mediated devices are created under
 * @dev: the parent device
 * @mdev_driver: the driver that mediated devices of this parent bind to
 * @mdev_types_kset: the mdev_supported_types directory
 * @unreg_sem: creation and removal hold it for read, unregistration for
 *             write, so neither races with the parent going away
 * @types: the parent's types
 * @nr_types: number of entries in @types
 * @available_instances: instances left when @mdev_driver->max_instances is
 *                       used instead of a get_available() callback
 *
 * Embed it in the parent's own structure; mdev_register_parent() fills it.
 */
struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdev_driver;
	struct kset *mdev_types_kset;
	struct rw_semaphore unreg_sem;
	struct mdev_type **types;
	unsigned int nr_types;
	atomic_t available_instances;
};

/**
 * to_mdev_device - the mediated device that embeds a struct device
 * @dev: a device on the mdev bus
 */
static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}

/**
 * struct mdev_driver - driver of a parent's mediated devices
 * @device_api: value of each type's device_api attribute, for example
 *              VFIO_DEVICE_API_PCI_STRING
 * @max_instances: if set, the core counts instances across all types of a
 *                 parent and @get_available is not needed
 * @probe: a device was created; set it up and register it with VFIO
 * @remove: the device is going; unregister and free it
 * @get_available: how many more devices of @mtype can be created
 * @show_description: optional; fill the type's description attribute
 * @driver: the driver model's part; set its name and owner
 */
struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *dev);
	void (*remove)(struct mdev_device *dev);
	unsigned int (*get_available)(struct mdev_type *mtype);
	ssize_t (*show_description)(struct mdev_type *mtype, char *buf);
	struct device_driver driver;
};

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
		struct mdev_driver *mdev_driver, struct mdev_type **types,
		unsigned int nr_types);
void mdev_unregister_parent(struct mdev_parent *parent);

int mdev_register_driver(struct mdev_driver *drv);
void mdev_unregister_driver(struct mdev_driver *drv);

/**
 * mdev_dev - the struct device of a mediated device
 * @mdev: the mediated device
 */
static inline struct device *mdev_dev(struct mdev_device *mdev)
{
	return &mdev->dev;
}

#endif /* _OUR_LINUX_MDEV_H */
