// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pages pinned for mediated devices, and what they cost the user.
 *
 * A mediated device does its DMA in software: its driver pins the guest
 * pages it needs with vfio_pin_pages(), which lands in type1_pin_pages(),
 * or copies through vfio_dma_rw().  Each pinned page is a struct type1_pfn
 * in its mapping's pfn_tree, with a count of pin_pages() calls.
 *
 * Accounting: a page pinned for the user is charged once to the locked_vm
 * of the mapping owner's mm, against the owner's RLIMIT_MEMLOCK (waived
 * when the owner had CAP_IPC_LOCK at map time), whoever holds the pin.
 * While a mapping is pinned whole for real IOMMU domains, that pin carries
 * the charge of the pages that had no type1_pfn then; a type1_pfn carries
 * its own page's charge when its "charged" flag is set.  See
 * type1_dma_unmap_unpin() for the hand-over when the domains go.
 */
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include "type1.h"

/**
 * type1_lock_acct - charge or uncharge pages to a mapping's owner
 * @dma: the mapping
 * @npage: pages to charge (> 0) or give back (< 0)
 *
 * Charges are checked against the owner's RLIMIT_MEMLOCK unless the owner
 * had CAP_IPC_LOCK.  Giving back never fails; an owner whose address
 * space is gone has nothing left to give back to.
 *
 * Return: 0, -ENOMEM over the limit, -ESRCH when the owner's address
 * space is gone, or -EINTR on a fatal signal.
 */
int type1_lock_acct(struct type1_dma *dma, long npage)
{
	struct mm_struct *mm = dma->mm;
	int ret = 0;

	if (!npage)
		return 0;
	if (npage < 0 && -npage > (long)dma->locked)
		npage = -(long)dma->locked;

	if (!mmget_not_zero(mm)) {
		if (npage > 0)
			return -ESRCH;
		dma->locked += npage;
		return 0;
	}

	if (npage > 0) {
		ret = mmap_write_lock_killable(mm);
		if (ret)
			goto out_put_mm;
		ret = __account_locked_vm(mm, npage, true, dma->task,
					  dma->lock_cap);
		if (!ret)
			dma->locked += npage;
	} else {
		/* Someone else may have lowered it: never below zero. */
		mmap_write_lock(mm);
		__account_locked_vm(mm, min_t(unsigned long, -npage,
					      mm->locked_vm),
				    false, dma->task, dma->lock_cap);
		dma->locked += npage;
	}
	mmap_write_unlock(mm);

	if (ret == -ENOMEM)
		pr_warn_ratelimited("vfio-iommu-type1: %s (%d): RLIMIT_MEMLOCK (%lu) exceeded\n",
				    dma->task->comm, task_pid_nr(dma->task),
				    task_rlimit(dma->task, RLIMIT_MEMLOCK));
out_put_mm:
	mmput(mm);
	return ret;
}

/**
 * type1_find_pfn - the pinned-page entry of a page of a mapping
 * @dma: the mapping
 * @iova: page-aligned IOVA inside @dma
 *
 * Return: the entry, or NULL when the page is not pinned by a device.
 */
struct type1_pfn *type1_find_pfn(struct type1_dma *dma, dma_addr_t iova)
{
	struct rb_node *node = dma->pfn_tree.rb_node;

	while (node) {
		struct type1_pfn *pfn = rb_entry(node, struct type1_pfn, node);

		if (iova < pfn->iova)
			node = node->rb_left;
		else if (iova > pfn->iova)
			node = node->rb_right;
		else
			return pfn;
	}
	return NULL;
}

static void type1_link_pfn(struct type1_dma *dma, struct type1_pfn *new)
{
	struct rb_node **link = &dma->pfn_tree.rb_node, *parent = NULL;

	while (*link) {
		struct type1_pfn *pfn = rb_entry(*link, struct type1_pfn, node);

		parent = *link;
		if (new->iova < pfn->iova)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &dma->pfn_tree);
}

/* Pin one page of the owner's memory for the first time. */
static int type1_pin_new(struct type1_dma *dma, dma_addr_t iova,
			 struct page **page)
{
	unsigned long vaddr = dma->vaddr + (iova - dma->iova);
	unsigned int flags = FOLL_LONGTERM;
	struct mm_struct *mm = dma->mm;
	struct type1_pfn *pfn;
	struct page *pg;
	long got;
	int ret;

