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
#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO for platform devices"

static bool reset_required = true;
module_param(reset_required, bool, 0444);
MODULE_PARM_DESC(reset_required, "refuse devices without a reset (default: 1)");

static struct resource *
vfio_platform_get_resource(struct vfio_platform_device *vdev, int i)
{
	return platform_get_mem_or_io(to_platform_device(vdev->device), i);
}

static int vfio_platform_get_irq(struct vfio_platform_device *vdev, int i)
{
	return platform_get_irq_optional(to_platform_device(vdev->device), i);
}

static int vfio_platform_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);
	struct platform_device *pdev = to_platform_device(core_vdev->dev);
	int ret;

	vdev->device = &pdev->dev;
	vdev->name = pdev->name;
	vdev->flags = VFIO_DEVICE_FLAGS_PLATFORM;
	vdev->get_resource = vfio_platform_get_resource;
	vdev->get_irq = vfio_platform_get_irq;
	vdev->reset_required = reset_required;

	ret = vfio_platform_init_common(vdev);
	if (ret)
		dev_info(&pdev->dev,
			 "no reset for this device: reset_required=0 takes it anyway\n");
	return ret;
}

static void vfio_platform_release_dev(struct vfio_device *core_vdev)
{
	vfio_platform_release_common(to_vfio_platform(core_vdev));
	vfio_free_device(core_vdev);
}

static const struct vfio_device_ops vfio_platform_ops = {
	.name		= "vfio-platform",
	.init		= vfio_platform_init_dev,
	.release	= vfio_platform_release_dev,
	.open_device	= vfio_platform_open_device,
	.close_device	= vfio_platform_close_device,
	.ioctl		= vfio_platform_ioctl,
	.read		= vfio_platform_read,
	.write		= vfio_platform_write,
	.mmap		= vfio_platform_mmap,
};

static int vfio_platform_probe(struct platform_device *pdev)
{
	struct vfio_platform_device *vdev;
	int ret;

	vdev = vfio_alloc_device(vfio_platform_device, vdev, &pdev->dev,
				 &vfio_platform_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	/* The platform bus leaves runtime PM off; open_device resumes. */
	pm_runtime_enable(&pdev->dev);
	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret)
		goto err_disable_pm;

	dev_set_drvdata(&pdev->dev, vdev);
	return 0;

err_disable_pm:
	pm_runtime_disable(&pdev->dev);
	vfio_put_device(&vdev->vdev);
	return ret;
}

static int vfio_platform_remove(struct platform_device *pdev)
{
	struct vfio_platform_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_unregister_group_dev(&vdev->vdev);
	pm_runtime_disable(&pdev->dev);
	vfio_put_device(&vdev->vdev);
	return 0;
}

static struct platform_driver vfio_platform_driver = {
	.probe		= vfio_platform_probe,
	.remove		= vfio_platform_remove,
	.driver	= {
		.name	= "vfio-platform",
	},
	.driver_managed_dma = true,
};

module_platform_driver(vfio_platform_driver);

MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
