// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pin - the in-kernel DMA API of an emulated-IOMMU device:
 * vfio_pin_pages(), vfio_unpin_pages() and vfio_dma_rw(), called by
 * mdev_testparent on our command, and the dma_unmap() callback.
 *
 * Expected behaviour is Linux 6.1's (vfio_main.c and vfio_iommu_type1.c):
 * - vfio_pin_pages(): -EINVAL for npage <= 0 or a page not mapped, -E2BIG
 *   above VFIO_PIN_PAGES_MAX_ENTRIES, -EPERM for a write pin of a mapping
 *   without WRITE, -EACCES on a type1 v1 container, -ENOMEM past
 *   RLIMIT_MEMLOCK without CAP_IPC_LOCK (the limit of the task that mapped;
 *   the capability as it was at map time), and a failed call unpins and
 *   uncharges whatever it had done;
 * - mdev-only containers charge pinned pages to locked_vm (VmLck);
 * - vfio_dma_rw(): -EINVAL outside a mapping or for length 0, -EPERM for a
 *   write to a mapping without WRITE; crosses adjacent mappings;
 * - unmapping a range with pinned pages calls dma_unmap() with that
 *   mapping's range, and only then; the driver must unpin inside it.
 */
#include "harness.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "testparent.h"

#define PG		4096ULL
#define IOVA		0x10000000ULL		/* BUF_PAGES pages, read/write */
#define IOVA_RO		0x20000000ULL		/* 2 pages, read-only */
#define IOVA_WO		0x30000000ULL		/* 1 page, write-only */
#define BUF_PAGES	8
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define PIN_MAX		(4096 / 8)		/* VFIO_PIN_PAGES_MAX_ENTRIES */

FIXTURE(pin) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	uint8_t *buf;
	uint8_t *ro;
};

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i / PG * 31 + i * 7 + seed);
}

static void pin_setup(struct th_self_pin *self, unsigned long type)
{
	self->v.container = self->v.group = self->v.device = -1;
	self->buf = self->ro = MAP_FAILED;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open_type(&self->v, self->uuid, type), 0);
	self->buf = mmap(NULL, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	self->ro = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->ro != MAP_FAILED);
	fill(self->buf, BUF_PAGES * PG, 1);
	fill(self->ro, 2 * PG, 2);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, BUF_PAGES * PG, RW), 0);
	ASSERT_EQ(vu_dma_map(self->v.container, self->ro, IOVA_RO, 2 * PG,
			     VFIO_DMA_MAP_FLAG_READ), 0);
}

FIXTURE_SETUP(pin)
{
	pin_setup(self, VFIO_TYPE1v2_IOMMU);
}

