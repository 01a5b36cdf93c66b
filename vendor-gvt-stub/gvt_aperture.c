// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR2 of a vGPU: its slice of the aperture, backed by host memory.
 *
 * The pages are allocated on first touch (a read, a write, a page fault
 * of an mmap or an engine access through a GVT_PTE_LOCAL GTT entry), so
 * a vGPU costs memory only for what its user really uses.  They live as
 * long as the vGPU: like VRAM, a device reset does not clear them.
 */
#include <linux/highmem.h>
#include <linux/mm.h>

#include <compat/kcompat.h>

#include "gvt.h"

/**
 * gvt_aperture_page - the page backing an aperture page, allocated if new
 * @vgpu: the vGPU
 * @pgoff: page number within the aperture, below low_gm / PAGE_SIZE
 *
 * Return: the page, or NULL when out of memory.  The aperture keeps its
 * reference; callers that hand the page out take their own.
 */
struct page *gvt_aperture_page(struct gvt_vgpu *vgpu, unsigned long pgoff)
{
	struct page *page, *old;

	page = xa_load(&vgpu->aperture, pgoff);
	if (page)
		return page;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return NULL;
	/* two racing first touches: the loser frees its page */
	old = xa_cmpxchg(&vgpu->aperture, pgoff, NULL, page, GFP_KERNEL);
	if (old) {
		__free_page(page);
		return xa_is_err(old) ? NULL : old;
	}
	return page;
}

/**
 * gvt_aperture_rw - copy between a kernel buffer and the aperture
 * @vgpu: the vGPU
 * @off: byte offset into the aperture
 * @buf: the buffer
 * @len: bytes; @off + @len must lie within the aperture
 * @write: true to copy into the aperture
 *
 * Return: 0, -EINVAL when out of range, or -ENOMEM.
 */
int gvt_aperture_rw(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len, bool write)
{
	u64 size = vgpu->type->low_gm;

	if (off > size || len > size - off)
		return -EINVAL;

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
		struct page *page = gvt_aperture_page(vgpu, off >> PAGE_SHIFT);

		if (!page)
			return -ENOMEM;
		if (write)
			memcpy_to_page(page, offset_in_page(off), buf, n);
		else
			memcpy_from_page(buf, page, offset_in_page(off), n);
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static vm_fault_t gvt_aperture_fault(struct vm_fault *vmf)
{
	struct gvt_vgpu *vgpu = vmf->vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff & (GVT_OFFSET_MASK >> PAGE_SHIFT);
	struct page *page;

	if (pgoff >= vgpu->type->low_gm >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = gvt_aperture_page(vgpu, pgoff);
	if (!page)
		return VM_FAULT_OOM;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct gvt_aperture_vm_ops = {
	.fault = gvt_aperture_fault,
};

/**
 * gvt_aperture_mmap - map (part of) the aperture into a user's address space
 * @vgpu: the vGPU
 * @vma: the new mapping; vm_pgoff is the device-fd offset in pages
 *
 * Return: 0, or -EINVAL when the range is not within BAR2 or not shared.
 */
int gvt_aperture_mmap(struct gvt_vgpu *vgpu, struct vm_area_struct *vma)
{
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) & GVT_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off > vgpu->type->low_gm || len > vgpu->type->low_gm - off)
		return -EINVAL;

	/* the vma holds the device file, so @vgpu outlives the mapping */
	vma->vm_private_data = vgpu;
	vma->vm_ops = &gvt_aperture_vm_ops;
	kc_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/**
 * gvt_aperture_free - free every aperture page
 * @vgpu: the vGPU, no longer used by anyone
 */
void gvt_aperture_free(struct gvt_vgpu *vgpu)
{
	unsigned long idx;
	struct page *page;

	xa_for_each(&vgpu->aperture, idx, page)
		__free_page(page);
	xa_destroy(&vgpu->aperture);
}
