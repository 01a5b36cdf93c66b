// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_hello - the smallest useful mediated device driver
 *
 * Each device has one region: a page of memory that userspace reads and
 * writes through the device fd.  It shows the shape every vendor driver
 * has: a parent with types, a per-device structure that embeds struct
 * vfio_device, the probe/remove pair of the mdev driver, and the
 * vfio_device_ops that serve the device fd.  Documentation/vfio-core.rst
 * walks through it.
 */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/mdev.h>

#define HELLO_NAME		"mdev_hello"
#define HELLO_REGION_SIZE	PAGE_SIZE
#define HELLO_MAX_DEVICES	4

/* One device: the embedded vfio_device comes first. */
struct hello_state {
	struct vfio_device vdev;
	struct mutex lock;		/* protects @mem */
	u8 *mem;
};

static inline struct hello_state *to_hello(struct vfio_device *vdev)
{
	return container_of(vdev, struct hello_state, vdev);
}

/* The parent: a virtual device that the types hang off. */
static struct {
	struct class *class;
	struct device dev;
	struct mdev_parent parent;
} hello;

static struct mdev_type hello_type = {
	.sysfs_name = "mem",
	.pretty_name = "One page of memory",
};

static struct mdev_type *hello_types[] = { &hello_type };

static int hello_init_dev(struct vfio_device *vdev)
{
	struct hello_state *hs = to_hello(vdev);

	mutex_init(&hs->lock);
	hs->mem = kzalloc(HELLO_REGION_SIZE, GFP_KERNEL);
	return hs->mem ? 0 : -ENOMEM;
}

static void hello_release_dev(struct vfio_device *vdev)
{
	struct hello_state *hs = to_hello(vdev);

	kfree(hs->mem);
	mutex_destroy(&hs->lock);
}

/* Validate an access against the one region; the offset is *ppos. */
static int hello_check_access(loff_t pos, size_t count)
{
	if (pos < 0 || count > HELLO_REGION_SIZE ||
	    pos > HELLO_REGION_SIZE - count)
		return -EINVAL;
	return 0;
}

static ssize_t hello_read(struct vfio_device *vdev, char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct hello_state *hs = to_hello(vdev);
	int ret = hello_check_access(*ppos, count);

	if (ret)
		return ret;
	mutex_lock(&hs->lock);
	ret = copy_to_user(buf, hs->mem + *ppos, count) ? -EFAULT : 0;
	mutex_unlock(&hs->lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static ssize_t hello_write(struct vfio_device *vdev, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct hello_state *hs = to_hello(vdev);
	int ret = hello_check_access(*ppos, count);

	if (ret)
		return ret;
	mutex_lock(&hs->lock);
	ret = copy_from_user(hs->mem + *ppos, buf, count) ? -EFAULT : 0;
	mutex_unlock(&hs->lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static long hello_get_info(struct vfio_device_info __user *arg)
{
	struct vfio_device_info info;
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = 1;
	info.num_irqs = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long hello_get_region_info(struct vfio_region_info __user *arg)
{
	struct vfio_region_info info;
	size_t minsz = offsetofend(struct vfio_region_info, offset);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index != 0)
		return -EINVAL;
	info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	info.size = HELLO_REGION_SIZE;
	info.offset = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long hello_reset(struct hello_state *hs)
{
	mutex_lock(&hs->lock);
	memset(hs->mem, 0, HELLO_REGION_SIZE);
	mutex_unlock(&hs->lock);
	return 0;
}

static long hello_ioctl(struct vfio_device *vdev, unsigned int cmd,
			unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return hello_get_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return hello_get_region_info(uarg);
	case VFIO_DEVICE_RESET:
		return hello_reset(to_hello(vdev));
	}
	return -ENOTTY;
}

/* Nothing is ever pinned, so there is nothing to give back. */
static void hello_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
}

static const struct vfio_device_ops hello_dev_ops = {
	.name		= HELLO_NAME,
	.init		= hello_init_dev,
	.release	= hello_release_dev,
	.read		= hello_read,
	.write		= hello_write,
	.ioctl		= hello_ioctl,
	.dma_unmap	= hello_dma_unmap,
};

static int hello_probe(struct mdev_device *mdev)
{
	struct hello_state *hs;
	int ret;

	hs = vfio_alloc_device(hello_state, vdev, &mdev->dev, &hello_dev_ops);
	if (IS_ERR(hs))
		return PTR_ERR(hs);

	ret = vfio_register_emulated_iommu_dev(&hs->vdev);
	if (ret)
		goto err_put_vdev;
	dev_set_drvdata(&mdev->dev, hs);
	return 0;

err_put_vdev:
	vfio_put_device(&hs->vdev);
	return ret;
}

static void hello_remove(struct mdev_device *mdev)
{
	struct hello_state *hs = dev_get_drvdata(&mdev->dev);

	/* Waits until userspace has closed the device. */
	vfio_unregister_group_dev(&hs->vdev);
	vfio_put_device(&hs->vdev);
}

static struct mdev_driver hello_driver = {
	.device_api	= VFIO_DEVICE_API_PLATFORM_STRING,
	.max_instances	= HELLO_MAX_DEVICES,
	.probe		= hello_probe,
	.remove		= hello_remove,
	.driver = {
		.name	= HELLO_NAME,
		.owner	= THIS_MODULE,
	},
};

static void hello_parent_release(struct device *dev)
{
}

static int __init hello_init(void)
{
	int ret;

	ret = mdev_register_driver(&hello_driver);
	if (ret)
		return ret;

	hello.class = class_create(THIS_MODULE, HELLO_NAME);
	if (IS_ERR(hello.class)) {
		ret = PTR_ERR(hello.class);
		goto err_unregister_driver;
	}

	hello.dev.class = hello.class;
	hello.dev.release = hello_parent_release;
	dev_set_name(&hello.dev, HELLO_NAME);
	ret = device_register(&hello.dev);
	if (ret)
		goto err_put_dev;

	ret = mdev_register_parent(&hello.parent, &hello.dev, &hello_driver,
				   hello_types, ARRAY_SIZE(hello_types));
	if (ret)
		goto err_unregister_dev;
	return 0;

err_unregister_dev:
	device_unregister(&hello.dev);
	goto err_destroy_class;
err_put_dev:
	put_device(&hello.dev);
err_destroy_class:
	class_destroy(hello.class);
err_unregister_driver:
	mdev_unregister_driver(&hello_driver);
	return ret;
}

static void __exit hello_exit(void)
{
	mdev_unregister_parent(&hello.parent);
	device_unregister(&hello.dev);
	class_destroy(hello.class);
	mdev_unregister_driver(&hello_driver);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The smallest useful mediated device driver");