	/* A writable mapping may be written by any later pin: break COW now. */
	if (dma->prot & IOMMU_WRITE)
		flags |= FOLL_WRITE;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	got = pin_user_pages_remote(mm, vaddr, 1, flags, &pg, NULL, NULL);
	mmap_read_unlock(mm);
	mmput(mm);
	if (got != 1)
		return got < 0 ? got : -EFAULT;

	pfn = kzalloc(sizeof(*pfn), GFP_KERNEL_ACCOUNT);
	if (!pfn) {
		ret = -ENOMEM;
		goto err_unpin;
	}
	/* The whole-range pin for IOMMU domains already pays for the page. */
	pfn->charged = !dma->iommu_mapped && !PageReserved(pg);
	if (pfn->charged) {
		ret = type1_lock_acct(dma, 1);
		if (ret)
			goto err_free_pfn;
	}
	pfn->iova = iova;
	pfn->page = pg;
	pfn->count = 1;
	type1_link_pfn(dma, pfn);
	*page = pg;
	return 0;

err_free_pfn:
	kfree(pfn);
err_unpin:
	unpin_user_page(pg);
	return ret;
}

/* Drop one pin of a page; the last one unpins and uncharges it. */
static void type1_put_pfn(struct type1_dma *dma, struct type1_pfn *pfn)
{
	if (--pfn->count)
		return;

	rb_erase(&pfn->node, &dma->pfn_tree);
	unpin_user_pages_dirty_lock(&pfn->page, 1, dma->prot & IOMMU_WRITE);
	/* With the whole range still pinned, the charge stays with that pin. */
	if (pfn->charged && !dma->iommu_mapped)
		type1_lock_acct(dma, -1);
	kfree(pfn);
}

/**
 * type1_dma_unpin_all - drop every device pin of a mapping
 * @dma: the mapping, about to go away
 */
void type1_dma_unpin_all(struct type1_dma *dma)
{
	struct rb_node *node;

	while ((node = rb_first(&dma->pfn_tree))) {
		struct type1_pfn *pfn = rb_entry(node, struct type1_pfn, node);

		pfn->count = 1;
		type1_put_pfn(dma, pfn);
	}
}

static void type1_unpin_one(struct type1_iommu *iommu, dma_addr_t iova)
{
	struct type1_dma *dma = type1_find_dma(iommu, iova, PAGE_SIZE);
	struct type1_pfn *pfn;

	if (!dma)
		return;
	pfn = type1_find_pfn(dma, iova);
	if (pfn)
		type1_put_pfn(dma, pfn);
}

/**
 * type1_pin_pages - the pin_pages op: pin pages for a mediated device
 * @iommu_data: the container
 * @group: the device's group
 * @user_iova: page-aligned IOVA of the first page
 * @npage: number of pages
 * @prot: IOMMU_READ and/or IOMMU_WRITE, as the device needs
 * @pages: filled with the pinned pages
 *
 * Every page must lie in a mapping that allows @prot.  A page already
 * pinned is pinned once more (and must be unpinned once more); a page
 * pinned for the first time is charged to the mapping's owner.  On error
 * nothing of this call stays pinned or charged.
 *
 * Return: @npage, or -EINVAL (outside the mappings), -EPERM (mapping
 * lacks @prot), -ENOMEM (RLIMIT_MEMLOCK), -ESRCH (owner gone), -EFAULT...
 */
int type1_pin_pages(void *iommu_data, struct iommu_group *group,
		    dma_addr_t user_iova, int npage, int prot,
		    struct page **pages)
{
	struct type1_iommu *iommu = iommu_data;
	struct type1_dma *dma;
	dma_addr_t iova;
	int i, ret;

	if (!iommu || !pages || npage <= 0 || !prot ||
	    (prot & ~(IOMMU_READ | IOMMU_WRITE)) ||
	    !PAGE_ALIGNED(user_iova) ||
	    user_iova + ((dma_addr_t)npage << PAGE_SHIFT) - 1 < user_iova)
		return -EINVAL;
	/* Version 1 containers never supported it. */
	if (!iommu->v2)
		return -EACCES;

	mutex_lock(&iommu->lock);
	if (iommu->closed) {
		ret = -ENODEV;
		goto out_unlock;
	}

	for (i = 0; i < npage; i++) {
		struct type1_pfn *pfn;

		iova = user_iova + (dma_addr_t)i * PAGE_SIZE;
		dma = type1_find_dma(iommu, iova, PAGE_SIZE);
		if (!dma || dma->unmapping) {
			ret = -EINVAL;
			goto err_unwind;
		}
		if ((dma->prot & prot) != prot) {
			ret = -EPERM;
			goto err_unwind;
		}
		pfn = type1_find_pfn(dma, iova);
		if (pfn) {
			pfn->count++;
			pages[i] = pfn->page;
			continue;
		}
		ret = type1_pin_new(dma, iova, &pages[i]);
		if (ret)
			goto err_unwind;
	}

