// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: a PCI device behind VFIO.  This file holds the device's
 * life cycle (init, register, enable on first open, disable on last
 * close), the ioctl dispatcher with one function per command, device sets
 * and hot reset, and the request and error paths.  BAR access, mmap,
 * interrupts and config space live in their own files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/nospec.h>
#include <linux/vgaarb.h>
#include <compat/kcompat.h>

#include "vfio_pci_priv.h"
#include "vfio_pci_config.h"

/* Set once by the driver module (vfio_pci_core_set_params()). */
static bool nointxmask;
static bool disable_vga;
static bool disable_idle_d3;

/**
 * vfio_pci_core_set_params - module parameters of the driver, for the core
 * @is_nointxmask: never use the INTx disable bit, even where it works
 * @is_disable_vga: do not expose the legacy VGA region
 * @is_disable_idle_d3: do not put idle devices in D3hot
 *
 * Called by vfio-pci from its module init.  Idle devices are never put
 * in D3hot here (no runtime PM), so @is_disable_idle_d3 changes nothing.
 */
void vfio_pci_core_set_params(bool is_nointxmask, bool is_disable_vga,
			      bool is_disable_idle_d3)
{
	nointxmask = is_nointxmask;
	disable_vga = is_disable_vga;
	disable_idle_d3 = is_disable_idle_d3;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_set_params);

static bool vfio_pci_is_vga(struct pci_dev *pdev)
{
	return (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
}

/* pci_power_t is a sparse-restricted type: compare it in one place. */
static bool vfio_pci_is_d3(pci_power_t state)
{
	return (__force int)state >= (__force int)PCI_D3hot;
}

/**
 * vfio_pci_set_power_state - move the device to a PCI power state
 * @vdev: the device
 * @state: PCI_D0 ... PCI_D3hot
 *
 * Devices that lose their state in D3hot (no PCI_PM_CTRL_NO_SOFT_RESET)
 * get it saved on the way down and restored on the way up.  A caller that
 * changes the state of an enabled device holds memory_lock for write
 * (after zapping the mappings when going to D3hot).
 *
 * Return: 0 or a negative errno from the PCI core.
 */
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state)
{
	struct pci_dev *pdev = vdev->pdev;
	bool needs_restore = false, needs_save = false;
	int ret;

	/* enable and disable call this while no user can map or access */
	if (vdev->enabled)
		lockdep_assert_held_write(&vdev->memory_lock);

	if (vdev->needs_pm_restore) {
		if (!vfio_pci_is_d3(pdev->current_state) &&
		    vfio_pci_is_d3(state)) {
			pci_save_state(pdev);
			needs_save = true;
		}
		if (vfio_pci_is_d3(pdev->current_state) && state == PCI_D0)
			needs_restore = true;
	}

	ret = pci_set_power_state(pdev, state);
	if (!ret) {
		/* Only the last state saved on the way down is kept. */
		if (needs_save) {
			kfree(vdev->pm_save);
			vdev->pm_save = pci_store_saved_state(pdev);
		} else if (needs_restore) {
			pci_load_and_free_saved_state(pdev, &vdev->pm_save);
			pci_restore_state(pdev);
		}
	}
	return ret;
}

static void vfio_pci_probe_power_state(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 pmcsr;

	if (!pdev->pm_cap)
		return;
	pci_read_config_word(pdev, pdev->pm_cap + PCI_PM_CTRL, &pmcsr);
	vdev->needs_pm_restore = !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
}

/* BARs the user may mmap: memory BARs of at least a page. */
static void vfio_pci_probe_mmaps(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		struct resource *res = pdev->resource + bar;

		vdev->bar_mmap_supported[bar] =
			(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) &&
			resource_size(res) >= PAGE_SIZE &&
			!(res->start & ~PAGE_MASK);
	}
}

