// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGPU's primary plane as a dma-buf: VFIO_DEVICE_QUERY_GFX_PLANE and
 * VFIO_DEVICE_GET_GFX_DMABUF, as kvmgt offers them to QEMU's display.
 *
 * The guest programs the plane in BAR0 (enable, format, surface graphics
 * address, stride, size).  A query describes the plane and names its
 * configuration with a dmabuf_id that changes whenever the plane
 * registers do; GET_GFX_DMABUF then exports the surface's pages, found
 * through the GTT, as a dma-buf.  The dma-buf holds its own reference on
 * each page and none on the vGPU, so it may outlive the device fd and the
 * vGPU itself: like a scanout buffer, its pages stay valid while shown.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_plane.h>

#include <compat/kcompat.h>

#include "gvt.h"

MODULE_IMPORT_NS(DMA_BUF);

/**
 * struct gvt_dmabuf - the exporter's state of one plane dma-buf
 * @npages: pages in @pages
 * @pages: the surface's pages, each with a reference we hold
 */
struct gvt_dmabuf {
	unsigned int npages;
	struct page *pages[];
};

static struct sg_table *gvt_dmabuf_map(struct dma_buf_attachment *at,
				       enum dma_data_direction dir)
{
	struct gvt_dmabuf *db = at->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages(sgt, db->pages, db->npages, 0,
					(size_t)db->npages << PAGE_SHIFT, GFP_KERNEL);
	if (ret)
		goto err_free_sgt;
	ret = dma_map_sgtable(at->dev, sgt, dir, 0);
	if (ret)
		goto err_free_table;
	return sgt;

err_free_table:
	sg_free_table(sgt);
err_free_sgt:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void gvt_dmabuf_unmap(struct dma_buf_attachment *at, struct sg_table *sgt,
			     enum dma_data_direction dir)
{
	dma_unmap_sgtable(at->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

static void gvt_dmabuf_release(struct dma_buf *buf)
{
	struct gvt_dmabuf *db = buf->priv;
	unsigned int i;

	for (i = 0; i < db->npages; i++)
		put_page(db->pages[i]);
	kfree(db);
}

static vm_fault_t gvt_dmabuf_fault(struct vm_fault *vmf)
{
	struct gvt_dmabuf *db = vmf->vma->vm_private_data;

	if (vmf->pgoff >= db->npages)
		return VM_FAULT_SIGBUS;
	/* guest pages may be anonymous: map by pfn, no rmap */
	return vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(db->pages[vmf->pgoff]));
}

static const struct vm_operations_struct gvt_dmabuf_vm_ops = {
	.fault = gvt_dmabuf_fault,
};

static int gvt_dmabuf_mmap(struct dma_buf *buf, struct vm_area_struct *vma)
{
	struct gvt_dmabuf *db = buf->priv;

	if (vma->vm_pgoff + vma_pages(vma) > db->npages)
		return -EINVAL;
	vma->vm_private_data = db;
	vma->vm_ops = &gvt_dmabuf_vm_ops;
	kc_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

static const struct dma_buf_ops gvt_dmabuf_ops = {
	.map_dma_buf	= gvt_dmabuf_map,
	.unmap_dma_buf	= gvt_dmabuf_unmap,
	.release	= gvt_dmabuf_release,
	.mmap		= gvt_dmabuf_mmap,
};

/* A plane that is off: every output field 0. */
static void gvt_plane_clear(struct vfio_device_gfx_plane_info *p)
{
	p->drm_format = 0;
	p->drm_format_mod = 0;
	p->width = 0;
	p->height = 0;
	p->stride = 0;
	p->size = 0;
	p->x_pos = 0;
	p->y_pos = 0;
	p->x_hot = 0;
	p->y_hot = 0;
	p->dmabuf_id = 0;
}

/* Fill @p from the plane registers; false if the plane is off or unusable. */
static bool gvt_plane_read(struct gvt_vgpu *vgpu, struct vfio_device_gfx_plane_info *p)
{
	u32 ctl = gvt_reg(vgpu, GVT_REG_PLANE_CTL);
	u32 size = gvt_reg(vgpu, GVT_REG_PLANE_SIZE);
	u32 w = (size & 0xffff) + 1, h = (size >> 16) + 1;
	u32 stride = gvt_reg(vgpu, GVT_REG_PLANE_STRIDE);
	u32 surf = gvt_reg(vgpu, GVT_REG_PLANE_SURF);

	lockdep_assert_held(&vgpu->lock);
	if (!(ctl & GVT_PLANE_CTL_ENABLE) ||
	    (ctl & GVT_PLANE_CTL_FMT_MASK) >> GVT_PLANE_CTL_FMT_SHIFT != GVT_PLANE_FMT_XRGB8888)
		return false;
	if (w > vgpu->type->xres || h > vgpu->type->yres || stride < w * 4 ||
	    (u64)surf + (u64)stride * h > gvt_gm_size(vgpu))
		return false;

	p->drm_format = DRM_FORMAT_XRGB8888;
	p->drm_format_mod = DRM_FORMAT_MOD_LINEAR;
	p->width = w;
	p->height = h;
	p->stride = stride;
	p->size = PAGE_ALIGN(stride * h);
	p->x_pos = 0;
	p->y_pos = 0;
	p->x_hot = 0;
	p->y_hot = 0;
	p->dmabuf_id = vgpu->plane_gen;
	return true;
}

/**
 * gvt_display_query_plane - VFIO_DEVICE_QUERY_GFX_PLANE
 * @vgpu: the vGPU
 * @arg: the user's struct vfio_device_gfx_plane_info
 *
 * Only dma-buf planes, and of those only the primary one.  A disabled
 * plane is reported with drm_format 0 and dmabuf_id 0.
 *
 * Return: 0 or a negative errno.
 */
long gvt_display_query_plane(struct gvt_vgpu *vgpu,
			     struct vfio_device_gfx_plane_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_gfx_plane_info, region_index);
	struct vfio_device_gfx_plane_info p;
	u32 kind;

	if (copy_from_user(&p, arg, minsz))
		return -EFAULT;
	if (p.argsz < minsz)
		return -EINVAL;

	kind = p.flags & (VFIO_GFX_PLANE_TYPE_DMABUF | VFIO_GFX_PLANE_TYPE_REGION);
	if (kind != VFIO_GFX_PLANE_TYPE_DMABUF || p.flags & ~(kind | VFIO_GFX_PLANE_TYPE_PROBE))
		return -EINVAL;
	if (p.flags & VFIO_GFX_PLANE_TYPE_PROBE)
		return 0;

	gvt_plane_clear(&p);
	if (p.drm_plane_type == DRM_PLANE_TYPE_PRIMARY) {
		mutex_lock(&vgpu->lock);
		if (!gvt_plane_read(vgpu, &p))
			gvt_plane_clear(&p);
		mutex_unlock(&vgpu->lock);
	} else if (p.drm_plane_type != DRM_PLANE_TYPE_CURSOR) {
		return -EINVAL;	/* no overlays; the cursor is always off */
	}
	return copy_to_user(arg, &p, minsz) ? -EFAULT : 0;
}

/**
 * gvt_display_get_dmabuf - VFIO_DEVICE_GET_GFX_DMABUF
 * @vgpu: the vGPU
 * @arg: the user's dmabuf_id, from a query of the current plane
 *
 * Return: a new dma-buf fd, -ENOENT if @arg does not name the current
 * plane, -EFAULT if the GTT does not map all of it, or another errno.
 */
long gvt_display_get_dmabuf(struct gvt_vgpu *vgpu, u32 __user *arg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct vfio_device_gfx_plane_info p;
	struct gvt_dmabuf *db;
	struct dma_buf *buf;
	unsigned int i, n;
	u32 id, surf;
	int ret;

	if (get_user(id, arg))
		return -EFAULT;

	mutex_lock(&vgpu->lock);
	if (!gvt_plane_read(vgpu, &p) || p.dmabuf_id != id) {
		ret = -ENOENT;
		goto err_unlock;
	}
	surf = gvt_reg(vgpu, GVT_REG_PLANE_SURF);
	n = p.size >> PAGE_SHIFT;
	db = kzalloc(struct_size(db, pages, n), GFP_KERNEL);
	if (!db) {
		ret = -ENOMEM;
		goto err_unlock;
	}
	for (i = 0; i < n; i++) {
		struct page *page = gvt_gm_get_page(vgpu, surf + i * PAGE_SIZE);

		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			goto err_put_pages;
		}
		db->pages[db->npages++] = page;
	}

	exp.ops = &gvt_dmabuf_ops;
	exp.size = p.size;
	exp.flags = O_RDWR;
	exp.priv = db;
	buf = dma_buf_export(&exp);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto err_put_pages;
	}
	mutex_unlock(&vgpu->lock);

	ret = dma_buf_fd(buf, O_CLOEXEC);
	if (ret < 0)
		dma_buf_put(buf);	/* its release frees @db */
	return ret;

err_put_pages:
	for (i = 0; i < db->npages; i++)
		put_page(db->pages[i]);
	kfree(db);
err_unlock:
	mutex_unlock(&vgpu->lock);
	return ret;
}
