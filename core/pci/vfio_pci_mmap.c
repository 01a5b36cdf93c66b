// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: mmap(2) of the BARs and the memory-decode lock.
 *
 * A BAR mapping is populated on its first fault, and only while memory
 * decode is on; a fault with decode off gets SIGBUS, as a real access to
 * a disabled BAR would go nowhere.  Each populated mapping is on
 * vdev->vma_list so that turning decode off, resetting the device or
 * putting it in D3hot can zap them all first
 * (vfio_pci_zap_and_down_write_memory_lock()); the next access faults
 * and waits for memory_lock.
 *
 * Lock order: mmap_lock, then vma_lock, then memory_lock.  The zap path
 * needs each mm's mmap_lock while it holds vma_lock; it only trylocks it,
 * and on contention drops vma_lock and takes the two in the right order.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/nospec.h>
#include <compat/kcompat.h>

#include "vfio_pci_priv.h"
#include "vfio_pci_config.h"

/* One populated user mapping of a BAR. */
struct vfio_pci_mmap_vma {
	struct vm_area_struct	*vma;
	struct list_head	vma_next;	/* in vdev->vma_list */
};

static void vfio_pci_zap_one(struct vfio_pci_mmap_vma *mmap_vma)
{
	struct vm_area_struct *vma = mmap_vma->vma;

	zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
	list_del(&mmap_vma->vma_next);
	kfree(mmap_vma);
}

/*
 * Zap every populated mapping and return with vma_lock held and the list
 * empty, so no fault can repopulate one before the caller is done.
 */
static void vfio_pci_zap_and_vma_lock(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_mmap_vma *mmap_vma, *tmp;
	struct mm_struct *mm;

again:
	mutex_lock(&vdev->vma_lock);
	list_for_each_entry_safe(mmap_vma, tmp, &vdev->vma_list, vma_next) {
		mm = mmap_vma->vma->vm_mm;
		if (mmap_read_trylock(mm)) {
			vfio_pci_zap_one(mmap_vma);
			mmap_read_unlock(mm);
			continue;
		}

		/* Contended: take mmap_lock first, as the fault path does. */
		mmgrab(mm);
		mutex_unlock(&vdev->vma_lock);
		mmap_read_lock(mm);
		mutex_lock(&vdev->vma_lock);
		list_for_each_entry_safe(mmap_vma, tmp, &vdev->vma_list,
					 vma_next)
			if (mmap_vma->vma->vm_mm == mm)
				vfio_pci_zap_one(mmap_vma);
		mutex_unlock(&vdev->vma_lock);
		mmap_read_unlock(mm);
		mmdrop(mm);
		goto again;
	}
}

/**
 * vfio_pci_zap_bars - drop every user mapping of the BARs
 * @vdev: the device
 *
 * The mappings fault in again on their next access.
 */
void vfio_pci_zap_bars(struct vfio_pci_core_device *vdev)
{
	vfio_pci_zap_and_vma_lock(vdev);
	mutex_unlock(&vdev->vma_lock);
}

/**
 * vfio_pci_zap_and_down_write_memory_lock - zap the BAR mappings, lock memory
 * @vdev: the device
 *
 * For anything that makes the BARs go away for a while: memory decode off,
 * a reset, D3hot.  Release with up_write(&vdev->memory_lock).
 */
void vfio_pci_zap_and_down_write_memory_lock(struct vfio_pci_core_device *vdev)
{
	vfio_pci_zap_and_vma_lock(vdev);
	down_write(&vdev->memory_lock);
	mutex_unlock(&vdev->vma_lock);
}

/**
 * vfio_pci_zap_and_memory_trylock - the same without ever sleeping on a lock
 * @vdev: the device
 *
 * For hot reset, which locks every device of a set: blocking on several
 * locks of the same classes could deadlock, so contention fails instead.
 *
 * Return: true with the mappings zapped and memory_lock held for write,
 * false with nothing held.
 */
bool vfio_pci_zap_and_memory_trylock(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_mmap_vma *mmap_vma, *tmp;
	struct mm_struct *mm;

	if (!mutex_trylock(&vdev->vma_lock))
		return false;
	list_for_each_entry_safe(mmap_vma, tmp, &vdev->vma_list, vma_next) {
		mm = mmap_vma->vma->vm_mm;
		if (!mmap_read_trylock(mm))
			goto err_unlock_vma;
		vfio_pci_zap_one(mmap_vma);
		mmap_read_unlock(mm);
	}
	if (!down_write_trylock(&vdev->memory_lock))
		goto err_unlock_vma;
	mutex_unlock(&vdev->vma_lock);
	return true;

err_unlock_vma:
	mutex_unlock(&vdev->vma_lock);
	return false;
}