/**
 * vfio_pci_core_enable - prepare the device for its first user
 * @vdev: the device
 *
 * Wakes the device, enables it, resets it if it can, saves the clean
 * config state to restore at the end and builds the virtual config space.
 * Called from a driver's open_device(), under the device set lock.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;
	u16 cmd;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	vfio_pci_set_power_state(vdev, PCI_D0);

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;

	/*
	 * Reset now so the user starts from a clean device.  If someone
	 * else holds the reset lock, fail the open rather than hand over
	 * a device in whatever state the last user left it (as 6.1 does).
	 */
	ret = pci_try_reset_function(pdev);
	if (ret == -EAGAIN) {
		pci_disable_device(pdev);
		return ret;
	}
	vdev->reset_works = !ret;

	pci_save_state(pdev);
	vdev->pci_saved_state = pci_store_saved_state(pdev);
	if (!vdev->pci_saved_state)
		pci_dbg(pdev, "%s: could not save the config state\n", __func__);

	/* INTx masking by the command register, where it works. */
	vdev->pci_2_3 = !nointxmask && pdev->irq &&
			pci_intx_mask_supported(pdev);

	/* Leave INTx disabled until the user asks for it. */
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (vdev->pci_2_3 && !(cmd & PCI_COMMAND_INTX_DISABLE)) {
		cmd |= PCI_COMMAND_INTX_DISABLE;
		pci_write_config_word(pdev, PCI_COMMAND, cmd);
	}

	ret = vfio_config_init(vdev);
	if (ret)
		goto err_free_state;

	/* No MSI-X table unless config_init found one. */
	if (!pdev->msix_cap)
		vdev->msix_bar = 0xFF;

	vdev->has_vga = !disable_vga && vfio_pci_is_vga(pdev);
	vfio_pci_probe_mmaps(vdev);
	vdev->enabled = true;
	return 0;

err_free_state:
	kfree(vdev->pci_saved_state);
	vdev->pci_saved_state = NULL;
	pci_disable_device(pdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_enable);

/**
 * vfio_pci_core_finish_enable - the last step of open_device()
 * @vdev: the device
 *
 * Called by a driver's open_device() after vfio_pci_core_enable() and its
 * own setup succeeded.
 */
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)
{
	vfio_spapr_pci_eeh_open(vdev->pdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_finish_enable);

static void vfio_pci_release_bars(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->barmap[bar])
			continue;
		pci_iounmap(pdev, vdev->barmap[bar]);
		pci_release_selected_regions(pdev, 1 << bar);
		vdev->barmap[bar] = NULL;
	}
}

static void vfio_pci_release_regions(struct vfio_pci_core_device *vdev)
{
	int i;

	for (i = 0; i < vdev->num_regions; i++)
		if (vdev->region[i].ops->release)
			vdev->region[i].ops->release(vdev, &vdev->region[i]);
	kfree(vdev->region);
	vdev->region = NULL;
	vdev->num_regions = 0;
}

static bool vfio_pci_dev_set_needs_reset(struct vfio_device_set *dev_set);
static void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set);

/**
 * vfio_pci_core_disable - undo vfio_pci_core_enable() after the last close
 * @vdev: the device
 *
 * Tears down the user's interrupts and regions, resets the device and
 * restores the config state saved at enable.  Under the device set lock.
 */
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	/* A device the user left in D3hot is woken before it is reset. */
	vdev->enabled = false;
	vfio_pci_set_power_state(vdev, PCI_D0);

	pci_clear_master(pdev);

	mutex_lock(&vdev->igate);
	vfio_pci_set_irqs_ioctl(vdev, VFIO_IRQ_SET_DATA_NONE |
				VFIO_IRQ_SET_ACTION_TRIGGER,
				vdev->irq_type, 0, 0, NULL);
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	mutex_unlock(&vdev->igate);

	vdev->virq_disabled = false;
	vfio_pci_release_regions(vdev);
	vfio_config_free(vdev);
	vfio_pci_release_bars(vdev);

	vdev->needs_reset = true;

	/*
	 * Put the device back as we found it: the saved state first, so the
	 * reset below saves and restores sane values, then the reset, then
	 * the state once more.
	 */
	if (pci_load_and_free_saved_state(pdev, &vdev->pci_saved_state)) {
		pci_info(pdev, "%s: could not reload the saved state\n",
			 __func__);
	} else if (vdev->reset_works) {
		pci_restore_state(pdev);
		ret = pci_try_reset_function(pdev);
		if (!ret)
			vdev->needs_reset = false;
	}
	pci_restore_state(pdev);
	pci_disable_device(pdev);

	/* A bus or slot reset is possible once nobody in the set uses it. */
	if (vfio_pci_dev_set_needs_reset(vdev->vdev.dev_set))
		vfio_pci_dev_set_try_reset(vdev->vdev.dev_set);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_disable);

