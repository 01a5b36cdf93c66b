/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gvt_guest.h - a tiny userspace "guest driver" for the gvt_stub vGPU.
 *
 * It plays the part of a guest's graphics driver plus the VMM: it creates a
 * vGPU, opens it through VFIO, gives it "guest memory" (an anonymous
 * buffer mapped into the container with VFIO_IOMMU_MAP_DMA at GG_IOVA),
 * points the vGPU's GTT at that memory (graphics page i -> guest page i,
 * so graphics address == offset into the buffer), and submits commands
 * through a ring at graphics address 0, waiting for the user interrupt on
 * the MSI eventfd.
 *
 * tests/Makefile links only the tests/lib sources into test programs, so each
 * test program includes gvt_guest.c once (a unity build) instead.
 */
#ifndef TESTS_GVT_GUEST_H
#define TESTS_GVT_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "vfio_util.h"
#include "../../vendor-gvt-stub/gvt_regs.h"

#define GG_PARENT	"gvt_stub"
#define GG_IOVA		0x40000000ULL	/* guest memory starts here */
#define GG_MEM_SIZE	(4 << 20)	/* default guest memory: 4 MiB */
#define GG_RING_PAGES	4		/* the ring: graphics 0 .. 16 KiB */
#define GG_BATCH_GM	0x10000		/* a convenient spot for batches */
#define GG_DATA_GM	0x20000		/* and for surfaces */

/* Names of sysfs type directories: gvt_stub-V5_<n>. */
#define GG_TYPE(n)	"gvt_stub-V5_" #n

/**
 * struct gg_vgpu - one vGPU as the test sees it
 * @uuid: its mdev UUID ("" if none was created)
 * @v: container, group and device fds
 * @fd: the device fd (== v.device)
 * @bar0: device-fd offset of BAR0
 * @bar2: device-fd offset of BAR2
 * @cfg: device-fd offset of config space
 * @msi: eventfd of the MSI vector, or -1
 * @mem: the guest memory buffer, or NULL
 * @mem_size: its size
 * @ring_size: bytes of the ring
 * @tail: where the next command goes, as a byte offset into the ring
 */
struct gg_vgpu {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int fd;
	uint64_t bar0, bar2, cfg;
	int msi;
	uint8_t *mem;
	size_t mem_size;
	uint32_t ring_size;
	uint32_t tail;
};

/* Zero @g and mark every fd closed; call before anything else. */
void gg_init(struct gg_vgpu *g);
/* Create a vGPU of @type (e.g. GG_TYPE(8)) and open it; negative errno on failure. */
int gg_create(struct gg_vgpu *g, const char *type);
/* Open an existing vGPU; negative errno on failure. */
int gg_open(struct gg_vgpu *g, const char *uuid);
/* Undo gg_setup_mem() and gg_open(), leaving the mdev in place. */
void gg_close(struct gg_vgpu *g);
/* gg_close(), then remove the mdev if gg_create() made it. */
void gg_destroy(struct gg_vgpu *g);

/* Remove every vGPU of the gvt_stub parent; returns how many. */
int gg_remove_all(void);

/* BAR0 register access; 0 or a negative errno. */
uint32_t gg_rd(struct gg_vgpu *g, uint32_t reg);
int gg_wr(struct gg_vgpu *g, uint32_t reg, uint32_t val);
uint64_t gg_gtt_get(struct gg_vgpu *g, uint32_t idx);
int gg_gtt_set(struct gg_vgpu *g, uint32_t idx, uint64_t pte);
/* Config space access of @len (1, 2, 4) bytes. */
uint32_t gg_cfg_rd(struct gg_vgpu *g, uint32_t off, int len);
int gg_cfg_wr(struct gg_vgpu *g, uint32_t off, uint32_t val, int len);

/*
 * Map @size bytes of fresh guest memory at GG_IOVA, bind the GTT so that
 * graphics address X is guest memory X, enable bus mastering, the MSI
 * eventfd and the user and error interrupts.  0 or a negative errno.
 */
int gg_setup_mem(struct gg_vgpu *g, size_t size);
/* Program the ring at graphics address 0 with GG_RING_PAGES pages and enable it. */
int gg_ring_init(struct gg_vgpu *g);
/* Host pointer of graphics address @gm in the guest memory. */
void *gg_ptr(struct gg_vgpu *g, uint32_t gm);
/* Write @n dwords into the ring at the tail (wrapping); not yet submitted. */
void gg_emit(struct gg_vgpu *g, const uint32_t *dw, unsigned int n);
/* Tell the vGPU about everything emitted so far (write RING_TAIL). */
int gg_submit(struct gg_vgpu *g);
/* gg_emit() + gg_submit(). */
int gg_run(struct gg_vgpu *g, const uint32_t *dw, unsigned int n);
/*
 * Wait up to @timeout_ms for an interrupt that latched one of @bits in
 * IIR; clears those bits.  Returns the IIR bits seen, 0 on timeout.
 */
uint32_t gg_wait_irq(struct gg_vgpu *g, uint32_t bits, int timeout_ms);
/* Poll until the ring is idle or stopped; 0, or -ETIMEDOUT. */
int gg_wait_idle(struct gg_vgpu *g, int timeout_ms);

#endif /* TESTS_GVT_GUEST_H */
