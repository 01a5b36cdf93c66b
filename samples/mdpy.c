// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdpy - a mediated display device with a host-memory framebuffer.
 *
 * Each mediated device is a small PCI display controller (see mdpy_defs.h)
 * whose BAR0 is a framebuffer in host memory.  Userspace maps BAR0 from
 * the device fd, and VFIO_DEVICE_QUERY_GFX_PLANE (region planes only)
 * tells it how to interpret the pixels.  The geometry is fixed by the mdev
 * type; the guest driver (mdpy-fb) reads it from config space.
 *
 * Until the guest driver takes the framebuffer over, and again after a
 * reset, the framebuffer shows colour bars, so a display client has
 * something to show and tests have something to check.
 */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/vfio.h>
#include <linux/vmalloc.h>
#include <linux/mutex.h>
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <linux/log2.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>
#include <drm/drm_fourcc.h>
#include <compat/kcompat.h>

#include "mdpy_defs.h"

#define MDPY_NAME		"mdpy"
#define MDPY_BYTES_PER_PIXEL	4	/* DRM_FORMAT_XRGB8888 */

/* Region N lives at N << 40 in the device fd, as in vfio-pci. */
#define MDPY_OFFSET_SHIFT	40
#define MDPY_INDEX_TO_OFFSET(i)	((u64)(i) << MDPY_OFFSET_SHIFT)
#define MDPY_OFFSET_TO_INDEX(o)	((o) >> MDPY_OFFSET_SHIFT)
#define MDPY_OFFSET_MASK	(MDPY_INDEX_TO_OFFSET(1) - 1)

/* Values of drm_plane_type (enum drm_plane_type, not part of the uAPI). */
#define MDPY_PLANE_OVERLAY	0
#define MDPY_PLANE_PRIMARY	1
#define MDPY_PLANE_CURSOR	2

static unsigned int max_devices = 4;
module_param(max_devices, uint, 0444);
MODULE_PARM_DESC(max_devices, "How many mdpy devices may exist at once (default 4)");

/**
 * struct mdpy_type - an mdpy mdev type: one fixed display mode
 * @type: the mdev core's part
 * @width: visible width in pixels
 * @height: visible height in lines
 */
struct mdpy_type {
	struct mdev_type type;
	u32 width;
	u32 height;
};

/* A type per mode; the pretty name spells the mode out. */
#define MDPY_MODE(_sysfs, _label, _w, _h) {				\
	.type = {							\
		.sysfs_name = _sysfs,					\
		.pretty_name = "MDPY " _label " (" #_w "x" #_h ")",	\
	},								\
	.width = _w,							\
	.height = _h,							\
}

static struct mdpy_type mdpy_types[] = {
	MDPY_MODE("vga", "VGA", 640, 480),
	MDPY_MODE("xga", "XGA", 1024, 768),
	MDPY_MODE("hd", "Full HD", 1920, 1080),
};

/* The list mdev_register_parent() takes; filled from mdpy_types at init. */
static struct mdev_type *mdpy_mdev_types[ARRAY_SIZE(mdpy_types)];

static inline struct mdpy_type *to_mdpy_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mdpy_type, type);
}

/**
 * struct mdpy_state - one mdpy device
 * @vdev: the VFIO core's part; must come first (vfio_alloc_device())
 * @type: the mode this device was created with
 * @stride: bytes per framebuffer line
 * @fb_size: size of the framebuffer and of BAR0, a power of two
 * @fb: the framebuffer, from vmalloc_user() so that it can be mmap()ed
 * @lock: protects @vconfig and the ownership change that clears @fb
 * @vconfig: emulated PCI config space
 * @wmask: for each byte of @vconfig, the bits the user may change
 */
struct mdpy_state {
	struct vfio_device vdev;
	const struct mdpy_type *type;
	u32 stride;
	u32 fb_size;
	void *fb;
	struct mutex lock;
	u8 vconfig[PCI_CFG_SPACE_SIZE];
	u8 wmask[PCI_CFG_SPACE_SIZE];
};

