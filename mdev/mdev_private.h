/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to mdev.ko: what the bus (mdev_driver.c), the core
 * (mdev_core.c) and the sysfs files (mdev_sysfs.c) share.
 */
#ifndef _MDEV_PRIVATE_H
#define _MDEV_PRIVATE_H

#include <linux/mdev.h>

extern struct bus_type mdev_bus_type;
extern const struct attribute_group *mdev_device_groups[];

static inline struct mdev_driver *to_mdev_driver(struct device_driver *drv)
{
	return container_of(drv, struct mdev_driver, driver);
}

static inline struct mdev_type *to_mdev_type(struct kobject *kobj)
{
	return container_of(kobj, struct mdev_type, kobj);
}

/* mdev_core.c */
int mdev_device_create(struct mdev_type *type, const guid_t *uuid);
bool mdev_device_active(struct mdev_device *mdev);
int mdev_device_remove(struct mdev_device *mdev);

/* mdev_sysfs.c */
int mdev_types_add(struct mdev_parent *parent);
void mdev_types_del(struct mdev_parent *parent);
int mdev_links_add(struct mdev_device *mdev);
void mdev_links_del(struct mdev_device *mdev);

#endif /* _MDEV_PRIVATE_H */
