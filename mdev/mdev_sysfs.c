// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs side of mdev: a parent's mdev_supported_types directory with
 * one directory per type, the links between a device and its type, and
 * the device's remove file.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uuid.h>

#include "mdev_private.h"
#include "mdev_trace.h"

struct mdev_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_type *mtype, char *buf);
	ssize_t (*store)(struct mdev_type *mtype, const char *buf,
			 size_t count);
};

static inline struct mdev_type_attribute *
to_mdev_type_attr(struct attribute *attr)
{
	return container_of(attr, struct mdev_type_attribute, attr);
}

#define MDEV_TYPE_ATTR_RO(_name)					\
	static struct mdev_type_attribute mdev_type_attr_##_name = {	\
		.attr = { .name = __stringify(_name), .mode = 0444 },	\
		.show = _name##_show,					\
	}

#define MDEV_TYPE_ATTR_WO(_name)					\
	static struct mdev_type_attribute mdev_type_attr_##_name = {	\
		.attr = { .name = __stringify(_name), .mode = 0200 },	\
		.store = _name##_store,					\
	}

static ssize_t mdev_type_attr_show(struct kobject *kobj,
				   struct attribute *attr, char *buf)
{
	struct mdev_type_attribute *ta = to_mdev_type_attr(attr);

	if (!ta->show)
		return -EIO;
	return ta->show(to_mdev_type(kobj), buf);
}

static ssize_t mdev_type_attr_store(struct kobject *kobj,
				    struct attribute *attr,
				    const char *buf, size_t count)
{
	struct mdev_type_attribute *ta = to_mdev_type_attr(attr);

	if (!ta->store)
		return -EIO;
	return ta->store(to_mdev_type(kobj), buf, count);
}

static const struct sysfs_ops mdev_type_sysfs_ops = {
	.show	= mdev_type_attr_show,
	.store	= mdev_type_attr_store,
};

/* A UUID, optionally followed by the newline that echo appends. */
static ssize_t create_store(struct mdev_type *mtype, const char *buf,
			    size_t count)
{
	char str[UUID_STRING_LEN + 1];
	guid_t uuid;
	int ret;

	if (count != UUID_STRING_LEN &&
	    (count != UUID_STRING_LEN + 1 || buf[UUID_STRING_LEN] != '\n'))
		return -EINVAL;

	memcpy(str, buf, UUID_STRING_LEN);
	str[UUID_STRING_LEN] = '\0';
	if (guid_parse(str, &uuid))
		return -EINVAL;

	ret = mdev_device_create(mtype, &uuid);
	trace_mdev_create(mtype, &uuid, ret);
	return ret ? ret : count;
}
MDEV_TYPE_ATTR_WO(create);

static ssize_t available_instances_show(struct mdev_type *mtype, char *buf)
{
	struct mdev_parent *parent = mtype->parent;
	unsigned int n;

	if (parent->mdev_driver->get_available)
		n = parent->mdev_driver->get_available(mtype);
	else
		n = atomic_read(&parent->available_instances);
	return sysfs_emit(buf, "%u\n", n);
}
MDEV_TYPE_ATTR_RO(available_instances);

/* Without a pretty_name, Linux 6.1 shows the type's sysfs_name. */
static ssize_t name_show(struct mdev_type *mtype, char *buf)
{
	const char *name = mtype->pretty_name ? mtype->pretty_name :
						mtype->sysfs_name;

	return sysfs_emit(buf, "%s\n", name);
}
MDEV_TYPE_ATTR_RO(name);

static ssize_t description_show(struct mdev_type *mtype, char *buf)
{
	return mtype->parent->mdev_driver->show_description(mtype, buf);
}
MDEV_TYPE_ATTR_RO(description);

static ssize_t device_api_show(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "%s\n", mtype->parent->mdev_driver->device_api);
}
MDEV_TYPE_ATTR_RO(device_api);

static struct attribute *mdev_type_attrs[] = {
	&mdev_type_attr_create.attr,
	&mdev_type_attr_available_instances.attr,
	&mdev_type_attr_name.attr,
	&mdev_type_attr_description.attr,
	&mdev_type_attr_device_api.attr,
	NULL,
};

/* description exists only when the driver provides it. */
static umode_t mdev_type_attr_is_visible(struct kobject *kobj,
					 struct attribute *attr, int n)
{
	struct mdev_type *mtype = to_mdev_type(kobj);

	if (attr == &mdev_type_attr_description.attr &&
	    !mtype->parent->mdev_driver->show_description)
		return 0;
	return attr->mode;
}

static const struct attribute_group mdev_type_group = {
	.attrs		= mdev_type_attrs,
	.is_visible	= mdev_type_attr_is_visible,
};

static const struct attribute_group *mdev_type_groups[] = {
	&mdev_type_group,
	NULL,
};

/*
 * The type is the driver's (usually static) memory and the kobject only
 * borrows it: nothing to free.  Devices hold references on the kobject,
 * and the parent removes its devices before its types.
 */
static void mdev_type_release(struct kobject *kobj)
{
	pr_debug("mdev: type %s released\n", kobject_name(kobj));
}

