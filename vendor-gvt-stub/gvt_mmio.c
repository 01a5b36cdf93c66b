// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR0 of a vGPU: trapped and emulated registers below GVT_GTT_OFFSET, the
 * GTT above it (see gvt_regs.h for the map).
 *
 * As in GVT-g, every access traps; nothing of BAR0 is mmap-able.  Writes
 * that start work (the ring tail, enabling the ring) kick the scheduler.
 */
#include <asm/unaligned.h>

#include "gvt.h"

/* A new plane configuration gets a new dmabuf_id; 0 means none. */
static void gvt_plane_changed(struct gvt_vgpu *vgpu)
{
	if (!++vgpu->plane_gen)
		vgpu->plane_gen = 1;
}

/**
 * gvt_mmio_reset - put BAR0 in its power-on state
 * @vgpu: the vGPU; its lock is held, or nobody else can see it yet
 *
 * Clears every register and GTT entry and sets the read-only registers
 * that describe the vGPU's resources.
 */
void gvt_mmio_reset(struct gvt_vgpu *vgpu)
{
	struct gvt_type *t = vgpu->type;

	memset(vgpu->regs, 0, sizeof(vgpu->regs));
	memset(vgpu->fence, 0, sizeof(vgpu->fence));
	memset(vgpu->gtt, 0, vgpu->gtt_entries * sizeof(*vgpu->gtt));

	gvt_reg_set(vgpu, GVT_REG_ID, GVT_ID_MAGIC);
	gvt_reg_set(vgpu, GVT_REG_VERSION, GVT_VERSION);
	gvt_reg_set(vgpu, GVT_REG_LOW_GM_BASE, 0);
	gvt_reg_set(vgpu, GVT_REG_LOW_GM_SIZE, t->low_gm);
	gvt_reg_set(vgpu, GVT_REG_HIGH_GM_BASE, t->low_gm);
	gvt_reg_set(vgpu, GVT_REG_HIGH_GM_SIZE, t->high_gm);
	gvt_reg_set(vgpu, GVT_REG_FENCE_NUM, t->fences);
	gvt_reg_set(vgpu, GVT_REG_WEIGHT, t->weight);
	gvt_reg_set(vgpu, GVT_REG_GTT_ENTRIES, vgpu->gtt_entries);
	gvt_reg_set(vgpu, GVT_REG_IMR, GVT_IRQ_ALL);
	gvt_reg_set(vgpu, GVT_REG_RING_STATUS, GVT_RING_STATUS_IDLE);
	gvt_plane_changed(vgpu);
}

/* Value of a 32-bit register as the guest reads it. */
static u32 gvt_mmio_reg_read(struct gvt_vgpu *vgpu, unsigned int off)
{
	lockdep_assert_held(&vgpu->lock);

	if (off >= GVT_REG_EDID_BASE && off < GVT_REG_EDID_BASE + GVT_EDID_MAX_SIZE)
		return get_unaligned_le32(&vgpu->edid[off - GVT_REG_EDID_BASE]);
	if (off >= GVT_REG_FENCE_BASE) {
		unsigned int i = (off - GVT_REG_FENCE_BASE) / 8;

		if (i >= vgpu->type->fences)
			return 0;
		return off & 4 ? upper_32_bits(vgpu->fence[i]) :
				 lower_32_bits(vgpu->fence[i]);
	}
	if (off == GVT_REG_RING_STATUS) {
		u32 status = 0;

		if (vgpu->engine.stopped)
			status |= GVT_RING_STATUS_STOPPED;
		if (vgpu->engine.in_batch)
			status |= GVT_RING_STATUS_BATCH;
		else if (gvt_reg(vgpu, GVT_REG_RING_HEAD) ==
			 gvt_reg(vgpu, GVT_REG_RING_TAIL))
			status |= GVT_RING_STATUS_IDLE;
		return status;
	}
	return gvt_reg(vgpu, off);
}

