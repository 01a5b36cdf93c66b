// SPDX-License-Identifier: GPL-2.0-only
/*
 * Access from the render engine to the vGPU's graphics memory (GM).
 *
 * A graphics address is translated by the vGPU's GTT into either a page
 * of the aperture (GVT_PTE_LOCAL) or an IOVA of the container the user
 * opened the vGPU in.  Guest memory is only ever reached through the VFIO
 * core, so the engine cannot touch anything the user did not map:
 *
 *  - commands are fetched with vfio_dma_rw(), which needs no pinning;
 *  - the data of FILL/COPY/STORE is accessed through pages pinned with
 *    vfio_pin_pages() and kept in a per-vGPU cache, as kvmgt keeps its
 *    guest-page cache.  The cache is emptied when the user unmaps the
 *    IOVA range (the dma_unmap callback), on reset and on close, and is
 *    bounded by GVT_MAX_PINNED.
 */
#include <linux/highmem.h>
#include <linux/iommu.h>

#include "gvt.h"

#define GVT_MAX_PINNED		4096	/* pages per vGPU: 16 MiB */

/*
 * Translate a graphics address; *iova gets the IOVA or aperture offset.
 * Return: 0, -EFAULT for a GM address without a valid GTT entry.
 */
static int gvt_gtt_translate(struct gvt_vgpu *vgpu, u32 gm, u64 *addr, bool *local)
{
	u64 idx = gm / GVT_GM_PAGE_SIZE;
	u64 pte;

	lockdep_assert_held(&vgpu->lock);
	if (idx >= vgpu->gtt_entries)
		return -EFAULT;
	pte = vgpu->gtt[idx];
	if (!(pte & GVT_PTE_VALID))
		return -EFAULT;
	*local = pte & GVT_PTE_LOCAL;
	*addr = (pte & GVT_PTE_ADDR_MASK) + gm % GVT_GM_PAGE_SIZE;
	if (*local && *addr >= vgpu->type->low_gm)
		return -EFAULT;
	return 0;
}

/* The pinned page of guest memory at @iova, pinning it if need be. */
static struct page *gvt_dma_get_page(struct gvt_vgpu *vgpu, u64 iova)
{
	unsigned long pfn = iova >> PAGE_SHIFT;
	struct page *page;
	int ret;

	lockdep_assert_held(&vgpu->dma_lock);
	page = xa_load(&vgpu->pinned, pfn);
	if (page)
		return page;

	if (vgpu->nr_pinned >= GVT_MAX_PINNED) {
		/* a simple bound: start the cache over */
		mutex_unlock(&vgpu->dma_lock);
		gvt_dma_unpin_all(vgpu);
		mutex_lock(&vgpu->dma_lock);
	}

	ret = vfio_pin_pages(&vgpu->vdev, pfn << PAGE_SHIFT, 1,
			     IOMMU_READ | IOMMU_WRITE, &page);
	if (ret != 1)
		return ERR_PTR(ret < 0 ? ret : -EFAULT);
	ret = xa_insert(&vgpu->pinned, pfn, page, GFP_KERNEL);
	if (ret) {
		vfio_unpin_pages(&vgpu->vdev, pfn << PAGE_SHIFT, 1);
		return ERR_PTR(ret);
	}
	vgpu->nr_pinned++;
	return page;
}

/* Copy within one page of guest memory, through the pin cache. */
static int gvt_dma_access(struct gvt_vgpu *vgpu, u64 iova, void *buf, size_t len, bool write)
{
	struct page *page;
	int ret = 0;

	mutex_lock(&vgpu->dma_lock);
	page = gvt_dma_get_page(vgpu, iova);
	if (IS_ERR(page)) {
		ret = PTR_ERR(page);
		goto out_unlock;
	}
	if (write) {
		memcpy_to_page(page, offset_in_page(iova), buf, len);
		set_page_dirty_lock(page);
	} else {
		memcpy_from_page(buf, page, offset_in_page(iova), len);
	}
out_unlock:
	mutex_unlock(&vgpu->dma_lock);
	return ret;
}