/**
 * vfio_pci_core_close_device - the close_device() op of a vfio-pci device
 * @core_vdev: the device
 *
 * Disables the device and drops the ERR and REQ eventfds.
 */
void vfio_pci_core_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	vfio_pci_core_disable(vdev);

	mutex_lock(&vdev->igate);
	if (vdev->err_trigger) {
		eventfd_ctx_put(vdev->err_trigger);
		vdev->err_trigger = NULL;
	}
	if (vdev->req_trigger) {
		eventfd_ctx_put(vdev->req_trigger);
		vdev->req_trigger = NULL;
	}
	mutex_unlock(&vdev->igate);

	vfio_spapr_pci_eeh_release(vdev->pdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_close_device);

/* ------------------------------------------------------------------ ioctls */

static int vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev,
				   struct vfio_device_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (vdev->reset_works)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS + vdev->num_regions;
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_pci_region_info_bar(struct vfio_pci_core_device *vdev,
				    struct vfio_region_info *info,
				    struct vfio_info_cap *caps)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_info_cap_header *cap;

	info->size = pci_resource_len(pdev, info->index);
	if (!info->size) {
		info->flags = 0;
		return 0;
	}
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (!vdev->bar_mmap_supported[info->index])
		return 0;

	info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	if (info->index == vdev->msix_bar) {
		/*
		 * Interrupt remapping makes the MSI-X table harmless to map:
		 * say so, so the user need not punch a hole around it.
		 */
		cap = vfio_info_cap_add(caps, sizeof(*cap),
					VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1);
		if (IS_ERR(cap))
			return PTR_ERR(cap);
	}
	return 0;
}

static int vfio_pci_region_info_rom(struct vfio_pci_core_device *vdev,
				    struct vfio_region_info *info)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	size_t size;
	u16 cmd;

	info->flags = 0;
	info->size = vfio_pci_rom_bar_size(pdev);
	if (!info->size)
		return 0;

	/*
	 * The size is the BAR's (reads past the image give 0xff), but only
	 * if an image can really be mapped from it: a region whose reads
	 * fail is reported empty, as on 6.1.
	 */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	io = pci_map_rom(pdev, &size);
	if (io) {
		info->flags = VFIO_REGION_INFO_FLAG_READ;
		pci_unmap_rom(pdev, io);
	} else {
		info->size = 0;
	}
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	return 0;
}

static int vfio_pci_region_info_dev(struct vfio_pci_core_device *vdev,
				    struct vfio_region_info *info,
				    struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type cap_type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
	};
	struct vfio_pci_region *region;
	int ret;

	if (info->index >= VFIO_PCI_NUM_REGIONS + vdev->num_regions)
		return -EINVAL;
	info->index = array_index_nospec(info->index,
					 VFIO_PCI_NUM_REGIONS + vdev->num_regions);
	region = &vdev->region[info->index - VFIO_PCI_NUM_REGIONS];

	info->size = region->size;
	info->flags = region->flags;
	cap_type.type = region->type;
	cap_type.subtype = region->subtype;

	ret = vfio_info_add_capability(caps, &cap_type.header,
				       sizeof(cap_type));
	if (ret)
		return ret;
	if (region->ops->add_capability)
		return region->ops->add_capability(vdev, region, caps);
	return 0;
}

static int vfio_pci_ioctl_get_region_info(struct vfio_pci_core_device *vdev,
					  struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = pdev->cfg_size;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		ret = vfio_pci_region_info_bar(vdev, &info, &caps);
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		ret = vfio_pci_region_info_rom(vdev, &info);
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		if (!vdev->has_vga)
			return -EINVAL;
		info.size = 0xc0000;	/* up to the end of the VGA memory */
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		ret = vfio_pci_region_info_dev(vdev, &info, &caps);
		break;
	}
	if (ret)
		goto out_free_caps;
	info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* Tell the user how much room the chain needs. */
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out_free_caps;
			}
			info.cap_offset = sizeof(info);
		}
	}

	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
out_free_caps:
	kfree(caps.buf);
	return ret;
}

/*
 * The irq indexes this device reports: all but ERR, which needs AER and
 * so PCIe.  A count of 0 (no INTx pin, no MSI capability) is still
 * reported; the user sees it in GET_IRQ_INFO.
 */
