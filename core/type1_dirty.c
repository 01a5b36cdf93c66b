// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty page tracking for migration (VFIO_IOMMU_DIRTY_PAGES and
 * VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP).
 *
 * While tracking, each mapping has a bitmap with one bit per page of the
 * container's smallest page size.  Mediated devices can only write memory
 * they pinned or reached through dma_rw(), so for an emulated-only
 * container the pinned pages and dma_rw() writes are what is dirty.  A
 * physical device behind a real IOMMU domain may write anything mapped, so
 * with domains every mapped page is reported dirty.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include "type1.h"

/* Largest bitmap one report may ask for: INT_MAX pages, like Linux. */
#define TYPE1_DIRTY_PAGES_MAX	((u64)INT_MAX)
#define TYPE1_DIRTY_BYTES(n)	\
	(ALIGN(n, BITS_PER_TYPE(u64)) / BITS_PER_BYTE)

/**
 * type1_dirty_bitmap_max - largest dirty bitmap userspace may ask for
 *
 * Return: the size in bytes, for the migration capability.
 */
u64 type1_dirty_bitmap_max(void)
{
	return TYPE1_DIRTY_BYTES(TYPE1_DIRTY_PAGES_MAX);
}

/**
 * type1_dirty_check_bitmap - validate a user's struct vfio_bitmap
 * @size: bytes of IOVA the bitmap must cover
 * @bitmap: the user's description of the bitmap
 *
 * Return: 0 or -EINVAL.
 */
int type1_dirty_check_bitmap(u64 size, struct vfio_bitmap *bitmap)
{
	u64 npages;

	if (!bitmap->pgsize || !is_power_of_2(bitmap->pgsize))
		return -EINVAL;
	npages = size >> __ffs64(bitmap->pgsize);
	if (!npages || !bitmap->size || npages > TYPE1_DIRTY_PAGES_MAX)
		return -EINVAL;
	/* The limit is on what userspace offers, as the capability says. */
	if (bitmap->size > type1_dirty_bitmap_max())
		return -EINVAL;
	if (bitmap->size < TYPE1_DIRTY_BYTES(npages))
		return -EINVAL;
	if (!access_ok((void __user *)bitmap->data, bitmap->size))
		return -EINVAL;
	return 0;
}

static unsigned long type1_dirty_nbits(struct type1_iommu *iommu,
				       struct type1_dma *dma)
{
	return dma->size >> __ffs64(type1_pgsize(iommu));
}

/**
 * type1_dirty_mark - mark part of a mapping dirty
 * @iommu: the container
 * @dma: the mapping
 * @iova: first byte written
 * @len: bytes written, inside @dma
 */
void type1_dirty_mark(struct type1_iommu *iommu, struct type1_dma *dma,
		      dma_addr_t iova, u64 len)
{
	unsigned int shift = __ffs64(type1_pgsize(iommu));
	u64 first, last;

	lockdep_assert_held(&iommu->lock);

	if (!dma || !dma->bitmap || !len)
		return;
	first = (iova - dma->iova) >> shift;
	last = (iova + len - 1 - dma->iova) >> shift;
	bitmap_set(dma->bitmap, first, last - first + 1);
}

/* Pinned pages stay writable by the device: they start out dirty. */
static void type1_dirty_mark_pinned(struct type1_iommu *iommu,
				    struct type1_dma *dma)
{
	struct rb_node *node;

	for (node = rb_first(&dma->pfn_tree); node; node = rb_next(node)) {
		struct type1_pfn *pfn = rb_entry(node, struct type1_pfn, node);

		type1_dirty_mark(iommu, dma, pfn->iova, PAGE_SIZE);
	}
}

/**
 * type1_dirty_bitmap_alloc - give a mapping its dirty bitmap
 * @iommu: the container, tracking
 * @dma: the mapping
 *
 * Return: 0 or -ENOMEM.
 */
int type1_dirty_bitmap_alloc(struct type1_iommu *iommu, struct type1_dma *dma)
{
	lockdep_assert_held(&iommu->lock);

	dma->bitmap = kvcalloc(BITS_TO_LONGS(type1_dirty_nbits(iommu, dma)),
			       sizeof(unsigned long), GFP_KERNEL_ACCOUNT);
	if (!dma->bitmap)
		return -ENOMEM;
	type1_dirty_mark_pinned(iommu, dma);
	return 0;
}

static void type1_dirty_free_all(struct type1_iommu *iommu)
{
	struct rb_node *node;

	lockdep_assert_held(&iommu->lock);

	for (node = rb_first(&iommu->dma_tree); node; node = rb_next(node)) {
		struct type1_dma *dma = rb_entry(node, struct type1_dma, node);

		kvfree(dma->bitmap);
		dma->bitmap = NULL;
	}
}

static int type1_dirty_start(struct type1_iommu *iommu)
{
	struct rb_node *node;
	int ret;

	lockdep_assert_held(&iommu->lock);

	if (iommu->dirty_tracking)
		return 0;
	for (node = rb_first(&iommu->dma_tree); node; node = rb_next(node)) {
		ret = type1_dirty_bitmap_alloc(iommu,
				rb_entry(node, struct type1_dma, node));
		if (ret) {
			type1_dirty_free_all(iommu);
			return ret;
		}
	}
	iommu->dirty_tracking = true;
	return 0;
}

/**
 * type1_dirty_report - OR a mapping's dirty bits into a user bitmap
 * @iommu: the container, tracking
 * @data: the user bitmap; bit 0 is the page at @base
 * @base: IOVA of bit 0, at or below @dma->iova, page aligned
 * @dma: the mapping
 *
 * Afterwards the mapping's bits are cleared, except for pages still pinned.
 *
 * Return: 0, -EFAULT or -ENOMEM.
 */
