// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGPU's virtual monitor and its EDID region (VFIO_REGION_TYPE_GFX,
 * VFIO_REGION_SUBTYPE_GFX_EDID).
 *
 * Userspace replaces the monitor by taking the link down, writing a new
 * blob and its size, and bringing the link up again; the vGPU checks the
 * blob when the link comes up, shows it to the guest in BAR0 and raises a
 * hotplug interrupt on every link change.  Until then the monitor is one
 * that prefers the type's resolution.
 */
#include <asm/unaligned.h>

#include "gvt.h"

#define EDID_BLOCK		128

/* Detailed timing of a preferred mode; clock in kHz. */
struct gvt_timing {
	unsigned int xres, yres, clock;
	unsigned int hblank, hso, hsw;
	unsigned int vblank, vso, vsw;
};

static const struct gvt_timing gvt_timings[] = {
	{ 1920, 1200, 154000, 160, 48, 32, 35, 3, 6 },	/* CVT reduced blanking */
	{ 1024, 768, 65000, 320, 24, 136, 38, 3, 6 },	/* VESA DMT */
};

static void gvt_edid_dtd(u8 *d, const struct gvt_timing *t)
{
	const unsigned int wmm = 520, hmm = 320;

	put_unaligned_le16(t->clock / 10, d);
	d[2] = t->xres & 0xff;
	d[3] = t->hblank & 0xff;
	d[4] = (t->xres >> 8) << 4 | t->hblank >> 8;
	d[5] = t->yres & 0xff;
	d[6] = t->vblank & 0xff;
	d[7] = (t->yres >> 8) << 4 | t->vblank >> 8;
	d[8] = t->hso & 0xff;
	d[9] = t->hsw & 0xff;
	d[10] = (t->vso & 0xf) << 4 | (t->vsw & 0xf);
	d[11] = (t->hso >> 8) << 6 | (t->hsw >> 8) << 4 |
		(t->vso >> 4) << 2 | (t->vsw >> 4);
	d[12] = wmm & 0xff;
	d[13] = hmm & 0xff;
	d[14] = (wmm >> 8) << 4 | hmm >> 8;
	d[17] = 0x1e;	/* digital separate sync, both positive */
}

static void gvt_edid_text(u8 *d, u8 tag, const char *text)
{
	size_t n = strlen(text);

	d[3] = tag;
	memset(d + 5, ' ', 13);
	memcpy(d + 5, text, n);
	if (n < 13)
		d[5 + n] = '\n';
}

static u8 gvt_edid_sum(const u8 *blk)
{
	unsigned int i;
	u8 sum = 0;

	for (i = 0; i < EDID_BLOCK; i++)
		sum += blk[i];
	return sum;
}

/* A 128-byte EDID 1.4 of a monitor that prefers the type's resolution. */
static void gvt_edid_build(struct gvt_vgpu *vgpu, u8 *e)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	static const u8 srgb[10] = { 0xee, 0x91, 0xa3, 0x54, 0x4c,
				     0x99, 0x26, 0x0f, 0x50, 0x54 };
	const struct gvt_timing *t = &gvt_timings[0];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gvt_timings); i++)
		if (gvt_timings[i].xres == vgpu->type->xres)
			t = &gvt_timings[i];

	memset(e, 0, EDID_BLOCK);
	memcpy(e, header, sizeof(header));
	put_unaligned_be16(('G' - '@') << 10 | ('V' - '@') << 5 | ('S' - '@'), e + 8);
	put_unaligned_le16(GVT_PCI_SUBSYS_ID, e + 10);
	put_unaligned_le32(vgpu->type->divisor, e + 12);	/* serial */
	e[16] = 1;		/* week */
	e[17] = 2026 - 1990;	/* year */
	e[18] = 1;		/* EDID 1.4 */
	e[19] = 4;
	e[20] = 0xa5;		/* digital, 8 bits per colour, DisplayPort */
	e[21] = 52;		/* cm */
	e[22] = 32;
	e[23] = 120;		/* gamma 2.2 */
	e[24] = 0x06;		/* sRGB, preferred timing is native */
	memcpy(e + 25, srgb, sizeof(srgb));
	e[35] = 0x21;		/* 640x480@60, 800x600@60 */
	e[36] = 0x08;		/* 1024x768@60 */
	memset(e + 38, 0x01, 16);	/* no standard timings */
	gvt_edid_dtd(e + 54, t);
	gvt_edid_text(e + 72, 0xfc, "gvt-stub");
	/* range limits: 50-75 Hz, 30-160 kHz, 170 MHz */
	e[90 + 3] = 0xfd;
	e[90 + 5] = 50;
	e[90 + 6] = 75;
	e[90 + 7] = 30;
	e[90 + 8] = 160;
	e[90 + 9] = 17;
	e[90 + 11] = 0x0a;
	memset(e + 90 + 12, ' ', 6);
	e[108 + 3] = 0x10;	/* dummy descriptor */
	e[127] = 0x100 - gvt_edid_sum(e);
}

/**
 * gvt_edid_sync - show the monitor's state in the BAR0 display registers
 * @vgpu: the vGPU, its lock held
 */
