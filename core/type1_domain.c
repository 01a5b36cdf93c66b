// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real IOMMU domains of a type1 container.  Groups of physical devices
 * (VFIO_IOMMU) are attached to hardware domains; while at least one domain
 * exists, every mapping is pinned whole and mapped into every domain.
 * Groups share a domain when the IOMMU lets them.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include "type1.h"

static bool allow_unsafe_interrupts;
module_param(allow_unsafe_interrupts, bool, 0644);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Allow device assignment on platforms without interrupt remapping (unsafe)");

/* How many page pointers fit in the one-page scratch array. */
#define TYPE1_BATCH	(PAGE_SIZE / sizeof(struct page *))

/**
 * type1_update_pgsize_bitmap - page sizes that every domain supports
 * @iommu: the container
 *
 * Never smaller than PAGE_SIZE: pins are made of whole CPU pages.
 */
void type1_update_pgsize_bitmap(struct type1_iommu *iommu)
{
	struct type1_domain *d;
	unsigned long bitmap = ULONG_MAX;

	lockdep_assert_held(&iommu->lock);

	list_for_each_entry(d, &iommu->domain_list, next)
		bitmap &= d->domain->pgsize_bitmap;
	if (bitmap & ~PAGE_MASK) {
		bitmap &= PAGE_MASK;
		bitmap |= PAGE_SIZE;
	}
	iommu->pgsize_bitmap = bitmap;
}

/* Map [iova, iova + len) to phys in every domain, or in none. */
static int type1_map_all(struct type1_iommu *iommu, dma_addr_t iova,
			 phys_addr_t phys, size_t len, int prot)
{
	struct type1_domain *d;
	int ret;

	lockdep_assert_held(&iommu->lock);

	list_for_each_entry(d, &iommu->domain_list, next) {
		ret = iommu_map(d->domain, iova, phys, len, prot | IOMMU_CACHE);
		if (ret)
			goto err_unmap;
	}
	return 0;

err_unmap:
	list_for_each_entry_continue_reverse(d, &iommu->domain_list, next)
		iommu_unmap(d->domain, iova, len);
	return ret;
}

static void type1_unmap_all(struct type1_iommu *iommu, dma_addr_t iova,
			    size_t len)
{
	struct type1_domain *d;

	list_for_each_entry(d, &iommu->domain_list, next)
		iommu_unmap(d->domain, iova, len);
}

/*
 * Map a batch of pinned pages at iova into every domain, one call per
 * physically contiguous run.
 */
static int type1_map_batch(struct type1_iommu *iommu, dma_addr_t iova,
			   struct page **pages, long npage, int prot)
{
	long i = 0, done = 0;
	int ret;

	while (i < npage) {
		phys_addr_t phys = page_to_phys(pages[i]);
		long run = 1;

		while (i + run < npage &&
		       page_to_phys(pages[i + run]) == phys + run * PAGE_SIZE)
			run++;
		ret = type1_map_all(iommu, iova + i * PAGE_SIZE, phys,
				    run * PAGE_SIZE, prot);
		if (ret)
			goto err_unmap;
		i += run;
		done = i;
	}
	return 0;

err_unmap:
	if (done)
		type1_unmap_all(iommu, iova, done * PAGE_SIZE);
	return ret;
}

/*
 * Unmap the first len bytes of a mapping from every domain and unpin them.
 * Pages a device still has pinned keep their charge (their type1_pfn takes
 * it over); the others are given back to the owner.
 */
static void type1_unmap_unpin_range(struct type1_iommu *iommu,
				    struct type1_dma *dma, u64 len,
				    struct page **pages)
{
	struct type1_domain *first;
	u64 off = 0;

	lockdep_assert_held(&iommu->lock);

