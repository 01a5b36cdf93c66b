// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbochs - a mediated display compatible with QEMU's bochs-display.
 *
 * Each mediated device is a PCI display controller with the IDs, BARs and
 * registers of bochs-display, so the guest's bochs-drm driver runs on it:
 *
 *   BAR0  the video memory, allocated per device from a pool whose size
 *         the "mem" module parameter sets (MiB);
 *   BAR2  4 KiB of MMIO: the EDID blob at 0x000, the VBE "dispi" registers
 *         (16 bits each) at 0x500, QEMU's extended registers at 0x600.
 *
 * Userspace (a VMM's display code) finds the guest's scanout with
 * VFIO_DEVICE_QUERY_GFX_PLANE (dma-buf planes only), derived from the VBE
 * registers, and gets the pixels as a dma-buf with
 * VFIO_DEVICE_GET_GFX_DMABUF.  A dma-buf holds a reference on the video
 * memory, not on the device: it stays valid after the device fd is closed
 * and even after the device is removed, and the memory returns to the pool
 * when the last of them goes.
 *
 * The monitor is described by the EDID region (VFIO_REGION_TYPE_GFX,
 * VFIO_REGION_SUBTYPE_GFX_EDID), which the guest sees at BAR2 offset 0
 * while the link is up.  It starts with an EDID we generate for the type's
 * largest mode.
 */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/vfio.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <linux/mutex.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>
#include <drm/drm_fourcc.h>
#include <compat/kcompat.h>

#define MBOCHS_NAME		"mbochs"

/* PCI identity of QEMU's bochs-display, which bochs-drm binds to. */
#define MBOCHS_PCI_VENDOR_ID	0x1234
#define MBOCHS_PCI_DEVICE_ID	0x1111

/* Region N lives at N << 40 in the device fd, as in vfio-pci. */
#define MBOCHS_OFFSET_SHIFT	40
#define MBOCHS_INDEX_TO_OFFSET(i) ((u64)(i) << MBOCHS_OFFSET_SHIFT)
#define MBOCHS_OFFSET_TO_INDEX(o) ((o) >> MBOCHS_OFFSET_SHIFT)
#define MBOCHS_OFFSET_MASK	(MBOCHS_INDEX_TO_OFFSET(1) - 1)

/* The one device-specific region, after the standard PCI ones. */
#define MBOCHS_EDID_REGION_INDEX	VFIO_PCI_NUM_REGIONS
#define MBOCHS_NUM_REGIONS		(VFIO_PCI_NUM_REGIONS + 1)

/* The EDID region: the header, then room for the blob. */
#define MBOCHS_EDID_OFFSET	0x100
#define MBOCHS_EDID_MAX_SIZE	0x400	/* what fits at BAR2 0x000 */
#define MBOCHS_EDID_REGION_SIZE	(MBOCHS_EDID_OFFSET + MBOCHS_EDID_MAX_SIZE)
#define MBOCHS_EDID_BLOCK	128

/* BAR2 layout, as in bochs-display. */
#define MBOCHS_MMIO_SIZE	0x1000
#define MBOCHS_MMIO_EDID	0x000
#define MBOCHS_MMIO_DISPI	0x500
#define MBOCHS_MMIO_QEXT_SIZE	0x600	/* u32, read-only: size of the qext block */
#define MBOCHS_MMIO_QEXT_ENDIAN	0x604	/* u32: framebuffer byte order */
#define MBOCHS_QEXT_LEN		8
#define MBOCHS_QEXT_LITTLE	0x1e1e1e1e
#define MBOCHS_QEXT_BIG		0xbebebebe

/* VBE dispi register indexes; register i is at MBOCHS_MMIO_DISPI + 2 * i. */
enum mbochs_dispi {
	DISPI_ID,
	DISPI_XRES,
	DISPI_YRES,
	DISPI_BPP,
	DISPI_ENABLE,
	DISPI_BANK,
	DISPI_VIRT_WIDTH,
	DISPI_VIRT_HEIGHT,
	DISPI_X_OFFSET,
	DISPI_Y_OFFSET,
	DISPI_VIDEO_MEMORY_64K,
	DISPI_NR,
};

#define DISPI_ID0		0xb0c0
#define DISPI_ID5		0xb0c5
#define DISPI_ENABLED		0x0001

/* Values of drm_plane_type (enum drm_plane_type, not part of the uAPI). */
#define MBOCHS_PLANE_PRIMARY	1
#define MBOCHS_PLANE_CURSOR	2

/* Distinct planes we remember ids for; the oldest is forgotten first. */
#define MBOCHS_MAX_PLANE_IDS	16

static unsigned int mem = 64;
module_param(mem, uint, 0444);
MODULE_PARM_DESC(mem, "Video memory pool shared by all mbochs devices, in MiB (default 64)");

/* Protects mbochs_pool_used; the pool is mem MiB. */
static DEFINE_MUTEX(mbochs_pool_lock);
static unsigned int mbochs_pool_used;

/**
 * struct mbochs_type - an mbochs mdev type
 * @type: the mdev core's part
 * @mbytes: video memory per device, in MiB (a power of two: it is a BAR)
 * @max_x: width of the largest mode, which the initial EDID prefers
 * @max_y: height of that mode
 */
struct mbochs_type {
	struct mdev_type type;
	unsigned int mbytes;
	u32 max_x;
	u32 max_y;
};

static struct mbochs_type mbochs_types[] = {
	{
		.type.sysfs_name = "small",
		.type.pretty_name = "MBOCHS small (8 MiB, up to 1024x768)",
		.mbytes = 8,
		.max_x = 1024,
		.max_y = 768,
	}, {
		.type.sysfs_name = "medium",
		.type.pretty_name = "MBOCHS medium (16 MiB, up to 1920x1200)",
		.mbytes = 16,
		.max_x = 1920,
		.max_y = 1200,
	}, {
		.type.sysfs_name = "large",
		.type.pretty_name = "MBOCHS large (32 MiB, up to 2560x1600)",
		.mbytes = 32,
		.max_x = 2560,
		.max_y = 1600,
	},
};

static struct mdev_type *mbochs_mdev_types[] = {
	&mbochs_types[0].type,
	&mbochs_types[1].type,
	&mbochs_types[2].type,
};

static inline struct mbochs_type *to_mbochs_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mbochs_type, type);
}

