// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_sched - several gvt_stub vGPUs sharing the one render engine:
 * isolation between them, a hung vGPU not starving the others, and time
 * slices following the types' weights.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * (tests/modules.load).
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"
#include "gvt_guest.c"
#include "gvt_test.h"

#define IRQ_MS	10000

FIXTURE(two) {
	struct gg_vgpu a, b;
};

FIXTURE_SETUP(two)
{
	gg_init(&self->a);
	gg_init(&self->b);
	gg_need_type(GG_TYPE(2));
	/* weights 8 and 2 */
	ASSERT_EQ(gg_create(&self->a, GG_TYPE(2)), 0);
	ASSERT_EQ(gg_create(&self->b, GG_TYPE(8)), 0);
	ASSERT_EQ(gg_setup_mem(&self->a, GG_MEM_SIZE), 0);
	ASSERT_EQ(gg_setup_mem(&self->b, GG_MEM_SIZE), 0);
	ASSERT_EQ(gg_ring_init(&self->a), 0);
	ASSERT_EQ(gg_ring_init(&self->b), 0);
}

FIXTURE_TEARDOWN(two)
{
	gg_destroy(&self->a);
	gg_destroy(&self->b);
}

static void hang(struct gg_vgpu *g)
{
	const uint32_t loop[] = { GVT_CMD_NOOP, GVT_CMD_BB_START, GG_BATCH_GM };
	const uint32_t ring[] = { GVT_CMD_BB_START, GG_BATCH_GM };

	memcpy(gg_ptr(g, GG_BATCH_GM), loop, sizeof(loop));
	gg_run(g, ring, 2);
}

TEST_F(two, isolated)
{
	const uint32_t fa[] = { GVT_CMD_FILL_RECT, GG_DATA_GM, 4096, GVT_RECT(1024, 4), 0xaaaa,
				GVT_CMD_USER_INTERRUPT };
	const uint32_t fb[] = { GVT_CMD_FILL_RECT, GG_DATA_GM, 4096, GVT_RECT(1024, 4), 0xbbbb,
				GVT_CMD_USER_INTERRUPT };
	uint32_t *pa = gg_ptr(&self->a, GG_DATA_GM), *pb = gg_ptr(&self->b, GG_DATA_GM);

	/* the same graphics and IO virtual addresses, different containers */
	ASSERT_EQ(gg_run(&self->a, fa, 6), 0);
	ASSERT_EQ(gg_run(&self->b, fb, 6), 0);
	EXPECT_EQ(gg_wait_irq(&self->a, GVT_IRQ_USER, IRQ_MS), GVT_IRQ_USER);
	EXPECT_EQ(gg_wait_irq(&self->b, GVT_IRQ_USER, IRQ_MS), GVT_IRQ_USER);
	EXPECT_EQ(pa[0], 0xaaaa);
	EXPECT_EQ(pa[4 * 1024 - 1], 0xaaaa);
	EXPECT_EQ(pb[0], 0xbbbb);
	EXPECT_EQ(pb[4 * 1024 - 1], 0xbbbb);
}

TEST_F(two, error_stays_local)
{
	const uint32_t bad = 0x7f000000;
	const uint32_t good[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM, 7, GVT_CMD_USER_INTERRUPT };

	ASSERT_EQ(gg_run(&self->a, &bad, 1), 0);
	EXPECT_EQ(gg_wait_irq(&self->a, GVT_IRQ_ERROR, IRQ_MS), GVT_IRQ_ERROR);
	ASSERT_EQ(gg_run(&self->b, good, 4), 0);
	EXPECT_EQ(gg_wait_irq(&self->b, GVT_IRQ_USER, IRQ_MS), GVT_IRQ_USER);
	EXPECT_EQ(*(uint32_t *)gg_ptr(&self->b, GG_DATA_GM), 7);
	EXPECT_EQ(gg_rd(&self->b, GVT_REG_ERR_CODE), GVT_ERR_NONE);
	EXPECT_EQ(gg_rd(&self->a, GVT_REG_ERR_CODE), GVT_ERR_BAD_OPCODE);
}