	first = list_first_entry(&iommu->domain_list, struct type1_domain,
				 next);
	while (off < len) {
		long n = min_t(u64, TYPE1_BATCH, (len - off) >> PAGE_SHIFT);
		long i, uncharge = 0;

		/* Read the pages back before the translations go away. */
		for (i = 0; i < n; i++) {
			dma_addr_t iova = dma->iova + off + i * PAGE_SIZE;
			phys_addr_t phys = iommu_iova_to_phys(first->domain,
							      iova);

			pages[i] = phys ? pfn_to_page(PHYS_PFN(phys)) : NULL;
		}
		type1_unmap_all(iommu, dma->iova + off, n * PAGE_SIZE);

		for (i = 0; i < n; i++) {
			struct type1_pfn *pfn;

			if (!pages[i])
				continue;
			pfn = type1_find_pfn(dma,
					     dma->iova + off + i * PAGE_SIZE);
			if (pfn)
				pfn->charged = !PageReserved(pfn->page);
			else if (!PageReserved(pages[i]))
				uncharge++;
			unpin_user_pages_dirty_lock(&pages[i], 1,
						    dma->prot & IOMMU_WRITE);
		}
		type1_lock_acct(dma, -uncharge);
		off += n * PAGE_SIZE;
	}
}

/**
 * type1_dma_pin_map - pin a whole mapping and map it into every domain
 * @iommu: the container, with at least one domain
 * @dma: the mapping, not yet mapped
 *
 * Pages not already pinned by a device are charged to the owner.
 *
 * Return: 0, or a negative errno with nothing left pinned or mapped.
 */
int type1_dma_pin_map(struct type1_iommu *iommu, struct type1_dma *dma)
{
	unsigned int flags = FOLL_LONGTERM;
	struct mm_struct *mm = dma->mm;
	long got = 0, charge = 0;
	struct page **pages;
	u64 done = 0;
	int ret = 0;

	lockdep_assert_held(&iommu->lock);

	if (dma->prot & IOMMU_WRITE)
		flags |= FOLL_WRITE;

	pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (!mmget_not_zero(mm)) {
		ret = -ESRCH;
		goto out_free_pages;
	}

	while (done < dma->size) {
		long n = min_t(u64, TYPE1_BATCH,
			       (dma->size - done) >> PAGE_SHIFT);
		long i;

		mmap_read_lock(mm);
		got = pin_user_pages_remote(mm, dma->vaddr + done, n, flags,
					    pages, NULL, NULL);
		mmap_read_unlock(mm);
		if (got <= 0) {
			ret = got ? got : -EFAULT;
			goto err_unwind;
		}

		charge = 0;
		for (i = 0; i < got; i++) {
			dma_addr_t iova = dma->iova + done + i * PAGE_SIZE;

			if (!PageReserved(pages[i]) &&
			    !type1_find_pfn(dma, iova))
				charge++;
		}
		ret = type1_lock_acct(dma, charge);
		if (ret)
			goto err_unpin_batch;

		ret = type1_map_batch(iommu, dma->iova + done, pages, got,
				      dma->prot);
		if (ret)
			goto err_uncharge_batch;
		done += got << PAGE_SHIFT;
		cond_resched();
	}
	dma->iommu_mapped = true;
	goto out_put_mm;

err_uncharge_batch:
	type1_lock_acct(dma, -charge);
err_unpin_batch:
	unpin_user_pages(pages, got);
err_unwind:
	type1_unmap_unpin_range(iommu, dma, done, pages);
out_put_mm:
	mmput(mm);
out_free_pages:
	free_page((unsigned long)pages);
	return ret;
}

/**
 * type1_dma_unmap_unpin - undo type1_dma_pin_map()
 * @iommu: the container, with its domains
 * @dma: a mapping pinned and mapped whole
 */
void type1_dma_unmap_unpin(struct type1_iommu *iommu, struct type1_dma *dma)
{
	struct page **pages;

	lockdep_assert_held(&iommu->lock);

	pages = (struct page **)__get_free_page(GFP_KERNEL | __GFP_NOFAIL);
	type1_unmap_unpin_range(iommu, dma, dma->size, pages);
	free_page((unsigned long)pages);
	dma->iommu_mapped = false;
}