FIXTURE_TEARDOWN(pin)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->ro != MAP_FAILED)
		munmap(self->ro, 2 * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

static struct tp_status status(int fd)
{
	struct tp_status st;

	memset(&st, 0xff, sizeof(st));
	tp_status(fd, &st);
	return st;
}

/* ---- pin and unpin ------------------------------------------------------- */

TEST_F(pin, pin_unpin)
{
	int fd = self->v.device;
	uint8_t data[64];

	ASSERT_EQ(tp_pin(fd, IOVA + 2 * PG, 1, TP_PROT_READ | TP_PROT_WRITE), 1);
	EXPECT_EQ(status(fd).pinned_pages, 1);
	/* the pinned page is the one behind that IOVA */
	ASSERT_EQ(tp_cmd(fd, TP_OP_PEEK_PINNED, IOVA + 2 * PG + 100, sizeof(data), 0),
		  sizeof(data));
	ASSERT_EQ(tp_data_get(fd, data, sizeof(data)), 0);
	EXPECT_EQ(memcmp(data, self->buf + 2 * PG + 100, sizeof(data)), 0);
	/* and it stays that page when userspace writes to it */
	self->buf[2 * PG + 100] ^= 0xff;
	ASSERT_EQ(tp_cmd(fd, TP_OP_PEEK_PINNED, IOVA + 2 * PG + 100, 1, 0), 1);
	ASSERT_EQ(tp_data_get(fd, data, 1), 0);
	EXPECT_EQ(data[0], self->buf[2 * PG + 100]);

	EXPECT_EQ(tp_unpin(fd, IOVA + 2 * PG, 1), 0);
	EXPECT_EQ(status(fd).pinned_pages, 0);
}

TEST_F(pin, pin_several_pages)
{
	int fd = self->v.device;
	uint8_t data[16];
	int i;

	ASSERT_EQ(tp_pin(fd, IOVA, BUF_PAGES, TP_PROT_READ), BUF_PAGES);
	for (i = 0; i < BUF_PAGES; i++) {
		ASSERT_EQ(tp_cmd(fd, TP_OP_PEEK_PINNED, IOVA + i * PG + 8, sizeof(data), 0),
			  sizeof(data));
		ASSERT_EQ(tp_data_get(fd, data, sizeof(data)), 0);
		EXPECT_EQ(memcmp(data, self->buf + i * PG + 8, sizeof(data)), 0)
			TH_LOG("page %d", i);
	}
	EXPECT_EQ(tp_unpin(fd, IOVA, BUF_PAGES), 0);
}

TEST_F(pin, pin_same_page_twice)
{
	int fd = self->v.device;

	/* pins of one page are counted: two pins, two unpins */
	ASSERT_EQ(tp_pin(fd, IOVA, 2, TP_PROT_READ), 2);
	ASSERT_EQ(tp_pin(fd, IOVA + PG, 1, TP_PROT_READ | TP_PROT_WRITE), 1);
	EXPECT_EQ(status(fd).pinned_pages, 3);
	EXPECT_EQ(tp_unpin(fd, IOVA, 2), 0);
	EXPECT_EQ(tp_cmd(fd, TP_OP_PEEK_PINNED, IOVA + PG, 4, 0), 4);
	EXPECT_EQ(tp_unpin(fd, IOVA + PG, 1), 0);
	EXPECT_EQ(status(fd).pinned_pages, 0);
}

TEST_F(pin, pin_invalid)
{
	int fd = self->v.device;

	/* outside any mapping, or running past the end of one */
	EXPECT_EQ(tp_pin(fd, 0, 1, TP_PROT_READ), -EINVAL);
	EXPECT_EQ(tp_pin(fd, IOVA + BUF_PAGES * PG, 1, TP_PROT_READ), -EINVAL);
	EXPECT_EQ(tp_pin(fd, IOVA - PG, 2, TP_PROT_READ), -EINVAL);
	EXPECT_EQ(tp_pin(fd, IOVA + (BUF_PAGES - 1) * PG, 2, TP_PROT_READ), -EINVAL);
	/* no pages, or too many for one call */
	EXPECT_EQ(tp_pin(fd, IOVA, 0, TP_PROT_READ), -EINVAL);
	EXPECT_EQ(tp_pin(fd, IOVA, -1, TP_PROT_READ), -EINVAL);
	EXPECT_EQ(tp_pin(fd, IOVA, PIN_MAX + 1, TP_PROT_READ), -E2BIG);
	/* nothing was left pinned by the failures */
	EXPECT_EQ(status(fd).pinned_pages, 0);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
}

TEST_F(pin, pin_respects_mapping_permissions)
{
	int fd = self->v.device;

	EXPECT_EQ(tp_pin(fd, IOVA_RO, 1, TP_PROT_WRITE), -EPERM);
	EXPECT_EQ(tp_pin(fd, IOVA_RO, 2, TP_PROT_READ | TP_PROT_WRITE), -EPERM);
	EXPECT_EQ(tp_pin(fd, IOVA_RO, 2, TP_PROT_READ), 2);
	EXPECT_EQ(tp_unpin(fd, IOVA_RO, 2), 0);
	/* write-only mapping: a read pin is refused */
	ASSERT_EQ(vu_dma_map(self->v.container, self->ro, IOVA_WO, PG,
			     VFIO_DMA_MAP_FLAG_WRITE), 0);
	EXPECT_EQ(tp_pin(fd, IOVA_WO, 1, TP_PROT_READ), -EPERM);
	EXPECT_EQ(tp_pin(fd, IOVA_WO, 1, TP_PROT_WRITE), 1);
	EXPECT_EQ(tp_unpin(fd, IOVA_WO, 1), 0);
}

TEST_F(pin, pin_unbacked_vaddr)
{
	int fd = self->v.device;

	/* mapped in the container, but no memory behind the vaddr */
	ASSERT_EQ(vu_dma_map(self->v.container, (void *)(uintptr_t)PG, IOVA_WO, PG, RW), 0);
	EXPECT_EQ(tp_pin(fd, IOVA_WO, 1, TP_PROT_READ), -EFAULT);
	EXPECT_EQ(status(fd).pinned_pages, 0);
}

TEST_F(pin, pin_charges_locked_vm)
{
	int fd = self->v.device;
	long base = vu_proc_status_kb("VmLck");

	ASSERT_GE(base, 0);
	ASSERT_EQ(tp_pin(fd, IOVA, 3, TP_PROT_READ), 3);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), base + 12);
	/* a second pin of the same pages is not charged again */
	ASSERT_EQ(tp_pin(fd, IOVA, 1, TP_PROT_READ), 1);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), base + 12);
	EXPECT_EQ(tp_unpin(fd, IOVA, 1), 0);
	EXPECT_EQ(tp_unpin(fd, IOVA, 3), 0);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), base);
}

