// SPDX-License-Identifier: GPL-2.0-only
/*
 * One vGPU as a VFIO device: its lifetime (init/release), open and close,
 * the device fd's read/write/mmap dispatched to the regions, the ioctls,
 * and reset.
 *
 * Regions (device-fd offset = index << 40, as vfio-pci):
 *	VFIO_PCI_BAR0_REGION_INDEX	registers and GTT, trapped
 *	VFIO_PCI_BAR2_REGION_INDEX	the aperture, mmap-able
 *	VFIO_PCI_CONFIG_REGION_INDEX	config space
 *	GVT_OPREGION_INDEX		the OpRegion (Intel vendor type)
 *	GVT_EDID_INDEX			the EDID region (GFX type)
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "gvt.h"

static int gvt_vgpu_init(struct vfio_device *vdev)
{
	struct gvt_vgpu *vgpu = to_vgpu(vdev);
	int ret;

	vgpu->mdev = to_mdev_device(vdev->dev);
	vgpu->type = to_gvt_type(vgpu->mdev->type);
	ret = gvt_pool_reserve(vgpu->type);
	if (ret)
		return ret;

	mutex_init(&vgpu->lock);
	mutex_init(&vgpu->dma_lock);
	mutex_init(&vgpu->irq_lock);
	xa_init(&vgpu->aperture);
	xa_init(&vgpu->pinned);
	INIT_LIST_HEAD(&vgpu->sched_node);

	vgpu->gtt_entries = gvt_gm_size(vgpu) / GVT_GM_PAGE_SIZE;
	vgpu->gtt = kvcalloc(vgpu->gtt_entries, sizeof(*vgpu->gtt), GFP_KERNEL);
	if (!vgpu->gtt) {
		ret = -ENOMEM;
		goto err_release_pool;
	}
	vgpu->scratch = kmalloc(GVT_RECT_MAX * 4, GFP_KERNEL);
	if (!vgpu->scratch) {
		ret = -ENOMEM;
		goto err_free_gtt;
	}
	ret = gvt_opregion_init(vgpu);
	if (ret)
		goto err_free_scratch;

	gvt_edid_init(vgpu);
	mutex_lock(&vgpu->lock);
	gvt_cfg_init(vgpu);
	gvt_mmio_reset(vgpu);
	gvt_edid_sync(vgpu);
	mutex_unlock(&vgpu->lock);
	return 0;

err_free_scratch:
	kfree(vgpu->scratch);
err_free_gtt:
	kvfree(vgpu->gtt);
err_release_pool:
	gvt_pool_release(vgpu->type);
	return ret;
}

static void gvt_vgpu_release(struct vfio_device *vdev)
{
	struct gvt_vgpu *vgpu = to_vgpu(vdev);

	WARN_ON(vgpu->nr_pinned);
	gvt_opregion_free(vgpu);
	gvt_aperture_free(vgpu);
	xa_destroy(&vgpu->pinned);
	kfree(vgpu->scratch);
	kvfree(vgpu->gtt);
	mutex_destroy(&vgpu->irq_lock);
	mutex_destroy(&vgpu->dma_lock);
	mutex_destroy(&vgpu->lock);
	gvt_pool_release(vgpu->type);
}

/**
 * gvt_vgpu_reset - put a vGPU back in its power-on state
 * @vgpu: the vGPU
 *
 * For VFIO_DEVICE_RESET, a function-level reset and close.  Config space,
 * registers, GTT and engine start over and every pinned page is released.
 * The monitor (EDID region) stays connected and the aperture keeps its
 * contents, as video memory does; eventfds stay set.
 */
void gvt_vgpu_reset(struct gvt_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	gvt_cfg_init(vgpu);
	gvt_mmio_reset(vgpu);
	gvt_engine_reset(vgpu);
	gvt_edid_sync(vgpu);
	mutex_unlock(&vgpu->lock);

	mutex_lock(&vgpu->irq_lock);
	vgpu->irq.intx_masked = false;
	mutex_unlock(&vgpu->irq_lock);

	gvt_dma_unpin_all(vgpu);
}

static int gvt_vgpu_open(struct vfio_device *vdev)
{
	gvt_sched_add(to_vgpu(vdev));
	return 0;
}

static void gvt_vgpu_close(struct vfio_device *vdev)
{
	struct gvt_vgpu *vgpu = to_vgpu(vdev);

	/* off the engine first: nothing may pin once we have unpinned */
	gvt_sched_remove(vgpu);
	gvt_vgpu_reset(vgpu);
	gvt_irq_release_all(vgpu);
}

/* Access @len bytes at @off of region @index; @buf is a kernel buffer. */
static int gvt_region_access(struct gvt_vgpu *vgpu, unsigned int index, u64 off,
			     void *buf, size_t len, bool write)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (off >= GVT_CFG_SIZE || len > GVT_CFG_SIZE - off)
			return -EINVAL;
		return write ? gvt_cfg_write(vgpu, off, buf, len) :
			       gvt_cfg_read(vgpu, off, buf, len);
	case VFIO_PCI_BAR0_REGION_INDEX:
		return write ? gvt_mmio_write(vgpu, off, buf, len) :
			       gvt_mmio_read(vgpu, off, buf, len);
	case VFIO_PCI_BAR2_REGION_INDEX:
		return gvt_aperture_rw(vgpu, off, buf, len, write);
	case GVT_OPREGION_INDEX:
		return write ? -EINVAL : gvt_opregion_read(vgpu, off, buf, len);
	case GVT_EDID_INDEX:
		return write ? gvt_edid_write(vgpu, off, buf, len) :
			       gvt_edid_read(vgpu, off, buf, len);
	}
	return -EINVAL;
}

