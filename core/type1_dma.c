// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mappings of a type1 container: a red-black tree of struct type1_dma
 * keyed by IOVA (mappings never overlap), the list of usable IOVA ranges,
 * and VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA on top of them.
 */
#include <linux/iommu.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include "type1.h"

/* Last byte of a mapping; size is never 0 and never wraps. */
static inline u64 type1_dma_last(const struct type1_dma *dma)
{
	return dma->iova + dma->size - 1;
}

/**
 * type1_first_dma_node - lowest mapping that overlaps a range
 * @iommu: the container
 * @start: first IOVA of the range
 * @last: last IOVA of the range (included)
 *
 * Return: the tree node of the mapping, or NULL if nothing overlaps.
 */
struct rb_node *type1_first_dma_node(struct type1_iommu *iommu,
				     dma_addr_t start, u64 last)
{
	struct rb_node *node = iommu->dma_tree.rb_node;
	struct rb_node *found = NULL;

	lockdep_assert_held(&iommu->lock);

	while (node) {
		struct type1_dma *dma = rb_entry(node, struct type1_dma, node);

		if (start > type1_dma_last(dma)) {
			node = node->rb_right;
		} else {
			/* Ends at or after start: candidate, or all is left */
			if (dma->iova <= last)
				found = node;
			node = node->rb_left;
		}
	}
	return found;
}

/**
 * type1_find_dma - any mapping that overlaps a range
 * @iommu: the container
 * @start: first IOVA of the range
 * @size: length of the range, not 0
 *
 * Return: the mapping, or NULL.
 */
struct type1_dma *type1_find_dma(struct type1_iommu *iommu, dma_addr_t start,
				 u64 size)
{
	struct rb_node *node = iommu->dma_tree.rb_node;
	u64 last = start + size - 1;

	lockdep_assert_held(&iommu->lock);

	while (node) {
		struct type1_dma *dma = rb_entry(node, struct type1_dma, node);

		if (last < dma->iova)
			node = node->rb_left;
		else if (start > type1_dma_last(dma))
			node = node->rb_right;
		else
			return dma;
	}
	return NULL;
}

static void type1_link_dma(struct type1_iommu *iommu, struct type1_dma *new)
{
	struct rb_node **link = &iommu->dma_tree.rb_node, *parent = NULL;

	lockdep_assert_held(&iommu->lock);

	while (*link) {
		struct type1_dma *dma = rb_entry(*link, struct type1_dma, node);

		parent = *link;
		if (new->iova < dma->iova)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &iommu->dma_tree);
}

/*
 * Forget a mapping: take it out of every IOMMU domain, drop the pins that
 * are left (a vendor driver's, when the container goes away) and give the
 * owner's locked_vm back.
 */
static void type1_remove_dma(struct type1_iommu *iommu, struct type1_dma *dma)
{
	lockdep_assert_held(&iommu->lock);

	if (dma->iommu_mapped)
		type1_dma_unmap_unpin(iommu, dma);
	type1_dma_unpin_all(dma);
	if (dma->locked) {
		/* Only an imbalance bug leaves pages charged here. */
		pr_warn_ratelimited("vfio-iommu-type1: %lu pages still charged at unmap\n",
				    dma->locked);
		type1_lock_acct(dma, -(long)dma->locked);
	}

	rb_erase(&dma->node, &iommu->dma_tree);
	put_task_struct(dma->task);
	mmdrop(dma->mm);
	kvfree(dma->bitmap);
	kfree(dma);
	iommu->dma_avail++;
}

/**
 * type1_remove_all_dma - drop every mapping of the container
 * @iommu: the container
 *
 * Used when the last group leaves or the container is released; nobody is
 * left to be told about the unmap, so pins still held are dropped here.
 */
void type1_remove_all_dma(struct type1_iommu *iommu)
{
	struct rb_node *node;

	lockdep_assert_held(&iommu->lock);

	while ((node = rb_first(&iommu->dma_tree)))
		type1_remove_dma(iommu, rb_entry(node, struct type1_dma, node));
}