void gvt_edid_sync(struct gvt_vgpu *vgpu)
{
	bool up = vgpu->edid_regs.link_state == VFIO_DEVICE_GFX_LINK_STATE_UP;

	lockdep_assert_held(&vgpu->lock);
	gvt_reg_set(vgpu, GVT_REG_DISP_LINK, up);
	gvt_reg_set(vgpu, GVT_REG_EDID_SIZE, up ? vgpu->edid_regs.edid_size : 0);
}

/**
 * gvt_edid_init - connect the default monitor
 * @vgpu: the vGPU being initialised
 */
void gvt_edid_init(struct gvt_vgpu *vgpu)
{
	struct vfio_region_gfx_edid *r = &vgpu->edid_regs;

	gvt_edid_build(vgpu, vgpu->edid_blob);
	memcpy(vgpu->edid, vgpu->edid_blob, sizeof(vgpu->edid));
	r->edid_offset = GVT_EDID_BLOB_OFFSET;
	r->edid_max_size = GVT_EDID_MAX_SIZE;
	r->edid_size = EDID_BLOCK;
	r->max_xres = vgpu->type->xres;
	r->max_yres = vgpu->type->yres;
	r->link_state = VFIO_DEVICE_GFX_LINK_STATE_UP;
}

/* A blob the guest can trust: whole blocks, base block header and sums. */
static bool gvt_edid_valid(const u8 *blob, u32 size)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	u32 off;

	if (!size || size % EDID_BLOCK || memcmp(blob, header, sizeof(header)))
		return false;
	for (off = 0; off < size; off += EDID_BLOCK)
		if (gvt_edid_sum(blob + off))
			return false;
	return true;
}

/**
 * gvt_edid_read - read from the EDID region
 * @vgpu: the vGPU
 * @off: offset into the region
 * @buf: destination
 * @len: bytes
 *
 * Return: 0, or -EINVAL beyond the end of the region.
 */
int gvt_edid_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len)
{
	const size_t hdr = sizeof(vgpu->edid_regs);

	if (off > GVT_EDID_REGION_SIZE || len > GVT_EDID_REGION_SIZE - off)
		return -EINVAL;

	mutex_lock(&vgpu->lock);
	if (off < hdr) {
		size_t n = min_t(size_t, len, hdr - off);

		memcpy(buf, (u8 *)&vgpu->edid_regs + off, n);
		buf += n;
		off += n;
		len -= n;
	}
	memcpy(buf, vgpu->edid_blob + off - hdr, len);
	mutex_unlock(&vgpu->lock);
	return 0;
}

static int gvt_edid_set_link(struct gvt_vgpu *vgpu, u32 state)
{
	struct vfio_region_gfx_edid *r = &vgpu->edid_regs;

	lockdep_assert_held(&vgpu->lock);
	switch (state) {
	case VFIO_DEVICE_GFX_LINK_STATE_UP:
		if (!gvt_edid_valid(vgpu->edid_blob, r->edid_size))
			return -EINVAL;
		memcpy(vgpu->edid, vgpu->edid_blob, sizeof(vgpu->edid));
		break;
	case VFIO_DEVICE_GFX_LINK_STATE_DOWN:
		memset(vgpu->edid, 0, sizeof(vgpu->edid));
		break;
	default:
		return -EINVAL;
	}
	r->link_state = state;
	gvt_edid_sync(vgpu);
	return 0;
}

/**
 * gvt_edid_write - write to the EDID region
 * @vgpu: the vGPU
 * @off: offset into the region
 * @buf: the bytes
 * @len: bytes; header fields take aligned 4-byte writes only
 *
 * Return: 0; -EINVAL for a bad size, link state or blob, or an access
 * out of range; -EPERM for a read-only header field.
 */
int gvt_edid_write(struct gvt_vgpu *vgpu, u64 off, const void *buf, size_t len)
{
	const size_t hdr = sizeof(vgpu->edid_regs);
	bool hotplug = false;
	int ret = 0;
	u32 val;

	if (off > GVT_EDID_REGION_SIZE || len > GVT_EDID_REGION_SIZE - off)
		return -EINVAL;
	if (off >= hdr) {
		mutex_lock(&vgpu->lock);
		memcpy(vgpu->edid_blob + off - hdr, buf, len);
		mutex_unlock(&vgpu->lock);
		return 0;
	}
	if (len != 4 || off & 3)
		return -EINVAL;

	val = get_unaligned_le32(buf);
	mutex_lock(&vgpu->lock);
	switch (off) {
	case offsetof(struct vfio_region_gfx_edid, edid_size):
		if (val > GVT_EDID_MAX_SIZE)
			ret = -EINVAL;
		else
			vgpu->edid_regs.edid_size = val;
		break;
	case offsetof(struct vfio_region_gfx_edid, link_state):
		ret = gvt_edid_set_link(vgpu, val);
		hotplug = !ret;
		break;
	default:
		ret = -EPERM;
	}
	if (hotplug)
		gvt_irq_raise(vgpu, GVT_IRQ_HOTPLUG);
	mutex_unlock(&vgpu->lock);
	return ret;
}