/**
 * vfio_pci_memory_lock_and_enable - lock memory and make sure decode is on
 * @vdev: the device
 *
 * For the kernel's own accesses to a BAR (the MSI-X table, the ROM).
 *
 * Return: the command register as it was, for
 * vfio_pci_memory_unlock_and_restore().
 */
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev)
{
	u16 cmd;

	down_write(&vdev->memory_lock);
	pci_read_config_word(vdev->pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(vdev->pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * vfio_pci_memory_unlock_and_restore - undo vfio_pci_memory_lock_and_enable()
 * @vdev: the device
 * @cmd: what vfio_pci_memory_lock_and_enable() returned
 */
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd)
{
	pci_write_config_word(vdev->pdev, PCI_COMMAND, cmd);
	up_write(&vdev->memory_lock);
}

/* The tracking entry of @vma, if it is populated; vma_lock held. */
static struct vfio_pci_mmap_vma *
vfio_pci_vma_lookup(struct vfio_pci_core_device *vdev,
		    struct vm_area_struct *vma)
{
	struct vfio_pci_mmap_vma *entry;

	lockdep_assert_held(&vdev->vma_lock);
	list_for_each_entry(entry, &vdev->vma_list, vma_next)
		if (entry->vma == vma)
			return entry;
	return NULL;
}

/*
 * Map the whole of @vma onto its BAR and remember it for zapping.  Both
 * locks are held: vma_lock for the list, memory_lock (read) so that
 * decode cannot go off under us.
 */
static vm_fault_t vfio_pci_vma_populate(struct vfio_pci_core_device *vdev,
					struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	struct vfio_pci_mmap_vma *entry;

	lockdep_assert_held(&vdev->vma_lock);
	lockdep_assert_held_read(&vdev->memory_lock);

	entry = kmalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return VM_FAULT_OOM;
	if (io_remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, len,
			       vma->vm_page_prot)) {
		/* Half a mapping would escape the next zap: undo it all. */
		zap_vma_ptes(vma, vma->vm_start, len);
		kfree(entry);
		return VM_FAULT_SIGBUS;
	}
	entry->vma = vma;
	list_add(&entry->vma_next, &vdev->vma_list);
	return VM_FAULT_NOPAGE;
}

/*
 * A duplicate or a piece of a split mapping starts out untracked: clear
 * it, and its first access faults it in and onto vma_list.
 */
static void vfio_pci_mmap_open(struct vm_area_struct *vma)
{
	zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
}

static void vfio_pci_mmap_close(struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	struct vfio_pci_mmap_vma *entry;

	mutex_lock(&vdev->vma_lock);
	entry = vfio_pci_vma_lookup(vdev, vma);
	if (entry) {
		list_del(&entry->vma_next);
		kfree(entry);
	}
	mutex_unlock(&vdev->vma_lock);
}

static vm_fault_t vfio_pci_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	vm_fault_t ret;

	mutex_lock(&vdev->vma_lock);
	down_read(&vdev->memory_lock);
	if (!__vfio_pci_memory_enabled(vdev))
		ret = VM_FAULT_SIGBUS;		/* a disabled BAR decodes nothing */
	else if (vfio_pci_vma_lookup(vdev, vma))
		ret = VM_FAULT_NOPAGE;		/* a racing fault got there first */
	else
		ret = vfio_pci_vma_populate(vdev, vma);
	up_read(&vdev->memory_lock);
	mutex_unlock(&vdev->vma_lock);
	return ret;
}

static const struct vm_operations_struct vfio_pci_mmap_ops = {
	.open = vfio_pci_mmap_open,
	.close = vfio_pci_mmap_close,
	.fault = vfio_pci_mmap_fault,
};

/**
 * vfio_pci_core_mmap - the mmap() op of a vfio-pci device
 * @core_vdev: the device
 * @vma: the user mapping; vm_pgoff carries the region index and offset
 *
 * BARs flagged VFIO_REGION_INFO_FLAG_MMAP and device-specific regions with
 * an mmap op can be mapped, shared only.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	const unsigned int idx_shift = VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT;
	unsigned int index = vma->vm_pgoff >> idx_shift;
	unsigned long first = vma->vm_pgoff & ((1UL << idx_shift) - 1);
	unsigned long pages = vma_pages(vma);
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	/* Private mappings of device memory make no sense. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	if (index >= VFIO_PCI_NUM_REGIONS) {
		struct vfio_pci_region *region;

		index -= VFIO_PCI_NUM_REGIONS;
		if (index >= vdev->num_regions)
			return -EINVAL;
		region = &vdev->region[array_index_nospec(index,
							   vdev->num_regions)];
		if (!region->ops || !region->ops->mmap ||
		    !(region->flags & VFIO_REGION_INFO_FLAG_MMAP))
			return -EINVAL;
		return region->ops->mmap(vdev, region, vma);
	}

	/* Of the fixed regions only the BARs, and only where it is safe. */
	if (index > VFIO_PCI_BAR5_REGION_INDEX ||
	    !vdev->bar_mmap_supported[index])
		return -EINVAL;
	if (first + pages > DIV_ROUND_UP(pci_resource_len(pdev, index),
					 PAGE_SIZE))
		return -EINVAL;

	/* Claim the BAR, so no other driver maps it meanwhile. */
	ret = vfio_pci_core_setup_barmap(vdev, index);
	if (ret)
		return ret;

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_pgoff = (pci_resource_start(pdev, index) >> PAGE_SHIFT) + first;
	/* Populated on fault, so it can be zapped and refaulted at will. */
	kc_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vfio_pci_mmap_ops;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_mmap);
