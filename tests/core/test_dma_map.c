// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dma_map - VFIO_IOMMU_GET_INFO, MAP_DMA and UNMAP_DMA of the type1
 * backend on a container that holds only emulated-IOMMU (mdev) groups.
 *
 * Expected behaviour is Linux 6.1's drivers/vfio/vfio_iommu_type1.c:
 * - GET_INFO: flags PGSIZES|CAPS, iova_pgsizes = PAGE_MASK without an
 *   IOMMU domain; caps: migration and DMA-avail; no IOVA-range capability,
 *   because a container with only mdev groups has an empty IOVA list
 *   (vfio_iommu_iova_build_caps() returns early, "a container with a single
 *   mdev device will have an empty list");
 * - MAP: -EINVAL for zero or unaligned size/iova/vaddr, wrap, no
 *   READ/WRITE, unknown flags; -EEXIST for any overlap;
 * - UNMAP (v2): -EINVAL for unaligned or zero size, or a range that bisects
 *   a mapping; success with size 0 when nothing is mapped there; the size
 *   unmapped is written back; UNMAP_FLAG_ALL needs iova = size = 0; a
 *   forked child may unmap what its parent mapped.
 * Every test here also passes against the distribution's own 6.1 modules
 * (tests/core/upstream_oracle.sh), which settled the last point: the
 * target kernel has no "same mm" restriction on unmap.
 */
#include "harness.h"

#include <sys/ioctl.h>
#include <sys/mman.h>

#include "testparent.h"

#define PG		4096ULL
#define IOVA		0x10000000ULL
#define BUF_PAGES	16
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

FIXTURE(dma) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	uint8_t *buf;
};

static void dma_setup(struct th_self_dma *self, unsigned long type)
{
	self->v.container = self->v.group = self->v.device = -1;
	self->buf = MAP_FAILED;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open_type(&self->v, self->uuid, type), 0);
	self->buf = mmap(NULL, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	memset(self->buf, 0x5a, BUF_PAGES * PG);
}

FIXTURE_SETUP(dma)
{
	dma_setup(self, VFIO_TYPE1v2_IOMMU);
}

FIXTURE_TEARDOWN(dma)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

static long dma_entry_limit(void)
{
	long v;

	if (vu_sysfs_read_long("/sys/module/vfio_iommu_type1/parameters/dma_entry_limit", &v))
		return 65535;	/* the default, U16_MAX */
	return v;
}

static long dma_avail(int container)
{
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info *info;
	long ret = -1;

	if (vu_iommu_info(container, &info))
		return -1;
	avail = (void *)vu_find_cap(info, info->argsz, info->cap_offset,
				    VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	if (avail)
		ret = avail->avail;
	free(info);
	return ret;
}

/* ---- GET_INFO ------------------------------------------------------------ */

TEST_F(dma, get_info)
{
	struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info *info;

	ASSERT_EQ(vu_iommu_info(self->v.container, &info), 0);
	EXPECT_TRUE(info->flags & VFIO_IOMMU_INFO_PGSIZES);
	EXPECT_TRUE(info->flags & VFIO_IOMMU_INFO_CAPS);
	/* no IOMMU domain: every power of two from a page up */
	EXPECT_EQ(info->iova_pgsizes & (PG - 1), 0);
	EXPECT_TRUE(info->iova_pgsizes & PG);
	EXPECT_GE(info->cap_offset, sizeof(*info));
	EXPECT_GT(info->argsz, sizeof(*info));

	mig = (void *)vu_find_cap(info, info->argsz, info->cap_offset,
				  VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	ASSERT_TRUE(mig != NULL);
	EXPECT_EQ(mig->header.version, 1);
	EXPECT_EQ(mig->flags, 0);
	EXPECT_EQ(mig->pgsize_bitmap, PG);
	EXPECT_GT(mig->max_dirty_bitmap_size, 0);

	EXPECT_TRUE(vu_find_cap(info, info->argsz, info->cap_offset,
				VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) != NULL);
	/* only mdev groups: an empty IOVA list, so no range capability */
	EXPECT_TRUE(vu_find_cap(info, info->argsz, info->cap_offset,
				VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) == NULL);
	free(info);
}

TEST_F(dma, get_info_argsz)
{
	struct vfio_iommu_type1_info info = { 0 };
	uint32_t minsz = offsetof(struct vfio_iommu_type1_info, cap_offset);

	info.argsz = minsz - 1;
	EXPECT_ERRNO(ioctl(self->v.container, VFIO_IOMMU_GET_INFO, &info), EINVAL);
	/* old userspace without cap_offset: still served, asked to grow */
	info.argsz = minsz;
	info.cap_offset = 0xdead;
	ASSERT_EQ(ioctl(self->v.container, VFIO_IOMMU_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_IOMMU_INFO_PGSIZES);
	EXPECT_TRUE(info.iova_pgsizes & PG);
	/* cap_offset lies beyond its argsz: untouched */
	EXPECT_EQ(info.cap_offset, 0xdead);
	/* with room for cap_offset but not the chain: the size needed, offset 0 */
	info.argsz = sizeof(info);
	ASSERT_EQ(ioctl(self->v.container, VFIO_IOMMU_GET_INFO, &info), 0);
	EXPECT_GT(info.argsz, sizeof(info));
	EXPECT_EQ(info.cap_offset, 0);
	EXPECT_TRUE(info.flags & VFIO_IOMMU_INFO_CAPS);
}

TEST_F(dma, dma_avail_counts_mappings)
{
	long limit = dma_entry_limit();

	EXPECT_EQ(dma_avail(self->v.container), limit);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, PG, RW), 0);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf + PG, IOVA + 8 * PG, PG, RW), 0);
	EXPECT_EQ(dma_avail(self->v.container), limit - 2);
	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, PG, 0, NULL), 0);
	EXPECT_EQ(dma_avail(self->v.container), limit - 1);
	ASSERT_EQ(vu_dma_unmap(self->v.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL), 0);
	EXPECT_EQ(dma_avail(self->v.container), limit);
}

