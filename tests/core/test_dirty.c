// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dirty - dirty page tracking of the type1 backend on a container of
 * emulated-IOMMU (mdev) groups: the migration capability of
 * VFIO_IOMMU_GET_INFO, VFIO_IOMMU_DIRTY_PAGES and the dirty bitmap of
 * VFIO_IOMMU_UNMAP_DMA.
 *
 * Expected behaviour is Linux 6.1's drivers/vfio/vfio_iommu_type1.c:
 * - GET_INFO: an argsz with room for iova_pgsizes but not for all of
 *   cap_offset gets iova_pgsizes and nothing after it;
 * - DIRTY_PAGES: -EACCES on a type1 v1 container before anything else is
 *   looked at; exactly one of START, STOP, GET_BITMAP; GET_BITMAP only
 *   while tracking, only at the smallest page size, and -EINVAL for a
 *   bitmap smaller than the range needs or larger than
 *   max_dirty_bitmap_size;
 * - pages pinned by a device, and pages written by vfio_dma_rw(), are
 *   dirty; pages pinned stay dirty until unpinned;
 * - an UNMAP_DMA whose bitmap cannot be written fails with -EFAULT and
 *   leaves the mapping usable: the device may pin it again.
 */
#include "harness.h"

#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "testparent.h"

#define PG		4096ULL
#define IOVA		0x10000000ULL
#define BUF_PAGES	8
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
/* max_dirty_bitmap_size: INT_MAX pages, rounded up to u64 words, in bytes */
#define BITMAP_MAX	((((uint64_t)0x7fffffff + 63) / 64) * 8)

FIXTURE(dirty) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	uint8_t *buf;
};

FIXTURE_SETUP(dirty)
{
	self->v.container = self->v.group = self->v.device = -1;
	self->buf = MAP_FAILED;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open_type(&self->v, self->uuid, VFIO_TYPE1v2_IOMMU), 0);
	self->buf = mmap(NULL, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	memset(self->buf, 0x5a, BUF_PAGES * PG);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, BUF_PAGES * PG, RW), 0);
}

FIXTURE_TEARDOWN(dirty)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

/* VFIO_IOMMU_DIRTY_PAGES with just the header. */
static int dirty_op(int container, uint32_t argsz, uint32_t flags)
{
	struct vfio_iommu_type1_dirty_bitmap d = { .argsz = argsz, .flags = flags };

	return ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &d);
}

/* VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP of [iova, iova + size). */
static int dirty_get(int container, uint64_t iova, uint64_t size, uint64_t pgsize,
		     void *data, uint64_t data_size)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap hdr;
		struct vfio_iommu_type1_dirty_bitmap_get get;
	} req = {
		.hdr = {
			.argsz = sizeof(req),
			.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		},
		.get = {
			.iova = iova,
			.size = size,
			.bitmap = {
				.pgsize = pgsize,
				.size = data_size,
				.data = data,
			},
		},
	};

	return ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &req);
}

/* The dirty bits of the fixture's mapping; ~0 when the ioctl fails. */
static uint64_t dirty_bits(int container)
{
	uint64_t bits = 0;

	if (dirty_get(container, IOVA, BUF_PAGES * PG, PG, &bits, sizeof(bits)))
		return ~0ULL;
	return bits;
}

/* VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP. */
static int unmap_dirty(int container, uint64_t iova, uint64_t size, void *data,
		       uint64_t data_size, uint64_t *unmapped)
{
	struct {
		struct vfio_iommu_type1_dma_unmap hdr;
		struct vfio_bitmap bitmap;
	} req = {
		.hdr = {
			.argsz = sizeof(req),
			.flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
			.iova = iova,
			.size = size,
		},
		.bitmap = { .pgsize = PG, .size = data_size, .data = data },
	};
	int ret = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &req);

	if (!ret && unmapped)
		*unmapped = req.hdr.size;
	return ret;
}

/* ---- the migration capability and GET_INFO's argsz ---------------------- */