static inline struct mdpy_state *to_mdpy(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdpy_state, vdev);
}

static void mdpy_paint_colour_bars(struct mdpy_state *mdpy)
{
	u32 width = mdpy->type->width;
	u32 x, y;

	for (y = 0; y < mdpy->type->height; y++) {
		__le32 *line = mdpy->fb + y * mdpy->stride;

		for (x = 0; x < width; x++)
			line[x] = cpu_to_le32(MDPY_BAR_COLOUR(x * MDPY_BARS / width));
	}
}

static void mdpy_init_config(struct mdpy_state *mdpy)
{
	u8 *cfg = mdpy->vconfig;
	u8 *wmask = mdpy->wmask;

	memset(cfg, 0, sizeof(mdpy->vconfig));
	memset(wmask, 0, sizeof(mdpy->wmask));

	put_unaligned_le16(MDPY_PCI_VENDOR_ID, cfg + PCI_VENDOR_ID);
	put_unaligned_le16(MDPY_PCI_DEVICE_ID, cfg + PCI_DEVICE_ID);
	put_unaligned_le16(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
			   wmask + PCI_COMMAND);
	put_unaligned_le16(PCI_STATUS_CAP_LIST, cfg + PCI_STATUS);
	put_unaligned_le16(PCI_CLASS_DISPLAY_OTHER, cfg + PCI_CLASS_DEVICE);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;

	/*
	 * Only the address bits above the BAR's size are writable, which is
	 * all that BAR sizing needs: writing ~0 reads back ~(size - 1).
	 */
	put_unaligned_le32(PCI_BASE_ADDRESS_SPACE_MEMORY |
			   PCI_BASE_ADDRESS_MEM_TYPE_32 |
			   PCI_BASE_ADDRESS_MEM_PREFETCH,
			   cfg + PCI_BASE_ADDRESS_0);
	put_unaligned_le32(~(mdpy->fb_size - 1), wmask + PCI_BASE_ADDRESS_0);

	put_unaligned_le16(MDPY_PCI_SUBVENDOR_ID, cfg + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(MDPY_PCI_SUBDEVICE_ID, cfg + PCI_SUBSYSTEM_ID);
	cfg[PCI_CAPABILITY_LIST] = MDPY_CAP_OFFSET;
	wmask[PCI_INTERRUPT_LINE] = 0xff;	/* scratch for the OS */

	cfg[MDPY_CFG_CAP_ID] = PCI_CAP_ID_VNDR;
	cfg[MDPY_CFG_CAP_NEXT] = 0;
	cfg[MDPY_CFG_CAP_LEN] = MDPY_CAP_LEN;
	cfg[MDPY_CFG_CAP_VERSION] = MDPY_CAP_VERSION;
	put_unaligned_le32(DRM_FORMAT_XRGB8888, cfg + MDPY_CFG_FORMAT);
	put_unaligned_le32(mdpy->type->width, cfg + MDPY_CFG_WIDTH);
	put_unaligned_le32(mdpy->type->height, cfg + MDPY_CFG_HEIGHT);
	put_unaligned_le32(mdpy->stride, cfg + MDPY_CFG_STRIDE);
	put_unaligned_le32(MDPY_CTRL_OWNED, wmask + MDPY_CFG_CTRL);
}

static bool mdpy_owned(struct mdpy_state *mdpy)
{
	lockdep_assert_held(&mdpy->lock);
	return get_unaligned_le32(mdpy->vconfig + MDPY_CFG_CTRL) & MDPY_CTRL_OWNED;
}

static int mdpy_reset(struct mdpy_state *mdpy)
{
	mutex_lock(&mdpy->lock);
	mdpy_init_config(mdpy);
	mdpy_paint_colour_bars(mdpy);
	mutex_unlock(&mdpy->lock);
	return 0;
}

/* Config space is plain bytes with a write mask, so any access size works. */
static ssize_t mdpy_config_rw(struct mdpy_state *mdpy, char __user *ubuf,
			      size_t count, u64 pos, bool write)
{
	u8 buf[PCI_CFG_SPACE_SIZE];
	bool was_owned;
	size_t i;

	if (pos >= PCI_CFG_SPACE_SIZE)
		return -EINVAL;
	count = min_t(size_t, count, PCI_CFG_SPACE_SIZE - pos);

	if (write && copy_from_user(buf, ubuf, count))
		return -EFAULT;

	mutex_lock(&mdpy->lock);
	if (write) {
		was_owned = mdpy_owned(mdpy);
		for (i = 0; i < count; i++) {
			u8 mask = mdpy->wmask[pos + i];
			u8 *reg = &mdpy->vconfig[pos + i];

			*reg = (*reg & ~mask) | (buf[i] & mask);
		}
		/* The guest takes over: hand it a black screen. */
		if (!was_owned && mdpy_owned(mdpy))
			memset(mdpy->fb, 0, mdpy->fb_size);
	} else {
		memcpy(buf, mdpy->vconfig + pos, count);
	}
	mutex_unlock(&mdpy->lock);

	if (!write && copy_to_user(ubuf, buf, count))
		return -EFAULT;
	return count;
}

/* The framebuffer needs no lock: the guest writes it through mmap anyway. */
static ssize_t mdpy_fb_rw(struct mdpy_state *mdpy, char __user *ubuf,
			  size_t count, u64 pos, bool write)
{
	unsigned long left;

	if (pos >= mdpy->fb_size)
		return -EINVAL;
	count = min_t(size_t, count, mdpy->fb_size - pos);

	if (write)
		left = copy_from_user(mdpy->fb + pos, ubuf, count);
	else
		left = copy_to_user(ubuf, mdpy->fb + pos, count);
	return left ? -EFAULT : count;
}

static ssize_t mdpy_rw(struct mdpy_state *mdpy, char __user *ubuf,
		       size_t count, loff_t *ppos, bool write)
{
	u64 index = MDPY_OFFSET_TO_INDEX((u64)*ppos);
	u64 pos = *ppos & MDPY_OFFSET_MASK;
	ssize_t ret;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = mdpy_config_rw(mdpy, ubuf, count, pos, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = mdpy_fb_rw(mdpy, ubuf, count, pos, write);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t mdpy_read(struct vfio_device *vdev, char __user *buf,
			 size_t count, loff_t *ppos)
{
	return mdpy_rw(to_mdpy(vdev), buf, count, ppos, false);
}

static ssize_t mdpy_write(struct vfio_device *vdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	/* The cast only shares one path; mdpy_rw() never writes to @buf. */
	return mdpy_rw(to_mdpy(vdev), (char __user *)buf, count, ppos, true);
}

static int mdpy_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct mdpy_state *mdpy = to_mdpy(vdev);
	unsigned long index = vma->vm_pgoff >> (MDPY_OFFSET_SHIFT - PAGE_SHIFT);
	unsigned long pgoff = vma->vm_pgoff &
			      (MDPY_OFFSET_MASK >> PAGE_SHIFT);
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long fb_pages = mdpy->fb_size >> PAGE_SHIFT;

	if (index != VFIO_PCI_BAR0_REGION_INDEX)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (pgoff >= fb_pages || size > (fb_pages - pgoff) << PAGE_SHIFT)
		return -EINVAL;

	return remap_vmalloc_range(vma, mdpy->fb, pgoff);
}

static int mdpy_ioctl_get_info(struct mdpy_state *mdpy,
			       struct vfio_device_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mdpy_ioctl_get_region_info(struct mdpy_state *mdpy,
				      struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = PCI_CFG_SPACE_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info.size = mdpy->fb_size;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP;
		break;
	default:
		if (info.index >= VFIO_PCI_NUM_REGIONS)
			return -EINVAL;
		/* The other BARs, the ROM and VGA are not implemented. */
		info.size = 0;
		info.flags = 0;
		break;
	}
	info.offset = MDPY_INDEX_TO_OFFSET(info.index);
	info.cap_offset = 0;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* mdpy raises no interrupts: every index exists and has no vectors. */
static int mdpy_ioctl_get_irq_info(struct mdpy_state *mdpy,
				   struct vfio_irq_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.flags = 0;
	info.count = 0;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mdpy_ioctl_set_irqs(struct mdpy_state *mdpy,
			       struct vfio_irq_set __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;

	/* With no vectors anywhere, this rejects every request. */
	return vfio_set_irqs_validate_and_prepare(&hdr, 0, VFIO_PCI_NUM_IRQS,
						  &data_size);
}

static int mdpy_ioctl_query_gfx_plane(struct mdpy_state *mdpy,
				      struct vfio_device_gfx_plane_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_gfx_plane_info,
					  region_index);
	struct vfio_device_gfx_plane_info plane;

	if (copy_from_user(&plane, arg, minsz))
		return -EFAULT;
	if (plane.argsz < minsz)
		return -EINVAL;

	switch (plane.flags) {
	case VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION:
		return 0;
	case VFIO_GFX_PLANE_TYPE_REGION:
		break;
	default:
		return -EINVAL;	/* no dma-bufs here */
	}

	/* Start from a disabled plane: everything zero but the request. */
	plane = (struct vfio_device_gfx_plane_info) {
		.argsz = plane.argsz,
		.flags = plane.flags,
		.drm_plane_type = plane.drm_plane_type,
		.x_hot = U32_MAX,	/* no hotspot */
		.y_hot = U32_MAX,
	};

	/*
	 * QEMU leaves drm_plane_type zero (overlay) when it asks for a
	 * region plane, so that means the one plane we have, too.
	 */
	switch (plane.drm_plane_type) {
	case MDPY_PLANE_OVERLAY:
	case MDPY_PLANE_PRIMARY:
		/* Always scanned out: colour bars or the guest's pixels. */
		plane.drm_format = DRM_FORMAT_XRGB8888;
		plane.width = mdpy->type->width;
		plane.height = mdpy->type->height;
		plane.stride = mdpy->stride;
		plane.size = PAGE_ALIGN(mdpy->stride * mdpy->type->height);
		plane.region_index = VFIO_PCI_BAR0_REGION_INDEX;
		break;
	case MDPY_PLANE_CURSOR:
		break;		/* no cursor: a disabled plane, all zero */
	default:
		return -EINVAL;
	}

	return copy_to_user(arg, &plane, minsz) ? -EFAULT : 0;
}

static long mdpy_ioctl(struct vfio_device *vdev, unsigned int cmd,
		       unsigned long arg)
{
	struct mdpy_state *mdpy = to_mdpy(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mdpy_ioctl_get_info(mdpy, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mdpy_ioctl_get_region_info(mdpy, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mdpy_ioctl_get_irq_info(mdpy, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return mdpy_ioctl_set_irqs(mdpy, uarg);
	case VFIO_DEVICE_RESET:
		return mdpy_reset(mdpy);
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return mdpy_ioctl_query_gfx_plane(mdpy, uarg);
	}
	return -ENOTTY;
}

static int mdpy_init_dev(struct vfio_device *vdev)
{
	struct mdpy_state *mdpy = to_mdpy(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);

	mdpy->type = to_mdpy_type(mdev->type);
	mdpy->stride = mdpy->type->width * MDPY_BYTES_PER_PIXEL;
	mdpy->fb_size = roundup_pow_of_two(mdpy->stride * mdpy->type->height);
	mdpy->fb = vmalloc_user(mdpy->fb_size);
	if (!mdpy->fb)
		return -ENOMEM;
	mutex_init(&mdpy->lock);

	return mdpy_reset(mdpy);
}

static void mdpy_release_dev(struct vfio_device *vdev)
{
	struct mdpy_state *mdpy = to_mdpy(vdev);

	mutex_destroy(&mdpy->lock);
	vfree(mdpy->fb);
}

static const struct vfio_device_ops mdpy_dev_ops;

static int mdpy_probe(struct mdev_device *mdev)
{
	struct mdpy_state *mdpy;
	int ret;

	mdpy = vfio_alloc_device(mdpy_state, vdev, &mdev->dev, &mdpy_dev_ops);
	if (IS_ERR(mdpy))
		return PTR_ERR(mdpy);

	dev_set_drvdata(&mdev->dev, mdpy);
	ret = vfio_register_emulated_iommu_dev(&mdpy->vdev);
	if (ret)
		goto err_put_device;

	dev_dbg(&mdev->dev, "%ux%u, %u KiB framebuffer\n", mdpy->type->width,
		mdpy->type->height, mdpy->fb_size / SZ_1K);
	return 0;

err_put_device:
	vfio_put_device(&mdpy->vdev);
	return ret;
}

static void mdpy_remove(struct mdev_device *mdev)
{
	struct mdpy_state *mdpy = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&mdpy->vdev);
	vfio_put_device(&mdpy->vdev);
}

static ssize_t mdpy_show_description(struct mdev_type *mtype, char *buf)
{
	struct mdpy_type *type = to_mdpy_type(mtype);

	return sprintf(buf, "virtual display, %ux%u, XRGB8888\n",
		       type->width, type->height);
}

static struct class *mdpy_class;
static struct device *mdpy_parent_dev;
static struct mdev_parent mdpy_parent;

static const struct vfio_device_ops mdpy_dev_ops = {
	.read		= mdpy_read,
	.write		= mdpy_write,
	.mmap		= mdpy_mmap,
	.ioctl		= mdpy_ioctl,
	.init		= mdpy_init_dev,
	.release	= mdpy_release_dev,
	.name		= "vfio-mdpy",
};

static struct mdev_driver mdpy_driver = {
	.probe		= mdpy_probe,
	.remove		= mdpy_remove,
	.show_description = mdpy_show_description,
	.device_api	= VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name	= MDPY_NAME,
		.owner	= THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
};

static int __init mdpy_init(void)
{
	unsigned int i;
	int ret;

	if (!max_devices)
		return -EINVAL;
	mdpy_driver.max_instances = max_devices;

	for (i = 0; i < ARRAY_SIZE(mdpy_types); i++)
		mdpy_mdev_types[i] = &mdpy_types[i].type;

	ret = mdev_register_driver(&mdpy_driver);
	if (ret)
		return ret;

	mdpy_class = kc_class_create(MDPY_NAME);
	if (IS_ERR(mdpy_class)) {
		ret = PTR_ERR(mdpy_class);
		goto err_unregister_driver;
	}

	mdpy_parent_dev = device_create(mdpy_class, NULL, MKDEV(0, 0), NULL,
					MDPY_NAME);
	if (IS_ERR(mdpy_parent_dev)) {
		ret = PTR_ERR(mdpy_parent_dev);
		goto err_destroy_class;
	}

	ret = mdev_register_parent(&mdpy_parent, mdpy_parent_dev, &mdpy_driver,
				   mdpy_mdev_types,
				   ARRAY_SIZE(mdpy_mdev_types));
	if (ret)
		goto err_unregister_parent_dev;

	return 0;

err_unregister_parent_dev:
	device_unregister(mdpy_parent_dev);
err_destroy_class:
	class_destroy(mdpy_class);
err_unregister_driver:
	mdev_unregister_driver(&mdpy_driver);
	return ret;
}

static void __exit mdpy_exit(void)
{
	mdev_unregister_parent(&mdpy_parent);
	device_unregister(mdpy_parent_dev);
	class_destroy(mdpy_class);
	mdev_unregister_driver(&mdpy_driver);
}

module_init(mdpy_init);
module_exit(mdpy_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mdev project");
MODULE_DESCRIPTION("Mediated display device with a host-memory framebuffer");
