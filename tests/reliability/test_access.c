// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_access - what an unprivileged user may do.
 *
 * As nobody (uid/gid 65534, no capabilities, in a forked child):
 * - /dev/vfio/N of a new device (root, 0600) cannot be opened (EACCES), nor
 *   can the mdev sysfs files be written (create, remove: EACCES);
 * - once root gives the group node to nobody, nobody can open the group,
 *   attach a container (/dev/vfio/vfio is 0666), select type1 and get the
 *   device fd; the device node owner does not let it write sysfs;
 * - a user who mapped memory without CAP_IPC_LOCK cannot have more than
 *   RLIMIT_MEMLOCK pinned for it: the pin past the limit fails with ENOMEM,
 *   charges nothing (VmLck) and pins nothing (the test parent's counter);
 *   and when that user exits with pages still pinned, the pins and the
 *   charge go away with its fds.
 */
#include "harness.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../core/testparent.h"

#define NOBODY		65534
#define PG		4096ULL
#define IOVA		0x40000000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

FIXTURE(access) {
	char uuid[VU_UUID_LEN + 1];
	int group_nr;
	char node[64];
};

FIXTURE_SETUP(access)
{
	self->uuid[0] = '\0';
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	self->group_nr = vu_mdev_group(self->uuid);
	ASSERT_GE(self->group_nr, 0);
	snprintf(self->node, sizeof(self->node), "/dev/vfio/%d", self->group_nr);
}

FIXTURE_TEARDOWN(access)
{
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

static void become_nobody(void)
{
	ASSERT_EQ(setgroups(0, NULL), 0);
	ASSERT_EQ(setresgid(NOBODY, NOBODY, NOBODY), 0);
	ASSERT_EQ(setresuid(NOBODY, NOBODY, NOBODY), 0);
	ASSERT_NE(geteuid(), 0);
}

/* Runs the block as nobody in a child; the test fails if the child did. */
#define AS_NOBODY(...)							\
	do {								\
		int st_ = 0;						\
		pid_t pid_ = fork();					\
		ASSERT_GE(pid_, 0);					\
		if (pid_ == 0) {					\
			become_nobody();				\
			__VA_ARGS__;					\
			_exit(0);					\
		}							\
		ASSERT_EQ(waitpid(pid_, &st_, 0), pid_);		\
		ASSERT_TRUE(WIFEXITED(st_) && WEXITSTATUS(st_) == 0);	\
	} while (0)

static void type_file(char *buf, size_t len, const char *file)
{
	vu_type_path(buf, len, TP_PARENT, TP_TYPE_SMALL);
	strncat(buf, file, len - strlen(buf) - 1);
}

TEST_F(access, refused_without_permission)
{
	struct stat st;
	char create[512], remove[512], uuid2[VU_UUID_LEN + 1];

	ASSERT_EQ(stat(self->node, &st), 0);
	EXPECT_EQ(st.st_uid, 0);
	EXPECT_EQ(st.st_mode & 0077, 0);
	type_file(create, sizeof(create), "/create");
	snprintf(remove, sizeof(remove), VU_MDEV_BUS "/%s/remove", self->uuid);
	vu_uuid_random(uuid2);

	AS_NOBODY({
		int c;

		ASSERT_ERRNO(open(self->node, O_RDWR), EACCES);
		/* the container node is for everyone, but gives nothing alone */
		c = open("/dev/vfio/vfio", O_RDWR);
		ASSERT_GE(c, 0);
		ASSERT_EQ(ioctl(c, VFIO_GET_API_VERSION), VFIO_API_VERSION);
		ASSERT_ERRNO(ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), EINVAL);
		close(c);
		ASSERT_EQ(vu_sysfs_write(create, uuid2), -EACCES);
		ASSERT_EQ(vu_sysfs_write(remove, "1"), -EACCES);
	});
	EXPECT_TRUE(vu_mdev_exists(self->uuid));
	EXPECT_FALSE(vu_mdev_exists(uuid2));
}

TEST_F(access, granted_group_node)
{
	char remove[512];

	snprintf(remove, sizeof(remove), VU_MDEV_BUS "/%s/remove", self->uuid);
	ASSERT_EQ(chown(self->node, NOBODY, NOBODY), 0);

	AS_NOBODY({
		struct vu_vfio v;
		uint32_t id = 0;

		ASSERT_EQ(vu_vfio_open(&v, self->uuid), 0);
		ASSERT_EQ(pread(v.device, &id, 4, TP_CFG_OFF), 4);
		ASSERT_EQ(id, TP_PCI_VENDOR | TP_PCI_DEVICE << 16);
		/* owning the device does not make sysfs writable */
		ASSERT_EQ(vu_sysfs_write(remove, "1"), -EACCES);
		vu_vfio_close(&v);
	});
	/* group permission taken back: refused again */
	ASSERT_EQ(chown(self->node, 0, 0), 0);
	AS_NOBODY({
		ASSERT_ERRNO(open(self->node, O_RDWR), EACCES);
	});
}

static long pinned_now(const char *uuid)
{
	struct tp_status st;
	struct vu_vfio v;
	long n;

	if (vu_vfio_open(&v, uuid))
		return -1;
	n = tp_status(v.device, &st) ? -1 : (long)st.pinned_pages;
	vu_vfio_close(&v);
	return n;
}

TEST_F(access, memlock_as_nobody)
{
	ASSERT_EQ(chown(self->node, NOBODY, NOBODY), 0);

	AS_NOBODY({
		struct rlimit rl = { .rlim_cur = 4 * PG, .rlim_max = 4 * PG };
		struct tp_status st;
		struct vu_vfio v;
		uint8_t *mem;
		long base;

		ASSERT_EQ(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
		ASSERT_EQ(vu_vfio_open(&v, self->uuid), 0);
		mem = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_TRUE(mem != MAP_FAILED);
		memset(mem, 7, 64 * PG);
		/* mapping charges nothing: pins are what count */
		ASSERT_EQ(vu_dma_map(v.container, mem, IOVA, 64 * PG, RW), 0);
		base = vu_proc_status_kb("VmLck");
		ASSERT_EQ(base, 0);
		/* far past the limit, then just past it */
		EXPECT_EQ(tp_pin(v.device, IOVA, 32, TP_PROT_READ), -ENOMEM);
		EXPECT_EQ(tp_pin(v.device, IOVA, 5, TP_PROT_READ), -ENOMEM);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
		ASSERT_EQ(tp_status(v.device, &st), 0);
		EXPECT_EQ(st.pinned_pages, 0);
		/* exactly the limit works */
		EXPECT_EQ(tp_pin(v.device, IOVA, 4, TP_PROT_READ | TP_PROT_WRITE), 4);
		EXPECT_EQ(vu_proc_status_kb("VmLck"), 16);
		EXPECT_EQ(tp_pin(v.device, IOVA + 4 * PG, 1, TP_PROT_READ), -ENOMEM);
		ASSERT_EQ(tp_status(v.device, &st), 0);
		EXPECT_EQ(st.pinned_pages, 4);
		/* raising the soft limit is not allowed past the hard one */
		rl.rlim_cur = 8 * PG;
		EXPECT_ERRNO(setrlimit(RLIMIT_MEMLOCK, &rl), EINVAL);
		/* exit with 4 pages pinned: closing the fds must undo it */
	});
	ASSERT_EQ(chown(self->node, 0, 0), 0);
	EXPECT_EQ(pinned_now(self->uuid), 0);
}

TEST_HARNESS_MAIN
