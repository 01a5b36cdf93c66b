/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to gvt_stub.ko: the virtual parent GPU, its types and the vGPUs.
 *
 * Lock order (outermost first):
 *	gvt_sched.lock -> vgpu->lock -> vgpu->dma_lock
 *	vgpu->lock -> vgpu->irq_lock
 *	gvt_pool.lock stands alone.
 */
#ifndef _GVT_H
#define _GVT_H

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

#include "gvt_regs.h"

#define GVT_NAME		"gvt_stub"
#define GVT_TYPE_PREFIX		"V5"

/* Device-fd offsets: region index in bits 40 and up, as vfio-pci does. */
#define GVT_OFFSET_SHIFT	40
#define GVT_OFFSET_TO_INDEX(off)	((off) >> GVT_OFFSET_SHIFT)
#define GVT_INDEX_TO_OFFSET(idx)	((u64)(idx) << GVT_OFFSET_SHIFT)
#define GVT_OFFSET_MASK		((1ULL << GVT_OFFSET_SHIFT) - 1)

/* Device-specific regions after the standard PCI ones. */
#define GVT_OPREGION_INDEX	VFIO_PCI_NUM_REGIONS
#define GVT_EDID_INDEX		(VFIO_PCI_NUM_REGIONS + 1)
#define GVT_NUM_REGIONS		(VFIO_PCI_NUM_REGIONS + 2)

#define GVT_CFG_SIZE		256
#define GVT_EDID_REGION_SIZE	(sizeof(struct vfio_region_gfx_edid) + GVT_EDID_MAX_SIZE)
#define GVT_EDID_BLOB_OFFSET	sizeof(struct vfio_region_gfx_edid)

/**
 * struct gvt_type - one vGPU type: 1/@divisor of the parent's resources
 * @type: the mdev core's part
 * @divisor: 1, 2, 4 or 8
 * @low_gm: aperture (mappable graphics memory) bytes
 * @high_gm: hidden graphics memory bytes
 * @fences: fence registers
 * @weight: share of the render engine relative to other vGPUs
 * @xres: preferred horizontal resolution of the virtual monitor
 * @yres: preferred vertical resolution
 */
struct gvt_type {
	struct mdev_type type;
	unsigned int divisor;
	u64 low_gm;
	u64 high_gm;
	unsigned int fences;
	unsigned int weight;
	unsigned int xres;
	unsigned int yres;
};

static inline struct gvt_type *to_gvt_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct gvt_type, type);
}

/**
 * struct gvt_engine_state - where the render engine is in a vGPU's work
 * @in_batch: executing a batch buffer rather than the ring
 * @batch_addr: graphics address of the next batch command
 * @stopped: stopped on an error until the ring is disabled or reset
 * @starved: the ring ends in the middle of a command; wait for a new TAIL
 */
struct gvt_engine_state {
	bool in_batch;
	u32 batch_addr;
	bool stopped;
	bool starved;
};

/**
 * struct gvt_irq - the vGPU's interrupt lines towards userspace
 * @msi_trigger: eventfd of the one MSI vector, or NULL
 * @intx_trigger: eventfd of INTx, or NULL
 * @intx_masked: INTx fired and is waiting for an unmask
 * @req_trigger: eventfd of the device request interrupt, or NULL
 * @err_trigger: eventfd of the error interrupt, or NULL
 */
struct gvt_irq {
	struct eventfd_ctx *msi_trigger;
	struct eventfd_ctx *intx_trigger;
	bool intx_masked;
	struct eventfd_ctx *req_trigger;
	struct eventfd_ctx *err_trigger;
};

/**
 * struct gvt_vgpu - one virtual GPU, a mediated device
 * @vdev: the VFIO core's part; first, as vfio_alloc_device() requires
 * @mdev: the mediated device it is
 * @type: its type, fixing its resources
 * @lock: protects @cfg, @regs, @fence, @gtt, @engine and the EDID state
 * @cfg: PCI configuration space
 * @regs: BAR0 registers below the GTT, by offset / 4
 * @fence: fence registers
 * @gtt: GTT entries, one per 4 KiB of this vGPU's graphics memory
 * @gtt_entries: number of entries in @gtt
 * @engine: render engine position
 * @scratch: a row of pixels for FILL_RECT and COPY_RECT
 * @edid_regs: the header of the EDID region
 * @edid_blob: the blob of the EDID region, as userspace last wrote it
 * @edid: the EDID of the connected monitor, taken from @edid_blob when the
 *        link came up; shown in BAR0 at GVT_REG_EDID_BASE
 * @plane_gen: names the primary plane's configuration (its dmabuf_id);
 *             changes with every write to a plane register, never 0
 * @opregion: the OpRegion contents, read-only for userspace
 * @aperture: pages of BAR2, allocated on first touch; index is page number
 * @dma_lock: protects @pinned and @nr_pinned
 * @pinned: pages pinned with vfio_pin_pages(), keyed by IOVA page number
 * @nr_pinned: entries in @pinned
 * @irq_lock: protects @irq
 * @irq: eventfds
 * @sched_node: entry in the scheduler's run list; under gvt_sched.lock
 */
struct gvt_vgpu {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	struct gvt_type *type;

