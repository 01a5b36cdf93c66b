// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_debugfs - /sys/kernel/debug/vfio/{groups,devices}: read-only, and
 * the lines of a device and its group follow it through create, open,
 * pin, unpin, close and remove (Documentation/observability.rst).
 */
#include "harness.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include "../core/testparent.h"
#include "observe.h"

#define PG		4096ULL
#define IOVA		0x10000000ULL
#define BUF_PAGES	4

TEST(layout)
{
	static const char *const files[] = { "groups", "devices" };
	struct stat st;
	size_t i;
	int fd;

	ASSERT_EQ(obs_mount(), 0);
	ASSERT_EQ(stat(OBS_VFIO_DEBUG, &st), 0);
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	for (i = 0; i < 2; i++) {
		char path[128];

		snprintf(path, sizeof(path), OBS_VFIO_DEBUG "/%s", files[i]);
		ASSERT_EQ(stat(path, &st), 0);
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(st.st_mode & 0777, 0400);
		/* Read-only even for root, who may open it for writing. */
		fd = open(path, O_WRONLY);
		if (fd >= 0) {
			EXPECT_EQ(write(fd, "1", 1), -1);
			close(fd);
		}
	}
}

FIXTURE(dbg) {
	char uuid[VU_UUID_LEN + 1];
	char group[16];
	struct vu_vfio v;
	uint8_t *buf;
};

FIXTURE_SETUP(dbg)
{
	int nr;

	self->v.container = self->v.group = self->v.device = -1;
	self->buf = MAP_FAILED;
	ASSERT_EQ(obs_mount(), 0);
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	nr = vu_mdev_group(self->uuid);
	ASSERT_GE(nr, 0);
	snprintf(self->group, sizeof(self->group), "%d", nr);
}

FIXTURE_TEARDOWN(dbg)
{
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

/* Field @key of @name's line in @file, or "" when either is missing. */
static const char *field(const char *file, const char *name, const char *key)
{
	static char val[128];
	char line[512];

	val[0] = '\0';
	if (obs_debugfs_line(file, name, line, sizeof(line)) ||
	    obs_field(line, key, val, sizeof(val)))
		return "";
	TH_LOG("%s: %s", file, line);
	return val;
}

#define EXPECT_FIELD(file, name, key, want) \
	EXPECT_EQ(strcmp(field(file, name, key), want), 0)

TEST_F(dbg, lifecycle)
{
	char line[512], vfio[32];
	int fd2;

	/* Registered, not open. */
	EXPECT_FIELD("devices", self->uuid, "group", self->group);
	EXPECT_FIELD("devices", self->uuid, "driver", TP_DRIVER);
	EXPECT_FIELD("devices", self->uuid, "open_count", "0");
	EXPECT_FIELD("devices", self->uuid, "pinned_pages", "0");
	snprintf(vfio, sizeof(vfio), "%s", field("devices", self->uuid, "vfio"));
	EXPECT_EQ(strncmp(vfio, "vfio", 4), 0);
	EXPECT_FIELD("groups", self->group, "type", "emulated");
	EXPECT_FIELD("groups", self->group, "fd", "closed");
	EXPECT_FIELD("groups", self->group, "container", "none");
	EXPECT_FIELD("groups", self->group, "devices", "1");

	/* Open through a type1v2 container. */
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	EXPECT_FIELD("devices", self->uuid, "open_count", "1");
	EXPECT_FIELD("groups", self->group, "fd", "open");
	EXPECT_FIELD("groups", self->group, "iommu", "vfio-iommu-type1");
	EXPECT_FIELD("groups", self->group, "container_users", "2");
	EXPECT_NE(strcmp(field("groups", self->group, "container"), "none"), 0);

	fd2 = vu_group_get_device(self->v.group, self->uuid);
	ASSERT_GE(fd2, 0);
	EXPECT_FIELD("devices", self->uuid, "open_count", "2");
	EXPECT_FIELD("groups", self->group, "container_users", "3");
	close(fd2);
	EXPECT_FIELD("devices", self->uuid, "open_count", "1");

	/* Pins are counted per device, pages not calls. */
	self->buf = mmap(NULL, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, BUF_PAGES * PG,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(tp_pin(self->v.device, IOVA, 3, TP_PROT_READ), 3);
	EXPECT_FIELD("devices", self->uuid, "pinned_pages", "3");
	ASSERT_EQ(tp_pin(self->v.device, IOVA + 3 * PG, 1, TP_PROT_READ), 1);
	EXPECT_FIELD("devices", self->uuid, "pinned_pages", "4");
	ASSERT_EQ(tp_unpin(self->v.device, IOVA, 3), 0);
	EXPECT_FIELD("devices", self->uuid, "pinned_pages", "1");
	/* A failed pin changes nothing. */
	ASSERT_LT(tp_pin(self->v.device, 0x50000000ULL, 1, TP_PROT_READ), 0);
	EXPECT_FIELD("devices", self->uuid, "pinned_pages", "1");
	/* Unmapping makes the driver unpin in dma_unmap(). */
	ASSERT_EQ(vu_dma_unmap(self->v.container, IOVA, BUF_PAGES * PG, 0, NULL), 0);
	EXPECT_FIELD("devices", self->uuid, "pinned_pages", "0");

	/* Closed again; then gone. */
	vu_vfio_close(&self->v);
	EXPECT_FIELD("devices", self->uuid, "open_count", "0");
	EXPECT_FIELD("groups", self->group, "fd", "closed");
	EXPECT_FIELD("groups", self->group, "container", "none");
	ASSERT_EQ(vu_mdev_remove(self->uuid), 0);
	EXPECT_EQ(obs_debugfs_line("devices", self->uuid, line, sizeof(line)), -ENOENT);
	EXPECT_EQ(obs_debugfs_line("groups", self->group, line, sizeof(line)), -ENOENT);
	self->uuid[0] = '\0';
}

TEST_HARNESS_MAIN
