// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev bus: every mediated device sits on it, and each parent's
 * mdev_driver is the only driver its devices ever bind to.
 */
#include <linux/device.h>
#include <linux/module.h>

#include <compat/kcompat.h>

#include "mdev_private.h"

static int mdev_bus_probe(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	return drv->probe(to_mdev_device(dev));
}

static void mdev_bus_remove(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	drv->remove(to_mdev_device(dev));
}

/*
 * Nothing binds by matching: a device must bind to the driver of the
 * parent that created it, and the core attaches that one explicitly.
 * Without this every registered mdev_driver would be tried.
 */
static int mdev_bus_match(struct device *dev, struct device_driver *drv)
{
	return 0;
}

struct bus_type mdev_bus_type = {
	.name		= "mdev",
	.match		= mdev_bus_match,
	.probe		= mdev_bus_probe,
	.remove		= mdev_bus_remove,
	.dev_groups	= mdev_device_groups,
};

/**
 * mdev_register_driver - register a driver for mediated devices
 * @drv: the driver; @drv->driver.name and .owner must be set
 *
 * The driver is not matched against devices: a parent names it in
 * mdev_register_parent() and each of the parent's devices binds to it
 * when it is created.
 *
 * Return: 0 or a negative errno.
 */
int mdev_register_driver(struct mdev_driver *drv)
{
	if (!drv->probe || !drv->remove)
		return -EINVAL;

	drv->driver.bus = &mdev_bus_type;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(mdev_register_driver);

/**
 * mdev_unregister_driver - unregister a driver of mediated devices
 * @drv: a driver registered with mdev_register_driver()
 *
 * Devices still bound to it are unbound first.
 */
void mdev_unregister_driver(struct mdev_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(mdev_unregister_driver);
