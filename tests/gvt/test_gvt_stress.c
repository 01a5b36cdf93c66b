// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_stress - the gvt_stub render engine racing with what userspace
 * does to it: unmapping the memory it renders into, resetting it, closing
 * it.  Each test keeps the engine busy with a batch buffer that renders
 * forever and checks that userspace always wins, nothing stays pinned, and
 * the kernel log stays clean (the runner checks that part).
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * (tests/modules.load).
 */
#include <string.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"
#include "gvt_guest.c"
#include "gvt_test.h"

#define DATA_GM		0x100000	/* 1 MiB: its own DMA mapping */
#define RUN_MS		2000

FIXTURE(busy) {
	struct gg_vgpu g;
};

FIXTURE_SETUP(busy)
{
	gg_init(&self->g);
	gg_need_type(GG_TYPE(8));
	gg_create_ready(&self->g, GG_TYPE(8));
}

FIXTURE_TEARDOWN(busy)
{
	gg_destroy(&self->g);
}

/* A batch that fills 16 pages of DATA_GM forever; start it. */
static int render_forever(struct gg_vgpu *g)
{
	const uint32_t batch[] = {
		GVT_CMD_FILL_RECT, DATA_GM, 4096, GVT_RECT(1024, 16), 0x1234,
		GVT_CMD_BB_START, GG_BATCH_GM,
	};
	const uint32_t ring[] = { GVT_CMD_BB_START, GG_BATCH_GM };

	memcpy(gg_ptr(g, GG_BATCH_GM), batch, sizeof(batch));
	return gg_run(g, ring, 2);
}

static int map_data(struct gg_vgpu *g)
{
	return vu_dma_map(g->v.container, g->mem + DATA_GM, GG_IOVA + DATA_GM,
			  g->mem_size - DATA_GM,
			  VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
}

TEST_F(busy, unmap_while_rendering)
{
	struct gg_vgpu *g = &self->g;
	uint64_t size = g->mem_size - DATA_GM, unmapped;
	long base = vu_proc_status_kb("VmLck");
	int rounds = 0, faults = 0;
	long long end;

	/* the data gets a DMA mapping of its own, the ring keeps its own */
	ASSERT_EQ(vu_dma_unmap(g->v.container, GG_IOVA, g->mem_size, 0, NULL), 0);
	ASSERT_EQ(vu_dma_map(g->v.container, g->mem, GG_IOVA, DATA_GM,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(map_data(g), 0);
	ASSERT_EQ(render_forever(g), 0);

	end = vu_now_ms() + RUN_MS;
	while (vu_now_ms() < end) {
		unmapped = 0;
		ASSERT_EQ(vu_dma_unmap(g->v.container, GG_IOVA + DATA_GM, size, 0, &unmapped), 0)
			TH_LOG("round %d", rounds);
		ASSERT_EQ(unmapped, size);
		ASSERT_EQ(map_data(g), 0);
		if (gg_rd(g, GVT_REG_RING_STATUS) & GVT_RING_STATUS_STOPPED) {
			/* it hit the hole: a DMA fault, never anything else */
			ASSERT_EQ(gg_rd(g, GVT_REG_ERR_CODE), GVT_ERR_DMA_FAULT);
			faults++;
			ASSERT_EQ(gg_ring_init(g), 0);
			ASSERT_EQ(render_forever(g), 0);
		}
		rounds++;
	}
	TH_LOG("%d unmaps while rendering, %d of them faulted the ring", rounds, faults);
	ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_RESET), 0);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), base);
}

TEST_F(busy, reset_while_rendering)
{
	struct gg_vgpu *g = &self->g;
	long base = vu_proc_status_kb("VmLck");
	uint32_t i, cmd;
	int rounds;

	for (rounds = 0; rounds < 20; rounds++) {
		ASSERT_EQ(render_forever(g), 0);
		usleep(20000);
		ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_RESET), 0);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), base) TH_LOG("round %d", rounds);
		EXPECT_EQ(gg_rd(g, GVT_REG_RING_STATUS), GVT_RING_STATUS_IDLE);

		/* the driver sets the vGPU up again */
		for (i = 0; i < g->mem_size / 4096; i++)
			ASSERT_EQ(gg_gtt_set(g, i, (GG_IOVA + 4096ULL * i) | GVT_PTE_VALID), 0);
		cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
		ASSERT_EQ(gg_cfg_wr(g, PCI_COMMAND, cmd, 2), 0);
		ASSERT_EQ(gg_wr(g, GVT_REG_IMR, 0), 0);
		ASSERT_EQ(gg_wr(g, GVT_REG_IER, GVT_IRQ_USER | GVT_IRQ_ERROR), 0);
		ASSERT_EQ(gg_ring_init(g), 0);
	}
}

TEST_F(busy, close_while_rendering)
{
	struct gg_vgpu *g = &self->g;
	char uuid[VU_UUID_LEN + 1];
	int rounds;

	strcpy(uuid, g->uuid);
	for (rounds = 0; rounds < 10; rounds++) {
		ASSERT_EQ(render_forever(g), 0);
		usleep(20000);
		EXPECT_NE(gg_rd(g, GVT_REG_CMD_COUNT), 0);
		gg_close(g);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 0) TH_LOG("round %d", rounds);
		ASSERT_EQ(gg_open(g, uuid), 0);
		ASSERT_EQ(gg_setup_mem(g, GG_MEM_SIZE), 0);
		ASSERT_EQ(gg_ring_init(g), 0);
	}
}

TEST_F(busy, remove_while_rendering)
{
	struct gg_vgpu *g = &self->g;

	ASSERT_EQ(render_forever(g), 0);
	usleep(50000);
	/* closing and removing a busy vGPU takes it off the engine cleanly */
	gg_destroy(g);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
	EXPECT_EQ(vu_mdev_available(GG_PARENT, GG_TYPE(8)), 8);
}

TEST_HARNESS_MAIN