/* ---- MAP -------------------------------------------------------------------- */

TEST_F(dma, map_unmap)
{
	uint64_t unmapped = 0;

	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, 4 * PG, RW), 0);
	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, 4 * PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 4 * PG);
	/* gone: the same map works again, read-only this time */
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, 4 * PG,
			     VFIO_DMA_MAP_FLAG_READ), 0);
	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, 4 * PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 4 * PG);
	/* write-only is a valid mapping too */
	EXPECT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, PG,
			     VFIO_DMA_MAP_FLAG_WRITE), 0);
}

TEST_F(dma, map_high_iova_and_unbacked_vaddr)
{
	/* iova up to the top of the space, without wrapping */
	EXPECT_EQ(vu_dma_map(self->v.container, self->buf, ~0ULL - 2 * PG + 1, 2 * PG, RW), 0);
	/* nothing is pinned at map time for mdev-only containers */
	EXPECT_EQ(vu_dma_map(self->v.container, (void *)(uintptr_t)0x1000,
			     IOVA, PG, RW), 0);
}

TEST_F(dma, map_overlap)
{
	int c = self->v.container;

	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA + 4 * PG, 4 * PG, RW), 0);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 4 * PG, 4 * PG, RW), -EEXIST);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 6 * PG, 4 * PG, RW), -EEXIST);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 2 * PG, 4 * PG, RW), -EEXIST);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 5 * PG, PG, RW), -EEXIST);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, 16 * PG, RW), -EEXIST);
	/* touching at either end is no overlap */
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 8 * PG, PG, RW), 0);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 3 * PG, PG, RW), 0);
	/* the same vaddr at different IOVAs is fine */
	EXPECT_EQ(vu_dma_map(c, self->buf + 4 * PG, IOVA + 32 * PG, 4 * PG, RW), 0);
}

TEST_F(dma, map_invalid)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = RW,
		.vaddr = (uintptr_t)self->buf, .iova = IOVA, .size = PG,
	};
	int c = self->v.container;

	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, 0, RW), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 1, PG, RW), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + PG / 2, PG, RW), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, self->buf + 8, IOVA, PG, RW), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, PG + 1, RW), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, PG / 2, RW), -EINVAL);
	/* neither READ nor WRITE */
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, PG, 0), -EINVAL);
	/* unknown flags; VADDR is an update that cannot carry permissions */
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, PG, RW | (1u << 8)), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, PG, RW | VFIO_DMA_MAP_FLAG_VADDR), -EINVAL);
	/* IOVA and vaddr must not wrap */
	EXPECT_EQ(vu_dma_map(c, self->buf, ~0ULL - PG + 1, 2 * PG, RW), -EINVAL);
	EXPECT_EQ(vu_dma_map(c, (void *)(uintptr_t)(~0ULL - PG + 1), IOVA, 2 * PG, RW), -EINVAL);
	/* argsz must cover the structure up to size */
	map.argsz = offsetof(struct vfio_iommu_type1_dma_map, size);
	EXPECT_ERRNO(ioctl(c, VFIO_IOMMU_MAP_DMA, &map), EINVAL);
	EXPECT_ERRNO(ioctl(c, VFIO_IOMMU_MAP_DMA, NULL), EFAULT);
	/* nothing of the above left a mapping behind */
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, PG, RW), 0);
}

/* ---- UNMAP ------------------------------------------------------------------ */