/* A guest write to a 32-bit register; returns true if work may be pending. */
static bool gvt_mmio_reg_write(struct gvt_vgpu *vgpu, unsigned int off, u32 val)
{
	u32 ring_bytes;

	lockdep_assert_held(&vgpu->lock);

	if (off >= GVT_REG_FENCE_BASE && off < GVT_REG_FENCE_BASE + 8 * GVT_FENCE_MAX) {
		unsigned int i = (off - GVT_REG_FENCE_BASE) / 8;

		if (i >= vgpu->type->fences)
			return false;	/* not this vGPU's fence: dropped */
		if (off & 4)
			vgpu->fence[i] = (vgpu->fence[i] & U32_MAX) | (u64)val << 32;
		else
			vgpu->fence[i] = (vgpu->fence[i] & ~(u64)U32_MAX) | val;
		return false;
	}

	ring_bytes = GVT_RING_CTL_NPAGES(gvt_reg(vgpu, GVT_REG_RING_CTL)) *
		     GVT_GM_PAGE_SIZE;

	switch (off) {
	case GVT_REG_IIR:
		gvt_reg_set(vgpu, off, gvt_reg(vgpu, off) & ~val);
		return false;
	case GVT_REG_IMR:
	case GVT_REG_IER:
		gvt_reg_set(vgpu, off, val & GVT_IRQ_ALL);
		return false;
	case GVT_REG_RING_START:
		gvt_reg_set(vgpu, off, val & ~(GVT_GM_PAGE_SIZE - 1));
		return false;
	case GVT_REG_RING_HEAD:
		/* the engine owns HEAD while the ring runs */
		if (!(gvt_reg(vgpu, GVT_REG_RING_CTL) & GVT_RING_CTL_ENABLE))
			gvt_reg_set(vgpu, off, val & (ring_bytes - 1) & ~3U);
		return false;
	case GVT_REG_RING_TAIL:
		gvt_reg_set(vgpu, off, val & (ring_bytes - 1) & ~3U);
		vgpu->engine.starved = false;
		return true;
	case GVT_REG_RING_CTL:
		gvt_reg_set(vgpu, off, val & (GVT_RING_CTL_ENABLE |
					      GVT_RING_CTL_PAGES(512)));
		if (!(val & GVT_RING_CTL_ENABLE)) {
			/* disabling the ring acknowledges an error */
			vgpu->engine.stopped = false;
			vgpu->engine.in_batch = false;
			vgpu->engine.starved = false;
			gvt_reg_set(vgpu, GVT_REG_ERR_CODE, GVT_ERR_NONE);
			gvt_reg_set(vgpu, GVT_REG_ERR_ADDR, 0);
		}
		return true;
	case GVT_REG_PLANE_CTL:
		gvt_reg_set(vgpu, off, val & (GVT_PLANE_CTL_ENABLE |
					      GVT_PLANE_CTL_FMT_MASK));
		gvt_plane_changed(vgpu);
		return false;
	case GVT_REG_PLANE_SURF:
		gvt_reg_set(vgpu, off, val & ~(GVT_GM_PAGE_SIZE - 1));
		gvt_plane_changed(vgpu);
		return false;
	case GVT_REG_PLANE_STRIDE:
		gvt_reg_set(vgpu, off, val & ~63U);
		gvt_plane_changed(vgpu);
		return false;
	case GVT_REG_PLANE_SIZE:
		gvt_reg_set(vgpu, off, val);
		gvt_plane_changed(vgpu);
		return false;
	}
	/* identification, status and unassigned offsets are read-only */
	return false;
}

static bool gvt_gtt_in_plane(struct gvt_vgpu *vgpu, u64 idx)
{
	u64 surf = gvt_reg(vgpu, GVT_REG_PLANE_SURF);
	u64 h = (gvt_reg(vgpu, GVT_REG_PLANE_SIZE) >> 16) + 1;
	u64 end = surf + h * gvt_reg(vgpu, GVT_REG_PLANE_STRIDE);

	lockdep_assert_held(&vgpu->lock);
	return idx >= surf / GVT_GM_PAGE_SIZE && idx < DIV_ROUND_UP(end, GVT_GM_PAGE_SIZE);
}

