// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform-base: a platform or AMBA device's MMIO regions and
 * interrupts behind a VFIO device fd, and the registry of device-specific
 * resets.  The binders (vfio-platform, vfio-amba) only tell us how to find
 * the resources on their bus.
 *
 * Regions and IRQs are looked up when the device is first opened and
 * dropped when it is last closed, and the device is reset around both, so
 * every user starts from a quiet device.
 */
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>
#include <compat/kcompat.h>
#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO platform base module"

/* Protects reset_list, the registry of device-specific resets. */
static DEFINE_MUTEX(reset_lock);
static LIST_HEAD(reset_list);

/* ------------------------------------------------------------------ */
/* The reset registry                                                  */

/**
 * __vfio_platform_register_reset - add a reset to the registry
 * @node: the entry, usually made by vfio_platform_register_reset()
 *
 * Devices opened from now on whose "compatible" string is @node->compat
 * use @node->of_reset.
 */
void __vfio_platform_register_reset(struct vfio_platform_reset_node *node)
{
	mutex_lock(&reset_lock);
	list_add(&node->link, &reset_list);
	mutex_unlock(&reset_lock);
}
EXPORT_SYMBOL_GPL(__vfio_platform_register_reset);

/**
 * vfio_platform_unregister_reset - take a reset out of the registry
 * @compat: the "compatible" string it was registered for
 * @fn: the reset function
 *
 * Devices already using it keep the module pinned, so this only runs once
 * none does.
 */
void vfio_platform_unregister_reset(const char *compat,
				    vfio_platform_reset_fn_t fn)
{
	struct vfio_platform_reset_node *node, *tmp;

	mutex_lock(&reset_lock);
	list_for_each_entry_safe(node, tmp, &reset_list, link) {
		if (!strcmp(node->compat, compat) && node->of_reset == fn) {
			list_del(&node->link);
			break;
		}
	}
	mutex_unlock(&reset_lock);
}
EXPORT_SYMBOL_GPL(vfio_platform_unregister_reset);

/* The registered reset for @compat, with its module pinned, or NULL. */
static vfio_platform_reset_fn_t
vfio_platform_lookup_reset(const char *compat, struct module **module)
{
	struct vfio_platform_reset_node *node;
	vfio_platform_reset_fn_t reset = NULL;

	mutex_lock(&reset_lock);
	list_for_each_entry(node, &reset_list, link) {
		if (!strcmp(node->compat, compat) &&
		    try_module_get(node->owner)) {
			*module = node->owner;
			reset = node->of_reset;
			break;
		}
	}
	mutex_unlock(&reset_lock);
	return reset;
}

#ifdef CONFIG_ACPI
static const char *vfio_platform_acpi_hid(struct device *dev)
{
	struct acpi_device *adev = ACPI_COMPANION(dev);

	return adev ? acpi_device_hid(adev) : NULL;
}

static bool vfio_platform_acpi_has_reset(struct vfio_platform_device *vdev)
{
	return acpi_has_method(ACPI_HANDLE(vdev->device), "_RST");
}

static int vfio_platform_acpi_reset(struct vfio_platform_device *vdev)
{
	acpi_status status;

	status = acpi_evaluate_object(ACPI_HANDLE(vdev->device), "_RST",
				      NULL, NULL);
	return ACPI_FAILURE(status) ? -EIO : 0;
}
#else
static const char *vfio_platform_acpi_hid(struct device *dev)
{
	return NULL;
}

static bool vfio_platform_acpi_has_reset(struct vfio_platform_device *vdev)
{
	return false;
}

static int vfio_platform_acpi_reset(struct vfio_platform_device *vdev)
{
	return -ENOENT;
}
#endif

static bool vfio_platform_has_reset(struct vfio_platform_device *vdev)
{
	if (vdev->acpihid)
		return vfio_platform_acpi_has_reset(vdev);
	return vdev->of_reset;
}

/* Find the reset for the device, loading its module on demand. */
static void vfio_platform_get_reset(struct vfio_platform_device *vdev)
{
	if (vdev->acpihid || !vdev->compat)
		return;

	vdev->of_reset = vfio_platform_lookup_reset(vdev->compat,
						    &vdev->reset_module);
	if (vdev->of_reset)
		return;

	request_module("vfio-reset:%s", vdev->compat);
	vdev->of_reset = vfio_platform_lookup_reset(vdev->compat,
						    &vdev->reset_module);
}

static void vfio_platform_put_reset(struct vfio_platform_device *vdev)
{
	if (vdev->of_reset) {
		module_put(vdev->reset_module);
		vdev->of_reset = NULL;
		vdev->reset_module = NULL;
	}
}