	struct mutex lock;
	u8 cfg[GVT_CFG_SIZE];
	u32 regs[GVT_REG_FENCE_BASE / 4];
	u64 fence[GVT_FENCE_MAX];
	u64 *gtt;
	unsigned int gtt_entries;
	struct gvt_engine_state engine;
	u8 *scratch;
	struct vfio_region_gfx_edid edid_regs;
	u8 edid_blob[GVT_EDID_MAX_SIZE];
	u8 edid[GVT_EDID_MAX_SIZE];
	u32 plane_gen;
	u8 *opregion;

	struct xarray aperture;

	struct mutex dma_lock;
	struct xarray pinned;
	unsigned long nr_pinned;

	struct mutex irq_lock;
	struct gvt_irq irq;

	struct list_head sched_node;
};

static inline struct gvt_vgpu *to_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct gvt_vgpu, vdev);
}

static inline u32 gvt_reg(struct gvt_vgpu *vgpu, unsigned int offset)
{
	return vgpu->regs[offset / 4];
}

static inline void gvt_reg_set(struct gvt_vgpu *vgpu, unsigned int offset, u32 val)
{
	vgpu->regs[offset / 4] = val;
}

static inline u64 gvt_gm_size(const struct gvt_vgpu *vgpu)
{
	return vgpu->type->low_gm + vgpu->type->high_gm;
}

/* gvt_types.c */
extern struct mdev_type *gvt_mdev_types[];
extern const unsigned int gvt_nr_types;
int gvt_pool_init(void);
int gvt_pool_reserve(struct gvt_type *type);
void gvt_pool_release(struct gvt_type *type);
unsigned int gvt_get_available(struct mdev_type *mtype);
ssize_t gvt_show_description(struct mdev_type *mtype, char *buf);

/* gvt_cfg.c */
void gvt_cfg_setup(void);
void gvt_cfg_init(struct gvt_vgpu *vgpu);
int gvt_cfg_read(struct gvt_vgpu *vgpu, unsigned int off, void *buf, size_t len);
int gvt_cfg_write(struct gvt_vgpu *vgpu, unsigned int off, const void *buf, size_t len);

/* gvt_mmio.c */
void gvt_mmio_reset(struct gvt_vgpu *vgpu);
int gvt_mmio_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len);
int gvt_mmio_write(struct gvt_vgpu *vgpu, u64 off, const void *buf, size_t len);

/* gvt_aperture.c */
int gvt_aperture_rw(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len, bool write);
struct page *gvt_aperture_page(struct gvt_vgpu *vgpu, unsigned long pgoff);
int gvt_aperture_mmap(struct gvt_vgpu *vgpu, struct vm_area_struct *vma);
void gvt_aperture_free(struct gvt_vgpu *vgpu);

/* gvt_opregion.c */
int gvt_opregion_init(struct gvt_vgpu *vgpu);
void gvt_opregion_free(struct gvt_vgpu *vgpu);
int gvt_opregion_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len);

/* gvt_edid.c */
void gvt_edid_init(struct gvt_vgpu *vgpu);
void gvt_edid_sync(struct gvt_vgpu *vgpu);
int gvt_edid_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len);
int gvt_edid_write(struct gvt_vgpu *vgpu, u64 off, const void *buf, size_t len);

/* gvt_irq.c */
void gvt_irq_raise(struct gvt_vgpu *vgpu, u32 events);
long gvt_irq_get_info(struct gvt_vgpu *vgpu, struct vfio_irq_info __user *arg);
long gvt_irq_set(struct gvt_vgpu *vgpu, struct vfio_irq_set __user *arg);
void gvt_irq_release_all(struct gvt_vgpu *vgpu);
void gvt_irq_request(struct gvt_vgpu *vgpu, unsigned int count);

/* gvt_dma.c */
struct page *gvt_gm_get_page(struct gvt_vgpu *vgpu, u32 gm);
int gvt_gm_read(struct gvt_vgpu *vgpu, u32 gm, void *buf, size_t len);
int gvt_gm_access(struct gvt_vgpu *vgpu, u32 gm, void *buf, size_t len, bool write);
void gvt_dma_unmap(struct gvt_vgpu *vgpu, u64 iova, u64 length);
void gvt_dma_unpin_all(struct gvt_vgpu *vgpu);

/* gvt_display.c */
long gvt_display_query_plane(struct gvt_vgpu *vgpu,
			     struct vfio_device_gfx_plane_info __user *arg);
long gvt_display_get_dmabuf(struct gvt_vgpu *vgpu, u32 __user *arg);

/* gvt_engine.c */
void gvt_engine_reset(struct gvt_vgpu *vgpu);
bool gvt_engine_has_work(struct gvt_vgpu *vgpu);
unsigned int gvt_engine_run(struct gvt_vgpu *vgpu, unsigned int budget);

/* gvt_sched.c */
int gvt_sched_init(void);
void gvt_sched_exit(void);
void gvt_sched_add(struct gvt_vgpu *vgpu);
void gvt_sched_remove(struct gvt_vgpu *vgpu);
void gvt_sched_kick(struct gvt_vgpu *vgpu);

/* gvt_vgpu.c */
extern const struct vfio_device_ops gvt_vgpu_ops;
void gvt_vgpu_reset(struct gvt_vgpu *vgpu);

#endif /* _GVT_H */
