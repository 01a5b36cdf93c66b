// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev core: a parent registers the types of mediated devices it can
 * create; userspace creates a device by writing a UUID to a type's
 * "create" file and removes it through the device's "remove" file.
 *
 * Lifetimes and locking:
 *  - A parent is the driver's memory and is valid while its unreg_sem is
 *    held.  Creation and removal hold it for read, unregistration for
 *    write.  Creation and removal come from sysfs writes, which
 *    unregistration drains when it removes the files, so they only ever
 *    try to take the semaphore and give up with -ENODEV once
 *    unregistration has begun: waiting would deadlock.
 *  - A type is the driver's memory too; its kobject is in sysfs while the
 *    parent is registered, and every device holds a reference on it.
 *  - A device is allocated here.  The reference from device_initialize()
 *    belongs to the creator until the device is marked active, then to
 *    whoever clears @active again and removes it.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>

#include "mdev_private.h"
#include "mdev_trace.h"

/*
 * What the core allocates for a device; drivers only see @mdev.  While
 * @node is in mdev_uuids the UUID is taken: from before the device is
 * added until it is gone from sysfs.
 */
struct mdev_instance {
	struct mdev_device mdev;
	struct rhash_head node;
	struct rcu_head rcu;
};

static inline struct mdev_instance *to_mdev_instance(struct mdev_device *mdev)
{
	return container_of(mdev, struct mdev_instance, mdev);
}

static const struct rhashtable_params mdev_uuid_params = {
	.key_len		= sizeof(guid_t),
	.key_offset		= offsetof(struct mdev_instance, mdev.uuid),
	.head_offset		= offsetof(struct mdev_instance, node),
	.automatic_shrinking	= true,
};

/*
 * Every UUID in use, across all parents, so that a duplicate is found in
 * constant time however many devices exist.  Locks itself; lookups run
 * under RCU, hence the kfree_rcu() of instances.
 */
static struct rhashtable mdev_uuids;

/* Protects the @active flag of every mediated device. */
static DEFINE_SPINLOCK(mdev_active_lock);

/* /sys/class/mdev_bus/<parent>, which mdevctl looks for parents in. */
static struct class_compat *mdev_bus_compat_class;

/*
 * On the parent only, as Linux 6.1 does: mdevctl's udev rule starts the
 * parent's persistent devices on "registered".  The devices themselves get
 * just the driver core's add, bind, unbind and remove.
 */
static void mdev_send_state(struct kobject *kobj, bool registered)
{
	char *state = registered ? "MDEV_STATE=registered" :
				   "MDEV_STATE=unregistered";
	char *envp[] = { state, NULL };

	kobject_uevent_env(kobj, KOBJ_CHANGE, envp);
}

/* Without get_available() the core counts instances for the parent. */
static bool mdev_take_instance(struct mdev_parent *parent)
{
	if (parent->mdev_driver->get_available)
		return true;
	return atomic_add_unless(&parent->available_instances, -1, 0);
}

static void mdev_return_instance(struct mdev_parent *parent)
{
	if (!parent->mdev_driver->get_available)
		atomic_inc(&parent->available_instances);
}

static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);

	kobject_put(&mdev->type->kobj);
	kfree_rcu(to_mdev_instance(mdev), rcu);
}

/**
 * mdev_device_create - create a mediated device and bind its driver
 * @type: the type to create, of a registered parent
 * @uuid: the new device's UUID, also its name
 *
 * Return: 0, -EEXIST if @uuid is in use, -EUSERS if the parent has no
 * instance left, -ENODEV if the parent is being unregistered, or the
 * errno of the driver's probe().
 */
int mdev_device_create(struct mdev_type *type, const guid_t *uuid)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_driver *drv = parent->mdev_driver;
	struct mdev_instance *inst;
	struct mdev_device *mdev;
	int ret;

	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst) {
		ret = -ENOMEM;
		goto err_unlock;
	}
	mdev = &inst->mdev;
	guid_copy(&mdev->uuid, uuid);
	INIT_LIST_HEAD(&mdev->next);	/* unused: the core indexes by UUID */
	kobject_get(&type->kobj);
	mdev->type = type;
	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdev_bus_type;
	mdev->dev.release = mdev_device_release;
	/* From here on put_device() frees everything above. */

	ret = rhashtable_lookup_insert_fast(&mdev_uuids, &inst->node,
					    mdev_uuid_params);
	if (ret)
		goto err_put_device;

	if (!mdev_take_instance(parent)) {
		ret = -EUSERS;
		goto err_unhash;
	}

	ret = dev_set_name(&mdev->dev, "%pUl", uuid);
	if (ret)
		goto err_return_instance;

	ret = device_add(&mdev->dev);
	if (ret)
		goto err_return_instance;

	ret = device_driver_attach(&drv->driver, &mdev->dev);
	if (ret)
		goto err_del_device;

	ret = mdev_links_add(mdev);
	if (ret)
		goto err_del_device;

	dev_dbg(&mdev->dev, "created, type %s\n", kobject_name(&type->kobj));

	/* The last touch: from now on a remover owns the device. */
	spin_lock(&mdev_active_lock);
	WRITE_ONCE(mdev->active, true);
	spin_unlock(&mdev_active_lock);

	up_read(&parent->unreg_sem);
	return 0;

err_del_device:
	device_del(&mdev->dev);		/* unbinds the driver if it bound */
err_return_instance:
	mdev_return_instance(parent);
err_unhash:
	rhashtable_remove_fast(&mdev_uuids, &inst->node, mdev_uuid_params);