/* Map every mapping into a new domain, copying an existing domain. */
static int type1_replay(struct type1_iommu *iommu, struct type1_domain *new,
			struct type1_domain *src)
{
	struct rb_node *node;
	int ret;

	lockdep_assert_held(&iommu->lock);

	for (node = rb_first(&iommu->dma_tree); node; node = rb_next(node)) {
		struct type1_dma *dma = rb_entry(node, struct type1_dma, node);
		u64 off = 0;

		while (off < dma->size) {
			phys_addr_t phys = iommu_iova_to_phys(src->domain,
							      dma->iova + off);
			u64 run = PAGE_SIZE;

			if (!phys)
				return -EFAULT;
			while (off + run < dma->size &&
			       iommu_iova_to_phys(src->domain,
						  dma->iova + off + run) ==
			       phys + run)
				run += PAGE_SIZE;
			ret = iommu_map(new->domain, dma->iova + off, phys, run,
					dma->prot | IOMMU_CACHE);
			if (ret)
				return ret;
			off += run;
			cond_resched();
		}
	}
	return 0;
}

/* Pin and map every mapping for the container's first domain. */
static int type1_pin_map_all(struct type1_iommu *iommu)
{
	struct rb_node *node;
	int ret;

	lockdep_assert_held(&iommu->lock);

	for (node = rb_first(&iommu->dma_tree); node; node = rb_next(node)) {
		ret = type1_dma_pin_map(iommu,
					rb_entry(node, struct type1_dma, node));
		if (ret)
			goto err_unwind;
	}
	return 0;

err_unwind:
	while ((node = rb_prev(node)))
		type1_dma_unmap_unpin(iommu,
				      rb_entry(node, struct type1_dma, node));
	return ret;
}

static int type1_first_dev(struct device *dev, void *data)
{
	struct device **first = data;

	*first = dev;
	return 1;
}

static int type1_dev_intr_remap(struct device *dev, void *data)
{
	return device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP) ? 0 : -EPERM;
}

static bool type1_domain_enforces_cc(struct iommu_domain *domain)
{
	const struct iommu_domain_ops *ops = domain->ops;

	return ops && ops->enforce_cache_coherency &&
	       ops->enforce_cache_coherency(domain);
}

static int type1_add_group(struct type1_iommu *iommu, struct type1_domain *d,
			   struct type1_group *tg)
{
	int ret;

	lockdep_assert_held(&iommu->lock);

	ret = iommu_attach_group(d->domain, tg->group);
	if (ret)
		return ret;
	list_add(&tg->next, &d->groups);
	ret = type1_iova_list_rebuild(iommu);
	if (ret) {
		list_del(&tg->next);
		iommu_detach_group(d->domain, tg->group);
	}
	return ret;
}

/**
 * type1_attach_iommu_group - attach a group of physical devices
 * @iommu: the container
 * @group: the group, not yet attached
 *
 * Tries the existing domains first, else makes a new one and maps every
 * mapping into it (pinning them when it is the first domain).
 *
 * Return: 0 or a negative errno, with nothing changed.
 */
int type1_attach_iommu_group(struct type1_iommu *iommu,
			     struct iommu_group *group)
{
	struct type1_domain *d, *src;
	struct device *dev = NULL;
	struct type1_group *tg;
	unsigned long old_pgsize = iommu->pgsize_bitmap;
	int ret;

	lockdep_assert_held(&iommu->lock);

	iommu_group_for_each_dev(group, &dev, type1_first_dev);
	if (!dev)
		return -ENODEV;

	/* MSI writes must not reach other devices' interrupts. */
	if (!allow_unsafe_interrupts && !irq_domain_check_msi_remap() &&
	    iommu_group_for_each_dev(group, NULL, type1_dev_intr_remap)) {
		pr_warn("vfio-iommu-type1: no interrupt remapping; allow_unsafe_interrupts=1 overrides\n");
		return -EPERM;
	}

