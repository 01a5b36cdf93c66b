/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio_iommu_type1.ko: the state of one type1 container and the
 * functions the files of the module share.
 *
 * type1_main.c   module, ops table, ioctls, groups and devices
 * type1_dma.c    the tree of user mappings: map, unmap, IOVA ranges
 * type1_domain.c real IOMMU domains: attach, pin and iommu_map() a mapping
 * type1_pin.c    accounting, pins on behalf of mediated devices, dma_rw
 * type1_dirty.c  dirty page tracking (VFIO_IOMMU_DIRTY_PAGES)
 */
#ifndef _CORE_TYPE1_H
#define _CORE_TYPE1_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#include "vfio.h"

struct mm_struct;
struct task_struct;

/**
 * struct type1_iommu - one container using the type1 backend
 * @lock: protects every field up to @dirty_tracking, the mappings and
 *	everything hanging off them; taken by every ioctl, pin, unpin and
 *	dma_rw, and never held while calling into a device driver
 * @dma_tree: the user's mappings (struct type1_dma), keyed by IOVA
 * @domain_list: real IOMMU domains (struct type1_domain)
 * @emulated_groups: groups of mediated devices (struct type1_group)
 * @iova_list: usable IOVA ranges (struct type1_iova), sorted, disjoint;
 *	only meaningful while @domain_list is not empty: without a real
 *	domain every IOVA is usable, and the list may be empty
 * @pgsize_bitmap: page sizes every domain supports, at least PAGE_SIZE
 * @dma_avail: how many more mappings may be created (dma_entry_limit)
 * @v2: opened as VFIO_TYPE1v2_IOMMU (or nesting): unmaps may not split a
 *	mapping, and mediated devices may pin
 * @nesting: opened as VFIO_TYPE1_NESTING_IOMMU: real domains must accept
 *	iommu_enable_nesting()
 * @closed: the container fd was closed; no more pins
 * @dirty_tracking: VFIO_IOMMU_DIRTY_PAGES_FLAG_START is in effect
 * @device_list_lock: protects @device_list; taken outside @lock, never
 *	inside it, because a device's dma_unmap() callback unpins pages and
 *	so takes @lock
 * @device_list: registered devices, linked by vfio_device.iommu_entry
 */
struct type1_iommu {
	struct mutex		lock;
	struct rb_root		dma_tree;
	struct list_head	domain_list;
	struct list_head	emulated_groups;
	struct list_head	iova_list;
	unsigned long		pgsize_bitmap;
	unsigned int		dma_avail;
	bool			v2;
	bool			nesting;
	bool			closed;
	bool			dirty_tracking;

	struct mutex		device_list_lock;
	struct list_head	device_list;
};

/**
 * struct type1_dma - one VFIO_IOMMU_MAP_DMA range
 * @node: in type1_iommu.dma_tree
 * @iova: first IOVA
 * @size: length in bytes
 * @vaddr: user address of @iova in @mm
 * @prot: IOMMU_READ and/or IOMMU_WRITE
 * @iommu_mapped: pinned and mapped into every real domain
 * @unmapping: an unmap is asking devices to unpin; refuse new pins
 * @lock_cap: the owner had CAP_IPC_LOCK at map time: no RLIMIT_MEMLOCK
 * @task: the owner (thread group leader), whose RLIMIT_MEMLOCK applies
 * @mm: the owner's address space; grabbed, not pinned: may be exiting
 * @locked: pages charged to @mm's locked_vm on behalf of this mapping
 * @pfn_tree: pages pinned by pin_pages (struct type1_pfn), keyed by IOVA
 * @bitmap: dirty bits, one per smallest IOMMU page, while tracking
 */
struct type1_dma {
	struct rb_node		node;
	dma_addr_t		iova;
	u64			size;
	unsigned long		vaddr;
	int			prot;
	bool			iommu_mapped;
	bool			unmapping;
	bool			lock_cap;
	struct task_struct	*task;
	struct mm_struct	*mm;
	unsigned long		locked;
	struct rb_root		pfn_tree;
	unsigned long		*bitmap;
};

