// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-amba: binds ARM PrimeCell (AMBA) devices to vfio-platform-base.  Its
 * ID table matches nothing, so only driver_override brings a device here:
 *
 *   echo vfio-amba > /sys/bus/amba/devices/<dev>/driver_override
 *   echo <dev> > /sys/bus/amba/drivers_probe
 *
 * Unlike vfio-platform it takes devices without a registered reset: few
 * PrimeCells have one, and most come back quiet by reprogramming.
 */
#include <linux/amba/bus.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO for AMBA devices"

static char *vfio_amba_label(struct device *dev)
{
	return kasprintf(GFP_KERNEL, "vfio-amba-%08x",
			 to_amba_device(dev)->periphid);
}

/* An AMBA device has one memory resource and up to AMBA_NR_IRQS lines. */
static struct resource *vfio_amba_resource(struct device *dev,
					   unsigned int index)
{
	return index ? NULL : &to_amba_device(dev)->res;
}

static int vfio_amba_irq(struct device *dev, unsigned int index)
{
	struct amba_device *adev = to_amba_device(dev);

	return index < AMBA_NR_IRQS && adev->irq[index] ?
	       adev->irq[index] : -ENXIO;
}

static const struct vfio_platform_bus vfio_amba_bus = {
	.type_flag	= VFIO_DEVICE_FLAGS_AMBA,
	.label		= vfio_amba_label,
	.resource	= vfio_amba_resource,
	.irq		= vfio_amba_irq,
};

/* Few PrimeCells have a reset: take them without one (see above). */
static int vfio_amba_probe(struct amba_device *adev, const struct amba_id *id)
{
	return vfio_platform_bind(&adev->dev, &vfio_amba_bus, false);
}

static void vfio_amba_remove(struct amba_device *adev)
{
	vfio_platform_unbind(&adev->dev);
}

/* Only the terminator: this driver matches no device by itself. */
static const struct amba_id vfio_amba_ids[] = {
	{ 0, 0 },
};
MODULE_DEVICE_TABLE(amba, vfio_amba_ids);

static struct amba_driver vfio_amba_driver = {
	.drv = {
		.name	= "vfio-amba",
		.owner	= THIS_MODULE,
	},
	.id_table	= vfio_amba_ids,
	.driver_managed_dma = true,	/* the VFIO core claims DMA ownership */
	.probe		= vfio_amba_probe,
	.remove		= vfio_amba_remove,
};
module_amba_driver(vfio_amba_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