TEST_F(dma, unmap_invalid)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = offsetof(struct vfio_iommu_type1_dma_unmap, size),
		.iova = IOVA, .size = PG,
	};
	int c = self->v.container;
	uint64_t unmapped = 1;

	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA, 4 * PG, RW), 0);
	EXPECT_EQ(vu_dma_unmap(c, IOVA + 1, 4 * PG, 0, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, IOVA, 0, 0, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, IOVA, 4 * PG - 1, 0, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, ~0ULL - PG + 1, 2 * PG, 0, NULL), -EINVAL);
	/* v2 refuses to bisect a mapping, at either end */
	EXPECT_EQ(vu_dma_unmap(c, IOVA, PG, 0, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, IOVA + PG, 3 * PG, 0, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, IOVA - PG, 2 * PG, 0, NULL), -EINVAL);
	/* flags */
	EXPECT_EQ(vu_dma_unmap(c, IOVA, 4 * PG, 1u << 8, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, IOVA, 4 * PG, VFIO_DMA_UNMAP_FLAG_ALL, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, 0, 4 * PG, VFIO_DMA_UNMAP_FLAG_ALL, NULL), -EINVAL);
	EXPECT_EQ(vu_dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL |
				  VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, NULL), -EINVAL);
	/* argsz must cover the structure up to size */
	EXPECT_ERRNO(ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap), EINVAL);
	/* all refused: the mapping is whole */
	ASSERT_EQ(vu_dma_unmap(c, IOVA, 4 * PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 4 * PG);
}

TEST_F(dma, unmap_nothing_mapped)
{
	uint64_t unmapped = 1;

	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, 4 * PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 0);
	unmapped = 1;
	ASSERT_EQ(vu_dma_unmap(self->v.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &unmapped), 0);
	EXPECT_EQ(unmapped, 0);
}

TEST_F(dma, unmap_covers_several)
{
	int c = self->v.container;
	uint64_t unmapped = 0;

	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA, PG, RW), 0);
	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA + 2 * PG, 2 * PG, RW), 0);
	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA + 8 * PG, 4 * PG, RW), 0);
	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA + 64 * PG, PG, RW), 0);
	/* holes are fine as long as no mapping is cut */
	ASSERT_EQ(vu_dma_unmap(c, IOVA, 16 * PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 7 * PG);
	/* the one outside the range stays */
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA + 64 * PG, PG, RW), -EEXIST);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, 16 * PG, RW), 0);
}

TEST_F(dma, unmap_all)
{
	int c = self->v.container;
	uint64_t unmapped = 0;

	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA, PG, RW), 0);
	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA + 16 * PG, 2 * PG, RW), 0);
	ASSERT_EQ(vu_dma_map(c, self->buf, ~0ULL - 4 * PG + 1, 4 * PG, RW), 0);
	ASSERT_EQ(vu_dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &unmapped), 0);
	EXPECT_EQ(unmapped, 7 * PG);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, 16 * PG, RW), 0);
}

TEST_F(dma, unmap_by_another_process)
{
	int c = self->v.container, status = 0;
	pid_t pid;

	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA, 2 * PG, RW), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint64_t unmapped = 1;

		/* another process of the container's user may unmap it */
		ASSERT_EQ(vu_dma_unmap(c, IOVA, 2 * PG, 0, &unmapped), 0);
		EXPECT_EQ(unmapped, 2 * PG);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(vu_dma_map(c, self->buf, IOVA, 2 * PG, RW), 0);
}

TEST_F(dma, close_container_drops_mappings)
{
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, 4 * PG, RW), 0);
	vu_vfio_close(&self->v);
	/* a fresh container on the same group starts empty */
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	EXPECT_EQ(dma_avail(self->v.container), dma_entry_limit());
	EXPECT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, 4 * PG, RW), 0);
}

/* ---- type1 v1 keeps its looser unmap ------------------------------------ */

FIXTURE(dma_v1) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	uint8_t *buf;
};

FIXTURE_SETUP(dma_v1)
{
	dma_setup((struct th_self_dma *)self, VFIO_TYPE1_IOMMU);
}

FIXTURE_TEARDOWN(dma_v1)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

TEST_F(dma_v1, unmap_granularity)
{
	int c = self->v.container;
	uint64_t unmapped = 1;

	ASSERT_EQ(vu_dma_map(c, self->buf, IOVA, 4 * PG, RW), 0);
	/* offset into a mapping: success, nothing unmapped */
	ASSERT_EQ(vu_dma_unmap(c, IOVA + PG, PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 0);
	/* covering its first page: the whole mapping goes */
	ASSERT_EQ(vu_dma_unmap(c, IOVA, PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, 4 * PG);
}

TEST_HARNESS_MAIN