TEST_F(two, hung_does_not_starve)
{
	uint32_t i, c1, c2;
	long long t0;

	hang(&self->a);
	usleep(100000);
	t0 = vu_now_ms();
	for (i = 0; i < 500; i++) {
		const uint32_t st[] = { GVT_CMD_STORE_DWORD, GG_DATA_GM + 4 * i, i };

		gg_emit(&self->b, st, 3);
	}
	gg_emit(&self->b, (const uint32_t[]){ GVT_CMD_USER_INTERRUPT }, 1);
	ASSERT_EQ(gg_submit(&self->b), 0);
	EXPECT_EQ(gg_wait_irq(&self->b, GVT_IRQ_USER, IRQ_MS), GVT_IRQ_USER);
	TH_LOG("500 stores beside a hung vGPU took %lld ms", vu_now_ms() - t0);
	EXPECT_EQ(((uint32_t *)gg_ptr(&self->b, GG_DATA_GM))[499], 499);

	/* and the hung one is still going */
	c1 = gg_rd(&self->a, GVT_REG_CMD_COUNT);
	usleep(100000);
	c2 = gg_rd(&self->a, GVT_REG_CMD_COUNT);
	EXPECT_NE(c1, c2);
}

/*
 * The share of engine time each busy vGPU gets, as a figure: commands
 * executed per vGPU over about a second.  How many commands fit in a
 * second, and how cleanly the slices follow the weights, depend on the
 * machine (TCG, a shared host), so only what cannot is asserted: every vGPU
 * progresses and a heavier weight gets more than a lighter one.
 */
#define SHARE_MAX	4

static void shares(struct gg_vgpu *g, const unsigned int *weight, int n)
{
	uint32_t c0[SHARE_MAX], c1, done[SHARE_MAX];
	uint64_t total = 0;
	int i, j;

	for (i = 0; i < n; i++)
		hang(&g[i]);
	usleep(200000);
	for (i = 0; i < n; i++)
		c0[i] = gg_rd(&g[i], GVT_REG_CMD_COUNT);
	usleep(1000000);
	for (i = 0; i < n; i++) {
		c1 = gg_rd(&g[i], GVT_REG_CMD_COUNT);
		done[i] = c1 - c0[i];
		total += done[i];
	}
	ASSERT_GT(total, 0);
	for (i = 0; i < n; i++)
		TH_LOG("share: vgpu%d weight %u %.1f%% (%u commands)", i, weight[i],
		       100.0 * done[i] / total, done[i]);
	for (i = 0; i < n; i++) {
		EXPECT_GT(done[i], 0);	/* no starvation */
		for (j = 0; j < n; j++)
			if (weight[i] > weight[j])
				EXPECT_GT(done[i], done[j]);
	}
}

FIXTURE(share) {
	struct gg_vgpu g[SHARE_MAX];
	unsigned int weight[SHARE_MAX];
	int n;
};

FIXTURE_VARIANT(share) {
	int n;
	const char *type[SHARE_MAX];
	unsigned int weight[SHARE_MAX];
};

/* gvt_types.c: V5_2 has weight 8, V5_4 weight 4, V5_8 weight 2 */
FIXTURE_VARIANT_ADD(share, two_1_4) {
	.n = 2,
	.type = { GG_TYPE(2), GG_TYPE(8) },
	.weight = { 8, 2 },
};

FIXTURE_VARIANT_ADD(share, two_1_2) {
	.n = 2,
	.type = { GG_TYPE(8), GG_TYPE(4) },
	.weight = { 2, 4 },
};

FIXTURE_VARIANT_ADD(share, four_1_2) {
	.n = 4,
	.type = { GG_TYPE(4), GG_TYPE(8), GG_TYPE(4), GG_TYPE(8) },
	.weight = { 4, 2, 4, 2 },
};

FIXTURE_SETUP(share)
{
	int i;

	self->n = variant->n;
	for (i = 0; i < SHARE_MAX; i++)
		gg_init(&self->g[i]);
	gg_need_type(GG_TYPE(4));
	for (i = 0; i < self->n; i++) {
		self->weight[i] = variant->weight[i];
		gg_create_ready(&self->g[i], variant->type[i]);
	}
}

FIXTURE_TEARDOWN(share)
{
	int i;

	for (i = 0; i < SHARE_MAX; i++)
		gg_destroy(&self->g[i]);
}

TEST_F(share, weighted_slices)
{
	shares(self->g, self->weight, self->n);
}

TEST_HARNESS_MAIN
