// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_engine - the gvt_stub render engine, driven like a guest
 * driver would: guest memory mapped with VFIO_IOMMU_MAP_DMA, the GTT
 * pointing at it, commands in a ring, interrupts on the MSI eventfd.
 *
 * Every command, batch buffers, the ring wrapping, aperture (local)
 * memory; malformed commands and GTT entries, which must stop the ring
 * with an error interrupt and write nothing; unmapping memory the engine
 * has pinned; reset and close releasing pins.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * (tests/modules.load).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"
#include "gvt_guest.c"
#include "gvt_test.h"

#define IRQ_MS		5000
#define SENTINEL	0xa5a5a5a5

FIXTURE(eng) {
	struct gg_vgpu g;
	uint8_t *snap;		/* a copy of guest memory, for "nothing written" */
};

FIXTURE_VARIANT(eng) {
	const char *type;
};

FIXTURE_VARIANT_ADD(eng, v5_8) { .type = GG_TYPE(8) };

FIXTURE_SETUP(eng)
{
	gg_init(&self->g);
	self->snap = NULL;
	gg_need_type(variant->type);
	gg_create_ready(&self->g, variant->type);
}

FIXTURE_TEARDOWN(eng)
{
	free(self->snap);
	gg_destroy(&self->g);
}

static uint32_t *px(struct gg_vgpu *g, uint32_t gm)
{
	return gg_ptr(g, gm);
}

/* Submit @dw plus a USER_INTERRUPT and wait for it. */
static uint32_t run_and_wait(struct gg_vgpu *g, const uint32_t *dw, unsigned int n)
{
	static const uint32_t irq = GVT_CMD_USER_INTERRUPT;

	gg_emit(g, dw, n);
	gg_emit(g, &irq, 1);
	if (gg_submit(g))
		return 0;
	return gg_wait_irq(g, GVT_IRQ_USER | GVT_IRQ_ERROR, IRQ_MS);
}

TEST_F(eng, noop_and_user_interrupt)
{
	const uint32_t cmds[] = { GVT_CMD_NOOP, GVT_CMD_NOOP, GVT_CMD_NOOP,
				  GVT_CMD_USER_INTERRUPT };
	struct gg_vgpu *g = &self->g;

	ASSERT_EQ(gg_run(g, cmds, 4), 0);
	/* the MSI eventfd fires */
	EXPECT_EQ(vu_eventfd_wait(g->msi, IRQ_MS), 1);
	EXPECT_EQ(gg_rd(g, GVT_REG_IIR), GVT_IRQ_USER);
	ASSERT_EQ(gg_wait_idle(g, IRQ_MS), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_HEAD), 16);
	EXPECT_EQ(gg_rd(g, GVT_REG_CMD_COUNT), 4);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_STATUS), GVT_RING_STATUS_IDLE);
	EXPECT_EQ(gg_rd(g, GVT_REG_ERR_CODE), GVT_ERR_NONE);

	/* IIR latched: no new interrupt until acknowledged */
	ASSERT_EQ(gg_run(g, &cmds[3], 1), 0);
	EXPECT_EQ(vu_eventfd_wait(g->msi, 300), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_IIR, GVT_IRQ_USER), 0);
	ASSERT_EQ(gg_run(g, &cmds[3], 1), 0);
	EXPECT_EQ(vu_eventfd_wait(g->msi, IRQ_MS), 1);

	/* a masked event is not latched */
	ASSERT_EQ(gg_wr(g, GVT_REG_IIR, GVT_IRQ_ALL), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_IMR, GVT_IRQ_USER), 0);
	ASSERT_EQ(gg_run(g, &cmds[3], 1), 0);
	ASSERT_EQ(gg_wait_idle(g, IRQ_MS), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_IIR), 0);
	EXPECT_EQ(vu_eventfd_wait(g->msi, 300), 0);
}

TEST_F(eng, store_dword)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t cmds[] = {
		GVT_CMD_STORE_DWORD, GG_DATA_GM, 0xdeadbeef,
		GVT_CMD_STORE_DWORD, GG_DATA_GM + 4092, 0x12345678,	/* page end */
		GVT_CMD_STORE_DWORD, GG_DATA_GM + 4096, 0x9abcdef0,	/* next page */
	};

	px(g, GG_DATA_GM)[1] = SENTINEL;
	ASSERT_EQ(run_and_wait(g, cmds, 9), GVT_IRQ_USER);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 0xdeadbeef);
	EXPECT_EQ(px(g, GG_DATA_GM)[1], SENTINEL);
	EXPECT_EQ(px(g, GG_DATA_GM + 4092)[0], 0x12345678);
	EXPECT_EQ(px(g, GG_DATA_GM + 4096)[0], 0x9abcdef0);
}