/* Split a GM range at page boundaries; @pinned picks the data path. */
static int gvt_gm_rw(struct gvt_vgpu *vgpu, u32 gm, void *buf, size_t len,
		     bool write, bool pinned)
{
	lockdep_assert_held(&vgpu->lock);
	if ((u64)gm + len > gvt_gm_size(vgpu))
		return -EFAULT;

	while (len) {
		size_t n = min_t(size_t, len, GVT_GM_PAGE_SIZE - gm % GVT_GM_PAGE_SIZE);
		bool local;
		u64 addr;
		int ret;

		ret = gvt_gtt_translate(vgpu, gm, &addr, &local);
		if (ret)
			return ret;
		if (local)
			ret = gvt_aperture_rw(vgpu, addr, buf, n, write);
		else if (pinned)
			ret = gvt_dma_access(vgpu, addr, buf, n, write);
		else
			ret = vfio_dma_rw(&vgpu->vdev, addr, buf, n, write);
		if (ret) {
			dev_dbg(&vgpu->mdev->dev, "GM %#x -> %s %#llx: %d\n", gm,
				local ? "aperture" : "IOVA", addr, ret);
			return -EIO;	/* the address was mapped in the GTT only */
		}
		gm += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * gvt_gm_read - fetch commands from graphics memory
 * @vgpu: the vGPU, its lock held
 * @gm: graphics address
 * @buf: destination
 * @len: bytes
 *
 * Uses vfio_dma_rw() for guest memory.
 *
 * Return: 0; -EFAULT when the GTT does not map the range, -EIO when it
 * maps it to an IOVA the user did not map (or to memory we cannot get).
 */
int gvt_gm_read(struct gvt_vgpu *vgpu, u32 gm, void *buf, size_t len)
{
	return gvt_gm_rw(vgpu, gm, buf, len, false, false);
}

/**
 * gvt_gm_access - read or write data in graphics memory
 * @vgpu: the vGPU, its lock held
 * @gm: graphics address
 * @buf: source or destination
 * @len: bytes
 * @write: true to write to graphics memory
 *
 * Uses pinned pages for guest memory.
 *
 * Return: as gvt_gm_read().
 */
int gvt_gm_access(struct gvt_vgpu *vgpu, u32 gm, void *buf, size_t len, bool write)
{
	return gvt_gm_rw(vgpu, gm, buf, len, write, true);
}

/**
 * gvt_gm_get_page - the page behind a graphics address, with a reference
 * @vgpu: the vGPU, its lock held
 * @gm: a page-aligned graphics address
 *
 * For guest memory the page comes from the pin cache; the reference taken
 * here is the caller's and keeps the page alive even once the cache lets
 * go of it.
 *
 * Return: the page, or an ERR_PTR() as gvt_gm_read() returns errors.
 */
struct page *gvt_gm_get_page(struct gvt_vgpu *vgpu, u32 gm)
{
	struct page *page;
	bool local;
	u64 addr;
	int ret;

	ret = gvt_gtt_translate(vgpu, gm, &addr, &local);
	if (ret)
		return ERR_PTR(ret);
	if (local) {
		page = gvt_aperture_page(vgpu, addr >> PAGE_SHIFT);
		if (!page)
			return ERR_PTR(-ENOMEM);
		get_page(page);
		return page;
	}

	mutex_lock(&vgpu->dma_lock);
	page = gvt_dma_get_page(vgpu, addr);
	if (!IS_ERR(page))
		get_page(page);
	mutex_unlock(&vgpu->dma_lock);
	return IS_ERR(page) ? ERR_PTR(-EIO) : page;
}

/**
 * gvt_dma_unmap - unpin what lies in an IOVA range the user unmaps
 * @vgpu: the vGPU
 * @iova: start of the range
 * @length: its size in bytes
 *
 * The IOMMU backend does not finish the unmap before every page pinned in
 * the range is unpinned, so this must not fail.  GTT entries that point
 * into the range stay; the next access through them faults.
 */
void gvt_dma_unmap(struct gvt_vgpu *vgpu, u64 iova, u64 length)
{
	unsigned long first = iova >> PAGE_SHIFT;
	unsigned long last = (iova + length - 1) >> PAGE_SHIFT;
	unsigned long pfn;
	struct page *page;

	if (!length)
		return;
	mutex_lock(&vgpu->dma_lock);
	xa_for_each_range(&vgpu->pinned, pfn, page, first, last) {
		xa_erase(&vgpu->pinned, pfn);
		vfio_unpin_pages(&vgpu->vdev, (u64)pfn << PAGE_SHIFT, 1);
		vgpu->nr_pinned--;
	}
	mutex_unlock(&vgpu->dma_lock);
}

/**
 * gvt_dma_unpin_all - empty the pin cache
 * @vgpu: the vGPU; the dma_lock must not be held
 */
void gvt_dma_unpin_all(struct gvt_vgpu *vgpu)
{
	unsigned long pfn;
	struct page *page;

	mutex_lock(&vgpu->dma_lock);
	xa_for_each(&vgpu->pinned, pfn, page) {
		xa_erase(&vgpu->pinned, pfn);
		vfio_unpin_pages(&vgpu->vdev, (u64)pfn << PAGE_SHIFT, 1);
	}
	vgpu->nr_pinned = 0;
	mutex_unlock(&vgpu->dma_lock);
}