static ssize_t gvt_vgpu_rw(struct gvt_vgpu *vgpu, char __user *ubuf, size_t count,
			   loff_t *ppos, bool write)
{
	unsigned int index = GVT_OFFSET_TO_INDEX(*ppos);
	u64 off = *ppos & GVT_OFFSET_MASK;
	size_t done = 0;
	void *buf;
	int ret = 0;

	if (*ppos < 0 || !count)
		return -EINVAL;
	buf = kmalloc(min_t(size_t, count, PAGE_SIZE), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	/* a page at a time: QEMU reads the whole OpRegion in one go */
	while (done < count) {
		size_t n = min_t(size_t, count - done, PAGE_SIZE);

		if (write && copy_from_user(buf, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = gvt_region_access(vgpu, index, off + done, buf, n, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, buf, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	kfree(buf);
	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static ssize_t gvt_vgpu_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	return gvt_vgpu_rw(to_vgpu(vdev), buf, count, ppos, false);
}

static ssize_t gvt_vgpu_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	return gvt_vgpu_rw(to_vgpu(vdev), (char __user *)buf, count, ppos, true);
}

static int gvt_vgpu_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	if (GVT_OFFSET_TO_INDEX((u64)vma->vm_pgoff << PAGE_SHIFT) !=
	    VFIO_PCI_BAR2_REGION_INDEX)
		return -EINVAL;
	return gvt_aperture_mmap(to_vgpu(vdev), vma);
}

static long gvt_ioctl_get_info(struct gvt_vgpu *vgpu, struct vfio_device_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = GVT_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int gvt_add_cap_type(struct vfio_info_cap *caps, u32 type, u32 subtype)
{
	struct vfio_region_info_cap_type *cap;
	struct vfio_info_cap_header *hdr;

	hdr = vfio_info_cap_add(caps, sizeof(*cap), VFIO_REGION_INFO_CAP_TYPE, 1);
	if (IS_ERR(hdr))
		return PTR_ERR(hdr);
	cap = container_of(hdr, struct vfio_region_info_cap_type, header);
	cap->type = type;
	cap->subtype = subtype;
	return 0;
}

/* Size, flags and capabilities of one region. */
static int gvt_region_describe(struct gvt_vgpu *vgpu, struct vfio_region_info *info,
			       struct vfio_info_cap *caps)
{
	const u32 rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	info->size = 0;
	info->flags = 0;
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = GVT_CFG_SIZE;
		info->flags = rw;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info->size = GVT_MMIO_BAR_SIZE;
		info->flags = rw;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = vgpu->type->low_gm;
		info->flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
		break;
	case GVT_OPREGION_INDEX:
		info->size = GVT_OPREGION_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ;
		return gvt_add_cap_type(caps, VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
					GVT_PCI_VENDOR_ID,
					VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION);
	case GVT_EDID_INDEX:
		info->size = GVT_EDID_REGION_SIZE;
		info->flags = rw;
		return gvt_add_cap_type(caps, VFIO_REGION_TYPE_GFX,
					VFIO_REGION_SUBTYPE_GFX_EDID);
	default:
		/* the other BARs, the ROM and VGA exist but are empty */
		if (info->index >= GVT_NUM_REGIONS)
			return -EINVAL;
	}
	return 0;
}

static long gvt_ioctl_get_region_info(struct gvt_vgpu *vgpu,
				      struct vfio_region_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	ret = gvt_region_describe(vgpu, &info, &caps);
	if (ret)
		goto out_free_caps;
	info.offset = GVT_INDEX_TO_OFFSET(info.index);
	info.cap_offset = 0;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* tell the user how much room the chain needs */
			info.argsz = sizeof(info) + caps.size;
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

static long gvt_vgpu_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct gvt_vgpu *vgpu = to_vgpu(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return gvt_ioctl_get_info(vgpu, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return gvt_ioctl_get_region_info(vgpu, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return gvt_irq_get_info(vgpu, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return gvt_irq_set(vgpu, uarg);
	case VFIO_DEVICE_RESET:
		gvt_vgpu_reset(vgpu);
		return 0;
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return gvt_display_query_plane(vgpu, uarg);
	case VFIO_DEVICE_GET_GFX_DMABUF:
		return gvt_display_get_dmabuf(vgpu, uarg);
	}
	return -ENOTTY;
}

static void gvt_vgpu_request(struct vfio_device *vdev, unsigned int count)
{
	gvt_irq_request(to_vgpu(vdev), count);
}

static void gvt_vgpu_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	gvt_dma_unmap(to_vgpu(vdev), iova, length);
}

const struct vfio_device_ops gvt_vgpu_ops = {
	.name		= GVT_NAME,
	.init		= gvt_vgpu_init,
	.release	= gvt_vgpu_release,
	.open_device	= gvt_vgpu_open,
	.close_device	= gvt_vgpu_close,
	.read		= gvt_vgpu_read,
	.write		= gvt_vgpu_write,
	.mmap		= gvt_vgpu_mmap,
	.ioctl		= gvt_vgpu_ioctl,
	.request	= gvt_vgpu_request,
	.dma_unmap	= gvt_vgpu_dma_unmap,
};