/**
 * struct mbochs_vram - a device's video memory
 * @ref: one reference for the device, one per exported dma-buf
 * @mbytes: size in MiB, given back to the pool when freed
 * @npages: number of pages
 * @pages: the pages, order 0 so they can be inserted into user mappings
 * @vaddr: all of them mapped contiguously, for read() and write()
 *
 * Separate from the device so that dma-bufs can outlive it.  The contents
 * need no lock: the guest writes them through mappings anyway.
 */
struct mbochs_vram {
	struct kref ref;
	unsigned int mbytes;
	unsigned long npages;
	struct page **pages;
	void *vaddr;
};

/**
 * struct mbochs_plane - a scanout configuration
 * @format: DRM fourcc, 0 when the plane is disabled
 * @width: pixels
 * @height: lines
 * @stride: bytes per line
 * @offset: where in the video memory it starts; page aligned
 */
struct mbochs_plane {
	u32 format;
	u32 width;
	u32 height;
	u32 stride;
	u32 offset;
};

/**
 * struct mbochs_plane_id - the dmabuf_id handed out for a plane
 * @plane: the plane
 * @id: its id, never 0
 * @node: in mbochs_state.plane_ids, most recently used first
 */
struct mbochs_plane_id {
	struct mbochs_plane plane;
	u32 id;
	struct list_head node;
};

/**
 * struct mbochs_dmabuf - what an exported dma-buf refers to
 * @vram: the memory, with a reference
 * @plane: the plane it shows
 * @first: index of its first page in @vram
 * @npages: number of pages
 */
struct mbochs_dmabuf {
	struct mbochs_vram *vram;
	struct mbochs_plane plane;
	unsigned long first;
	unsigned long npages;
};

/**
 * struct mbochs_state - one mbochs device
 * @vdev: the VFIO core's part; must come first (vfio_alloc_device())
 * @type: the type it was created from
 * @vram: its video memory (one reference)
 * @lock: protects everything below
 * @vconfig: emulated PCI config space
 * @wmask: for each byte of @vconfig, the bits the user may change
 * @dispi: the VBE registers
 * @qext_endian: the framebuffer byte order register
 * @edid_regs: the header of the EDID region
 * @edid: the EDID blob of the EDID region
 * @plane_ids: struct mbochs_plane_id entries
 * @nr_plane_ids: entries in @plane_ids
 * @next_plane_id: the id the next new plane gets
 */
struct mbochs_state {
	struct vfio_device vdev;
	const struct mbochs_type *type;
	struct mbochs_vram *vram;

	struct mutex lock;
	u8 vconfig[PCI_CFG_SPACE_SIZE];
	u8 wmask[PCI_CFG_SPACE_SIZE];
	u16 dispi[DISPI_NR];
	u32 qext_endian;
	struct vfio_region_gfx_edid edid_regs;
	u8 edid[MBOCHS_EDID_MAX_SIZE];
	struct list_head plane_ids;
	unsigned int nr_plane_ids;
	u32 next_plane_id;
};

static inline struct mbochs_state *to_mbochs(struct vfio_device *vdev)
{
	return container_of(vdev, struct mbochs_state, vdev);
}

static u32 mbochs_vram_size(struct mbochs_state *mbochs)
{
	return mbochs->vram->npages << PAGE_SHIFT;
}

/* ---- the video memory pool -------------------------------------------- */

static int mbochs_pool_reserve(unsigned int mbytes)
{
	int ret = 0;

	mutex_lock(&mbochs_pool_lock);
	if (mbochs_pool_used + mbytes > mem)
		ret = -ENOSPC;
	else
		mbochs_pool_used += mbytes;
	mutex_unlock(&mbochs_pool_lock);
	return ret;
}

static void mbochs_pool_unreserve(unsigned int mbytes)
{
	mutex_lock(&mbochs_pool_lock);
	mbochs_pool_used -= mbytes;
	mutex_unlock(&mbochs_pool_lock);
}

static void mbochs_vram_free_pages(struct mbochs_vram *vram)
{
	unsigned long i;

	for (i = 0; i < vram->npages && vram->pages[i]; i++)
		__free_page(vram->pages[i]);
	kvfree(vram->pages);
}

static struct mbochs_vram *mbochs_vram_alloc(unsigned int mbytes)
{
	struct mbochs_vram *vram;
	unsigned long i;
	int ret;

	ret = mbochs_pool_reserve(mbytes);
	if (ret)
		return ERR_PTR(ret);

	vram = kzalloc(sizeof(*vram), GFP_KERNEL);
	if (!vram) {
		ret = -ENOMEM;
		goto err_unreserve;
	}
	kref_init(&vram->ref);
	vram->mbytes = mbytes;
	vram->npages = (unsigned long)mbytes * SZ_1M >> PAGE_SHIFT;

	vram->pages = kvcalloc(vram->npages, sizeof(*vram->pages), GFP_KERNEL);
	if (!vram->pages) {
		ret = -ENOMEM;
		goto err_free_vram;
	}
	for (i = 0; i < vram->npages; i++) {
		vram->pages[i] = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
		if (!vram->pages[i]) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
	}

	vram->vaddr = vmap(vram->pages, vram->npages, VM_MAP, PAGE_KERNEL);
	if (!vram->vaddr) {
		ret = -ENOMEM;
		goto err_free_pages;
	}
	return vram;

err_free_pages:
	mbochs_vram_free_pages(vram);
err_free_vram:
	kfree(vram);
err_unreserve:
	mbochs_pool_unreserve(mbytes);
	return ERR_PTR(ret);
}

static void mbochs_vram_release(struct kref *ref)
{
	struct mbochs_vram *vram = container_of(ref, struct mbochs_vram, ref);

	vunmap(vram->vaddr);
	mbochs_vram_free_pages(vram);
	mbochs_pool_unreserve(vram->mbytes);
	kfree(vram);
}