err_put_device:
	put_device(&mdev->dev);
err_unlock:
	up_read(&parent->unreg_sem);
	return ret;
}

/**
 * mdev_device_active - whether a device is created and not being removed
 * @mdev: the device
 *
 * Return: true when it is.  Only a hint: removal can begin as soon as
 * it is returned.
 */
bool mdev_device_active(struct mdev_device *mdev)
{
	return READ_ONCE(mdev->active);
}

/**
 * mdev_device_remove - remove a mediated device
 * @mdev: the device
 *
 * The caller holds the parent's unreg_sem, so the parent stays.  The
 * driver's remove() runs from here and may wait for VFIO users to close
 * the device.
 *
 * Return: 0, or -EAGAIN when the device is not active: still being
 * created, or being removed by someone else.
 */
int mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_parent *parent = mdev->type->parent;

	lockdep_assert_held(&parent->unreg_sem);

	spin_lock(&mdev_active_lock);
	if (!mdev->active) {
		spin_unlock(&mdev_active_lock);
		trace_mdev_remove(mdev->type, &mdev->uuid, -EAGAIN);
		return -EAGAIN;
	}
	WRITE_ONCE(mdev->active, false);
	spin_unlock(&mdev_active_lock);

	dev_dbg(&mdev->dev, "removing\n");
	mdev_links_del(mdev);
	device_del(&mdev->dev);
	/* Gone from sysfs: the UUID may be created again. */
	rhashtable_remove_fast(&mdev_uuids, &to_mdev_instance(mdev)->node,
			       mdev_uuid_params);
	mdev_return_instance(parent);
	trace_mdev_remove(mdev->type, &mdev->uuid, 0);
	put_device(&mdev->dev);
	return 0;
}

static int mdev_remove_child(struct device *dev, void *unused)
{
	/* The parent device may have children of its own that are not ours. */
	if (dev->bus == &mdev_bus_type)
		mdev_device_remove(to_mdev_device(dev));
	return 0;
}

/**
 * mdev_register_parent - let userspace create mediated devices under @dev
 * @parent: the parent, usually embedded in the driver's own state; filled
 *          in here
 * @dev: the device the mediated devices are children of
 * @mdev_driver: the driver every device of this parent binds to,
 *               registered with mdev_register_driver()
 * @types: the types that can be created; each gets a directory
 *         mdev_supported_types/<driver name of @dev>-<sysfs_name>
 * @nr_types: number of entries in @types
 *
 * Without @mdev_driver->get_available, the parent has
 * @mdev_driver->max_instances instances to share among all its types.
 *
 * Return: 0 or a negative errno.
 */
int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
		struct mdev_driver *mdev_driver, struct mdev_type **types,
		unsigned int nr_types)
{
	int ret;

	if (!mdev_driver->device_api ||
	    mdev_driver->driver.bus != &mdev_bus_type)
		return -EINVAL;

	/* Whatever the caller left in @parent is overwritten. */
	*parent = (struct mdev_parent) {
		.dev = dev,
		.mdev_driver = mdev_driver,
		.types = types,
		.nr_types = nr_types,
		.available_instances = ATOMIC_INIT(mdev_driver->max_instances),
	};
	init_rwsem(&parent->unreg_sem);
	ret = mdev_types_add(parent);
	if (ret)
		return ret;

	ret = class_compat_create_link(mdev_bus_compat_class, dev, NULL);
	if (ret)
		goto err_del_types;

	dev_dbg(dev, "mdev parent registered, %u types\n", nr_types);
	/* mdevctl's udev rule starts the parent's persistent devices on it. */
	mdev_send_state(&dev->kobj, true);
	return 0;

err_del_types:
	mdev_types_del(parent);
	return ret;
}
EXPORT_SYMBOL_GPL(mdev_register_parent);

/**
 * mdev_unregister_parent - remove a parent and all its mediated devices
 * @parent: a parent registered with mdev_register_parent()
 *
 * Each device's driver remove() runs, which waits until userspace has
 * closed the device.  Creation and removal that already started finish
 * first; later ones fail with -ENODEV.
 */
void mdev_unregister_parent(struct mdev_parent *parent)
{
	struct device *dev = parent->dev;

	down_write(&parent->unreg_sem);
	class_compat_remove_link(mdev_bus_compat_class, dev, NULL);
	device_for_each_child(dev, NULL, mdev_remove_child);
	mdev_types_del(parent);
	up_write(&parent->unreg_sem);

	dev_dbg(dev, "mdev parent unregistered\n");
	mdev_send_state(&dev->kobj, false);
}
EXPORT_SYMBOL_GPL(mdev_unregister_parent);

static int __init mdev_init(void)
{
	int ret;

	ret = rhashtable_init(&mdev_uuids, &mdev_uuid_params);
	if (ret)
		return ret;

	ret = bus_register(&mdev_bus_type);
	if (ret)
		goto err_destroy_uuids;

	mdev_bus_compat_class = class_compat_register("mdev_bus");
	if (!mdev_bus_compat_class) {
		ret = -ENOMEM;
		goto err_unregister_bus;
	}
	return 0;

err_unregister_bus:
	bus_unregister(&mdev_bus_type);
err_destroy_uuids:
	rhashtable_destroy(&mdev_uuids);
	return ret;
}

static void __exit mdev_exit(void)
{
	class_compat_unregister(mdev_bus_compat_class);
	bus_unregister(&mdev_bus_type);
	rhashtable_destroy(&mdev_uuids);
}

module_init(mdev_init);
module_exit(mdev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mediated device bus and core");
