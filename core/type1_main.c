// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_iommu_type1: the VFIO_TYPE1_IOMMU / VFIO_TYPE1v2_IOMMU backend of
 * a VFIO container.  This file has the module, the ops table the VFIO core
 * calls, the container ioctls and the bookkeeping of groups and devices.
 */
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include "type1.h"

#define DRIVER_DESC	"Type1 IOMMU driver for VFIO"

unsigned int type1_dma_entry_limit __read_mostly = U16_MAX;
module_param_named(dma_entry_limit, type1_dma_entry_limit, uint, 0644);
MODULE_PARM_DESC(dma_entry_limit,
		 "Most DMA mappings one container may hold (default: 65535)");

static void *type1_open(unsigned long arg)
{
	struct type1_iommu *iommu;

	if (arg != VFIO_TYPE1_IOMMU && arg != VFIO_TYPE1v2_IOMMU &&
	    arg != VFIO_TYPE1_NESTING_IOMMU)
		return ERR_PTR(-EINVAL);

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return ERR_PTR(-ENOMEM);

	mutex_init(&iommu->lock);
	iommu->dma_tree = RB_ROOT;
	INIT_LIST_HEAD(&iommu->domain_list);
	INIT_LIST_HEAD(&iommu->emulated_groups);
	INIT_LIST_HEAD(&iommu->iova_list);
	iommu->pgsize_bitmap = PAGE_MASK;
	iommu->dma_avail = type1_dma_entry_limit;
	/* Nesting is type1v2 whose domains must allow a second stage. */
	iommu->nesting = arg == VFIO_TYPE1_NESTING_IOMMU;
	iommu->v2 = arg == VFIO_TYPE1v2_IOMMU || iommu->nesting;
	mutex_init(&iommu->device_list_lock);
	INIT_LIST_HEAD(&iommu->device_list);
	return iommu;
}

static struct type1_group *type1_find_emulated(struct type1_iommu *iommu,
					       struct iommu_group *group)
{
	struct type1_group *tg;

	lockdep_assert_held(&iommu->lock);

	list_for_each_entry(tg, &iommu->emulated_groups, next)
		if (tg->group == group)
			return tg;
	return NULL;
}

static void type1_release(void *iommu_data)
{
	struct type1_iommu *iommu = iommu_data;
	struct type1_group *tg, *tmp;
	struct type1_domain *d;

	mutex_lock(&iommu->lock);
	/* While the domains still exist, so pinned mappings come undone. */
	type1_remove_all_dma(iommu);

	list_for_each_entry_safe(tg, tmp, &iommu->emulated_groups, next) {
		list_del(&tg->next);
		kfree(tg);
	}
	while ((d = list_first_entry_or_null(&iommu->domain_list,
					     struct type1_domain, next))) {
		tg = list_first_entry(&d->groups, struct type1_group, next);
		type1_detach_iommu_group(iommu, tg->group);
	}
	type1_iova_list_free(&iommu->iova_list);
	mutex_unlock(&iommu->lock);

	WARN_ON(!list_empty(&iommu->device_list));
	mutex_destroy(&iommu->device_list_lock);
	mutex_destroy(&iommu->lock);
	kfree(iommu);
}

static int type1_attach_group(void *iommu_data, struct iommu_group *group,
			      enum vfio_group_type type)
{
	struct type1_iommu *iommu = iommu_data;
	struct type1_group *tg;
	int ret = 0;

	mutex_lock(&iommu->lock);
	if (type1_find_emulated(iommu, group) ||
	    type1_group_domain(iommu, group)) {
		ret = -EINVAL;
		goto out_unlock;
	}