TEST_F(dirty, migration_capability)
{
	struct vfio_iommu_type1_info *info = NULL;
	struct vfio_iommu_type1_info_cap_migration *mig;

	ASSERT_EQ(vu_iommu_info(self->v.container, &info), 0);
	ASSERT_TRUE(info->flags & VFIO_IOMMU_INFO_CAPS);
	mig = (void *)vu_find_cap(info, info->argsz, info->cap_offset,
				  VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	ASSERT_TRUE(mig != NULL);
	EXPECT_EQ(mig->flags, 0);
	EXPECT_EQ(mig->pgsize_bitmap, PG);
	EXPECT_EQ(mig->max_dirty_bitmap_size, BITMAP_MAX);
	free(info);
}

TEST_F(dirty, info_short_argsz_leaves_cap_offset)
{
	union {
		struct vfio_iommu_type1_info info;
		uint8_t raw[sizeof(struct vfio_iommu_type1_info)];
	} u;
	size_t minsz = offsetof(struct vfio_iommu_type1_info, cap_offset);
	size_t i;

	memset(&u, 0xa5, sizeof(u));
	/* room for half of cap_offset: it must not be written at all */
	u.info.argsz = minsz + 2;
	ASSERT_EQ(ioctl(self->v.container, VFIO_IOMMU_GET_INFO, &u.info), 0);
	EXPECT_EQ(u.info.iova_pgsizes & PG, PG);
	/* told how much room the capability chain needs */
	EXPECT_GT(u.info.argsz, sizeof(u.info));
	for (i = minsz; i < sizeof(u); i++)
		EXPECT_EQ(u.raw[i], 0xa5) TH_LOG("byte %zu written", i);
}

/* ---- DIRTY_PAGES argument checks ------------------------------------------ */

TEST_F(dirty, flags_and_argsz)
{
	int c = self->v.container;
	uint32_t hdr = sizeof(struct vfio_iommu_type1_dirty_bitmap);
	uint64_t bits = 0;

	/* exactly one operation */
	EXPECT_ERRNO(dirty_op(c, hdr, 0), EINVAL);
	EXPECT_ERRNO(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
			      VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), EINVAL);
	EXPECT_ERRNO(dirty_op(c, hdr, 1u << 3), EINVAL);
	EXPECT_ERRNO(dirty_op(c, hdr - 1, VFIO_IOMMU_DIRTY_PAGES_FLAG_START), EINVAL);
	/* GET_BITMAP needs its range after the header */
	EXPECT_ERRNO(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP), EINVAL);

	/* only while tracking; STOP without START, START twice are fine */
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, PG, &bits, sizeof(bits)), EINVAL);
	EXPECT_EQ(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), 0);
	ASSERT_EQ(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	EXPECT_EQ(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	EXPECT_EQ(dirty_get(c, IOVA, BUF_PAGES * PG, PG, &bits, sizeof(bits)), 0);
	EXPECT_EQ(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), 0);
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, PG, &bits, sizeof(bits)), EINVAL);
}

TEST_F(dirty, bitmap_checks)
{
	int c = self->v.container;
	/* on the heap: access_ok() of BITMAP_MAX bytes must not hit the top */
	uint64_t *bits = calloc(2, sizeof(*bits));

	ASSERT_TRUE(bits != NULL);
	ASSERT_EQ(dirty_op(c, sizeof(struct vfio_iommu_type1_dirty_bitmap),
			   VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	/* the smallest page size only */
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, 2 * PG, bits, 8), EINVAL);
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, 0, bits, 8), EINVAL);
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, 3 * PG, bits, 8), EINVAL);
	/* unaligned, empty or wrapping ranges */
	EXPECT_ERRNO(dirty_get(c, IOVA + 1, BUF_PAGES * PG, PG, bits, 8), EINVAL);
	EXPECT_ERRNO(dirty_get(c, IOVA, 0, PG, bits, 8), EINVAL);
	EXPECT_ERRNO(dirty_get(c, ~0ULL - PG + 1, 2 * PG, PG, bits, 8), EINVAL);
	/* a range that cuts the mapping */
	EXPECT_ERRNO(dirty_get(c, IOVA + PG, BUF_PAGES * PG, PG, bits, 8), EINVAL);
	EXPECT_ERRNO(dirty_get(c, IOVA, PG, PG, bits, 8), EINVAL);
	/* bitmap too small: 65 pages need two words */
	EXPECT_ERRNO(dirty_get(c, IOVA, 65 * PG, PG, bits, 8), EINVAL);
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, PG, bits, 0), EINVAL);
	/* larger than max_dirty_bitmap_size, even if the range needs little */
	EXPECT_ERRNO(dirty_get(c, IOVA, BUF_PAGES * PG, PG, bits, BITMAP_MAX + 8),
		     EINVAL);
	/* the largest allowed is fine */
	EXPECT_EQ(dirty_get(c, IOVA, BUF_PAGES * PG, PG, bits, BITMAP_MAX), 0);
	EXPECT_EQ(dirty_get(c, IOVA, 65 * PG, PG, bits, 16), 0);
	free(bits);
}

/* ---- what is dirty -------------------------------------------------------- */