static int vfio_platform_call_reset(struct vfio_platform_device *vdev)
{
	if (vdev->acpihid) {
		dev_dbg(vdev->device, "resetting through ACPI _RST\n");
		return vfio_platform_acpi_reset(vdev);
	}
	if (vdev->of_reset) {
		dev_dbg(vdev->device, "resetting through the %s reset\n",
			vdev->compat);
		return vdev->of_reset(vdev);
	}
	dev_dbg(vdev->device, "no reset for %s\n", vdev->name);
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */

static int vfio_platform_regions_init(struct vfio_platform_device *vdev)
{
	int cnt = 0, i;

	while (vdev->get_resource(vdev, cnt))
		cnt++;

	vdev->regions = kcalloc(cnt, sizeof(*vdev->regions), GFP_KERNEL);
	if (cnt && !vdev->regions)
		return -ENOMEM;

	for (i = 0; i < cnt; i++) {
		struct resource *res = vdev->get_resource(vdev, i);
		struct vfio_platform_region *region = &vdev->regions[i];

		region->addr = res->start;
		region->size = resource_size(res);
		region->flags = 0;

		switch (resource_type(res)) {
		case IORESOURCE_MEM:
			region->type = VFIO_PLATFORM_REGION_TYPE_MMIO;
			region->flags |= VFIO_REGION_INFO_FLAG_READ;
			if (!(res->flags & IORESOURCE_READONLY))
				region->flags |= VFIO_REGION_INFO_FLAG_WRITE;
			/* Only whole pages can be handed to userspace. */
			if (!(region->addr & ~PAGE_MASK) &&
			    !(region->size & ~PAGE_MASK))
				region->flags |= VFIO_REGION_INFO_FLAG_MMAP;
			break;
		case IORESOURCE_IO:
			region->type = VFIO_PLATFORM_REGION_TYPE_PIO;
			break;
		default:
			kfree(vdev->regions);
			vdev->regions = NULL;
			return -EINVAL;
		}
	}
	vdev->num_regions = cnt;
	return 0;
}

static void vfio_platform_regions_cleanup(struct vfio_platform_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_regions; i++)
		if (vdev->regions[i].ioaddr)
			iounmap(vdev->regions[i].ioaddr);
	vdev->num_regions = 0;
	kfree(vdev->regions);
	vdev->regions = NULL;
}

/*
 * The kernel mapping of an MMIO region, made on first use: two racing
 * readers may both map it, and the loser unmaps its copy again.
 */
static void __iomem *vfio_platform_ioaddr(struct vfio_platform_region *region)
{
	void __iomem *addr = READ_ONCE(region->ioaddr);
	void __iomem *old;

	if (addr)
		return addr;
	addr = ioremap(region->addr, region->size);
	if (!addr)
		return NULL;
	old = cmpxchg(&region->ioaddr, NULL, addr);
	if (old) {
		iounmap(addr);
		return old;
	}
	return addr;
}

/* ------------------------------------------------------------------ */
/* Open, close and the ioctls                                          */

/**
 * vfio_platform_open_device - vfio_device_ops.open_device for the binders
 * @core_vdev: the device
 *
 * Looks up the regions and IRQs and resets the device.
 *
 * Return: 0, or a negative errno.
 */
int vfio_platform_open_device(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);
	int ret;

	ret = vfio_platform_regions_init(vdev);
	if (ret)
		return ret;

	ret = vfio_platform_irq_init(vdev);
	if (ret)
		goto err_cleanup_regions;

	ret = pm_runtime_resume_and_get(vdev->device);
	if (ret < 0)
		goto err_cleanup_irqs;

	ret = vfio_platform_call_reset(vdev);
	if (ret && vdev->reset_required) {
		dev_warn(vdev->device, "reset of %s failed: %d\n",
			 vdev->name, ret);
		goto err_put_pm;
	}
	return 0;

err_put_pm:
	pm_runtime_put(vdev->device);
err_cleanup_irqs:
	vfio_platform_irq_cleanup(vdev);
err_cleanup_regions:
	vfio_platform_regions_cleanup(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_platform_open_device);

/**
 * vfio_platform_close_device - vfio_device_ops.close_device for the binders
 * @core_vdev: the device
 *
 * Resets the device, then frees its IRQs and region mappings.
 */
void vfio_platform_close_device(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);
	int ret;

	ret = vfio_platform_call_reset(vdev);
	if (ret && vdev->reset_required)
		dev_warn(vdev->device, "reset of %s on close failed: %d\n",
			 vdev->name, ret);
	pm_runtime_put(vdev->device);
	vfio_platform_irq_cleanup(vdev);
	vfio_platform_regions_cleanup(vdev);
}
EXPORT_SYMBOL_GPL(vfio_platform_close_device);