/* Count pixels of a w x h rect at @gm (stride in bytes) that are not @c. */
static int rect_bad(struct gg_vgpu *g, uint32_t gm, uint32_t stride, int w, int h, uint32_t c)
{
	int x, y, bad = 0;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			bad += px(g, gm + y * stride)[x] != c;
	return bad;
}

TEST_F(eng, fill_rect)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t stride = 1024, w = 100, h = 40, dst = GG_DATA_GM + stride + 16;
	const uint32_t cmds[] = { GVT_CMD_FILL_RECT, dst, stride, GVT_RECT(w, h), 0x00ff8000 };

	memset(gg_ptr(g, GG_DATA_GM), 0xa5, stride * (h + 2));
	ASSERT_EQ(run_and_wait(g, cmds, 5), GVT_IRQ_USER);
	EXPECT_EQ(rect_bad(g, dst, stride, w, h, 0x00ff8000), 0);
	/* the frame around it is untouched */
	EXPECT_EQ(rect_bad(g, dst - stride - 4, stride, w + 2, 1, SENTINEL), 0);
	EXPECT_EQ(rect_bad(g, dst + h * stride - 4, stride, w + 2, 1, SENTINEL), 0);
	EXPECT_EQ(rect_bad(g, dst - 4, stride, 1, h, SENTINEL), 0);
	EXPECT_EQ(rect_bad(g, dst + 4 * w, stride, 1, h, SENTINEL), 0);
}

TEST_F(eng, copy_rect)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t w = 64, h = 48, src = GG_DATA_GM, sstride = 4 * w;
	const uint32_t dst = GG_DATA_GM + 0x10000, dstride = 4096;
	const uint32_t cmds[] = { GVT_CMD_COPY_RECT, src, sstride, dst, dstride, GVT_RECT(w, h) };
	uint32_t x, y;
	int bad = 0;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			px(g, src + y * sstride)[x] = y << 16 | x;
	memset(gg_ptr(g, dst), 0xa5, dstride * (h + 1));
	ASSERT_EQ(run_and_wait(g, cmds, 6), GVT_IRQ_USER);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			bad += px(g, dst + y * dstride)[x] != (y << 16 | x);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(px(g, dst)[w], SENTINEL);
	EXPECT_EQ(px(g, dst + h * dstride)[0], SENTINEL);
}

TEST_F(eng, copy_rect_overlapping)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t w = 16, h = 32, stride = 64, src = GG_DATA_GM, dst = src + 4 * stride;
	const uint32_t cmds[] = { GVT_CMD_COPY_RECT, src, stride, dst, stride, GVT_RECT(w, h) };
	uint32_t x, y;
	int bad = 0;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			px(g, src + y * stride)[x] = y;
	ASSERT_EQ(run_and_wait(g, cmds, 6), GVT_IRQ_USER);
	for (y = 0; y < h; y++)
		bad += px(g, dst + y * stride)[0] != y;
	EXPECT_EQ(bad, 0);
}

TEST_F(eng, batch_buffer)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t batch2 = GG_BATCH_GM + 0x1000;
	const uint32_t b1[] = {
		GVT_CMD_STORE_DWORD, GG_DATA_GM, 1,
		GVT_CMD_BB_START, batch2,		/* chains, does not return */
		GVT_CMD_STORE_DWORD, GG_DATA_GM + 4, 0xbad,
	};
	const uint32_t b2[] = {
		GVT_CMD_STORE_DWORD, GG_DATA_GM + 8, 2,
		GVT_CMD_BB_END,
		GVT_CMD_STORE_DWORD, GG_DATA_GM + 12, 0xbad,
	};
	const uint32_t ring[] = {
		GVT_CMD_BB_START, GG_BATCH_GM,
		GVT_CMD_STORE_DWORD, GG_DATA_GM + 16, 3,
	};

	memcpy(gg_ptr(g, GG_BATCH_GM), b1, sizeof(b1));
	memcpy(gg_ptr(g, batch2), b2, sizeof(b2));
	ASSERT_EQ(run_and_wait(g, ring, 5), GVT_IRQ_USER);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 1);
	EXPECT_EQ(px(g, GG_DATA_GM)[1], 0);
	EXPECT_EQ(px(g, GG_DATA_GM)[2], 2);
	EXPECT_EQ(px(g, GG_DATA_GM)[3], 0);
	EXPECT_EQ(px(g, GG_DATA_GM)[4], 3);
	EXPECT_EQ(gg_rd(g, GVT_REG_CMD_COUNT), 7);
}