	switch (type) {
	case VFIO_EMULATED_IOMMU:
		/* Nothing to set up: its driver pins on demand. */
		tg = kzalloc(sizeof(*tg), GFP_KERNEL);
		if (!tg) {
			ret = -ENOMEM;
			break;
		}
		tg->group = group;
		list_add(&tg->next, &iommu->emulated_groups);
		break;
	case VFIO_IOMMU:
		ret = type1_attach_iommu_group(iommu, group);
		break;
	default:
		ret = -EINVAL;
		break;
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

static void type1_detach_group(void *iommu_data, struct iommu_group *group)
{
	struct type1_iommu *iommu = iommu_data;
	struct type1_group *tg;

	mutex_lock(&iommu->lock);
	tg = type1_find_emulated(iommu, group);
	if (tg) {
		list_del(&tg->next);
		kfree(tg);
	} else if (!type1_detach_iommu_group(iommu, group)) {
		goto out_unlock;
	}

	/* No group left that could use the mappings: drop them. */
	if (list_empty(&iommu->emulated_groups) &&
	    list_empty(&iommu->domain_list))
		type1_remove_all_dma(iommu);
out_unlock:
	mutex_unlock(&iommu->lock);
}

static void type1_register_device(void *iommu_data, struct vfio_device *vdev)
{
	struct type1_iommu *iommu = iommu_data;

	mutex_lock(&iommu->device_list_lock);
	list_add(&vdev->iommu_entry, &iommu->device_list);
	mutex_unlock(&iommu->device_list_lock);
}

static void type1_unregister_device(void *iommu_data, struct vfio_device *vdev)
{
	struct type1_iommu *iommu = iommu_data;

	mutex_lock(&iommu->device_list_lock);
	list_del(&vdev->iommu_entry);
	mutex_unlock(&iommu->device_list_lock);
}

static struct iommu_domain *type1_group_iommu_domain(void *iommu_data,
						     struct iommu_group *group)
{
	struct type1_iommu *iommu = iommu_data;
	struct iommu_domain *domain;

	if (!iommu || !group)
		return ERR_PTR(-EINVAL);

	mutex_lock(&iommu->lock);
	domain = type1_group_domain(iommu, group);
	mutex_unlock(&iommu->lock);
	return domain ?: ERR_PTR(-ENODEV);
}

static void type1_notify(void *iommu_data, enum vfio_iommu_notify_type event)
{
	struct type1_iommu *iommu = iommu_data;

	if (event != VFIO_IOMMU_CONTAINER_CLOSE)
		return;
	/* The user is gone: the mappings may only be torn down now. */
	mutex_lock(&iommu->lock);
	iommu->closed = true;
	mutex_unlock(&iommu->lock);
}

/*
 * VFIO_DMA_CC_IOMMU: every real domain blocks non-coherent DMA.  As in
 * Linux 6.1, a container without any (only mediated devices) says yes.
 */
static int type1_cache_coherent(struct type1_iommu *iommu)
{
	struct type1_domain *d;
	int ret = 1;

	mutex_lock(&iommu->lock);
	list_for_each_entry(d, &iommu->domain_list, next)
		if (!d->enforce_cc)
			ret = 0;
	mutex_unlock(&iommu->lock);
	return ret;
}

static long type1_check_extension(struct type1_iommu *iommu,
				  unsigned long ext)
{
	switch (ext) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_TYPE1_NESTING_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		return iommu ? type1_cache_coherent(iommu) : 0;
	default:
		/* VFIO_UPDATE_VADDR is not implemented. */
		return 0;
	}
}

static int type1_cap_iova_range(struct type1_iommu *iommu,
				struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	struct vfio_info_cap_header *header;
	struct type1_iova *range;
	u32 n = 0;

	lockdep_assert_held(&iommu->lock);

	/*
	 * Without a real domain nothing restricts the IOVA space and, as in
	 * Linux, the capability is left out (QEMU then assumes all of it).
	 */
	if (list_empty(&iommu->domain_list))
		return 0;
	list_for_each_entry(range, &iommu->iova_list, next)
		n++;
	if (!n)
		return 0;

	header = vfio_info_cap_add(caps, struct_size(cap, iova_ranges, n),
				   VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header,
			   struct vfio_iommu_type1_info_cap_iova_range, header);
	cap->nr_iovas = n;
	n = 0;
	list_for_each_entry(range, &iommu->iova_list, next) {
		cap->iova_ranges[n].start = range->start;
		cap->iova_ranges[n].end = range->end;
		n++;
	}
	return 0;
}

static int type1_cap_migration(struct type1_iommu *iommu,
			       struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_migration *cap;
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, sizeof(*cap),
				   VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_iommu_type1_info_cap_migration,
			   header);
	cap->flags = 0;
	/* Dirty bits are kept at the smallest page size only. */
	cap->pgsize_bitmap = type1_pgsize(iommu);
	cap->max_dirty_bitmap_size = type1_dirty_bitmap_max();
	return 0;
}

static int type1_cap_dma_avail(struct type1_iommu *iommu,
			       struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_dma_avail *cap;
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, sizeof(*cap),
				   VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_iommu_type1_info_dma_avail,
			   header);
	cap->avail = iommu->dma_avail;
	return 0;
}