static bool vfio_pci_irq_index_exists(struct vfio_pci_core_device *vdev,
				      u32 index)
{
	if (index >= VFIO_PCI_NUM_IRQS)
		return false;
	return index != VFIO_PCI_ERR_IRQ_INDEX || pci_is_pcie(vdev->pdev);
}

static int vfio_pci_ioctl_get_irq_info(struct vfio_pci_core_device *vdev,
				       struct vfio_irq_info __user *arg)
{
	const unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || !vfio_pci_irq_index_exists(vdev, info.index))
		return -EINVAL;

	/*
	 * INTx is level triggered: the host masks it as it fires and the
	 * user unmasks it.  The others are edge-like and their vector
	 * count is fixed once enabled.
	 */
	info.flags = VFIO_IRQ_INFO_EVENTFD |
		     (info.index == VFIO_PCI_INTX_IRQ_INDEX ?
		      VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED :
		      VFIO_IRQ_INFO_NORESIZE);
	info.count = vfio_pci_get_irq_count(vdev, info.index);

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev,
				   struct vfio_irq_set __user *arg)
{
	struct vfio_irq_set hdr;
	size_t payload = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, offsetofend(struct vfio_irq_set, count)))
		return -EFAULT;

	/* The core's checks of argsz, flags and range, then the payload. */
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
			vfio_pci_get_irq_count(vdev, hdr.index),
			VFIO_PCI_NUM_IRQS, &payload);
	if (ret)
		return ret;
	if (payload) {
		data = memdup_user(arg->data, payload);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vdev->igate);
	ret = vfio_pci_set_irqs_ioctl(vdev, hdr.flags, hdr.index, hdr.start,
				      hdr.count, data);
	mutex_unlock(&vdev->igate);

	kfree(data);
	return ret;
}

static int vfio_pci_ioctl_reset(struct vfio_pci_core_device *vdev)
{
	int ret;

	if (!vdev->reset_works)
		return -EINVAL;

	vfio_pci_zap_and_down_write_memory_lock(vdev);
	/* A reset from D3hot would not reach the device. */
	vfio_pci_set_power_state(vdev, PCI_D0);
	ret = pci_try_reset_function(vdev->pdev);
	up_write(&vdev->memory_lock);
	return ret;
}

/* --------------------------------------------------- device sets, hot reset */

/*
 * The devices a slot (@slot true) or bus reset of @pdev would reset: those
 * of the slot and below, or everything on and below its bus.
 */
struct vfio_pci_walk {
	struct pci_slot *slot;
	int (*fn)(struct pci_dev *pdev, void *data);
	void *data;
	int ret;
};

static int vfio_pci_walk_one(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_walk *walk = data;
	struct pci_dev *up = pdev;

	if (walk->slot) {
		/* Below a bridge of the slot counts as in the slot. */
		while (up->bus->self && up->slot != walk->slot &&
		       up->bus != walk->slot->bus)
			up = up->bus->self;
		if (up->slot != walk->slot)
			return 0;
	}
	walk->ret = walk->fn(pdev, walk->data);
	return walk->ret;
}

static int vfio_pci_for_each_affected(struct pci_dev *pdev, bool slot,
				      int (*fn)(struct pci_dev *, void *),
				      void *data)
{
	struct vfio_pci_walk walk = {
		.slot = slot ? pdev->slot : NULL,
		.fn = fn,
		.data = data,
	};

	pci_walk_bus(pdev->bus, vfio_pci_walk_one, &walk);
	return walk.ret;
}

/* Return 1 for a slot reset, 0 for a bus reset, -ENODEV for neither. */
static int vfio_pci_reset_scope(struct pci_dev *pdev)
{
	if (pdev->slot && !pci_probe_reset_slot(pdev->slot))
		return 1;
	if (!pci_probe_reset_bus(pdev->bus))
		return 0;
	return -ENODEV;
}

struct vfio_pci_fill_info {
	struct vfio_pci_dependent_device *devices;
	int max;
	int count;
};