int type1_dirty_report(struct type1_iommu *iommu, u64 __user *data,
		       dma_addr_t base, struct type1_dma *dma)
{
	unsigned int pgshift = __ffs64(type1_pgsize(iommu));
	unsigned long nbits = type1_dirty_nbits(iommu, dma);
	u64 bit = (dma->iova - base) >> pgshift;
	unsigned int shift = bit % BITS_PER_TYPE(u64);
	u64 __user *uword = data + bit / BITS_PER_TYPE(u64);
	unsigned long nwords = DIV_ROUND_UP(shift + nbits, BITS_PER_TYPE(u64));
	unsigned long *src, *dst, *user;
	int ret = 0;

	lockdep_assert_held(&iommu->lock);

	if (!dma->bitmap)
		return -EINVAL;

	/* u64 words in userspace, unsigned long here: same on 64-bit. */
	BUILD_BUG_ON(sizeof(unsigned long) != sizeof(u64));
	src = kvcalloc(nwords, sizeof(u64), GFP_KERNEL);
	dst = kvcalloc(nwords, sizeof(u64), GFP_KERNEL);
	user = kvcalloc(nwords, sizeof(u64), GFP_KERNEL);
	if (!src || !dst || !user) {
		ret = -ENOMEM;
		goto out_free;
	}

	/* A physical device may have written anything mapped. */
	if (!list_empty(&iommu->domain_list))
		bitmap_set(src, 0, nbits);
	else
		bitmap_copy(src, dma->bitmap, nbits);
	bitmap_shift_left(dst, src, shift, shift + nbits);

	/* Neighbouring mappings share the edge words: merge, not overwrite. */
	if (copy_from_user(user, uword, nwords * sizeof(u64))) {
		ret = -EFAULT;
		goto out_free;
	}
	bitmap_or(user, user, dst, nwords * BITS_PER_TYPE(u64));
	if (copy_to_user(uword, user, nwords * sizeof(u64))) {
		ret = -EFAULT;
		goto out_free;
	}

	bitmap_zero(dma->bitmap, nbits);
	type1_dirty_mark_pinned(iommu, dma);

out_free:
	kvfree(user);
	kvfree(dst);
	kvfree(src);
	return ret;
}

static int type1_dirty_get(struct type1_iommu *iommu,
			   struct vfio_iommu_type1_dirty_bitmap_get *range)
{
	u64 pgsize, last = range->iova + range->size - 1;
	struct type1_dma *dma;
	struct rb_node *node;
	int ret = -EINVAL;

	mutex_lock(&iommu->lock);
	pgsize = type1_pgsize(iommu);
	/* Only the smallest page size is tracked. */
	if (range->bitmap.pgsize != pgsize)
		goto out_unlock;
	if (range->iova & (pgsize - 1) || range->size & (pgsize - 1))
		goto out_unlock;
	if (!iommu->dirty_tracking)
		goto out_unlock;

	/* The range must cover whole mappings. */
	dma = type1_find_dma(iommu, range->iova, 1);
	if (dma && dma->iova != range->iova)
		goto out_unlock;
	dma = type1_find_dma(iommu, last, 1);
	if (dma && dma->iova + dma->size - 1 != last)
		goto out_unlock;

	ret = 0;
	for (node = type1_first_dma_node(iommu, range->iova, last); node;
	     node = rb_next(node)) {
		dma = rb_entry(node, struct type1_dma, node);
		if (dma->iova > last)
			break;
		ret = type1_dirty_report(iommu,
					 (u64 __user *)range->bitmap.data,
					 range->iova, dma);
		if (ret)
			break;
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_dirty_ioctl - VFIO_IOMMU_DIRTY_PAGES
 * @iommu: the container
 * @arg: the user's struct vfio_iommu_type1_dirty_bitmap
 *
 * Return: 0 or a negative errno.
 */
int type1_dirty_ioctl(struct type1_iommu *iommu, void __user *arg)
{
	u32 mask = VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
		   VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
		   VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	unsigned long minsz = offsetofend(struct vfio_iommu_type1_dirty_bitmap,
					  flags);
	struct vfio_iommu_type1_dirty_bitmap_get range;
	struct vfio_iommu_type1_dirty_bitmap dirty;
	int ret;

	/*
	 * Version 1 unmaps whole mappings that merely start inside the
	 * range, so their dirty bits would not fit the user's bitmap; as in
	 * Linux 6.1, tracking is a v2 feature, refused before anything else.
	 */
	if (!iommu->v2)
		return -EACCES;

	if (copy_from_user(&dirty, arg, minsz))
		return -EFAULT;
	if (dirty.argsz < minsz || dirty.flags & ~mask)
		return -EINVAL;
	/* Exactly one operation per call. */
	if (hweight32(dirty.flags) != 1)
		return -EINVAL;

	switch (dirty.flags) {
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_START:
		mutex_lock(&iommu->lock);
		ret = type1_dirty_start(iommu);
		mutex_unlock(&iommu->lock);
		return ret;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP:
		mutex_lock(&iommu->lock);
		if (iommu->dirty_tracking) {
			iommu->dirty_tracking = false;
			type1_dirty_free_all(iommu);
		}
		mutex_unlock(&iommu->lock);
		return 0;
	default:
		if (dirty.argsz < minsz + sizeof(range))
			return -EINVAL;
		if (copy_from_user(&range, arg + minsz, sizeof(range)))
			return -EFAULT;
		if (range.iova + range.size < range.iova)
			return -EINVAL;
		ret = type1_dirty_check_bitmap(range.size, &range.bitmap);
		if (ret)
			return ret;
		return type1_dirty_get(iommu, &range);
	}
}