/**
 * struct type1_pfn - a page pinned for a mediated device
 * @node: in type1_dma.pfn_tree
 * @iova: IOVA of the page
 * @page: the pinned page
 * @count: pin_pages() calls not yet undone by unpin_pages()
 * @charged: counted in the owner's locked_vm by this entry
 */
struct type1_pfn {
	struct rb_node		node;
	dma_addr_t		iova;
	struct page		*page;
	unsigned int		count;
	bool			charged;
};

/**
 * struct type1_group - an IOMMU group attached to the container
 * @group: the group
 * @next: in type1_domain.groups or type1_iommu.emulated_groups
 */
struct type1_group {
	struct iommu_group	*group;
	struct list_head	next;
};

/**
 * struct type1_domain - a hardware IOMMU domain of the container
 * @domain: the domain
 * @next: in type1_iommu.domain_list
 * @groups: groups attached to @domain (struct type1_group)
 * @enforce_cc: the domain blocks non-coherent (no-snoop) DMA
 */
struct type1_domain {
	struct iommu_domain	*domain;
	struct list_head	next;
	struct list_head	groups;
	bool			enforce_cc;
};

/**
 * struct type1_iova - a usable IOVA range, both ends included
 * @start: first address
 * @end: last address
 * @next: in type1_iommu.iova_list
 */
struct type1_iova {
	u64			start;
	u64			end;
	struct list_head	next;
};

extern unsigned int type1_dma_entry_limit;

/* Smallest page size of the container: the granularity of map and unmap. */
static inline u64 type1_pgsize(struct type1_iommu *iommu)
{
	return 1ULL << __ffs(iommu->pgsize_bitmap);
}

/* type1_dma.c */
struct type1_dma *type1_find_dma(struct type1_iommu *iommu, dma_addr_t start,
				 u64 size);
struct rb_node *type1_first_dma_node(struct type1_iommu *iommu,
				     dma_addr_t start, u64 last);
int type1_map_dma(struct type1_iommu *iommu,
		  struct vfio_iommu_type1_dma_map *map);
int type1_unmap_dma(struct type1_iommu *iommu,
		    struct vfio_iommu_type1_dma_unmap *unmap,
		    struct vfio_bitmap *bitmap);
void type1_remove_all_dma(struct type1_iommu *iommu);
int type1_iova_list_rebuild(struct type1_iommu *iommu);
void type1_iova_list_free(struct list_head *list);

/* type1_domain.c */
int type1_attach_iommu_group(struct type1_iommu *iommu,
			     struct iommu_group *group);
bool type1_detach_iommu_group(struct type1_iommu *iommu,
			      struct iommu_group *group);
int type1_dma_pin_map(struct type1_iommu *iommu, struct type1_dma *dma);
void type1_dma_unmap_unpin(struct type1_iommu *iommu, struct type1_dma *dma);
void type1_update_pgsize_bitmap(struct type1_iommu *iommu);
struct iommu_domain *type1_group_domain(struct type1_iommu *iommu,
					struct iommu_group *group);

/* type1_pin.c */
int type1_lock_acct(struct type1_dma *dma, long npage);
struct type1_pfn *type1_find_pfn(struct type1_dma *dma, dma_addr_t iova);
void type1_dma_unpin_all(struct type1_dma *dma);
int type1_pin_pages(void *iommu_data, struct iommu_group *group,
		    dma_addr_t user_iova, int npage, int prot,
		    struct page **pages);
void type1_unpin_pages(void *iommu_data, dma_addr_t user_iova, int npage);
int type1_dma_rw(void *iommu_data, dma_addr_t user_iova, void *data,
		 size_t count, bool write);

/* type1_dirty.c */
int type1_dirty_ioctl(struct type1_iommu *iommu, void __user *arg);
int type1_dirty_bitmap_alloc(struct type1_iommu *iommu, struct type1_dma *dma);
void type1_dirty_mark(struct type1_iommu *iommu, struct type1_dma *dma,
		      dma_addr_t iova, u64 len);
int type1_dirty_report(struct type1_iommu *iommu, u64 __user *data,
		       dma_addr_t base, struct type1_dma *dma);
int type1_dirty_check_bitmap(u64 size, struct vfio_bitmap *bitmap);
u64 type1_dirty_bitmap_max(void);

#endif /* _CORE_TYPE1_H */