TEST_F(dirty, pinned_and_written_pages)
{
	int c = self->v.container, fd = self->v.device;
	uint8_t data[64];

	ASSERT_EQ(dirty_op(c, sizeof(struct vfio_iommu_type1_dirty_bitmap),
			   VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	EXPECT_EQ(dirty_bits(c), 0);

	/* a device write through vfio_dma_rw() */
	memset(data, 0x3c, sizeof(data));
	ASSERT_EQ(tp_data_put(fd, data, sizeof(data)), 0);
	ASSERT_EQ(tp_dma_write(fd, IOVA + 5 * PG + 100, sizeof(data)), 0);
	EXPECT_EQ(self->buf[5 * PG + 100], 0x3c);
	/* a read dirties nothing */
	ASSERT_EQ(tp_dma_read(fd, IOVA + 6 * PG, sizeof(data)), 0);
	EXPECT_EQ(dirty_bits(c), 1ULL << 5);
	/* reported once */
	EXPECT_EQ(dirty_bits(c), 0);

	/* a pinned page is dirty for as long as it is pinned */
	ASSERT_EQ(tp_pin(fd, IOVA + 2 * PG, 1, TP_PROT_READ | TP_PROT_WRITE), 1);
	EXPECT_EQ(dirty_bits(c), 1ULL << 2);
	EXPECT_EQ(dirty_bits(c), 1ULL << 2);
	ASSERT_EQ(tp_unpin(fd, IOVA + 2 * PG, 1), 0);
	dirty_bits(c);
	EXPECT_EQ(dirty_bits(c), 0);
}

TEST_F(dirty, unmap_reports_bitmap)
{
	int c = self->v.container, fd = self->v.device;
	uint64_t bits = 0, unmapped = 0;
	struct tp_status st;

	ASSERT_EQ(dirty_op(c, sizeof(struct vfio_iommu_type1_dirty_bitmap),
			   VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	ASSERT_EQ(tp_pin(fd, IOVA + PG, 2, TP_PROT_READ | TP_PROT_WRITE), 2);
	/* an empty bitmap */
	EXPECT_ERRNO(unmap_dirty(c, IOVA, BUF_PAGES * PG, &bits, 0, NULL), EINVAL);

	ASSERT_EQ(unmap_dirty(c, IOVA, BUF_PAGES * PG, &bits, sizeof(bits), &unmapped), 0);
	EXPECT_EQ(unmapped, BUF_PAGES * PG);
	EXPECT_EQ(bits, 3ULL << 1);
	/* the driver was told, and let go */
	ASSERT_EQ(tp_status(fd, &st), 0);
	EXPECT_EQ(st.unmap_calls, 1);
	EXPECT_EQ(st.pinned_pages, 0);
}

/*
 * The unmap fails after the driver was asked to unpin: the mapping stays,
 * and the device must be able to pin it again (it was refused for good).
 */
TEST_F(dirty, failed_unmap_leaves_mapping_pinnable)
{
	int c = self->v.container, fd = self->v.device;
	uint64_t unmapped = ~0ULL, bits = 0;
	void *noaccess;

	noaccess = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(noaccess != MAP_FAILED);
	ASSERT_EQ(dirty_op(c, sizeof(struct vfio_iommu_type1_dirty_bitmap),
			   VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	ASSERT_EQ(tp_pin(fd, IOVA + 3 * PG, 1, TP_PROT_READ), 1);

	EXPECT_ERRNO(unmap_dirty(c, IOVA, BUF_PAGES * PG, noaccess, 8, NULL), EFAULT);
	munmap(noaccess, PG);

	/* still mapped, and pinnable again */
	EXPECT_EQ(tp_dma_read(fd, IOVA + 3 * PG, 16), 0);
	EXPECT_EQ(tp_pin(fd, IOVA + 3 * PG, 1, TP_PROT_READ), 1);
	EXPECT_EQ(tp_unpin(fd, IOVA + 3 * PG, 1), 0);
	EXPECT_EQ(unmap_dirty(c, IOVA, BUF_PAGES * PG, &bits, sizeof(bits), &unmapped), 0);
	EXPECT_EQ(unmapped, BUF_PAGES * PG);
}

/* ---- type1 v1 ------------------------------------------------------------- */

FIXTURE(dirty_v1) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	uint8_t *buf;
};

FIXTURE_SETUP(dirty_v1)
{
	self->v.container = self->v.group = self->v.device = -1;
	self->buf = MAP_FAILED;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open_type(&self->v, self->uuid, VFIO_TYPE1_IOMMU), 0);
	self->buf = mmap(NULL, 128 * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, 128 * PG, RW), 0);
}

FIXTURE_TEARDOWN(dirty_v1)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, 128 * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

/*
 * Version 1 unmaps a whole mapping that merely starts in the range, so its
 * bits would overrun a bitmap sized for the range: tracking is refused.
 */
TEST_F(dirty_v1, tracking_refused)
{
	int c = self->v.container;
	uint32_t hdr = sizeof(struct vfio_iommu_type1_dirty_bitmap);
	uint64_t bits[2] = { 0, 0 };

	EXPECT_ERRNO(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_START), EACCES);
	EXPECT_ERRNO(dirty_op(c, hdr, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), EACCES);
	/* before the arguments are looked at */
	EXPECT_ERRNO(dirty_op(c, 0, 0), EACCES);
	EXPECT_ERRNO(dirty_get(c, IOVA, 128 * PG, PG, bits, 8), EACCES);
	/* so an unmap cannot ask for a bitmap */
	EXPECT_ERRNO(unmap_dirty(c, IOVA, PG, bits, 8, NULL), EINVAL);
}

TEST_HARNESS_MAIN