TEST_F(eng, ring_wraps)
{
	struct gg_vgpu *g = &self->g;
	uint32_t round, i, n = 0;

	/* 3 x 1500 stores of 12 bytes go round the 16 KiB ring three times */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 1000; i++, n++) {
			const uint32_t st[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM + 4 * (n % 4096), n };

			gg_emit(g, st, 3);
		}
		ASSERT_EQ(run_and_wait(g, NULL, 0), GVT_IRQ_USER) TH_LOG("round %u", round);
		EXPECT_EQ(gg_rd(g, GVT_REG_RING_HEAD), g->tail);
	}
	for (i = 0; i < 3000; i++)
		if (px(g, GG_DATA_GM)[i] != i)
			break;
	EXPECT_EQ(i, 3000);
}

TEST_F(eng, partial_command_waits)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t st[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM, 77, GVT_CMD_USER_INTERRUPT };

	/* only the header and one operand: the engine waits for the rest */
	gg_emit(g, st, 2);
	ASSERT_EQ(gg_submit(g), 0);
	usleep(200000);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_HEAD), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_STATUS) & GVT_RING_STATUS_STOPPED, 0);
	gg_emit(g, st + 2, 2);
	ASSERT_EQ(gg_submit(g), 0);
	EXPECT_EQ(gg_wait_irq(g, GVT_IRQ_USER, IRQ_MS), GVT_IRQ_USER);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 77);
}

TEST_F(eng, aperture_pages)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t gm = GG_MEM_SIZE;	/* beyond guest memory */
	const uint32_t cmds[] = {
		GVT_CMD_FILL_RECT, gm, 64, GVT_RECT(16, 4), 0x11223344,
		GVT_CMD_COPY_RECT, gm, 64, GG_DATA_GM, 64, GVT_RECT(16, 4),
	};
	uint32_t v;

	/* graphics page -> aperture page 2 */
	ASSERT_EQ(gg_gtt_set(g, gm / 4096, 2 * 4096 | GVT_PTE_LOCAL | GVT_PTE_VALID), 0);
	ASSERT_EQ(run_and_wait(g, cmds, 11), GVT_IRQ_USER);
	ASSERT_EQ(pread(g->fd, &v, 4, g->bar2 + 2 * 4096 + 3 * 64 + 60), 4);
	EXPECT_EQ(v, 0x11223344);
	EXPECT_EQ(rect_bad(g, GG_DATA_GM, 64, 16, 4, 0x11223344), 0);
}

/* The ring stopped on @code at @addr with an error interrupt. */
#define EXPECT_STOPPED(g, code, addr) do {						\
	EXPECT_EQ(gg_wait_irq(g, GVT_IRQ_ERROR | GVT_IRQ_USER, IRQ_MS), GVT_IRQ_ERROR);	\
	EXPECT_TRUE(gg_rd(g, GVT_REG_RING_STATUS) & GVT_RING_STATUS_STOPPED);		\
	EXPECT_EQ(gg_rd(g, GVT_REG_ERR_CODE), code);					\
	EXPECT_EQ(gg_rd(g, GVT_REG_ERR_ADDR), addr);					\
} while (0)

/* Whether guest memory other than the ring differs from the snapshot @s. */
static int mem_changed(struct gg_vgpu *g, const uint8_t *s)
{
	size_t ring = g->ring_size;

	return memcmp(g->mem + ring, s + ring, g->mem_size - ring) != 0;
}

/* Submit @bad (a malformed command at ring offset 4, after a NOOP), then a
 * store that must not run. */
