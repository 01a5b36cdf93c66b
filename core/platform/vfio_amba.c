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

/* An AMBA device has one memory resource. */
static struct resource *
vfio_amba_get_resource(struct vfio_platform_device *vdev, int i)
{
	struct amba_device *adev = to_amba_device(vdev->device);

	return i == 0 ? &adev->res : NULL;
}

static int vfio_amba_get_irq(struct vfio_platform_device *vdev, int i)
{
	struct amba_device *adev = to_amba_device(vdev->device);

	if (i < 0 || i >= AMBA_NR_IRQS || !adev->irq[i])
		return -ENXIO;
	return adev->irq[i];
}

static int vfio_amba_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);
	struct amba_device *adev = to_amba_device(core_vdev->dev);
	int ret;

	vdev->name = kasprintf(GFP_KERNEL, "vfio-amba-%08x", adev->periphid);
	if (!vdev->name)
		return -ENOMEM;

	vdev->device = &adev->dev;
	vdev->flags = VFIO_DEVICE_FLAGS_AMBA;
	vdev->get_resource = vfio_amba_get_resource;
	vdev->get_irq = vfio_amba_get_irq;
	vdev->reset_required = false;

	ret = vfio_platform_init_common(vdev);
	if (ret)
		kfree(vdev->name);
	return ret;
}

static void vfio_amba_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);

	vfio_platform_release_common(vdev);
	kfree(vdev->name);
	vfio_free_device(core_vdev);
}

static const struct vfio_device_ops vfio_amba_ops = {
	.name		= "vfio-amba",
	.init		= vfio_amba_init_dev,
	.release	= vfio_amba_release_dev,
	.open_device	= vfio_platform_open_device,
	.close_device	= vfio_platform_close_device,
	.ioctl		= vfio_platform_ioctl,
	.read		= vfio_platform_read,
	.write		= vfio_platform_write,
	.mmap		= vfio_platform_mmap,
};

static int vfio_amba_probe(struct amba_device *adev, const struct amba_id *id)
{
	struct vfio_platform_device *vdev;
	int ret;

	vdev = vfio_alloc_device(vfio_platform_device, vdev, &adev->dev,
				 &vfio_amba_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret)
		goto err_put_device;

	dev_set_drvdata(&adev->dev, vdev);
	return 0;

err_put_device:
	vfio_put_device(&vdev->vdev);
	return ret;
}

static void vfio_amba_remove(struct amba_device *adev)
{
	struct vfio_platform_device *vdev = dev_get_drvdata(&adev->dev);

	vfio_unregister_group_dev(&vdev->vdev);
	vfio_put_device(&vdev->vdev);
}

/* Empty: the table's terminator matches no device (see the comment above). */
static const struct amba_id vfio_amba_ids[] = {
	{ 0, 0 },
};
MODULE_DEVICE_TABLE(amba, vfio_amba_ids);

static struct amba_driver vfio_amba_driver = {
	.probe		= vfio_amba_probe,
	.remove		= vfio_amba_remove,
	.id_table	= vfio_amba_ids,
	.drv = {
		.name	= "vfio-amba",
		.owner	= THIS_MODULE,
	},
	.driver_managed_dma = true,
};

module_amba_driver(vfio_amba_driver);

MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