/* Copy in an ioctl argument's first @minsz bytes; argsz must cover them. */
static int vfio_platform_copy_arg(void *karg, const void __user *uarg,
				  size_t minsz)
{
	u32 argsz;

	if (copy_from_user(karg, uarg, minsz))
		return -EFAULT;
	memcpy(&argsz, karg, sizeof(argsz));
	return argsz < minsz ? -EINVAL : 0;
}

static int vfio_platform_ioctl_get_info(struct vfio_platform_device *vdev,
					struct vfio_device_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret;

	ret = vfio_platform_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;

	info.flags = vdev->flags;
	if (vfio_platform_has_reset(vdev))
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = vdev->num_regions;
	info.num_irqs = vdev->num_irqs;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int
vfio_platform_ioctl_get_region_info(struct vfio_platform_device *vdev,
				    struct vfio_region_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret;

	ret = vfio_platform_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= vdev->num_regions)
		return -EINVAL;

	info.offset = VFIO_PLATFORM_INDEX_TO_OFFSET(info.index);
	info.size = vdev->regions[info.index].size;
	info.flags = vdev->regions[info.index].flags;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_platform_ioctl_get_irq_info(struct vfio_platform_device *vdev,
					    struct vfio_irq_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_platform_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= vdev->num_irqs)
		return -EINVAL;

	info.flags = vdev->irqs[info.index].flags;
	info.count = vdev->irqs[info.index].count;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_platform_ioctl_set_irqs(struct vfio_platform_device *vdev,
					struct vfio_irq_set __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;

	ret = vfio_set_irqs_validate_and_prepare(&hdr,
			hdr.index < vdev->num_irqs ?
				vdev->irqs[hdr.index].count : 0,
			vdev->num_irqs, &data_size);
	if (ret)
		return ret;

	if (data_size) {
		data = memdup_user(&arg->data, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vdev->igate);
	ret = vfio_platform_set_irqs_ioctl(vdev, hdr.flags, hdr.index,
					   hdr.start, hdr.count, data);
	mutex_unlock(&vdev->igate);
	kfree(data);
	return ret;
}

static int vfio_platform_ioctl_reset(struct vfio_platform_device *vdev)
{
	if (!vfio_platform_has_reset(vdev))
		return -EINVAL;
	return vfio_platform_call_reset(vdev);
}

/**
 * vfio_platform_ioctl - vfio_device_ops.ioctl for the binders
 * @core_vdev: the device
 * @cmd: the ioctl
 * @arg: its argument
 *
 * Return: what the command returns, -ENOTTY for an unknown one.
 */
long vfio_platform_ioctl(struct vfio_device *core_vdev,
			 unsigned int cmd, unsigned long arg)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_platform_ioctl_get_info(vdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_platform_ioctl_get_region_info(vdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_platform_ioctl_get_irq_info(vdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_platform_ioctl_set_irqs(vdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_platform_ioctl_reset(vdev);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_GPL(vfio_platform_ioctl);

/* ------------------------------------------------------------------ */
/* read(), write() and mmap() of the regions                           */

/*
 * Move one naturally aligned access of up to 4 bytes between the device and
 * userspace; the bytes keep the device's (little-endian) order.  Return the
 * size moved or a negative errno.
 */
static ssize_t vfio_platform_rw_one(void __iomem *io, char __user *ubuf,
				    size_t count, loff_t off, bool write)
{
	u8 buf[4];
	size_t size;

	if (count >= 4 && !(off % 4))
		size = 4;
	else if (count >= 2 && !(off % 2))
		size = 2;
	else
		size = 1;

	if (write) {
		if (copy_from_user(buf, ubuf, size))
			return -EFAULT;
		if (size == 4)
			iowrite32(get_unaligned_le32(buf), io + off);
		else if (size == 2)
			iowrite16(get_unaligned_le16(buf), io + off);
		else
			iowrite8(buf[0], io + off);
	} else {
		if (size == 4)
			put_unaligned_le32(ioread32(io + off), buf);
		else if (size == 2)
			put_unaligned_le16(ioread16(io + off), buf);
		else
			buf[0] = ioread8(io + off);
		if (copy_to_user(ubuf, buf, size))
			return -EFAULT;
	}
	return size;
}

static ssize_t vfio_platform_rw(struct vfio_platform_device *vdev,
				char __user *buf, size_t count, loff_t *ppos,
				bool write)
{
	unsigned int index = VFIO_PLATFORM_OFFSET_TO_INDEX(*ppos);
	loff_t off = *ppos & VFIO_PLATFORM_OFFSET_MASK;
	u32 need = write ? VFIO_REGION_INFO_FLAG_WRITE :
			   VFIO_REGION_INFO_FLAG_READ;
	struct vfio_platform_region *region;
	void __iomem *io;
	size_t done = 0;

	if (index >= vdev->num_regions)
		return -EINVAL;
	region = &vdev->regions[index];
	if (!(region->flags & need))
		return -EINVAL;
	if (region->type != VFIO_PLATFORM_REGION_TYPE_MMIO)
		return -EINVAL;	/* port I/O is not supported, as upstream */
	if (off >= region->size)
		return -EINVAL;
	count = min_t(size_t, count, region->size - off);

	io = vfio_platform_ioaddr(region);
	if (!io)
		return -ENOMEM;

	while (done < count) {
		ssize_t n = vfio_platform_rw_one(io, buf + done, count - done,
						 off + done, write);

		if (n < 0)
			return n;
		done += n;
	}
	*ppos += done;
	return done;
}

/**
 * vfio_platform_read - vfio_device_ops.read for the binders
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes asked for
 * @ppos: region offset in the device fd; advanced by what was read
 *
 * Return: bytes read, or a negative errno.
 */
ssize_t vfio_platform_read(struct vfio_device *core_vdev,
			   char __user *buf, size_t count, loff_t *ppos)
{
	return vfio_platform_rw(to_vfio_platform(core_vdev), buf, count, ppos,
				false);
}
EXPORT_SYMBOL_GPL(vfio_platform_read);

/**
 * vfio_platform_write - vfio_device_ops.write for the binders
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: region offset in the device fd; advanced by what was written
 *
 * Return: bytes written, or a negative errno.
 */
ssize_t vfio_platform_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos)
{
	return vfio_platform_rw(to_vfio_platform(core_vdev),
				(char __user *)buf, count, ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_platform_write);

/**
 * vfio_platform_mmap - vfio_device_ops.mmap for the binders
 * @core_vdev: the device
 * @vma: the mapping; vm_pgoff selects the region and the page in it
 *
 * Return: 0, or -EINVAL for a region, range or protection not allowed.
 */
int vfio_platform_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);
	unsigned int shift = VFIO_PLATFORM_OFFSET_SHIFT - PAGE_SHIFT;
	unsigned long index = vma->vm_pgoff >> shift;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << shift) - 1);
	u64 req_len = vma->vm_end - vma->vm_start;
	struct vfio_platform_region *region;

	if (index >= vdev->num_regions)
		return -EINVAL;
	region = &vdev->regions[index];
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (!(region->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL;
	if (!(region->flags & VFIO_REGION_INFO_FLAG_READ) &&
	    (vma->vm_flags & VM_READ))
		return -EINVAL;
	if (!(region->flags & VFIO_REGION_INFO_FLAG_WRITE) &&
	    (vma->vm_flags & VM_WRITE))
		return -EINVAL;
	if ((pgoff << PAGE_SHIFT) + req_len > region->size)
		return -EINVAL;

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start,
			       (region->addr >> PAGE_SHIFT) + pgoff,
			       req_len, vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(vfio_platform_mmap);

/* ------------------------------------------------------------------ */
/* Setup and teardown, called from the binders' init and release ops   */

/**
 * vfio_platform_init_common - set up the base's part of a device
 * @vdev: the device, with @name, @flags, @device, @get_resource, @get_irq
 *        and @reset_required filled in by the binder
 *
 * Reads the "compatible" string (or ACPI _HID) and finds the reset.
 *
 * Return: 0, or -EINVAL when a reset is required and there is none.
 */
int vfio_platform_init_common(struct vfio_platform_device *vdev)
{
	struct device *dev = vdev->device;

	mutex_init(&vdev->igate);

	vdev->acpihid = vfio_platform_acpi_hid(dev);
	if (!vdev->acpihid &&
	    device_property_read_string(dev, "compatible", &vdev->compat)) {
		dev_err(dev, "cannot read the compatible string of %s\n",
			vdev->name);
		mutex_destroy(&vdev->igate);
		return -EINVAL;
	}

	vfio_platform_get_reset(vdev);
	if (!vfio_platform_has_reset(vdev) && vdev->reset_required) {
		dev_err(dev, "no reset function found for device %s\n",
			vdev->name);
		mutex_destroy(&vdev->igate);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_platform_init_common);

/**
 * vfio_platform_release_common - undo vfio_platform_init_common()
 * @vdev: the device
 */
void vfio_platform_release_common(struct vfio_platform_device *vdev)
{
	vfio_platform_put_reset(vdev);
	mutex_destroy(&vdev->igate);
}
EXPORT_SYMBOL_GPL(vfio_platform_release_common);

MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