	/* The device may write any pinned page from now on. */
	if (iommu->dirty_tracking)
		for (i = 0; i < npage; i++) {
			iova = user_iova + (dma_addr_t)i * PAGE_SIZE;
			dma = type1_find_dma(iommu, iova, PAGE_SIZE);
			type1_dirty_mark(iommu, dma, iova, PAGE_SIZE);
		}
	ret = npage;
	goto out_unlock;

err_unwind:
	while (i--) {
		type1_unpin_one(iommu, user_iova + (dma_addr_t)i * PAGE_SIZE);
		pages[i] = NULL;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_unpin_pages - the unpin_pages op: undo type1_pin_pages()
 * @iommu_data: the container
 * @user_iova: page-aligned IOVA of the first page
 * @npage: number of pages
 *
 * Drops one pin of each page; pages not pinned are skipped.
 */
void type1_unpin_pages(void *iommu_data, dma_addr_t user_iova, int npage)
{
	struct type1_iommu *iommu = iommu_data;
	int i;

	if (!iommu || npage <= 0 || !PAGE_ALIGNED(user_iova))
		return;

	mutex_lock(&iommu->lock);
	for (i = 0; i < npage; i++)
		type1_unpin_one(iommu, user_iova + (dma_addr_t)i * PAGE_SIZE);
	mutex_unlock(&iommu->lock);
}

/* Copy within one mapping of the owner's memory, from whatever context. */
static int type1_rw_span(struct type1_dma *dma, unsigned long vaddr,
			 void *data, size_t len, bool write)
{
	struct mm_struct *mm = dma->mm;
	bool borrowed = false;
	unsigned long left;
	int ret = 0;

	if (!mmget_not_zero(mm))
		return -ESRCH;

	if (current->mm != mm) {
		/* Only a kernel thread may borrow another address space. */
		if (!(current->flags & PF_KTHREAD) || current->mm) {
			ret = -EPERM;
			goto out_put_mm;
		}
		kthread_use_mm(mm);
		borrowed = true;
	}

	if (write)
		left = copy_to_user((void __user *)vaddr, data, len);
	else
		left = copy_from_user(data, (void __user *)vaddr, len);
	if (left)
		ret = -EFAULT;

	if (borrowed)
		kthread_unuse_mm(mm);
out_put_mm:
	mmput(mm);
	return ret;
}

/**
 * type1_dma_rw - the dma_rw op: copy to or from the user's mappings
 * @iommu_data: the container
 * @user_iova: first IOVA
 * @data: kernel buffer
 * @count: bytes to copy, possibly across several mappings
 * @write: true to write user memory (device-to-memory DMA)
 *
 * Return: 0, -EINVAL where nothing is mapped, -EPERM where the mapping
 * does not allow the access, -EFAULT on a fault.
 */
int type1_dma_rw(void *iommu_data, dma_addr_t user_iova, void *data,
		 size_t count, bool write)
{
	struct type1_iommu *iommu = iommu_data;
	int need = write ? IOMMU_WRITE : IOMMU_READ;
	int ret = 0;

	if (!iommu || !data || user_iova + count - 1 < user_iova)
		return -EINVAL;

	mutex_lock(&iommu->lock);
	while (count) {
		struct type1_dma *dma = type1_find_dma(iommu, user_iova, 1);
		unsigned long vaddr;
		size_t len;

		if (!dma) {
			ret = -EINVAL;
			break;
		}
		if (!(dma->prot & need)) {
			ret = -EPERM;
			break;
		}
		vaddr = dma->vaddr + (user_iova - dma->iova);
		/*
		 * The rest of this mapping in one copy: it is contiguous in
		 * the owner's address space, so one lookup and one mm
		 * reference per mapping, not per page.
		 */
		len = min_t(u64, count, dma->size - (user_iova - dma->iova));

		ret = type1_rw_span(dma, vaddr, data, len, write);
		if (ret)
			break;
		if (write && iommu->dirty_tracking)
			type1_dirty_mark(iommu, dma, user_iova, len);

		user_iova += len;
		data += len;
		count -= len;
	}
	mutex_unlock(&iommu->lock);
	return ret;
}