static void submit_bad(struct gg_vgpu *g, const uint32_t *bad, unsigned int n)
{
	const uint32_t noop = GVT_CMD_NOOP;
	const uint32_t after[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM, 0xbad, GVT_CMD_USER_INTERRUPT };

	gg_emit(g, &noop, 1);
	gg_emit(g, bad, n);
	gg_emit(g, after, 4);
	gg_submit(g);
}

#define BAD_CASE(name, code, addr, head, ...)				\
TEST_F(eng, name)								\
{										\
	const uint32_t bad[] = { __VA_ARGS__ };					\
	struct gg_vgpu *g = &self->g;						\
	uint8_t *s = malloc(g->mem_size);					\
										\
	ASSERT_TRUE(s != NULL);							\
	self->snap = s;								\
	memcpy(s, g->mem, g->mem_size);						\
	submit_bad(g, bad, sizeof(bad) / 4);					\
	EXPECT_STOPPED(g, code, addr);						\
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_HEAD), head);				\
	EXPECT_FALSE(mem_changed(g, s));					\
}

/* The bad command is at ring offset 4; HEAD stays on it. */
BAD_CASE(bad_opcode, GVT_ERR_BAD_OPCODE, 4, 4, 0x7f000000)
BAD_CASE(bad_length, GVT_ERR_BAD_LENGTH, 4, 4,
	 GVT_CMD(GVT_OP_STORE_DWORD, 3), GG_DATA_GM, 1, 2)
BAD_CASE(bb_end_in_ring, GVT_ERR_BAD_OPCODE, 4, 4, GVT_CMD_BB_END)
BAD_CASE(store_unaligned, GVT_ERR_BAD_ARGS, 4, 4, GVT_CMD_STORE_DWORD, GG_DATA_GM + 2, 1)
BAD_CASE(store_beyond_gm, GVT_ERR_BAD_ARGS, 4, 4, GVT_CMD_STORE_DWORD, 0xfffffffc, 1)
BAD_CASE(store_unbound_gtt, GVT_ERR_GTT_FAULT, 4, 4,
	 GVT_CMD_STORE_DWORD, GG_MEM_SIZE + 8, 1)
BAD_CASE(fill_beyond_gm, GVT_ERR_BAD_ARGS, 4, 4,
	 GVT_CMD_FILL_RECT, (8 + 48) << 20, 4096, GVT_RECT(1024, 2), 0)
BAD_CASE(fill_stride_too_small, GVT_ERR_BAD_ARGS, 4, 4,
	 GVT_CMD_FILL_RECT, GG_DATA_GM, 16, GVT_RECT(8, 2), 0)
BAD_CASE(fill_empty, GVT_ERR_BAD_ARGS, 4, 4,
	 GVT_CMD_FILL_RECT, GG_DATA_GM, 64, GVT_RECT(0, 2), 0)
BAD_CASE(copy_from_unbound, GVT_ERR_GTT_FAULT, 4, 4,
	 GVT_CMD_COPY_RECT, GG_MEM_SIZE, 64, GG_DATA_GM, 64, GVT_RECT(4, 4))
BAD_CASE(bb_start_unaligned, GVT_ERR_BAD_ARGS, 4, 4, GVT_CMD_BB_START, GG_BATCH_GM + 1)
/* the batch start itself is fine; fetching from the batch faults */
BAD_CASE(bb_start_unbound, GVT_ERR_GTT_FAULT, GG_MEM_SIZE + 0x1000, 12,
	 GVT_CMD_BB_START, GG_MEM_SIZE + 0x1000)

/* A GTT entry that points at an IOVA nobody mapped. */
TEST_F(eng, gtt_to_unmapped_iova)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t gm = GG_DATA_GM + 0x5000;
	const uint32_t bad[] = { GVT_CMD_FILL_RECT, gm, 64, GVT_RECT(16, 16), 0 };
	uint8_t *s = malloc(g->mem_size);

	ASSERT_TRUE(s != NULL);
	self->snap = s;
	ASSERT_EQ(gg_gtt_set(g, gm / 4096, 0x7fff0000ULL | GVT_PTE_VALID), 0);
	memcpy(s, g->mem, g->mem_size);
	submit_bad(g, bad, 5);
	EXPECT_STOPPED(g, GVT_ERR_DMA_FAULT, 4);
	EXPECT_FALSE(mem_changed(g, s));
	/* and an aperture entry beyond the aperture */
	ASSERT_EQ(gg_wr(g, GVT_REG_RING_CTL, 0), 0);
	ASSERT_EQ(gg_gtt_set(g, gm / 4096, (64ULL << 20) | GVT_PTE_LOCAL | GVT_PTE_VALID), 0);
	ASSERT_EQ(gg_ring_init(g), 0);
	submit_bad(g, bad, 5);
	EXPECT_STOPPED(g, GVT_ERR_GTT_FAULT, 4);
}