static void mbochs_vram_put(struct mbochs_vram *vram)
{
	kref_put(&vram->ref, mbochs_vram_release);
}

/* ---- EDID ------------------------------------------------------------- */

/* Chromaticity of sRGB in the EDID's 10-bit fixed point (value * 1024). */
static const u16 mbochs_srgb_chroma[8] = {
	655, 338,	/* red x, y */
	307, 614,	/* green x, y */
	154, 61,	/* blue x, y */
	320, 337,	/* white x, y */
};

/* Our synthetic timing around a mode; what matters is that it is valid. */
#define MBOCHS_H_FRONT		48
#define MBOCHS_H_SYNC		32
#define MBOCHS_H_BLANK		160
#define MBOCHS_V_FRONT		3
#define MBOCHS_V_SYNC		6
#define MBOCHS_V_BLANK		46
#define MBOCHS_REFRESH		60
#define MBOCHS_MAX_REFRESH	75

static void mbochs_edid_text(u8 *desc, u8 tag, const char *text)
{
	size_t len = strlen(text);

	desc[3] = tag;
	memset(desc + 5, ' ', 13);
	memcpy(desc + 5, text, len);
	if (len < 13)
		desc[5 + len] = '\n';
}

/**
 * mbochs_edid_generate - a 128-byte EDID 1.4 for a monitor of one mode
 * @edid: MBOCHS_EDID_BLOCK bytes to fill
 * @xres: width of the preferred (and largest) mode
 * @yres: height of that mode
 *
 * A digital 8-bit RGB monitor of about 96 dpi named "MBOCHS" whose
 * preferred detailed timing is @xres x @yres at 60 Hz, with the
 * established VESA modes that fit and a range limits descriptor.
 */
static void mbochs_edid_generate(u8 *edid, u32 xres, u32 yres)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	u32 htotal = xres + MBOCHS_H_BLANK, vtotal = yres + MBOCHS_V_BLANK;
	u32 clock = DIV_ROUND_UP(htotal * vtotal * MBOCHS_REFRESH, 10000);
	u32 width_mm = xres * 254 / 960, height_mm = yres * 254 / 960;
	const u16 *c = mbochs_srgb_chroma;
	u8 *dtd, sum = 0;
	int i;

	memset(edid, 0, MBOCHS_EDID_BLOCK);
	memcpy(edid, header, sizeof(header));
	/* Manufacturer "LNX": three 5-bit letters, big-endian. */
	put_unaligned_be16(('L' - '@') << 10 | ('N' - '@') << 5 | ('X' - '@'),
			   edid + 8);
	put_unaligned_le16(0x4d42, edid + 10);	/* product code "MB" */
	edid[17] = 2024 - 1990;			/* year of manufacture */
	edid[18] = 1;				/* EDID 1.4 */
	edid[19] = 4;
	edid[20] = 0x80 | 0x20;			/* digital, 8 bits per colour */
	edid[21] = DIV_ROUND_CLOSEST(width_mm, 10);	/* cm */
	edid[22] = DIV_ROUND_CLOSEST(height_mm, 10);
	edid[23] = 220 - 100;			/* gamma 2.2 */
	edid[24] = 0x06;			/* sRGB, preferred mode is native */

	edid[25] = (c[0] & 3) << 6 | (c[1] & 3) << 4 | (c[2] & 3) << 2 | (c[3] & 3);
	edid[26] = (c[4] & 3) << 6 | (c[5] & 3) << 4 | (c[6] & 3) << 2 | (c[7] & 3);
	for (i = 0; i < 8; i++)
		edid[27 + i] = c[i] >> 2;

	/* Established timings, all at 60 Hz. */
	if (xres >= 640 && yres >= 480)
		edid[35] |= 0x20;
	if (xres >= 800 && yres >= 600)
		edid[35] |= 0x01;
	if (xres >= 1024 && yres >= 768)
		edid[36] |= 0x08;
	memset(edid + 38, 0x01, 16);		/* no standard timings */

	/* Descriptor 1: the preferred detailed timing. */
	dtd = edid + 54;
	put_unaligned_le16(clock, dtd);
	dtd[2] = xres & 0xff;
	dtd[3] = MBOCHS_H_BLANK & 0xff;
	dtd[4] = (xres >> 8) << 4 | MBOCHS_H_BLANK >> 8;
	dtd[5] = yres & 0xff;
	dtd[6] = MBOCHS_V_BLANK & 0xff;
	dtd[7] = (yres >> 8) << 4 | MBOCHS_V_BLANK >> 8;
	dtd[8] = MBOCHS_H_FRONT;
	dtd[9] = MBOCHS_H_SYNC;
	dtd[10] = MBOCHS_V_FRONT << 4 | MBOCHS_V_SYNC;
	dtd[11] = 0;				/* no high bits needed */
	dtd[12] = width_mm & 0xff;
	dtd[13] = height_mm & 0xff;
	dtd[14] = (width_mm >> 8) << 4 | height_mm >> 8;
	dtd[17] = 0x1e;				/* digital separate sync, +h +v */

	/* Descriptor 2: range limits, generous around our timing. */
	dtd = edid + 72;
	dtd[3] = 0xfd;
	dtd[5] = 50;				/* min vertical Hz */
	dtd[6] = MBOCHS_MAX_REFRESH;		/* max vertical Hz */
	dtd[7] = 30;				/* min horizontal kHz */
	dtd[8] = DIV_ROUND_UP(vtotal * MBOCHS_MAX_REFRESH, 1000);
	dtd[9] = DIV_ROUND_UP(htotal * vtotal * MBOCHS_MAX_REFRESH, 10000000);
	dtd[10] = 0x01;				/* range limits only */
	dtd[11] = '\n';
	memset(dtd + 12, ' ', 6);

	/* Descriptor 3: the name; descriptor 4: a dummy. */
	mbochs_edid_text(edid + 90, 0xfc, "MBOCHS");
	edid[108 + 3] = 0x10;

	for (i = 0; i < MBOCHS_EDID_BLOCK - 1; i++)
		sum += edid[i];
	edid[MBOCHS_EDID_BLOCK - 1] = -sum;
}