	tg = kzalloc(sizeof(*tg), GFP_KERNEL);
	if (!tg)
		return -ENOMEM;
	tg->group = group;

	list_for_each_entry(d, &iommu->domain_list, next)
		if (!type1_add_group(iommu, d, tg))
			return 0;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		ret = -ENOMEM;
		goto err_free_group;
	}
	INIT_LIST_HEAD(&d->groups);
	d->domain = iommu_domain_alloc(dev->bus);
	if (!d->domain) {
		ret = -EIO;
		goto err_free_domain_struct;
	}

	if (iommu->nesting) {
		ret = iommu_enable_nesting(d->domain);
		if (ret)
			goto err_free_domain;
	}

	src = list_first_entry_or_null(&iommu->domain_list,
				       struct type1_domain, next);
	list_add_tail(&d->next, &iommu->domain_list);
	ret = type1_add_group(iommu, d, tg);
	if (ret)
		goto err_unlink_domain;
	/* Once the IOMMU is known (attached), and before anything is mapped. */
	d->enforce_cc = type1_domain_enforces_cc(d->domain);
	type1_update_pgsize_bitmap(iommu);

	if (src)
		ret = type1_replay(iommu, d, src);
	else
		ret = type1_pin_map_all(iommu);
	if (ret)
		goto err_detach_group;
	return 0;

err_detach_group:
	list_del(&tg->next);
	iommu_detach_group(d->domain, group);
err_unlink_domain:
	list_del(&d->next);
	iommu->pgsize_bitmap = old_pgsize;
	type1_iova_list_rebuild(iommu);
err_free_domain:
	iommu_domain_free(d->domain);
err_free_domain_struct:
	kfree(d);
err_free_group:
	kfree(tg);
	return ret;
}

/**
 * type1_detach_iommu_group - detach a group of physical devices
 * @iommu: the container
 * @group: the group
 *
 * When the last domain goes, mappings are unmapped and unpinned; pages
 * that devices of emulated groups still pin stay pinned and charged.
 *
 * Return: true if @group was attached to a domain of @iommu.
 */
bool type1_detach_iommu_group(struct type1_iommu *iommu,
			      struct iommu_group *group)
{
	struct type1_domain *d;
	struct type1_group *tg;

	lockdep_assert_held(&iommu->lock);

	list_for_each_entry(d, &iommu->domain_list, next) {
		list_for_each_entry(tg, &d->groups, next) {
			if (tg->group == group)
				goto found;
		}
	}
	return false;

found:
	if (list_is_singular(&d->groups) &&
	    list_is_singular(&iommu->domain_list)) {
		struct rb_node *node;

		for (node = rb_first(&iommu->dma_tree); node;
		     node = rb_next(node)) {
			struct type1_dma *dma;

			dma = rb_entry(node, struct type1_dma, node);
			if (dma->iommu_mapped)
				type1_dma_unmap_unpin(iommu, dma);
		}
	}
	iommu_detach_group(d->domain, group);
	list_del(&tg->next);
	kfree(tg);
	if (list_empty(&d->groups)) {
		list_del(&d->next);
		iommu_domain_free(d->domain);
		kfree(d);
		type1_update_pgsize_bitmap(iommu);
	}
	/* Ranges only grow here; on -ENOMEM the old, smaller list stays. */
	type1_iova_list_rebuild(iommu);
	return true;
}

/**
 * type1_group_domain - the domain a group is attached to
 * @iommu: the container
 * @group: the group
 *
 * Return: the domain, or NULL when @group is not in a domain of @iommu.
 */
struct iommu_domain *type1_group_domain(struct type1_iommu *iommu,
					struct iommu_group *group)
{
	struct type1_domain *d;
	struct type1_group *tg;

	lockdep_assert_held(&iommu->lock);

	list_for_each_entry(d, &iommu->domain_list, next)
		list_for_each_entry(tg, &d->groups, next)
			if (tg->group == group)
				return d->domain;
	return NULL;
}
