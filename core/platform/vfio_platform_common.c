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

/* The entry registered for @compat, or NULL; reset_lock held. */
static struct vfio_platform_reset_entry *
vfio_platform_reset_find(const char *compat)
{
	struct vfio_platform_reset_entry *entry;

	lockdep_assert_held(&reset_lock);
	list_for_each_entry(entry, &reset_list, link)
		if (!strcmp(entry->compat, compat))
			return entry;
	return NULL;
}

/**
 * __vfio_platform_register_reset - add a reset to the registry
 * @entry: the entry, static data of the providing module; normally made
 *         by module_vfio_reset_handler()
 *
 * Devices bound from now on whose "compatible" string is @entry->compat
 * use @entry->fn.  A second entry for the same string is ignored with a
 * warning: the first one stays in charge.
 */
void __vfio_platform_register_reset(struct vfio_platform_reset_entry *entry)
{
	mutex_lock(&reset_lock);
	if (vfio_platform_reset_find(entry->compat))
		pr_warn("vfio-platform: a reset for %s is registered already\n",
			entry->compat);
	else
		list_add_tail(&entry->link, &reset_list);
	mutex_unlock(&reset_lock);
}
EXPORT_SYMBOL_GPL(__vfio_platform_register_reset);

/**
 * vfio_platform_unregister_reset - take a reset out of the registry
 * @compat: the "compatible" string it was registered for
 * @fn: the reset function
 *
 * Devices using it keep its module pinned, so this only runs once none
 * does.  An entry for @compat with another function stays.
 */
void vfio_platform_unregister_reset(const char *compat,
				    vfio_platform_reset_fn_t fn)
{
	struct vfio_platform_reset_entry *entry;

	mutex_lock(&reset_lock);
	entry = vfio_platform_reset_find(compat);
	if (entry && entry->fn == fn)
		list_del(&entry->link);
	mutex_unlock(&reset_lock);
}
EXPORT_SYMBOL_GPL(vfio_platform_unregister_reset);

/*
 * Take the registered reset for the device's compatible string, pinning its
 * module; false when there is none or its module is on the way out.
 */
static bool vfio_platform_reset_take(struct vfio_platform_device *vdev)
{
	struct vfio_platform_reset_entry *entry;

	mutex_lock(&reset_lock);
	entry = vfio_platform_reset_find(vdev->reset.compat);
	if (entry && try_module_get(entry->owner)) {
		vdev->reset.fn = entry->fn;
		vdev->reset.owner = entry->owner;
	}
	mutex_unlock(&reset_lock);
	return vdev->reset.fn;
}

#ifdef CONFIG_ACPI
static const char *vfio_platform_acpi_hid(struct device *dev)
{
	struct acpi_device *adev = ACPI_COMPANION(dev);

	return adev ? acpi_device_hid(adev) : NULL;
}

static bool vfio_platform_acpi_has_reset(struct vfio_platform_device *vdev)
{
	return acpi_has_method(ACPI_HANDLE(vdev->dev), "_RST");
}

static int vfio_platform_acpi_reset(struct vfio_platform_device *vdev)
{
	acpi_status status;

	status = acpi_evaluate_object(ACPI_HANDLE(vdev->dev), "_RST",
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
	if (vdev->reset.acpi_hid)
		return vfio_platform_acpi_has_reset(vdev);
	return vdev->reset.fn;
}

/* Find the reset for the device, loading its module on demand. */
static void vfio_platform_get_reset(struct vfio_platform_device *vdev)
{
	if (vdev->reset.acpi_hid || !vdev->reset.compat)
		return;
	if (vfio_platform_reset_take(vdev))
		return;
	request_module("vfio-reset:%s", vdev->reset.compat);
	vfio_platform_reset_take(vdev);
}

static void vfio_platform_put_reset(struct vfio_platform_device *vdev)
{
	if (!vdev->reset.fn)
		return;
	module_put(vdev->reset.owner);
	vdev->reset.owner = NULL;
	vdev->reset.fn = NULL;
}

static int vfio_platform_call_reset(struct vfio_platform_device *vdev)
{
	if (vdev->reset.acpi_hid) {
		dev_dbg(vdev->dev, "resetting through ACPI _RST\n");
		return vfio_platform_acpi_reset(vdev);
	}
	if (vdev->reset.fn) {
		dev_dbg(vdev->dev, "resetting through the %s reset\n",
			vdev->reset.compat);
		return vdev->reset.fn(vdev);
	}
	dev_dbg(vdev->dev, "no reset for %s\n", vdev->label);
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */

/* What userspace may do with a memory resource: -EINVAL for other types. */
static int vfio_platform_mem_describe(struct vfio_platform_mem *region,
				      const struct resource *res)
{
	region->phys = res->start;
	region->len = resource_size(res);

	if (resource_type(res) == IORESOURCE_IO) {
		region->is_pio = true;	/* listed, not accessible */
		return 0;
	}
	if (resource_type(res) != IORESOURCE_MEM)
		return -EINVAL;

	region->info_flags = VFIO_REGION_INFO_FLAG_READ;
	if (!(res->flags & IORESOURCE_READONLY))
		region->info_flags |= VFIO_REGION_INFO_FLAG_WRITE;
	/* Only whole pages can be handed to userspace. */
	if (PAGE_ALIGNED(region->phys) && PAGE_ALIGNED(region->len))
		region->info_flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return 0;
}

static int vfio_platform_regions_init(struct vfio_platform_device *vdev)
{
	struct vfio_platform_mem *mem;
	unsigned int n = 0, i;
	int ret;

	while (vdev->bus->resource(vdev->dev, n))
		n++;

	mem = kcalloc(n, sizeof(*mem), GFP_KERNEL);
	if (n && !mem)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		ret = vfio_platform_mem_describe(&mem[i],
						 vdev->bus->resource(vdev->dev, i));
		if (ret) {
			kfree(mem);
			return ret;
		}
	}
	vdev->mem = mem;
	vdev->nr_mem = n;
	return 0;
}

static void vfio_platform_regions_cleanup(struct vfio_platform_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->nr_mem; i++)
		if (vdev->mem[i].kva)
			iounmap(vdev->mem[i].kva);
	vdev->nr_mem = 0;
	kfree(vdev->mem);
	vdev->mem = NULL;
}