static void mbochs_edid_init(struct mbochs_state *mbochs)
{
	struct vfio_region_gfx_edid *regs = &mbochs->edid_regs;

	regs->edid_offset = MBOCHS_EDID_OFFSET;
	regs->edid_max_size = MBOCHS_EDID_MAX_SIZE;
	regs->edid_size = MBOCHS_EDID_BLOCK;
	regs->max_xres = mbochs->type->max_x;
	regs->max_yres = mbochs->type->max_y;
	regs->link_state = VFIO_DEVICE_GFX_LINK_STATE_UP;
	mbochs_edid_generate(mbochs->edid, mbochs->type->max_x,
			     mbochs->type->max_y);
}

/* The header takes aligned 32-bit accesses only; the blob takes any. */
static ssize_t mbochs_edid_rw(struct mbochs_state *mbochs, char __user *ubuf,
			      size_t count, u64 pos, bool write)
{
	struct vfio_region_gfx_edid *regs = &mbochs->edid_regs;
	unsigned long left;
	ssize_t ret = count;
	u32 val;

	if (pos < sizeof(*regs)) {
		if (count != sizeof(u32) || !IS_ALIGNED(pos, sizeof(u32)))
			return -EINVAL;
		if (write && get_user(val, (u32 __user *)ubuf))
			return -EFAULT;

		mutex_lock(&mbochs->lock);
		if (!write) {
			val = ((u32 *)regs)[pos / sizeof(u32)];
		} else if (pos == offsetof(struct vfio_region_gfx_edid, link_state)) {
			if (val == VFIO_DEVICE_GFX_LINK_STATE_UP ||
			    val == VFIO_DEVICE_GFX_LINK_STATE_DOWN)
				regs->link_state = val;
			else
				ret = -EINVAL;
		} else if (pos == offsetof(struct vfio_region_gfx_edid, edid_size)) {
			if (val <= regs->edid_max_size)
				regs->edid_size = val;
			else
				ret = -EINVAL;
		} else {
			ret = -EINVAL;	/* read-only */
		}
		mutex_unlock(&mbochs->lock);

		if (!write && put_user(val, (u32 __user *)ubuf))
			return -EFAULT;
		return ret;
	}

	if (pos < MBOCHS_EDID_OFFSET || pos >= MBOCHS_EDID_REGION_SIZE)
		return -EINVAL;
	pos -= MBOCHS_EDID_OFFSET;
	count = min_t(size_t, count, MBOCHS_EDID_MAX_SIZE - pos);

	/* Copying under the lock is fine: no fault path of ours takes it. */
	mutex_lock(&mbochs->lock);
	if (write)
		left = copy_from_user(mbochs->edid + pos, ubuf, count);
	else
		left = copy_to_user(ubuf, mbochs->edid + pos, count);
	mutex_unlock(&mbochs->lock);
	return left ? -EFAULT : count;
}

/* ---- emulated hardware ------------------------------------------------ */