static int type1_ioctl_get_info(struct type1_iommu *iommu,
				struct vfio_iommu_type1_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_iommu_type1_info,
					  iova_pgsizes);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_iommu_type1_info info = {};
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	/*
	 * Old users know no cap_offset: write it back only when argsz has
	 * room for all of it, never part of it.
	 */
	if (info.argsz >= sizeof(info))
		minsz = sizeof(info);

	mutex_lock(&iommu->lock);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = iommu->pgsize_bitmap;
	ret = type1_cap_iova_range(iommu, &caps);
	if (!ret)
		ret = type1_cap_migration(iommu, &caps);
	if (!ret)
		ret = type1_cap_dma_avail(iommu, &caps);
	mutex_unlock(&iommu->lock);
	if (ret)
		goto out_free_caps;

	if (caps.size) {
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* Tell the user how much room the chain needs. */
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user((void __user *)arg + sizeof(info),
					 caps.buf, caps.size)) {
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

static int type1_ioctl_map_dma(struct type1_iommu *iommu,
			       struct vfio_iommu_type1_dma_map __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_iommu_type1_dma_map,
					  size);
	struct vfio_iommu_type1_dma_map map;

	if (copy_from_user(&map, arg, minsz))
		return -EFAULT;
	if (map.argsz < minsz)
		return -EINVAL;
	if (map.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
			  VFIO_DMA_MAP_FLAG_VADDR))
		return -EINVAL;

	return type1_map_dma(iommu, &map);
}

static int type1_ioctl_unmap_dma(struct type1_iommu *iommu,
				 struct vfio_iommu_type1_dma_unmap __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_iommu_type1_dma_unmap,
					  size);
	struct vfio_iommu_type1_dma_unmap unmap;
	struct vfio_bitmap bitmap = {};
	int ret;

	if (copy_from_user(&unmap, arg, minsz))
		return -EFAULT;
	if (unmap.argsz < minsz)
		return -EINVAL;
	if (unmap.flags & ~(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
			    VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR))
		return -EINVAL;

	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
		if (unmap.flags & (VFIO_DMA_UNMAP_FLAG_ALL |
				   VFIO_DMA_UNMAP_FLAG_VADDR))
			return -EINVAL;
		if (unmap.argsz < minsz + sizeof(bitmap))
			return -EINVAL;
		if (copy_from_user(&bitmap, (void __user *)arg + minsz,
				   sizeof(bitmap)))
			return -EFAULT;
		ret = type1_dirty_check_bitmap(unmap.size, &bitmap);
		if (ret)
			return ret;
	}

	ret = type1_unmap_dma(iommu, &unmap, &bitmap);
	if (ret)
		return ret;
	return copy_to_user(arg, &unmap, minsz) ? -EFAULT : 0;
}

static long type1_ioctl(void *iommu_data, unsigned int cmd, unsigned long arg)
{
	struct type1_iommu *iommu = iommu_data;
	void __user *uarg = (void __user *)arg;

	if (cmd == VFIO_CHECK_EXTENSION)
		return type1_check_extension(iommu, arg);
	if (!iommu)
		return -EINVAL;

	switch (cmd) {
	case VFIO_IOMMU_GET_INFO:
		return type1_ioctl_get_info(iommu, uarg);
	case VFIO_IOMMU_MAP_DMA:
		return type1_ioctl_map_dma(iommu, uarg);
	case VFIO_IOMMU_UNMAP_DMA:
		return type1_ioctl_unmap_dma(iommu, uarg);
	case VFIO_IOMMU_DIRTY_PAGES:
		return type1_dirty_ioctl(iommu, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct vfio_iommu_driver_ops type1_ops = {
	.name			= "vfio-iommu-type1",
	.owner			= THIS_MODULE,
	.open			= type1_open,
	.release		= type1_release,
	.ioctl			= type1_ioctl,
	.attach_group		= type1_attach_group,
	.detach_group		= type1_detach_group,
	.pin_pages		= type1_pin_pages,
	.unpin_pages		= type1_unpin_pages,
	.register_device	= type1_register_device,
	.unregister_device	= type1_unregister_device,
	.dma_rw			= type1_dma_rw,
	.group_iommu_domain	= type1_group_iommu_domain,
	.notify			= type1_notify,
};

static int __init type1_init(void)
{
	return vfio_register_iommu_driver(&type1_ops);
}

static void __exit type1_exit(void)
{
	vfio_unregister_iommu_driver(&type1_ops);
}

module_init(type1_init);
module_exit(type1_exit);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION(DRIVER_DESC);
