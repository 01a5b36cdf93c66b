// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_types - the gvt_stub parent's types and resource accounting.
 *
 * With the module's default pool (aperture 64 MiB, hidden 384 MiB, 32
 * fences, 8 vGPUs) type _N gets 1/N of everything, and all types draw on
 * the same pool.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * loaded with its default parameters (tests/modules.load).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "vfio_util.h"
#include "gvt_guest.c"

static const int divisors[] = { 1, 2, 4, 8 };
static const char *const types[] = { GG_TYPE(1), GG_TYPE(2), GG_TYPE(4), GG_TYPE(8) };
#define NTYPES 4

static void need_parent(void)
{
	char path[256];

	vu_type_path(path, sizeof(path), GG_PARENT, GG_TYPE(1));
	if (!vu_path_exists(path))
		SKIP("no %s: gvt_stub.ko not loaded", path);
	/* a test that failed half-way may have left vGPUs behind */
	gg_remove_all();
}

/* available_instances of every type, in eighths of the pool: the expected counts. */
static void expect_available(int eighths_left, int vgpus_left)
{
	int i;

	for (i = 0; i < NTYPES; i++) {
		long want = eighths_left / (8 / divisors[i]);

		if (want > vgpus_left)
			want = vgpus_left;
		EXPECT_EQ(vu_mdev_available(GG_PARENT, types[i]), want)
			TH_LOG("type %s with %d/8 of the pool left", types[i], eighths_left);
	}
}

TEST(type_attributes)
{
	char path[256], buf[512], want[256];
	int i;

	need_parent();
	for (i = 0; i < NTYPES; i++) {
		int n = divisors[i];

		vu_type_path(path, sizeof(path), GG_PARENT, types[i]);
		strcat(path, "/device_api");
		ASSERT_GE(vu_sysfs_read(path, buf, sizeof(buf)), 0);
		EXPECT_EQ(strcmp(buf, "vfio-pci"), 0) TH_LOG("device_api %s", buf);

		vu_type_path(path, sizeof(path), GG_PARENT, types[i]);
		strcat(path, "/description");
		ASSERT_GE(vu_sysfs_read(path, buf, sizeof(buf)), 0);
		snprintf(want, sizeof(want),
			 "low_gm_size: %dMB\nhigh_gm_size: %dMB\nfence: %d\nresolution: %s\nweight: %d",
			 64 / n, 384 / n, 32 / n, n == 8 ? "1024x768" : "1920x1200", 16 / n);
		EXPECT_EQ(strcmp(buf, want), 0) TH_LOG("%s: got\n%s\nwant\n%s", types[i], buf, want);

		vu_type_path(path, sizeof(path), GG_PARENT, types[i]);
		strcat(path, "/name");
		ASSERT_GE(vu_sysfs_read(path, buf, sizeof(buf)), 0);
		snprintf(want, sizeof(want), "GVTg_V5_%d", n);
		EXPECT_EQ(strcmp(buf, want), 0) TH_LOG("name %s", buf);
	}
	EXPECT_TRUE(vu_path_exists("/sys/class/gvt_stub/gvt_stub"));
}

TEST(available_all_types)
{
	char a[VU_UUID_LEN + 1], b[VU_UUID_LEN + 1], c[VU_UUID_LEN + 1];
	char d[VU_UUID_LEN + 1];

	need_parent();
	expect_available(8, 8);

	/* a _2 takes half: _1 has none left, _8 four */
	ASSERT_EQ(vu_mdev_create(GG_PARENT, GG_TYPE(2), a), 0);
	expect_available(4, 7);
	/* an _8 takes another eighth: no _2 fits in 3/8 */
	ASSERT_EQ(vu_mdev_create(GG_PARENT, GG_TYPE(8), b), 0);
	expect_available(3, 6);
	ASSERT_EQ(vu_mdev_create(GG_PARENT, GG_TYPE(4), c), 0);
	expect_available(1, 5);
	EXPECT_EQ(vu_mdev_create(GG_PARENT, GG_TYPE(4), d), -ENOSPC);
	EXPECT_FALSE(vu_mdev_exists(d));

	/* removal gives everything back */
	EXPECT_EQ(vu_mdev_remove(a), 0);
	expect_available(5, 6);
	EXPECT_EQ(vu_mdev_remove(c), 0);
	EXPECT_EQ(vu_mdev_remove(b), 0);
	expect_available(8, 8);
}

TEST(exhaust_and_refill)
{
	char uuid[8][VU_UUID_LEN + 1], extra[VU_UUID_LEN + 1];
	int i, n = 0;

	need_parent();
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(vu_mdev_create(GG_PARENT, GG_TYPE(8), uuid[i]), 0) TH_LOG("vGPU %d", i);
		n++;
	}
	expect_available(0, 0);
	for (i = 0; i < NTYPES; i++)
		EXPECT_EQ(vu_mdev_create(GG_PARENT, types[i], extra), -ENOSPC)
			TH_LOG("type %s", types[i]);
	EXPECT_FALSE(vu_mdev_exists(extra));

	for (i = 0; i < n; i++)
		EXPECT_EQ(vu_mdev_remove(uuid[i]), 0);
	expect_available(8, 8);

	/* the whole pool in one vGPU */
	ASSERT_EQ(vu_mdev_create(GG_PARENT, GG_TYPE(1), extra), 0);
	expect_available(0, 7);
	EXPECT_EQ(vu_mdev_remove(extra), 0);
	expect_available(8, 8);
}

TEST(open_vgpu_holds_resources)
{
	struct gg_vgpu g;

	need_parent();
	gg_init(&g);
	ASSERT_EQ(gg_create(&g, GG_TYPE(1)), 0);
	expect_available(0, 7);
	gg_destroy(&g);
	expect_available(8, 8);
}

TEST_HARNESS_MAIN