static const struct kobj_type mdev_type_ktype = {
	.release	= mdev_type_release,
	.sysfs_ops	= &mdev_type_sysfs_ops,
	.default_groups	= mdev_type_groups,
};

static int mdev_type_add(struct mdev_parent *parent, struct mdev_type *type)
{
	int ret;

	/* A parent registered again reuses its driver's static types. */
	memset(&type->kobj, 0, sizeof(type->kobj));
	type->devices_kobj = NULL;
	type->parent = parent;
	type->kobj.kset = parent->mdev_types_kset;

	ret = kobject_init_and_add(&type->kobj, &mdev_type_ktype, NULL, "%s-%s",
				   dev_driver_string(parent->dev),
				   type->sysfs_name);
	if (ret)
		goto err_put_type;

	type->devices_kobj = kobject_create_and_add("devices", &type->kobj);
	if (!type->devices_kobj) {
		ret = -ENOMEM;
		goto err_del_type;
	}
	return 0;

err_del_type:
	kobject_del(&type->kobj);
err_put_type:
	kobject_put(&type->kobj);
	return ret;
}

static void mdev_type_del(struct mdev_type *type)
{
	kobject_put(type->devices_kobj);
	type->devices_kobj = NULL;
	kobject_del(&type->kobj);
	kobject_put(&type->kobj);
}

/* Remove the first @count types of @parent, then their directory. */
static void mdev_types_del_first(struct mdev_parent *parent,
				 unsigned int count)
{
	while (count--)
		mdev_type_del(parent->types[count]);
	kset_unregister(parent->mdev_types_kset);
	parent->mdev_types_kset = NULL;
}

/**
 * mdev_types_add - create a parent's mdev_supported_types directory
 * @parent: the parent, with @dev, @mdev_driver and @types filled in
 *
 * Return: 0 or a negative errno; nothing is left behind on error.
 */
int mdev_types_add(struct mdev_parent *parent)
{
	struct kset *dir;
	unsigned int n;
	int ret;

	dir = kset_create_and_add("mdev_supported_types", NULL,
				  &parent->dev->kobj);
	if (!dir)
		return -ENOMEM;
	/* mdev_type_add() puts each type's kobject in this kset. */
	parent->mdev_types_kset = dir;

	for (n = 0; n < parent->nr_types; n++) {
		ret = mdev_type_add(parent, parent->types[n]);
		if (ret) {
			mdev_types_del_first(parent, n);
			return ret;
		}
	}
	return 0;
}

/**
 * mdev_types_del - remove what mdev_types_add() created
 * @parent: the parent, with no devices left
 *
 * Waits for running reads and writes of the type attributes to finish.
 */
void mdev_types_del(struct mdev_parent *parent)
{
	mdev_types_del_first(parent, parent->nr_types);
}

/**
 * mdev_links_add - link a new device and its type both ways
 * @mdev: the device, added to sysfs
 *
 * Creates <type>/devices/<uuid> and <uuid>/mdev_type.
 *
 * Return: 0 or a negative errno; nothing is left behind on error.
 */
int mdev_links_add(struct mdev_device *mdev)
{
	struct mdev_type *type = mdev->type;
	int ret;

	ret = sysfs_create_link(type->devices_kobj, &mdev->dev.kobj,
				dev_name(&mdev->dev));
	if (ret)
		return ret;

	ret = sysfs_create_link(&mdev->dev.kobj, &type->kobj, "mdev_type");
	if (ret)
		goto err_remove_devices_link;
	return 0;

err_remove_devices_link:
	sysfs_remove_link(type->devices_kobj, dev_name(&mdev->dev));
	return ret;
}

/**
 * mdev_links_del - remove what mdev_links_add() created
 * @mdev: the device
 */
void mdev_links_del(struct mdev_device *mdev)
{
	sysfs_remove_link(&mdev->dev.kobj, "mdev_type");
	sysfs_remove_link(mdev->type->devices_kobj, dev_name(&mdev->dev));
}

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	struct mdev_parent *parent = mdev->type->parent;
	ssize_t ret = count;
	unsigned long val;
	int err;

	/* As in Linux 6.1: any number but 0 removes, 0 asks for nothing. */
	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	if (!val)
		return count;

	/*
	 * Unregistration removes the device itself and drains this file
	 * meanwhile, so do not wait for it.  Holding the semaphore keeps
	 * the parent, and with it the device, alive below.
	 */
	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;

	/*
	 * Check first so that a device still being created keeps its
	 * remove file.  Removing the file ourselves lets device_del() go
	 * on without waiting for this very write to return.
	 */
	if (!mdev_device_active(mdev)) {
		ret = -EAGAIN;
	} else if (device_remove_file_self(dev, attr)) {
		err = mdev_device_remove(mdev);
		if (err)
			ret = err;
	}

	up_read(&parent->unreg_sem);
	return ret;
}
static DEVICE_ATTR_WO(remove);

/* Every device on the mdev bus has just the one attribute, "remove". */
static struct attribute *mdev_bus_dev_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

static const struct attribute_group mdev_bus_dev_group = {
	.attrs = mdev_bus_dev_attrs,
};

/* The bus's dev_groups (mdev_driver.c). */
const struct attribute_group *mdev_device_groups[] = {
	&mdev_bus_dev_group,
	NULL,
};