static void mbochs_init_config(struct mbochs_state *mbochs)
{
	u8 *cfg = mbochs->vconfig;
	u8 *wmask = mbochs->wmask;

	memset(cfg, 0, sizeof(mbochs->vconfig));
	memset(wmask, 0, sizeof(mbochs->wmask));

	put_unaligned_le16(MBOCHS_PCI_VENDOR_ID, cfg + PCI_VENDOR_ID);
	put_unaligned_le16(MBOCHS_PCI_DEVICE_ID, cfg + PCI_DEVICE_ID);
	put_unaligned_le16(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
			   wmask + PCI_COMMAND);
	put_unaligned_le16(PCI_CLASS_DISPLAY_OTHER, cfg + PCI_CLASS_DEVICE);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;

	/* Writable address bits above each BAR's size make sizing work. */
	put_unaligned_le32(PCI_BASE_ADDRESS_SPACE_MEMORY |
			   PCI_BASE_ADDRESS_MEM_TYPE_32 |
			   PCI_BASE_ADDRESS_MEM_PREFETCH,
			   cfg + PCI_BASE_ADDRESS_0);
	put_unaligned_le32(~(mbochs_vram_size(mbochs) - 1),
			   wmask + PCI_BASE_ADDRESS_0);
	put_unaligned_le32(PCI_BASE_ADDRESS_SPACE_MEMORY |
			   PCI_BASE_ADDRESS_MEM_TYPE_32,
			   cfg + PCI_BASE_ADDRESS_2);
	put_unaligned_le32(~(MBOCHS_MMIO_SIZE - 1), wmask + PCI_BASE_ADDRESS_2);

	put_unaligned_le16(MBOCHS_PCI_VENDOR_ID, cfg + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(MBOCHS_PCI_DEVICE_ID, cfg + PCI_SUBSYSTEM_ID);
	wmask[PCI_INTERRUPT_LINE] = 0xff;	/* scratch for the OS */
}

static void mbochs_reset_locked(struct mbochs_state *mbochs)
{
	lockdep_assert_held(&mbochs->lock);

	mbochs_init_config(mbochs);
	memset(mbochs->dispi, 0, sizeof(mbochs->dispi));
	mbochs->dispi[DISPI_ID] = DISPI_ID5;
	mbochs->qext_endian = MBOCHS_QEXT_LITTLE;
}

static int mbochs_reset(struct mbochs_state *mbochs)
{
	mutex_lock(&mbochs->lock);
	mbochs_reset_locked(mbochs);
	mutex_unlock(&mbochs->lock);
	return 0;
}

static ssize_t mbochs_config_rw(struct mbochs_state *mbochs, char __user *ubuf,
				size_t count, u64 pos, bool write)
{
	u8 buf[PCI_CFG_SPACE_SIZE];
	size_t i;

	if (pos >= PCI_CFG_SPACE_SIZE)
		return -EINVAL;
	count = min_t(size_t, count, PCI_CFG_SPACE_SIZE - pos);

	if (write && copy_from_user(buf, ubuf, count))
		return -EFAULT;

	mutex_lock(&mbochs->lock);
	if (write) {
		for (i = 0; i < count; i++) {
			u8 mask = mbochs->wmask[pos + i];
			u8 *reg = &mbochs->vconfig[pos + i];

			*reg = (*reg & ~mask) | (buf[i] & mask);
		}
	} else {
		memcpy(buf, mbochs->vconfig + pos, count);
	}
	mutex_unlock(&mbochs->lock);

	if (!write && copy_to_user(ubuf, buf, count))
		return -EFAULT;
	return count;
}

static ssize_t mbochs_vram_rw(struct mbochs_state *mbochs, char __user *ubuf,
			      size_t count, u64 pos, bool write)
{
	void *vaddr = mbochs->vram->vaddr;
	unsigned long left;

	if (pos >= mbochs_vram_size(mbochs))
		return -EINVAL;
	count = min_t(size_t, count, mbochs_vram_size(mbochs) - pos);

	if (write)
		left = copy_from_user(vaddr + pos, ubuf, count);
	else
		left = copy_to_user(ubuf, vaddr + pos, count);
	return left ? -EFAULT : count;
}

static u16 mbochs_dispi_read(struct mbochs_state *mbochs, unsigned int index)
{
	lockdep_assert_held(&mbochs->lock);

	if (index == DISPI_VIDEO_MEMORY_64K)
		return mbochs_vram_size(mbochs) / SZ_64K;
	return mbochs->dispi[index];
}

static void mbochs_dispi_write(struct mbochs_state *mbochs, unsigned int index,
			       u16 val)
{
	u16 *dispi = mbochs->dispi;

	lockdep_assert_held(&mbochs->lock);

	switch (index) {
	case DISPI_ID:
		if (val >= DISPI_ID0 && val <= DISPI_ID5)
			dispi[index] = val;
		break;
	case DISPI_ENABLE:
		dispi[index] = val;
		/* A virtual size smaller than the mode makes no sense. */
		if (val & DISPI_ENABLED) {
			dispi[DISPI_VIRT_WIDTH] = max(dispi[DISPI_VIRT_WIDTH],
						      dispi[DISPI_XRES]);
			dispi[DISPI_VIRT_HEIGHT] = max(dispi[DISPI_VIRT_HEIGHT],
						       dispi[DISPI_YRES]);
		}
		break;
	case DISPI_VIDEO_MEMORY_64K:
		break;		/* read-only */
	default:
		dispi[index] = val;
		break;
	}
}

/*
 * One register access in BAR2: 1, 2 or 4 bytes, naturally aligned; the
 * dispi registers take 16-bit and the qext registers 32-bit accesses only.
 * Unclaimed offsets read as zero and ignore writes, as on real hardware.
 */
static int mbochs_mmio_access(struct mbochs_state *mbochs, u32 off,
			      u32 size, u32 *val, bool write)
{
	const struct vfio_region_gfx_edid *regs = &mbochs->edid_regs;
	u32 i;

	lockdep_assert_held(&mbochs->lock);

	if (off < MBOCHS_MMIO_EDID + MBOCHS_EDID_MAX_SIZE) {
		if (write)
			return 0;
		/* No monitor while the link is down. */
		*val = 0;
		for (i = 0; i < size; i++)
			if (regs->link_state == VFIO_DEVICE_GFX_LINK_STATE_UP &&
			    off + i < regs->edid_size)
				*val |= mbochs->edid[off + i] << (8 * i);
		return 0;
	}

	if (off >= MBOCHS_MMIO_DISPI && off < MBOCHS_MMIO_DISPI + 2 * DISPI_NR) {
		unsigned int index = (off - MBOCHS_MMIO_DISPI) / 2;

		if (size != 2)
			return -EINVAL;
		if (write)
			mbochs_dispi_write(mbochs, index, *val);
		else
			*val = mbochs_dispi_read(mbochs, index);
		return 0;
	}

	if (off >= MBOCHS_MMIO_QEXT_SIZE &&
	    off < MBOCHS_MMIO_QEXT_SIZE + MBOCHS_QEXT_LEN) {
		if (size != 4)
			return -EINVAL;
		if (off == MBOCHS_MMIO_QEXT_SIZE) {
			if (!write)
				*val = MBOCHS_QEXT_LEN;
		} else if (!write) {
			*val = mbochs->qext_endian;
		} else if (*val == MBOCHS_QEXT_LITTLE || *val == MBOCHS_QEXT_BIG) {
			mbochs->qext_endian = *val;
		}
		return 0;
	}

	if (!write)
		*val = 0;
	return 0;
}

static ssize_t mbochs_mmio_rw(struct mbochs_state *mbochs, char __user *ubuf,
			      size_t count, u64 pos, bool write)
{
	u8 buf[4];
	u32 val = 0;
	int ret;

	if (pos >= MBOCHS_MMIO_SIZE)
		return -EINVAL;
	if ((count != 1 && count != 2 && count != 4) || !IS_ALIGNED(pos, count))
		return -EINVAL;

	if (write) {
		if (copy_from_user(buf, ubuf, count))
			return -EFAULT;
		val = count == 4 ? get_unaligned_le32(buf) :
		      count == 2 ? get_unaligned_le16(buf) : buf[0];
	}

	mutex_lock(&mbochs->lock);
	ret = mbochs_mmio_access(mbochs, pos, count, &val, write);
	mutex_unlock(&mbochs->lock);
	if (ret)
		return ret;

	if (!write) {
		put_unaligned_le32(val, buf);
		if (copy_to_user(ubuf, buf, count))
			return -EFAULT;
	}
	return count;
}

static ssize_t mbochs_rw(struct mbochs_state *mbochs, char __user *ubuf,
			 size_t count, loff_t *ppos, bool write)
{
	u64 index = MBOCHS_OFFSET_TO_INDEX((u64)*ppos);
	u64 pos = *ppos & MBOCHS_OFFSET_MASK;
	ssize_t ret;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = mbochs_config_rw(mbochs, ubuf, count, pos, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = mbochs_vram_rw(mbochs, ubuf, count, pos, write);
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		ret = mbochs_mmio_rw(mbochs, ubuf, count, pos, write);
		break;
	case MBOCHS_EDID_REGION_INDEX:
		ret = mbochs_edid_rw(mbochs, ubuf, count, pos, write);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t mbochs_read(struct vfio_device *vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	return mbochs_rw(to_mbochs(vdev), buf, count, ppos, false);
}

static ssize_t mbochs_write(struct vfio_device *vdev, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	/* The cast only shares one path; mbochs_rw() never writes to @buf. */
	return mbochs_rw(to_mbochs(vdev), (char __user *)buf, count, ppos, true);
}

static int mbochs_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct mbochs_state *mbochs = to_mbochs(vdev);
	struct mbochs_vram *vram = mbochs->vram;
	unsigned long index = vma->vm_pgoff >> (MBOCHS_OFFSET_SHIFT - PAGE_SHIFT);
	unsigned long pgoff = vma->vm_pgoff &
			      (MBOCHS_OFFSET_MASK >> PAGE_SHIFT);

	if (index != VFIO_PCI_BAR0_REGION_INDEX)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (pgoff >= vram->npages || vma_pages(vma) > vram->npages - pgoff)
		return -EINVAL;

	return vm_map_pages_zero(vma, vram->pages + pgoff, vram->npages - pgoff);
}

/* ---- planes and dma-bufs ---------------------------------------------- */

/* The plane the guest programmed, or a disabled (all zero) one. */
static void mbochs_current_plane(struct mbochs_state *mbochs,
				 struct mbochs_plane *plane)
{
	const u16 *dispi = mbochs->dispi;
	u32 stride, offset;

	lockdep_assert_held(&mbochs->lock);
	memset(plane, 0, sizeof(*plane));

	/* Only 32 bpp (XRGB8888) in little-endian byte order is offered. */
	if (!(dispi[DISPI_ENABLE] & DISPI_ENABLED) || dispi[DISPI_BPP] != 32 ||
	    mbochs->qext_endian != MBOCHS_QEXT_LITTLE)
		return;
	if (!dispi[DISPI_XRES] || !dispi[DISPI_YRES] ||
	    dispi[DISPI_VIRT_WIDTH] < dispi[DISPI_XRES])
		return;

	stride = dispi[DISPI_VIRT_WIDTH] * 4;
	offset = dispi[DISPI_Y_OFFSET] * stride + dispi[DISPI_X_OFFSET] * 4;
	/* A dma-buf starts on a page: a panned, unaligned start is not shown. */
	if (!PAGE_ALIGNED(offset) ||
	    (u64)offset + (u64)stride * dispi[DISPI_YRES] > mbochs_vram_size(mbochs))
		return;

	plane->format = DRM_FORMAT_XRGB8888;
	plane->width = dispi[DISPI_XRES];
	plane->height = dispi[DISPI_YRES];
	plane->stride = stride;
	plane->offset = offset;
}

/* The id of @plane, the same as last time if it was seen before. */
static u32 mbochs_plane_id(struct mbochs_state *mbochs,
			   const struct mbochs_plane *plane)
{
	struct mbochs_plane_id *entry;

	lockdep_assert_held(&mbochs->lock);

	list_for_each_entry(entry, &mbochs->plane_ids, node) {
		if (!memcmp(&entry->plane, plane, sizeof(*plane))) {
			list_move(&entry->node, &mbochs->plane_ids);
			return entry->id;
		}
	}

	if (mbochs->nr_plane_ids < MBOCHS_MAX_PLANE_IDS) {
		entry = kzalloc(sizeof(*entry), GFP_KERNEL);
		if (!entry)
			return 0;
		mbochs->nr_plane_ids++;
	} else {
		/* Reuse the least recently used entry. */
		entry = list_last_entry(&mbochs->plane_ids,
					struct mbochs_plane_id, node);
		list_del(&entry->node);
	}
	entry->plane = *plane;
	entry->id = mbochs->next_plane_id++;
	if (!mbochs->next_plane_id)	/* 0 means "none" */
		mbochs->next_plane_id = 1;
	list_add(&entry->node, &mbochs->plane_ids);
	return entry->id;
}

static bool mbochs_plane_by_id(struct mbochs_state *mbochs, u32 id,
			       struct mbochs_plane *plane)
{
	struct mbochs_plane_id *entry;

	lockdep_assert_held(&mbochs->lock);

	list_for_each_entry(entry, &mbochs->plane_ids, node) {
		if (entry->id == id) {
			*plane = entry->plane;
			return true;
		}
	}
	return false;
}

static void mbochs_free_plane_ids(struct mbochs_state *mbochs)
{
	struct mbochs_plane_id *entry, *tmp;

	list_for_each_entry_safe(entry, tmp, &mbochs->plane_ids, node) {
		list_del(&entry->node);
		kfree(entry);
	}
	mbochs->nr_plane_ids = 0;
}

static const struct dma_buf_ops mbochs_dmabuf_ops;

static struct dma_buf *mbochs_dmabuf_export(struct mbochs_state *mbochs,
					    const struct mbochs_plane *plane)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct mbochs_dmabuf *mdb;
	struct dma_buf *buf;

	mdb = kzalloc(sizeof(*mdb), GFP_KERNEL);
	if (!mdb)
		return ERR_PTR(-ENOMEM);
	mdb->plane = *plane;
	mdb->first = plane->offset >> PAGE_SHIFT;
	mdb->npages = PAGE_ALIGN(plane->stride * plane->height) >> PAGE_SHIFT;
	mdb->vram = mbochs->vram;
	kref_get(&mdb->vram->ref);

	exp_info.ops = &mbochs_dmabuf_ops;
	exp_info.size = mdb->npages << PAGE_SHIFT;
	exp_info.flags = O_RDWR;
	exp_info.priv = mdb;
	buf = dma_buf_export(&exp_info);
	if (IS_ERR(buf)) {
		mbochs_vram_put(mdb->vram);
		kfree(mdb);
	}
	return buf;
}

static int mbochs_dmabuf_attach(struct dma_buf *buf,
				struct dma_buf_attachment *attach)
{
	struct mbochs_dmabuf *mdb = buf->priv;

	/* Plain system memory: any importer can map it, nothing to check. */
	dev_dbg(attach->dev, "importing a %ux%u mbochs plane\n",
		mdb->plane.width, mdb->plane.height);
	return 0;
}

static struct sg_table *mbochs_dmabuf_map(struct dma_buf_attachment *attach,
					  enum dma_data_direction dir)
{
	struct mbochs_dmabuf *mdb = attach->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);

	ret = sg_alloc_table_from_pages(sgt, mdb->vram->pages + mdb->first,
					mdb->npages, 0,
					mdb->npages << PAGE_SHIFT, GFP_KERNEL);
	if (ret)
		goto err_free_sgt;

	ret = dma_map_sgtable(attach->dev, sgt, dir, 0);
	if (ret)
		goto err_free_table;

	return sgt;

err_free_table:
	sg_free_table(sgt);
err_free_sgt:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void mbochs_dmabuf_unmap(struct dma_buf_attachment *attach,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	dma_unmap_sgtable(attach->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

static int mbochs_dmabuf_mmap(struct dma_buf *buf, struct vm_area_struct *vma)
{
	struct mbochs_dmabuf *mdb = buf->priv;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* The dma-buf core has checked vm_pgoff and the size against ours. */
	return vm_map_pages(vma, mdb->vram->pages + mdb->first, mdb->npages);
}

static void mbochs_dmabuf_release(struct dma_buf *buf)
{
	struct mbochs_dmabuf *mdb = buf->priv;

	mbochs_vram_put(mdb->vram);
	kfree(mdb);
}

/* ---- ioctls ----------------------------------------------------------- */

static int mbochs_ioctl_get_info(struct mbochs_state *mbochs,
				 struct vfio_device_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = MBOCHS_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mbochs_edid_region_caps(struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type *cap_type;
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, sizeof(*cap_type),
				   VFIO_REGION_INFO_CAP_TYPE, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);

	cap_type = container_of(header, struct vfio_region_info_cap_type, header);
	cap_type->type = VFIO_REGION_TYPE_GFX;
	cap_type->subtype = VFIO_REGION_SUBTYPE_GFX_EDID;
	return 0;
}

static int mbochs_ioctl_get_region_info(struct mbochs_state *mbochs,
					struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = PCI_CFG_SPACE_SIZE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info.size = mbochs_vram_size(mbochs);
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info.size = MBOCHS_MMIO_SIZE;
		break;
	case MBOCHS_EDID_REGION_INDEX:
		info.size = MBOCHS_EDID_REGION_SIZE;
		ret = mbochs_edid_region_caps(&caps);
		if (ret)
			return ret;
		break;
	default:
		if (info.index >= MBOCHS_NUM_REGIONS)
			return -EINVAL;
		/* BAR1, BAR3-5, the ROM and VGA are not implemented. */
		info.size = 0;
		info.flags = 0;
		break;
	}
	info.offset = MBOCHS_INDEX_TO_OFFSET(info.index);
	info.cap_offset = 0;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* Too small: say how much is needed. */
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size))
				ret = -EFAULT;
			info.cap_offset = sizeof(info);
		}
		kfree(caps.buf);
	}

	if (!ret && copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
	return ret;
}

