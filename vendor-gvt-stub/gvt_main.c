// SPDX-License-Identifier: GPL-2.0-only
/*
 * gvt_stub - a GVT-g-like virtual GPU for the mdev framework
 *
 * The "physical" side: a virtual parent GPU (a class device named
 * gvt_stub) that offers the vGPU types of gvt_types.c, the mdev driver
 * whose probe/remove create and destroy vGPUs, and the module's setup of
 * the shared render-engine scheduler.
 */
#include <linux/module.h>
#include <linux/device.h>

#include <compat/kcompat.h>

#include "gvt.h"

/**
 * struct gvt_parent - the virtual physical GPU
 * @class: the gvt_stub class
 * @dev: the parent device, /sys/class/gvt_stub/gvt_stub
 * @parent: the mdev core's part
 */
static struct gvt_parent {
	struct class *class;
	struct device dev;
	struct mdev_parent parent;
} gvt_parent;

static int gvt_probe(struct mdev_device *mdev)
{
	struct gvt_vgpu *vgpu;
	int ret;

	vgpu = vfio_alloc_device(gvt_vgpu, vdev, &mdev->dev, &gvt_vgpu_ops);
	if (IS_ERR(vgpu))
		return PTR_ERR(vgpu);

	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret)
		goto err_put_vdev;
	dev_set_drvdata(&mdev->dev, vgpu);
	dev_dbg(&mdev->dev, "vGPU of type %s created\n", mdev->type->sysfs_name);
	return 0;

err_put_vdev:
	vfio_put_device(&vgpu->vdev);
	return ret;
}

static void gvt_remove(struct mdev_device *mdev)
{
	struct gvt_vgpu *vgpu = dev_get_drvdata(&mdev->dev);

	/* Waits until userspace has closed the device fd. */
	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
}

static void gvt_parent_release(struct device *dev)
{
}

static struct mdev_driver gvt_mdev_driver = {
	.device_api		= VFIO_DEVICE_API_PCI_STRING,
	.probe			= gvt_probe,
	.remove			= gvt_remove,
	.get_available		= gvt_get_available,
	.show_description	= gvt_show_description,
	.driver = {
		.name		= GVT_NAME,
		.owner		= THIS_MODULE,
		.mod_name	= KBUILD_MODNAME,
	},
};

static int __init gvt_init(void)
{
	int ret;

	ret = gvt_pool_init();
	if (ret)
		return ret;
	gvt_cfg_setup();

	ret = gvt_sched_init();
	if (ret)
		return ret;

	ret = mdev_register_driver(&gvt_mdev_driver);
	if (ret)
		goto err_sched_exit;

	gvt_parent.class = kc_class_create(GVT_NAME);
	if (IS_ERR(gvt_parent.class)) {
		ret = PTR_ERR(gvt_parent.class);
		goto err_unregister_driver;
	}

	gvt_parent.dev.class = gvt_parent.class;
	gvt_parent.dev.release = gvt_parent_release;
	ret = dev_set_name(&gvt_parent.dev, GVT_NAME);
	if (ret)
		goto err_destroy_class;
	ret = device_register(&gvt_parent.dev);
	if (ret)
		goto err_put_dev;

	ret = mdev_register_parent(&gvt_parent.parent, &gvt_parent.dev,
				   &gvt_mdev_driver, gvt_mdev_types, gvt_nr_types);
	if (ret)
		goto err_unregister_dev;
	return 0;

err_unregister_dev:
	device_unregister(&gvt_parent.dev);
	goto err_destroy_class;
err_put_dev:
	put_device(&gvt_parent.dev);
err_destroy_class:
	class_destroy(gvt_parent.class);
err_unregister_driver:
	mdev_unregister_driver(&gvt_mdev_driver);
err_sched_exit:
	gvt_sched_exit();
	return ret;
}

static void __exit gvt_exit(void)
{
	/* Removes every vGPU first, waiting for their users. */
	mdev_unregister_parent(&gvt_parent.parent);
	device_unregister(&gvt_parent.dev);
	class_destroy(gvt_parent.class);
	mdev_unregister_driver(&gvt_mdev_driver);
	gvt_sched_exit();
}

module_init(gvt_init);
module_exit(gvt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A GVT-g-like virtual GPU on the mdev framework");