static int vfio_pci_fill_one(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_fill_info *fill = data;
	struct iommu_group *group;

	if (fill->count < fill->max) {
		struct vfio_pci_dependent_device *dep =
			&fill->devices[fill->count];

		group = iommu_group_get(&pdev->dev);
		if (!group)
			return -EPERM;	/* a device outside any IOMMU group */
		dep->group_id = iommu_group_id(group);
		dep->segment = pci_domain_nr(pdev->bus);
		dep->bus = pdev->bus->number;
		dep->devfn = pdev->devfn;
		iommu_group_put(group);
	}
	fill->count++;
	return 0;
}

static int vfio_pci_ioctl_get_hot_reset_info(
	struct vfio_pci_core_device *vdev,
	struct vfio_pci_hot_reset_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_pci_hot_reset_info,
					  count);
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_fill_info fill = { };
	int slot, ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.argsz < minsz)
		return -EINVAL;
	hdr.flags = 0;

	slot = vfio_pci_reset_scope(vdev->pdev);
	if (slot < 0)
		return slot;

	/* First count, then fill. */
	ret = vfio_pci_for_each_affected(vdev->pdev, slot, vfio_pci_fill_one,
					 &fill);
	if (ret)
		return ret;

	if (hdr.argsz < sizeof(hdr) + fill.count * sizeof(*fill.devices)) {
		hdr.count = fill.count;
		ret = -ENOSPC;
		goto out_copy_hdr;
	}

	fill.devices = kcalloc(fill.count, sizeof(*fill.devices), GFP_KERNEL);
	if (!fill.devices)
		return -ENOMEM;
	fill.max = fill.count;
	fill.count = 0;
	ret = vfio_pci_for_each_affected(vdev->pdev, slot, vfio_pci_fill_one,
					 &fill);
	/* Devices may have come or gone between the two walks. */
	if (!ret && fill.count > fill.max)
		ret = -EAGAIN;
	hdr.count = min(fill.count, fill.max);
	if (!ret && copy_to_user(arg->devices, fill.devices,
				 hdr.count * sizeof(*fill.devices)))
		ret = -EFAULT;
	kfree(fill.devices);
out_copy_hdr:
	if (copy_to_user(arg, &hdr, minsz))
		ret = -EFAULT;
	return ret;
}

/* Is every device a reset of @pdev reaches one of this set's? */
static int vfio_pci_in_set(struct pci_dev *pdev, void *data)
{
	struct vfio_device_set *dev_set = data;
	struct vfio_device *cur;

	lockdep_assert_held(&dev_set->lock);
	list_for_each_entry(cur, &dev_set->device_list, dev_set_list)
		if (cur->dev == &pdev->dev)
			return 0;
	return -EBUSY;
}

/*
 * Reset the whole set at once.  Every member must belong to a group in
 * @files (the user proves it owns them) or not be open at all.  Takes every
 * member's memory_lock for write, so nobody touches a BAR meanwhile.
 */
static int vfio_pci_dev_set_hot_reset(struct vfio_device_set *dev_set,
				      struct file **files, int nr_files,
				      struct pci_dev *pdev, bool slot)
{
	struct vfio_pci_core_device *cur, *locked_last = NULL;
	int ret, i;

	lockdep_assert_held(&dev_set->lock);

	ret = vfio_pci_for_each_affected(pdev, slot, vfio_pci_in_set, dev_set);
	if (ret)
		return ret;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		bool owned = false;

		for (i = 0; i < nr_files; i++)
			if (vfio_file_has_dev(files[i], &cur->vdev))
				owned = true;
		/* As 6.1: each device reset must be the user's, open or not */
		if (!owned)
			return -EINVAL;
	}

	/* Several locks of one class: try each, give up on contention. */
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (!vfio_pci_zap_and_memory_trylock(cur)) {
			ret = -EBUSY;
			goto out_unlock;
		}
		locked_last = cur;
	}

	ret = pci_reset_bus(pdev);	/* the slot if it can, else the bus */
	if (!ret)
		list_for_each_entry(cur, &dev_set->device_list,
				    vdev.dev_set_list)
			cur->needs_reset = false;

out_unlock:
	if (!locked_last)
		return ret;
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		up_write(&cur->memory_lock);
		if (cur == locked_last)
			break;
	}
	return ret;
}