/* mbochs raises no interrupts: every index exists and has no vectors. */
static int mbochs_ioctl_get_irq_info(struct mbochs_state *mbochs,
				     struct vfio_irq_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.flags = 0;
	info.count = 0;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mbochs_ioctl_set_irqs(struct mbochs_state *mbochs,
				 struct vfio_irq_set __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;

	/* With no vectors anywhere, this rejects every request. */
	return vfio_set_irqs_validate_and_prepare(&hdr, 0, VFIO_PCI_NUM_IRQS,
						  &data_size);
}

static int mbochs_ioctl_query_gfx_plane(struct mbochs_state *mbochs,
					struct vfio_device_gfx_plane_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_gfx_plane_info,
					  dmabuf_id);
	struct vfio_device_gfx_plane_info info;
	struct mbochs_plane plane;
	u32 id;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	switch (info.flags) {
	case VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF:
		return 0;
	case VFIO_GFX_PLANE_TYPE_DMABUF:
		break;
	default:
		return -EINVAL;	/* no region planes here */
	}

	/* Start from a disabled plane: everything zero but the request. */
	info = (struct vfio_device_gfx_plane_info) {
		.argsz = info.argsz,
		.flags = info.flags,
		.drm_plane_type = info.drm_plane_type,
		.x_hot = U32_MAX,	/* no hotspot */
		.y_hot = U32_MAX,
	};

	switch (info.drm_plane_type) {
	case MBOCHS_PLANE_PRIMARY:
		mutex_lock(&mbochs->lock);
		mbochs_current_plane(mbochs, &plane);
		id = plane.format ? mbochs_plane_id(mbochs, &plane) : 0;
		mutex_unlock(&mbochs->lock);
		if (plane.format && !id)
			return -ENOMEM;
		if (plane.format) {
			info.drm_format = plane.format;
			info.width = plane.width;
			info.height = plane.height;
			info.stride = plane.stride;
			info.size = PAGE_ALIGN(plane.stride * plane.height);
			info.dmabuf_id = id;
		}
		break;
	case MBOCHS_PLANE_CURSOR:
		break;		/* no cursor: a disabled plane, all zero */
	default:
		return -EINVAL;
	}

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mbochs_ioctl_get_gfx_dmabuf(struct mbochs_state *mbochs,
				       u32 __user *arg)
{
	struct mbochs_plane plane;
	struct dma_buf *buf;
	bool found;
	u32 id;
	int fd;

	if (get_user(id, arg))
		return -EFAULT;

	mutex_lock(&mbochs->lock);
	found = mbochs_plane_by_id(mbochs, id, &plane);
	mutex_unlock(&mbochs->lock);
	if (!found)
		return -ENOENT;

	/* A new dma-buf each time; userspace caches them by id if it likes. */
	buf = mbochs_dmabuf_export(mbochs, &plane);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	fd = dma_buf_fd(buf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(buf);
	return fd;
}

static long mbochs_ioctl(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct mbochs_state *mbochs = to_mbochs(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mbochs_ioctl_get_info(mbochs, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mbochs_ioctl_get_region_info(mbochs, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mbochs_ioctl_get_irq_info(mbochs, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return mbochs_ioctl_set_irqs(mbochs, uarg);
	case VFIO_DEVICE_RESET:
		return mbochs_reset(mbochs);
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return mbochs_ioctl_query_gfx_plane(mbochs, uarg);
	case VFIO_DEVICE_GET_GFX_DMABUF:
		return mbochs_ioctl_get_gfx_dmabuf(mbochs, uarg);
	}
	return -ENOTTY;
}

/* ---- device lifetime -------------------------------------------------- */

static int mbochs_init_dev(struct vfio_device *vdev)
{
	struct mbochs_state *mbochs = to_mbochs(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);

	mbochs->type = to_mbochs_type(mdev->type);
	mbochs->vram = mbochs_vram_alloc(mbochs->type->mbytes);
	if (IS_ERR(mbochs->vram))
		return PTR_ERR(mbochs->vram);

	mutex_init(&mbochs->lock);
	INIT_LIST_HEAD(&mbochs->plane_ids);
	mbochs->next_plane_id = 1;
	mbochs_edid_init(mbochs);
	return mbochs_reset(mbochs);
}

static void mbochs_release_dev(struct vfio_device *vdev)
{
	struct mbochs_state *mbochs = to_mbochs(vdev);

	mbochs_free_plane_ids(mbochs);
	mutex_destroy(&mbochs->lock);
	/* Exported dma-bufs may keep the memory a while longer. */
	mbochs_vram_put(mbochs->vram);
}

static const struct vfio_device_ops mbochs_dev_ops;

static int mbochs_probe(struct mdev_device *mdev)
{
	struct mbochs_state *mbochs;
	int ret;

	mbochs = vfio_alloc_device(mbochs_state, vdev, &mdev->dev,
				   &mbochs_dev_ops);
	if (IS_ERR(mbochs))
		return PTR_ERR(mbochs);

	dev_set_drvdata(&mdev->dev, mbochs);
	ret = vfio_register_emulated_iommu_dev(&mbochs->vdev);
	if (ret)
		goto err_put_device;

	dev_dbg(&mdev->dev, "%u MiB of video memory\n", mbochs->type->mbytes);
	return 0;

err_put_device:
	vfio_put_device(&mbochs->vdev);
	return ret;
}

static void mbochs_remove(struct mdev_device *mdev)
{
	struct mbochs_state *mbochs = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&mbochs->vdev);
	vfio_put_device(&mbochs->vdev);
}

static unsigned int mbochs_get_available(struct mdev_type *mtype)
{
	struct mbochs_type *type = to_mbochs_type(mtype);
	unsigned int avail;

	mutex_lock(&mbochs_pool_lock);
	avail = (mem - mbochs_pool_used) / type->mbytes;
	mutex_unlock(&mbochs_pool_lock);
	return avail;
}

static ssize_t mbochs_show_description(struct mdev_type *mtype, char *buf)
{
	struct mbochs_type *type = to_mbochs_type(mtype);

	return sprintf(buf, "virtual display, %u MiB video memory, up to %ux%u\n",
		       type->mbytes, type->max_x, type->max_y);
}

static struct class *mbochs_class;
static struct device *mbochs_parent_dev;
static struct mdev_parent mbochs_parent;

static const struct dma_buf_ops mbochs_dmabuf_ops = {
	.attach		= mbochs_dmabuf_attach,
	.map_dma_buf	= mbochs_dmabuf_map,
	.unmap_dma_buf	= mbochs_dmabuf_unmap,
	.mmap		= mbochs_dmabuf_mmap,
	.release	= mbochs_dmabuf_release,
};

static const struct vfio_device_ops mbochs_dev_ops = {
	.read		= mbochs_read,
	.write		= mbochs_write,
	.mmap		= mbochs_mmap,
	.ioctl		= mbochs_ioctl,
	.init		= mbochs_init_dev,
	.release	= mbochs_release_dev,
	.name		= "vfio-mbochs",
};

static struct mdev_driver mbochs_driver = {
	.probe		= mbochs_probe,
	.remove		= mbochs_remove,
	.get_available	= mbochs_get_available,
	.show_description = mbochs_show_description,
	.device_api	= VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name	= MBOCHS_NAME,
		.owner	= THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
};

static int __init mbochs_init(void)
{
	int ret;

	ret = mdev_register_driver(&mbochs_driver);
	if (ret)
		return ret;

	mbochs_class = kc_class_create(MBOCHS_NAME);
	if (IS_ERR(mbochs_class)) {
		ret = PTR_ERR(mbochs_class);
		goto err_unregister_driver;
	}

	mbochs_parent_dev = device_create(mbochs_class, NULL, MKDEV(0, 0), NULL,
					  MBOCHS_NAME);
	if (IS_ERR(mbochs_parent_dev)) {
		ret = PTR_ERR(mbochs_parent_dev);
		goto err_destroy_class;
	}

	ret = mdev_register_parent(&mbochs_parent, mbochs_parent_dev,
				   &mbochs_driver, mbochs_mdev_types,
				   ARRAY_SIZE(mbochs_mdev_types));
	if (ret)
		goto err_unregister_parent_dev;

	return 0;

err_unregister_parent_dev:
	device_unregister(mbochs_parent_dev);
err_destroy_class:
	class_destroy(mbochs_class);
err_unregister_driver:
	mdev_unregister_driver(&mbochs_driver);
	return ret;
}

static void __exit mbochs_exit(void)
{
	mdev_unregister_parent(&mbochs_parent);
	device_unregister(mbochs_parent_dev);
	class_destroy(mbochs_class);
	mdev_unregister_driver(&mbochs_driver);
}

module_init(mbochs_init);
module_exit(mbochs_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mdev project");
MODULE_DESCRIPTION("Mediated display compatible with QEMU's bochs-display");
MODULE_IMPORT_NS(DMA_BUF);