/*
 * The kernel mapping of an MMIO region, made on first use: two racing
 * readers may both map it, and the loser unmaps its copy again.
 */
static void __iomem *vfio_platform_ioaddr(struct vfio_platform_mem *region)
{
	void __iomem *addr = READ_ONCE(region->kva);
	void __iomem *old;

	if (addr)
		return addr;
	addr = ioremap(region->phys, region->len);
	if (!addr)
		return NULL;
	old = cmpxchg(&region->kva, NULL, addr);
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

	ret = pm_runtime_resume_and_get(vdev->dev);
	if (ret < 0)
		goto err_cleanup_irqs;

	ret = vfio_platform_call_reset(vdev);
	if (ret && vdev->reset_required) {
		dev_warn(vdev->dev, "reset of %s failed: %d\n",
			 vdev->label, ret);
		goto err_put_pm;
	}
	return 0;

err_put_pm:
	pm_runtime_put(vdev->dev);
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
		dev_warn(vdev->dev, "reset of %s on close failed: %d\n",
			 vdev->label, ret);
	pm_runtime_put(vdev->dev);
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

	info.flags = vdev->bus->type_flag;
	if (vfio_platform_has_reset(vdev))
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = vdev->nr_mem;
	info.num_irqs = vdev->nr_intr;
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
	if (info.index >= vdev->nr_mem)
		return -EINVAL;

	info.offset = VFIO_PLATFORM_INDEX_TO_OFFSET(info.index);
	info.size = vdev->mem[info.index].len;
	info.flags = vdev->mem[info.index].info_flags;
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
	if (info.index >= vdev->nr_intr)
		return -EINVAL;

	info.flags = VFIO_IRQ_INFO_EVENTFD;
	if (vdev->intr[info.index].level)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	info.count = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_platform_ioctl_set_irqs(struct vfio_platform_device *vdev,
					struct vfio_irq_set __user *arg)
{
	struct vfio_irq_set req;
	/* One vector per index: at most one eventfd number or bool. */
	u8 data[sizeof(s32)] = {};
	size_t data_size = 0;
	unsigned int vectors;
	int ret;

	ret = vfio_platform_copy_arg(&req, arg,
				     offsetofend(struct vfio_irq_set, count));
	if (ret)
		return ret;

	vectors = req.index < vdev->nr_intr ? 1 : 0;
	ret = vfio_set_irqs_validate_and_prepare(&req, vectors, vdev->nr_intr,
						 &data_size);
	if (ret)
		return ret;
	if (WARN_ON_ONCE(data_size > sizeof(data)))
		return -EINVAL;
	if (data_size && copy_from_user(data, arg->data, data_size))
		return -EFAULT;

	return vfio_platform_set_irqs(vdev, &req, data);
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
	struct vfio_platform_mem *region;
	void __iomem *io;
	size_t done = 0;

	if (index >= vdev->nr_mem)
		return -EINVAL;
	region = &vdev->mem[index];
	if (!(region->info_flags & need))
		return -EINVAL;
	if (region->is_pio)
		return -EINVAL;	/* port I/O is not supported, as upstream */
	if (off >= region->len)
		return -EINVAL;
	count = min_t(size_t, count, region->len - off);

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
	struct vfio_platform_mem *region;

	if (index >= vdev->nr_mem)
		return -EINVAL;
	region = &vdev->mem[index];
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (!(region->info_flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL;
	if (!(region->info_flags & VFIO_REGION_INFO_FLAG_READ) &&
	    (vma->vm_flags & VM_READ))
		return -EINVAL;
	if (!(region->info_flags & VFIO_REGION_INFO_FLAG_WRITE) &&
	    (vma->vm_flags & VM_WRITE))
		return -EINVAL;
	if ((pgoff << PAGE_SHIFT) + req_len > region->len)
		return -EINVAL;

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start,
			       (region->phys >> PAGE_SHIFT) + pgoff,
			       req_len, vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(vfio_platform_mmap);

/* ------------------------------------------------------------------ */
/* The device's life: binding, setup and teardown                      */

/**
 * vfio_platform_init_common - set up the base's part of a device
 * @vdev: the device, with @dev, @bus and @reset_required filled in
 *
 * Names the device, reads its "compatible" string (or ACPI _HID) and finds
 * its reset.  Whatever it set up, vfio_platform_release_common() undoes,
 * also after a failure.
 *
 * Return: 0, -ENOMEM, or -EINVAL without a compatible string or when a
 * reset is required and there is none.
 */
int vfio_platform_init_common(struct vfio_platform_device *vdev)
{
	struct device *dev = vdev->dev;

	vdev->label = vdev->bus->label(dev);
	if (!vdev->label)
		return -ENOMEM;

	vdev->reset.acpi_hid = vfio_platform_acpi_hid(dev);
	if (!vdev->reset.acpi_hid &&
	    device_property_read_string(dev, "compatible",
					&vdev->reset.compat)) {
		dev_err(dev, "%s has no compatible string\n", vdev->label);
		return -EINVAL;
	}

	vfio_platform_get_reset(vdev);
	if (vdev->reset_required && !vfio_platform_has_reset(vdev)) {
		dev_err(dev,
			"no reset function found for %s; reset_required=0 takes it anyway\n",
			vdev->label);
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
	kfree(vdev->label);
	vdev->label = NULL;
}
EXPORT_SYMBOL_GPL(vfio_platform_release_common);

/* The core frees the structure after this; only our own parts go here. */
static void vfio_platform_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev = to_vfio_platform(core_vdev);

	vfio_platform_release_common(vdev);
	mutex_destroy(&vdev->intr_lock);
}

/* Both binders' devices get these: only their vfio_platform_bus differs. */
static const struct vfio_device_ops vfio_platform_base_ops = {
	.name		= "vfio-platform-base",
	.release	= vfio_platform_release_dev,
	.open_device	= vfio_platform_open_device,
	.close_device	= vfio_platform_close_device,
	.read		= vfio_platform_read,
	.write		= vfio_platform_write,
	.mmap		= vfio_platform_mmap,
	.ioctl		= vfio_platform_ioctl,
};

/**
 * vfio_platform_bind - give a bus device to userspace, for a binder's probe
 * @dev: the device
 * @bus: how to find its resources
 * @reset_required: refuse it when no reset is known for it
 *
 * On success the device's drvdata is our struct vfio_platform_device
 * until vfio_platform_unbind().
 *
 * Return: 0, or a negative errno with nothing left to undo.
 */
int vfio_platform_bind(struct device *dev, const struct vfio_platform_bus *bus,
		       bool reset_required)
{
	struct vfio_platform_device *vdev;
	int ret;

	vdev = vfio_alloc_device(vfio_platform_device, vdev, dev,
				 &vfio_platform_base_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	/* From here on, the release op undoes whatever was set up. */
	vdev->dev = dev;
	vdev->bus = bus;
	vdev->reset_required = reset_required;
	mutex_init(&vdev->intr_lock);

	ret = vfio_platform_init_common(vdev);
	if (ret)
		goto err_put_device;
	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret)
		goto err_put_device;
	dev_set_drvdata(dev, vdev);
	return 0;

err_put_device:
	vfio_put_device(&vdev->vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_platform_bind);

/**
 * vfio_platform_unbind - undo vfio_platform_bind(), for a binder's remove
 * @dev: the device
 *
 * Waits until userspace has closed the device.
 */
void vfio_platform_unbind(struct device *dev)
{
	struct vfio_platform_device *vdev = dev_get_drvdata(dev);

	vfio_unregister_group_dev(&vdev->vdev);
	dev_set_drvdata(dev, NULL);
	vfio_put_device(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_platform_unbind);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