static int vfio_pci_ioctl_pci_hot_reset(struct vfio_pci_core_device *vdev,
					struct vfio_pci_hot_reset __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_pci_hot_reset, count);
	struct vfio_pci_hot_reset hdr;
	struct file **files;
	s32 *fds;
	int slot, ret, i;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.argsz < minsz || hdr.flags)
		return -EINVAL;

	slot = vfio_pci_reset_scope(vdev->pdev);
	if (slot < 0)
		return slot;

	/* No more group fds than devices affected: one group each at most. */
	if (!hdr.count || hdr.count > 256 ||
	    hdr.argsz < sizeof(hdr) + hdr.count * sizeof(*fds))
		return -EINVAL;

	fds = memdup_user(arg->group_fds, hdr.count * sizeof(*fds));
	if (IS_ERR(fds))
		return PTR_ERR(fds);
	files = kcalloc(hdr.count, sizeof(*files), GFP_KERNEL);
	if (!files) {
		ret = -ENOMEM;
		goto out_free_fds;
	}

	for (i = 0; i < hdr.count; i++) {
		files[i] = fget(fds[i]);
		if (!files[i]) {
			ret = -EBADF;
			goto out_put_files;
		}
		if (!vfio_file_is_group(files[i])) {
			ret = -EINVAL;
			goto out_put_files;
		}
	}

	mutex_lock(&vdev->vdev.dev_set->lock);
	ret = vfio_pci_dev_set_hot_reset(vdev->vdev.dev_set, files, hdr.count,
					 vdev->pdev, slot);
	mutex_unlock(&vdev->vdev.dev_set->lock);

out_put_files:
	for (i = 0; i < hdr.count; i++)
		if (files[i])
			fput(files[i]);
	kfree(files);
out_free_fds:
	kfree(fds);
	return ret;
}

static bool vfio_pci_dev_set_needs_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	bool needs = false;

	lockdep_assert_held(&dev_set->lock);
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (cur->enabled)
			return false;
		needs |= cur->needs_reset;
	}
	return needs;
}

/*
 * The last user of a set is gone and some member could not reset itself:
 * reset the slot or bus, if that reaches no device outside the set.
 */
static void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	struct pci_dev *pdev;
	int slot;

	lockdep_assert_held(&dev_set->lock);

	cur = list_first_entry(&dev_set->device_list,
			       struct vfio_pci_core_device, vdev.dev_set_list);
	pdev = cur->pdev;
	slot = vfio_pci_reset_scope(pdev);
	if (slot < 0)
		return;
	if (vfio_pci_for_each_affected(pdev, slot, vfio_pci_in_set, dev_set))
		return;
	if (pci_reset_bus(pdev))
		return;
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		cur->needs_reset = false;
}

/**
 * vfio_pci_core_ioctl - the ioctl() op of a vfio-pci device
 * @core_vdev: the device
 * @cmd: VFIO_DEVICE_* command
 * @arg: its user argument
 *
 * Return: 0 or a positive value on success, a negative errno otherwise.
 */
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_pci_ioctl_get_info(vdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_pci_ioctl_get_region_info(vdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_pci_ioctl_get_irq_info(vdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_pci_ioctl_set_irqs(vdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_pci_ioctl_reset(vdev);
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		return vfio_pci_ioctl_get_hot_reset_info(vdev, uarg);
	case VFIO_DEVICE_PCI_HOT_RESET:
		return vfio_pci_ioctl_pci_hot_reset(vdev, uarg);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl);

/**
 * vfio_pci_core_ioctl_feature - the device_feature() op of vfio-pci
 * @device: the device
 * @flags: VFIO_DEVICE_FEATURE_* flags and feature number
 * @arg: the payload
 * @argsz: its size
 *
 * No PCI feature (SR-IOV VF token, low-power entry) is implemented yet.
 *
 * Return: -ENOTTY.
 */
int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
				void __user *arg, size_t argsz)
{
	return -ENOTTY;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl_feature);

/* ------------------------------------------------------------ read, write */

static ssize_t vfio_pci_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	struct vfio_pci_region *region;

	if (index >= VFIO_PCI_NUM_REGIONS + vdev->num_regions)
		return -EINVAL;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return vfio_pci_config_rw(vdev, buf, count, ppos, iswrite);
	case VFIO_PCI_ROM_REGION_INDEX:
		if (iswrite)
			return -EINVAL;
		return vfio_pci_bar_rw(vdev, buf, count, ppos, false);
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		return vfio_pci_bar_rw(vdev, buf, count, ppos, iswrite);
	case VFIO_PCI_VGA_REGION_INDEX:
		return vfio_pci_vga_rw(vdev, buf, count, ppos, iswrite);
	default:
		index = array_index_nospec(index - VFIO_PCI_NUM_REGIONS,
					   vdev->num_regions);
		region = &vdev->region[index];
		return region->ops->rw(vdev, buf, count, ppos, iswrite);
	}
}