/* Is [start, last] inside one usable IOVA range? */
static bool type1_iova_usable(struct type1_iommu *iommu, u64 start, u64 last)
{
	struct type1_iova *range;

	lockdep_assert_held(&iommu->lock);

	/* Only real domains restrict the space: no list to allocate before. */
	if (list_empty(&iommu->domain_list))
		return true;
	list_for_each_entry(range, &iommu->iova_list, next)
		if (start >= range->start && last <= range->end)
			return true;
	return false;
}

/**
 * type1_map_dma - VFIO_IOMMU_MAP_DMA
 * @iommu: the container
 * @map: the request, copied from userspace; argsz and flags checked
 *
 * Return: 0 or a negative errno, as the uAPI documents.
 */
int type1_map_dma(struct type1_iommu *iommu,
		  struct vfio_iommu_type1_dma_map *map)
{
	u64 iova = map->iova, size = map->size, vaddr = map->vaddr;
	bool vaddr_only = map->flags & VFIO_DMA_MAP_FLAG_VADDR;
	struct type1_dma *dma;
	int prot = 0;
	u64 pgsize;
	int ret;

	if (map->flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map->flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	/* VADDR updates take no permissions; anything else needs some. */
	if (!prot == !vaddr_only)
		return -EINVAL;

	mutex_lock(&iommu->lock);

	pgsize = type1_pgsize(iommu);
	ret = -EINVAL;
	if (!size || (iova | size | vaddr) & (pgsize - 1))
		goto out_unlock;
	/* Neither range may wrap around the end of the address space. */
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		goto out_unlock;

	dma = type1_find_dma(iommu, iova, size);
	if (vaddr_only) {
		/*
		 * VFIO_UPDATE_VADDR is not offered, so no vaddr is ever
		 * invalid: answer as Linux does for a mapping that is valid.
		 */
		ret = dma ? -EINVAL : -ENOENT;
		goto out_unlock;
	}
	if (dma) {
		ret = -EEXIST;
		goto out_unlock;
	}
	if (!iommu->dma_avail) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	if (!type1_iova_usable(iommu, iova, iova + size - 1))
		goto out_unlock;

	dma = kzalloc(sizeof(*dma), GFP_KERNEL_ACCOUNT);
	if (!dma) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	dma->iova = iova;
	dma->size = size;
	dma->vaddr = vaddr;
	dma->prot = prot;
	dma->pfn_tree = RB_ROOT;
	/*
	 * Pins happen later, maybe from another context (a vendor driver's
	 * worker), so remember whose memory and whose limit this is.  The
	 * group leader outlives the threads and carries the rlimits.
	 */
	dma->lock_cap = capable(CAP_IPC_LOCK);
	get_task_struct(current->group_leader);
	dma->task = current->group_leader;
	mmgrab(current->mm);
	dma->mm = current->mm;

	type1_link_dma(iommu, dma);
	iommu->dma_avail--;

	/* Emulated-only containers pin on demand, in pin_pages(). */
	ret = 0;
	if (!list_empty(&iommu->domain_list))
		ret = type1_dma_pin_map(iommu, dma);
	if (!ret && iommu->dirty_tracking)
		ret = type1_dirty_bitmap_alloc(iommu, dma);
	if (ret)
		type1_remove_dma(iommu, dma);

out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/*
 * Ask every device to drop its pins in [iova, iova + size).  Called without
 * iommu->lock: the drivers answer with unpin_pages(), which takes it.
 */
static void type1_notify_dma_unmap(struct type1_iommu *iommu, dma_addr_t iova,
				   u64 size)
{
	struct vfio_device *vdev;

	mutex_lock(&iommu->device_list_lock);
	list_for_each_entry(vdev, &iommu->device_list, iommu_entry)
		if (vdev->ops->dma_unmap)
			vdev->ops->dma_unmap(vdev, iova, size);
	mutex_unlock(&iommu->device_list_lock);
}

/**
 * type1_unmap_dma - VFIO_IOMMU_UNMAP_DMA
 * @iommu: the container
 * @unmap: the request; argsz and flags checked.  On return @unmap->size
 *	holds the number of bytes unmapped
 * @bitmap: where to report dirty pages, with GET_DIRTY_BITMAP
 *
 * Mappings with pages pinned by a vendor driver are first announced to the
 * devices, whose drivers must unpin; a mapping still pinned after that
 * stops the unmap with -EBUSY rather than leaking the pins.
 *
 * Return: 0 or a negative errno.
 */
int type1_unmap_dma(struct type1_iommu *iommu,
		    struct vfio_iommu_type1_dma_unmap *unmap,
		    struct vfio_bitmap *bitmap)
{
	bool all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool dirty = unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	u64 iova = unmap->iova, size = unmap->size, last, pgsize;
	dma_addr_t notified = 0;
	bool have_notified = false;
	struct type1_dma *dma;
	struct rb_node *node;
	u64 unmapped = 0;
	int ret = -EINVAL;

	mutex_lock(&iommu->lock);

	/*
	 * Invalidating vaddrs (VFIO_UPDATE_VADDR) is not implemented; Linux
	 * refuses it with -EBUSY whenever mediated devices are attached.
	 */
	if (unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR) {
		ret = list_empty(&iommu->emulated_groups) ? -EINVAL : -EBUSY;
		goto out_unlock;
	}

	pgsize = type1_pgsize(iommu);
	if (iova & (pgsize - 1))
		goto out_unlock;
	if (all) {
		if (iova || size)
			goto out_unlock;
		last = U64_MAX;
	} else {
		if (!size || size & (pgsize - 1) || iova + size - 1 < iova)
			goto out_unlock;
		last = iova + size - 1;
	}
	if (dirty && (!iommu->dirty_tracking || bitmap->pgsize != pgsize))
		goto out_unlock;

	/*
	 * Type1v2 keeps every mapping whole: a range that cuts one in two is
	 * refused.  Version 1 let userspace try, and simply skipped them.
	 */
	if (iommu->v2 && !all) {
		dma = type1_find_dma(iommu, iova, 1);
		if (dma && dma->iova != iova)
			goto out_unlock;
		dma = type1_find_dma(iommu, last, 1);
		if (dma && type1_dma_last(dma) != last)
			goto out_unlock;
	}

	ret = 0;
again:
	node = type1_first_dma_node(iommu, iova, last);
	while (node) {
		dma = rb_entry(node, struct type1_dma, node);
		if (dma->iova > last)
			break;
		if (!iommu->v2 && dma->iova < iova)
			break;
		if (!RB_EMPTY_ROOT(&dma->pfn_tree)) {
			dma_addr_t d_iova = dma->iova;
			u64 d_size = dma->size;

			if (have_notified && notified == d_iova) {
				pr_warn_ratelimited("vfio-iommu-type1: pages at iova 0x%llx still pinned after dma_unmap, not unmapping\n",
						    (u64)d_iova);
				dma->unmapping = false;
				ret = -EBUSY;
				break;
			}
			/* No new pins while the drivers let go. */
			dma->unmapping = true;
			notified = d_iova;
			have_notified = true;
			mutex_unlock(&iommu->lock);
			type1_notify_dma_unmap(iommu, d_iova, d_size);
			mutex_lock(&iommu->lock);
			/* The tree may have changed meanwhile: look again. */
			goto again;
		}

		if (dirty) {
			ret = type1_dirty_report(iommu,
						 (u64 __user *)bitmap->data,
						 iova, dma);
			if (ret) {
				/* It stays mapped: let drivers pin it again. */
				dma->unmapping = false;
				break;
			}
		}
		unmapped += dma->size;
		node = rb_next(node);
		type1_remove_dma(iommu, dma);
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	unmap->size = unmapped;
	return ret;
}

/**
 * type1_iova_list_free - free a list of struct type1_iova
 * @list: the list head; left empty
 */
void type1_iova_list_free(struct list_head *list)
{
	struct type1_iova *range, *tmp;

	list_for_each_entry_safe(range, tmp, list, next) {
		list_del(&range->next);
		kfree(range);
	}
}

static int type1_iova_add(struct list_head *list, u64 start, u64 end)
{
	struct type1_iova *range = kzalloc(sizeof(*range), GFP_KERNEL);

	if (!range)
		return -ENOMEM;
	range->start = start;
	range->end = end;
	list_add_tail(&range->next, list);
	return 0;
}

/* Take [start, end] out of a sorted list of ranges, splitting as needed. */
static int type1_iova_exclude(struct list_head *list, u64 start, u64 end)
{
	struct type1_iova *range, *tmp;

	list_for_each_entry_safe(range, tmp, list, next) {
		if (range->end < start || range->start > end)
			continue;
		if (range->start >= start && range->end <= end) {
			list_del(&range->next);
			kfree(range);
		} else if (range->start < start && range->end > end) {
			struct type1_iova *upper;

			upper = kzalloc(sizeof(*upper), GFP_KERNEL);
			if (!upper)
				return -ENOMEM;
			upper->start = end + 1;
			upper->end = range->end;
			list_add(&upper->next, &range->next);
			range->end = start - 1;
			break;
		} else if (range->start < start) {
			range->end = start - 1;
		} else {
			range->start = end + 1;
		}
	}
	return 0;
}

static int type1_iova_exclude_group(struct list_head *list,
				    struct iommu_group *group)
{
	struct iommu_resv_region *resv, *tmp;
	LIST_HEAD(resv_regions);
	int ret;

	ret = iommu_get_group_resv_regions(group, &resv_regions);
	if (ret)
		goto out_free;

	list_for_each_entry(resv, &resv_regions, list) {
		/* The IOMMU may map over these if asked to. */
		if (resv->type == IOMMU_RESV_DIRECT_RELAXABLE || !resv->length)
			continue;
		ret = type1_iova_exclude(list, resv->start,
					 resv->start + resv->length - 1);
		if (ret)
			break;
	}

out_free:
	list_for_each_entry_safe(resv, tmp, &resv_regions, list)
		kfree(resv);
	return ret;
}

/**
 * type1_iova_list_rebuild - recompute the usable IOVA ranges
 * @iommu: the container, with its domains and groups as they should be
 *
 * The usable space is the intersection of the domains' apertures minus
 * every reserved region of every real group.  Existing mappings must stay
 * usable; if one would not, nothing changes.
 *
 * Return: 0, -EINVAL on a conflict with a mapping, or another errno.
 */
int type1_iova_list_rebuild(struct type1_iommu *iommu)
{
	struct type1_domain *d;
	struct type1_group *tg;
	u64 start = 0, end = U64_MAX;
	struct rb_node *node;
	LIST_HEAD(ranges);
	LIST_HEAD(old);
	int ret;

	lockdep_assert_held(&iommu->lock);

	list_for_each_entry(d, &iommu->domain_list, next) {
		struct iommu_domain_geometry *geo = &d->domain->geometry;

		if (!geo->force_aperture)
			continue;
		start = max_t(u64, start, geo->aperture_start);
		end = min_t(u64, end, geo->aperture_end);
	}
	if (start <= end) {
		ret = type1_iova_add(&ranges, start, end);
		if (ret)
			goto err_free_ranges;
	}

	list_for_each_entry(d, &iommu->domain_list, next) {
		list_for_each_entry(tg, &d->groups, next) {
			ret = type1_iova_exclude_group(&ranges, tg->group);
			if (ret)
				goto err_free_ranges;
		}
	}

	list_splice_init(&iommu->iova_list, &old);
	list_splice_init(&ranges, &iommu->iova_list);

	for (node = rb_first(&iommu->dma_tree); node; node = rb_next(node)) {
		struct type1_dma *dma = rb_entry(node, struct type1_dma, node);

		if (!type1_iova_usable(iommu, dma->iova, type1_dma_last(dma))) {
			ret = -EINVAL;
			goto err_restore;
		}
	}
	type1_iova_list_free(&old);
	return 0;

err_restore:
	type1_iova_list_free(&iommu->iova_list);
	list_splice_init(&old, &iommu->iova_list);
err_free_ranges:
	type1_iova_list_free(&ranges);
	return ret;
}