TEST_F(pin, close_unpins)
{
	long base = vu_proc_status_kb("VmLck");
	struct tp_status st;
	int dev;

	ASSERT_EQ(tp_pin(self->v.device, IOVA, 4, TP_PROT_READ), 4);
	close(self->v.device);
	self->v.device = -1;
	/* close_device() unpinned, so nothing stays charged */
	EXPECT_EQ(vu_proc_status_kb("VmLck"), base);
	dev = vu_group_get_device(self->v.group, self->uuid);
	ASSERT_GE(dev, 0);
	self->v.device = dev;
	st = status(dev);
	EXPECT_EQ(st.pinned_pages, 0);
	EXPECT_EQ(st.pin_records, 0);
}

/* ---- dma_unmap notification ------------------------------------------ */

TEST_F(pin, unmap_of_pinned_range_notifies)
{
	int fd = self->v.device;
	uint64_t unmapped = 0;
	struct tp_status st;

	ASSERT_EQ(tp_pin(fd, IOVA + PG, 2, TP_PROT_READ), 2);
	ASSERT_EQ(tp_pin(fd, IOVA + 5 * PG, 1, TP_PROT_WRITE), 1);
	ASSERT_EQ(tp_pin(fd, IOVA_RO, 1, TP_PROT_READ), 1);
	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, BUF_PAGES * PG, 0, &unmapped), 0);
	EXPECT_EQ(unmapped, BUF_PAGES * PG);
	st = status(fd);
	/* told about the whole mapping, at least once */
	EXPECT_GE(st.unmap_calls, 1);
	EXPECT_EQ(st.last_unmap_iova, IOVA);
	EXPECT_EQ(st.last_unmap_length, BUF_PAGES * PG);
	EXPECT_EQ(st.unmap_unpinned, 3);
	/* the pin in the other mapping is untouched */
	EXPECT_EQ(st.pinned_pages, 1);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), 4);
	/* and the range is really gone */
	EXPECT_EQ(tp_pin(fd, IOVA + PG, 1, TP_PROT_READ), -EINVAL);
	EXPECT_EQ(tp_unpin(fd, IOVA_RO, 1), 0);
}

TEST_F(pin, unmap_without_pins_does_not_notify)
{
	int fd = self->v.device;

	ASSERT_EQ(tp_pin(fd, IOVA_RO, 1, TP_PROT_READ), 1);
	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, BUF_PAGES * PG, 0, NULL), 0);
	EXPECT_EQ(status(fd).unmap_calls, 0);
	EXPECT_EQ(status(fd).pinned_pages, 1);
}

TEST_F(pin, unmap_all_notifies)
{
	int fd = self->v.device;
	uint64_t unmapped = 0;
	struct tp_status st;

	ASSERT_EQ(tp_pin(fd, IOVA, 1, TP_PROT_READ), 1);
	ASSERT_EQ(tp_pin(fd, IOVA_RO, 2, TP_PROT_READ), 2);
	ASSERT_EQ(vu_dma_unmap(self->v.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &unmapped), 0);
	EXPECT_EQ(unmapped, (BUF_PAGES + 2) * PG);
	st = status(fd);
	EXPECT_GE(st.unmap_calls, 2);
	EXPECT_EQ(st.unmap_unpinned, 3);
	EXPECT_EQ(st.pinned_pages, 0);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
}

/* ---- vfio_dma_rw ------------------------------------------------------------ */

TEST_F(pin, dma_rw)
{
	int fd = self->v.device;
	static uint8_t data[TP_DATA_SIZE], back[TP_DATA_SIZE];

	/* device reads guest memory, across a page boundary */
	ASSERT_EQ(tp_dma_read(fd, IOVA + 100, 5000), 0);
	ASSERT_EQ(tp_data_get(fd, back, 5000), 0);
	EXPECT_EQ(memcmp(back, self->buf + 100, 5000), 0);
	/* device writes guest memory */
	fill(data, sizeof(data), 9);
	ASSERT_EQ(tp_data_put(fd, data, sizeof(data)), 0);
	ASSERT_EQ(tp_dma_write(fd, IOVA + PG - 10, sizeof(data)), 0);
	EXPECT_EQ(memcmp(self->buf + PG - 10, data, sizeof(data)), 0);
	/* neighbours untouched */
	EXPECT_EQ(self->buf[PG - 11], (uint8_t)(0 * 31 + (PG - 11) * 7 + 1));
	/* a read-only mapping can be read by the device */
	ASSERT_EQ(tp_dma_read(fd, IOVA_RO + PG, 16), 0);
	ASSERT_EQ(tp_data_get(fd, back, 16), 0);
	EXPECT_EQ(memcmp(back, self->ro + PG, 16), 0);
	/* nothing was pinned for it */
	EXPECT_EQ(status(fd).pinned_pages, 0);
}