/**
 * vfio_pci_core_read - the read() op of a vfio-pci device
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes wanted
 * @ppos: region index and offset (VFIO_PCI_INDEX_TO_OFFSET())
 *
 * Return: bytes read or a negative errno.
 */
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return vfio_pci_rw(to_vfio_pci_core(core_vdev), buf, count, ppos,
			   false);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_read);

/**
 * vfio_pci_core_write - the write() op of a vfio-pci device
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: region index and offset (VFIO_PCI_INDEX_TO_OFFSET())
 *
 * Return: bytes written or a negative errno.
 */
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return vfio_pci_rw(to_vfio_pci_core(core_vdev), (char __user *)buf,
			   count, ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_write);

/* ---------------------------------------------------- request, match, AER */

/**
 * vfio_pci_core_request - ask the user to release the device
 * @core_vdev: the device
 * @count: how many times it was asked before
 *
 * Signals the REQ irq; without one there is nobody to ask, so only the
 * first call logs that the unbind waits.
 */
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	bool asked;

	mutex_lock(&vdev->igate);
	asked = !!vdev->req_trigger;
	if (asked)
		kc_eventfd_signal(vdev->req_trigger);
	mutex_unlock(&vdev->igate);

	/* The core calls us about every 10 s until the user lets go. */
	if (!asked && !count)
		pci_warn(vdev->pdev,
			 "unbind waits for the user to close the device (no request eventfd set)\n");
	else if (asked && !(count % 10))
		pci_notice_ratelimited(vdev->pdev,
				       "unbind: asked the user to release the device (%u)\n",
				       count);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_request);

/**
 * vfio_pci_core_match - does VFIO_GROUP_GET_DEVICE_FD's string name us
 * @core_vdev: the device
 * @buf: "<pci name>" optionally followed by " vf_token=<uuid>"
 *
 * Return: 1 on a match, 0 otherwise, -EINVAL for a VF token given to a
 * device that takes none.
 */
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	const char *name = pci_name(vdev->pdev);
	size_t len = strlen(name);

	if (strncmp(buf, name, len))
		return 0;
	if (!buf[len])
		return 1;
	if (buf[len] != ' ')
		return 0;

	/* Only SR-IOV PFs and VFs take a token, and we support neither. */
	buf = skip_spaces(buf + len);
	if (!*buf)
		return 1;
	pci_info_ratelimited(vdev->pdev,
			     "VF token given, but the device takes none\n");
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_match);

/**
 * vfio_pci_core_aer_err_detected - AER reports an error on the device
 * @pdev: the device
 * @state: the channel state
 *
 * Relays the error to the user through the ERR irq.
 *
 * Return: PCI_ERS_RESULT_CAN_RECOVER.
 */
pci_ers_result_t vfio_pci_core_aer_err_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	mutex_lock(&vdev->igate);
	if (vdev->err_trigger)
		kc_eventfd_signal(vdev->err_trigger);
	mutex_unlock(&vdev->igate);
	return PCI_ERS_RESULT_CAN_RECOVER;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_aer_err_detected);

/**
 * vfio_pci_core_sriov_configure - enable or disable VFs of a PF
 * @vdev: the PF
 * @nr_virtfn: number of VFs wanted
 *
 * Not supported: VFs of a user-owned PF need the VF token, which is not
 * implemented.
 *
 * Return: -EOPNOTSUPP.
 */
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_sriov_configure);

/* ------------------------------------------------------- device regions */