static int gvt_gtt_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len)
{
	u64 idx = off / GVT_GTT_ENTRY_SIZE;
	u64 pte = 0;

	mutex_lock(&vgpu->lock);
	if (idx < vgpu->gtt_entries)
		pte = vgpu->gtt[idx];
	mutex_unlock(&vgpu->lock);

	if (len == 8)
		put_unaligned_le64(pte, buf);
	else
		put_unaligned_le32(off & 4 ? upper_32_bits(pte) : lower_32_bits(pte), buf);
	return 0;
}

static int gvt_gtt_write(struct gvt_vgpu *vgpu, u64 off, const void *buf, size_t len)
{
	u64 idx = off / GVT_GTT_ENTRY_SIZE;
	u64 pte;

	mutex_lock(&vgpu->lock);
	/* entries beyond this vGPU's graphics memory do not exist */
	if (idx >= vgpu->gtt_entries)
		goto out_unlock;
	pte = vgpu->gtt[idx];
	if (len == 8)
		pte = get_unaligned_le64(buf);
	else if (off & 4)
		pte = (pte & U32_MAX) | (u64)get_unaligned_le32(buf) << 32;
	else
		pte = (pte & ~(u64)U32_MAX) | get_unaligned_le32(buf);
	vgpu->gtt[idx] = pte & (GVT_PTE_ADDR_MASK | GVT_PTE_VALID | GVT_PTE_LOCAL);
	/* the plane's pages moved: its dma-buf is another one now */
	if (gvt_gtt_in_plane(vgpu, idx))
		gvt_plane_changed(vgpu);
out_unlock:
	mutex_unlock(&vgpu->lock);
	return 0;
}

/**
 * gvt_mmio_read - read from BAR0
 * @vgpu: the vGPU
 * @off: offset into BAR0
 * @buf: where to put the value, little-endian
 * @len: 4, or 8 within the GTT; @off aligned to @len
 *
 * Return: 0, or -EINVAL for an access of the wrong size or alignment.
 */
int gvt_mmio_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len)
{
	if ((len != 4 && len != 8) || off & (len - 1) ||
	    off + len > GVT_MMIO_BAR_SIZE)
		return -EINVAL;
	if (off >= GVT_GTT_OFFSET)
		return gvt_gtt_read(vgpu, off - GVT_GTT_OFFSET, buf, len);
	if (len != 4)
		return -EINVAL;

	mutex_lock(&vgpu->lock);
	put_unaligned_le32(gvt_mmio_reg_read(vgpu, off), buf);
	mutex_unlock(&vgpu->lock);
	return 0;
}

/**
 * gvt_mmio_write - write to BAR0
 * @vgpu: the vGPU
 * @off: offset into BAR0
 * @buf: the value, little-endian
 * @len: 4, or 8 within the GTT; @off aligned to @len
 *
 * Return: 0, or -EINVAL for an access of the wrong size or alignment.
 */
int gvt_mmio_write(struct gvt_vgpu *vgpu, u64 off, const void *buf, size_t len)
{
	bool kick;

	if ((len != 4 && len != 8) || off & (len - 1) ||
	    off + len > GVT_MMIO_BAR_SIZE)
		return -EINVAL;
	if (off >= GVT_GTT_OFFSET)
		return gvt_gtt_write(vgpu, off - GVT_GTT_OFFSET, buf, len);
	if (len != 4)
		return -EINVAL;

	mutex_lock(&vgpu->lock);
	kick = gvt_mmio_reg_write(vgpu, off, get_unaligned_le32(buf));
	mutex_unlock(&vgpu->lock);

	if (kick)
		gvt_sched_kick(vgpu);
	return 0;
}