TEST_F(eng, ring_outside_gm)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t noop = GVT_CMD_NOOP;

	ASSERT_EQ(gg_wr(g, GVT_REG_RING_CTL, 0), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_RING_START, ((8 + 48) << 20) - 4096), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_RING_CTL, GVT_RING_CTL_ENABLE | GVT_RING_CTL_PAGES(2)), 0);
	g->ring_size = 8192;
	ASSERT_EQ(gg_run(g, &noop, 1), 0);
	EXPECT_STOPPED(g, GVT_ERR_BAD_RING, ((8 + 48) << 20) - 4096);
}

TEST_F(eng, recover_after_error)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t bad = 0x7f000000;
	const uint32_t good[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM + 64, 42 };

	submit_bad(g, &bad, 1);
	EXPECT_STOPPED(g, GVT_ERR_BAD_OPCODE, 4);
	/* a stopped ring ignores a new tail */
	ASSERT_EQ(gg_run(g, good, 3), 0);
	usleep(100000);
	EXPECT_EQ(px(g, GG_DATA_GM + 64)[0], 0);

	/* the driver disables the ring, skips the bad command, re-enables */
	ASSERT_EQ(gg_wr(g, GVT_REG_RING_CTL, 0), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_ERR_CODE), GVT_ERR_NONE);
	ASSERT_EQ(gg_wr(g, GVT_REG_RING_HEAD, 8), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_RING_CTL, GVT_RING_CTL_ENABLE |
			GVT_RING_CTL_PAGES(GG_RING_PAGES)), 0);
	EXPECT_EQ(gg_wait_irq(g, GVT_IRQ_USER, IRQ_MS), GVT_IRQ_USER);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 0xbad);		/* the store after the bad one */
	EXPECT_EQ(px(g, GG_DATA_GM + 64)[0], 42);
}

TEST_F(eng, bus_master_off_no_work)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t st[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM, 5 };

	ASSERT_EQ(gg_cfg_wr(g, PCI_COMMAND, PCI_COMMAND_MEMORY, 2), 0);
	ASSERT_EQ(gg_run(g, st, 3), 0);
	usleep(200000);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 0);
	ASSERT_EQ(gg_cfg_wr(g, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2), 0);
	/* enabling bus mastering alone does not kick: a tail write does */
	ASSERT_EQ(gg_submit(g), 0);
	ASSERT_EQ(gg_wait_idle(g, IRQ_MS), 0);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 5);
}

static long pinned_kb(void)
{
	return vu_proc_status_kb("VmLck");
}

/* Fill 8 pages of guest memory, which pins them. */
static uint32_t fill_pages(struct gg_vgpu *g, uint32_t gm, uint32_t colour)
{
	const uint32_t cmds[] = { GVT_CMD_FILL_RECT, gm, 4096, GVT_RECT(1024, 8), colour };

	return run_and_wait(g, cmds, 5);
}