TEST_F(pin, dma_rw_across_mappings)
{
	int fd = self->v.device;
	uint8_t back[64];

	/* the read-only buffer mapped again, right after the RW one */
	ASSERT_EQ(vu_dma_map(self->v.container, self->ro, IOVA + BUF_PAGES * PG, PG,
			     VFIO_DMA_MAP_FLAG_READ), 0);
	ASSERT_EQ(tp_dma_read(fd, IOVA + BUF_PAGES * PG - 32, sizeof(back)), 0);
	ASSERT_EQ(tp_data_get(fd, back, sizeof(back)), 0);
	EXPECT_EQ(memcmp(back, self->buf + BUF_PAGES * PG - 32, 32), 0);
	EXPECT_EQ(memcmp(back + 32, self->ro, 32), 0);
}

TEST_F(pin, dma_rw_invalid)
{
	int fd = self->v.device;

	EXPECT_EQ(tp_dma_read(fd, 0, 16), -EINVAL);
	EXPECT_EQ(tp_dma_write(fd, IOVA_WO + PG, 16), -EINVAL);
	/* starts inside, runs into unmapped space */
	EXPECT_EQ(tp_dma_read(fd, IOVA + BUF_PAGES * PG - 8, 16), -EINVAL);
	/* zero length */
	EXPECT_EQ(tp_dma_read(fd, IOVA, 0), -EINVAL);
	/* writes need WRITE, reads need READ */
	EXPECT_EQ(tp_dma_write(fd, IOVA_RO, 16), -EPERM);
	ASSERT_EQ(vu_dma_map(self->v.container, self->ro, IOVA_WO, PG,
			     VFIO_DMA_MAP_FLAG_WRITE), 0);
	EXPECT_EQ(tp_dma_read(fd, IOVA_WO, 16), -EPERM);
	/* the read-only memory is unchanged */
	EXPECT_EQ(self->ro[0], (uint8_t)2);
}

/* ---- RLIMIT_MEMLOCK without CAP_IPC_LOCK -------------------------------- */

TEST_F(pin, memlock_limit)
{
	struct rlimit rl = { .rlim_cur = 2 * PG, .rlim_max = 2 * PG };
	int fd = self->v.device, c = self->v.container, status_ = 0;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint8_t *mem;

		/* the fds stay usable after we give up root */
		ASSERT_EQ(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
		ASSERT_EQ(setresgid(65534, 65534, 65534), 0);
		ASSERT_EQ(setresuid(65534, 65534, 65534), 0);
		mem = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_TRUE(mem != MAP_FAILED);
		memset(mem, 1, 4 * PG);
		/* mapped without CAP_IPC_LOCK, so pins are limited */
		ASSERT_EQ(vu_dma_map(c, mem, IOVA_WO, 4 * PG, RW), 0);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
		ASSERT_EQ(tp_pin(fd, IOVA_WO, 1, TP_PROT_READ), 1);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 4);
		/* 1 + 2 > 2 pages: refused as a whole, nothing more charged */
		EXPECT_EQ(tp_pin(fd, IOVA_WO + PG, 2, TP_PROT_READ), -ENOMEM);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 4);
		EXPECT_EQ(status(fd).pinned_pages, 1);
		/* up to the limit is fine */
		EXPECT_EQ(tp_pin(fd, IOVA_WO + PG, 1, TP_PROT_READ), 1);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 8);
		EXPECT_EQ(tp_pin(fd, IOVA_WO + 2 * PG, 1, TP_PROT_READ), -ENOMEM);
		/* unmapping unpins through dma_unmap() and uncharges */
		EXPECT_EQ(vu_dma_unmap(c, IOVA_WO, 4 * PG, 0, NULL), 0);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
		EXPECT_EQ(status(fd).pinned_pages, 0);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status_, 0), pid);
	EXPECT_TRUE(WIFEXITED(status_) && WEXITSTATUS(status_) == 0);
	EXPECT_EQ(status(fd).pinned_pages, 0);
}

/* ---- type1 v1: no pinning API ------------------------------------------- */

FIXTURE(pin_v1) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	uint8_t *buf;
	uint8_t *ro;
};

FIXTURE_SETUP(pin_v1)
{
	pin_setup((struct th_self_pin *)self, VFIO_TYPE1_IOMMU);
}

FIXTURE_TEARDOWN(pin_v1)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->ro != MAP_FAILED)
		munmap(self->ro, 2 * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

TEST_F(pin_v1, pin_needs_v2)
{
	EXPECT_EQ(tp_pin(self->v.device, IOVA, 1, TP_PROT_READ), -EACCES);
	EXPECT_EQ(status(self->v.device).pinned_pages, 0);
}

TEST_HARNESS_MAIN
