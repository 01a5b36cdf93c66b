// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform: binds platform devices to vfio-platform-base.  It matches
 * no device by itself; the administrator picks one with driver_override:
 *
 *   echo vfio-platform > /sys/bus/platform/devices/<dev>/driver_override
 *   echo <dev> > /sys/bus/platform/drivers_probe
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO for platform devices"

static bool reset_required = true;
module_param(reset_required, bool, 0444);
MODULE_PARM_DESC(reset_required, "refuse devices without a reset (default: 1)");

static char *vfio_platform_label(struct device *dev)
{
	return kstrdup(to_platform_device(dev)->name, GFP_KERNEL);
}

static struct resource *vfio_platform_resource(struct device *dev,
					       unsigned int index)
{
	return platform_get_mem_or_io(to_platform_device(dev), index);
}

static int vfio_platform_irq(struct device *dev, unsigned int index)
{
	return platform_get_irq_optional(to_platform_device(dev), index);
}

static const struct vfio_platform_bus vfio_platform_bus = {
	.type_flag	= VFIO_DEVICE_FLAGS_PLATFORM,
	.label		= vfio_platform_label,
	.resource	= vfio_platform_resource,
	.irq		= vfio_platform_irq,
};

/*
 * The platform bus leaves runtime PM to the driver: it is on while we are
 * bound, and the base resumes the device for as long as it is open.
 */
static int vfio_platform_probe(struct platform_device *pdev)
{
	int ret;

	pm_runtime_enable(&pdev->dev);
	ret = vfio_platform_bind(&pdev->dev, &vfio_platform_bus,
				 reset_required);
	if (ret)
		pm_runtime_disable(&pdev->dev);
	return ret;
}

static int vfio_platform_remove(struct platform_device *pdev)
{
	vfio_platform_unbind(&pdev->dev);
	pm_runtime_disable(&pdev->dev);
	return 0;
}

static struct platform_driver vfio_platform_driver = {
	.driver	= {
		.name	= "vfio-platform",
	},
	.driver_managed_dma = true,	/* the VFIO core claims DMA ownership */
	.probe		= vfio_platform_probe,
	.remove		= vfio_platform_remove,
};
module_platform_driver(vfio_platform_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