TEST_F(eng, unmap_while_pinned)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t st[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM, 1 };
	long base = pinned_kb();
	uint64_t unmapped = 0;

	ASSERT_GE(base, 0);
	ASSERT_EQ(fill_pages(g, GG_DATA_GM, 0x42), GVT_IRQ_USER);
	EXPECT_EQ(pinned_kb(), base + 8 * 4);

	/* the unmap succeeds: the vGPU lets go of the pages */
	ASSERT_EQ(vu_dma_unmap(g->v.container, GG_IOVA, g->mem_size, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, g->mem_size);
	EXPECT_EQ(pinned_kb(), base);

	/* the ring itself is gone: the next fetch faults, nothing is written */
	px(g, GG_DATA_GM)[0] = SENTINEL;
	ASSERT_EQ(gg_run(g, st, 3), 0);
	EXPECT_EQ(gg_wait_irq(g, GVT_IRQ_ERROR, IRQ_MS), GVT_IRQ_ERROR);
	EXPECT_EQ(gg_rd(g, GVT_REG_ERR_CODE), GVT_ERR_DMA_FAULT);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], SENTINEL);

	/* map it again: the vGPU works on */
	ASSERT_EQ(vu_dma_map(g->v.container, g->mem, GG_IOVA, g->mem_size,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(gg_ring_init(g), 0);
	ASSERT_EQ(fill_pages(g, GG_DATA_GM, 0x43), GVT_IRQ_USER);
	EXPECT_EQ(px(g, GG_DATA_GM + 4096 * 7)[1023], 0x43);
}

TEST_F(eng, partial_unmap_while_pinned)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t data_iova_off = GG_DATA_GM + 0x40000;	/* its own mapping */
	long base = pinned_kb();
	uint64_t unmapped = 0;

	/* remap the last 1 MiB as a separate DMA mapping */
	ASSERT_EQ(vu_dma_unmap(g->v.container, GG_IOVA, g->mem_size, 0, NULL), 0);
	ASSERT_EQ(vu_dma_map(g->v.container, g->mem, GG_IOVA, data_iova_off,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(vu_dma_map(g->v.container, g->mem + data_iova_off, GG_IOVA + data_iova_off,
			     g->mem_size - data_iova_off,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(fill_pages(g, GG_DATA_GM, 1), GVT_IRQ_USER);
	ASSERT_EQ(fill_pages(g, data_iova_off, 2), GVT_IRQ_USER);
	EXPECT_EQ(pinned_kb(), base + 16 * 4);

	ASSERT_EQ(vu_dma_unmap(g->v.container, GG_IOVA + data_iova_off,
			       g->mem_size - data_iova_off, 0, &unmapped), 0);
	EXPECT_EQ(pinned_kb(), base + 8 * 4);
	/* the other pages still work from the cache */
	ASSERT_EQ(fill_pages(g, GG_DATA_GM, 3), GVT_IRQ_USER);
	EXPECT_EQ(px(g, GG_DATA_GM)[0], 3);
}

TEST_F(eng, reset_unpins)
{
	struct gg_vgpu *g = &self->g;
	long base = pinned_kb();

	ASSERT_EQ(fill_pages(g, GG_DATA_GM, 0x42), GVT_IRQ_USER);
	EXPECT_GT(pinned_kb(), base);
	ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_RESET), 0);
	EXPECT_EQ(pinned_kb(), base);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_CTL), 0);
	EXPECT_EQ(gg_gtt_get(g, 0), 0);
}

TEST_F(eng, close_unpins)
{
	struct gg_vgpu *g = &self->g;
	long base = pinned_kb();

	ASSERT_EQ(fill_pages(g, GG_DATA_GM, 0x42), GVT_IRQ_USER);
	EXPECT_GT(pinned_kb(), base);
	/* only the device fd: the container and its mappings stay */
	vu_irq_disable(g->fd, VFIO_PCI_MSI_IRQ_INDEX);
	close(g->v.device);
	g->v.device = g->fd = -1;
	EXPECT_EQ(pinned_kb(), base);
}

TEST_F(eng, hung_batch_then_reset)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t loop[] = { GVT_CMD_NOOP, GVT_CMD_BB_START, GG_BATCH_GM };
	const uint32_t ring[] = { GVT_CMD_BB_START, GG_BATCH_GM };
	uint32_t c1, c2;

	memcpy(gg_ptr(g, GG_BATCH_GM), loop, sizeof(loop));
	ASSERT_EQ(gg_run(g, ring, 2), 0);
	usleep(200000);
	c1 = gg_rd(g, GVT_REG_CMD_COUNT);
	usleep(200000);
	c2 = gg_rd(g, GVT_REG_CMD_COUNT);
	EXPECT_NE(c1, c2);
	EXPECT_TRUE(gg_rd(g, GVT_REG_RING_STATUS) & GVT_RING_STATUS_BATCH);
	ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_RESET), 0);
	c1 = gg_rd(g, GVT_REG_CMD_COUNT);
	usleep(100000);
	EXPECT_EQ(gg_rd(g, GVT_REG_CMD_COUNT), c1);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_STATUS), GVT_RING_STATUS_IDLE);
}

TEST_HARNESS_MAIN