/**
 * vfio_pci_core_register_dev_region - add a device-specific region
 * @vdev: the device
 * @type: VFIO_REGION_TYPE_*
 * @subtype: VFIO_REGION_SUBTYPE_*
 * @ops: its callbacks (@ops->rw is required)
 * @size: its size
 * @flags: VFIO_REGION_INFO_FLAG_*
 * @data: the driver's data, for @ops
 *
 * Called from a variant driver's open_device(); regions are dropped (and
 * @ops->release called) at close.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_pci_core_register_dev_region(struct vfio_pci_core_device *vdev,
				      unsigned int type, unsigned int subtype,
				      const struct vfio_pci_regops *ops,
				      size_t size, u32 flags, void *data)
{
	struct vfio_pci_region *region;

	region = krealloc(vdev->region,
			  (vdev->num_regions + 1) * sizeof(*region),
			  GFP_KERNEL);
	if (!region)
		return -ENOMEM;

	vdev->region = region;
	region += vdev->num_regions;
	region->type = type;
	region->subtype = subtype;
	region->ops = ops;
	region->size = size;
	region->flags = flags;
	region->data = data;
	vdev->num_regions++;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_dev_region);

/* ------------------------------------------------------------ life cycle */

/**
 * vfio_pci_core_init_dev - the init() op: set up the core's fields
 * @core_vdev: the device, just allocated by vfio_alloc_device()
 *
 * Return: 0.
 */
int vfio_pci_core_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	vdev->pdev = to_pci_dev(core_vdev->dev);
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->msix_bar = 0xFF;
	vdev->disable_idle_d3 = disable_idle_d3;
	mutex_init(&vdev->igate);
	spin_lock_init(&vdev->irqlock);
	mutex_init(&vdev->ioeventfds_lock);
	INIT_LIST_HEAD(&vdev->dummy_resources_list);
	INIT_LIST_HEAD(&vdev->ioeventfds_list);
	mutex_init(&vdev->vma_lock);
	INIT_LIST_HEAD(&vdev->vma_list);
	INIT_LIST_HEAD(&vdev->sriov_pfs_item);
	init_rwsem(&vdev->memory_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_init_dev);

/**
 * vfio_pci_core_release_dev - the release() op: undo init_dev
 * @core_vdev: the device, whose last reference is going
 *
 * The core frees the structure after this returns.
 */
void vfio_pci_core_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	mutex_destroy(&vdev->igate);
	mutex_destroy(&vdev->ioeventfds_lock);
	mutex_destroy(&vdev->vma_lock);
	kfree(vdev->region);
	kfree(vdev->pm_save);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_release_dev);

/* Devices reset together share a set: the slot's, or the bus's. */
static int vfio_pci_assign_set(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	if (pdev->slot && !pci_probe_reset_slot(pdev->slot))
		return vfio_assign_device_set(&vdev->vdev, pdev->slot);
	if (!pci_probe_reset_bus(pdev->bus))
		return vfio_assign_device_set(&vdev->vdev, pdev->bus);
	return 0;	/* a set of its own */
}

/**
 * vfio_pci_core_register_device - expose the device through VFIO
 * @vdev: the device, allocated with vfio_alloc_device() and set up by
 *        vfio_pci_core_init_dev()
 *
 * Called from the driver's probe after dev_set_drvdata().  The device
 * must be a normal (type 0) function in an IOMMU group.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct device *dev = &pdev->dev;
	int ret;

	/* Drivers must hand us their own struct as drvdata. */
	if (WARN_ON(vdev != dev_get_drvdata(dev)))
		return -EINVAL;

	/* Bridges route other devices' traffic; not something to hand out. */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	ret = vfio_pci_assign_set(vdev);
	if (ret)
		return ret;

	vfio_pci_probe_power_state(vdev);

	return vfio_register_group_dev(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_device);

/**
 * vfio_pci_core_unregister_device - undo vfio_pci_core_register_device()
 * @vdev: the device
 *
 * Blocks until every user has closed the device; the user is asked to
 * through the REQ irq meanwhile.
 */
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev)
{
	vfio_unregister_group_dev(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_unregister_device);

/*
 * vfio_pci_core_err_handlers - PCI error handlers for vfio-pci drivers
 * (6.1's kernel-doc cannot document a variable, hence no kernel-doc).
 *
 * Point struct pci_driver.err_handler here to relay AER errors to the
 * user's ERR irq.
 */
const struct pci_error_handlers vfio_pci_core_err_handlers = {
	.error_detected = vfio_pci_core_aer_err_detected,
};
EXPORT_SYMBOL_GPL(vfio_pci_core_err_handlers);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw authors");
MODULE_DESCRIPTION("VFIO PCI core: PCI devices through VFIO, for vfio-pci and variant drivers");
