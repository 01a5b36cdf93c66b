// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace - the tracepoints of vfio.ko (system "vfio") and mdev.ko
 * (system "mdev"): they exist in tracefs, and each fires with the fields
 * Documentation/observability.rst promises when mdev_testparent creates,
 * opens, pins and removes a device, and when a region access fails.
 */
#include "harness.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include "../core/testparent.h"
#include "observe.h"

#define PG		4096ULL
#define IOVA		0x10000000ULL
#define IOVA_UNMAPPED	0x50000000ULL
#define BUF_PAGES	4

static const char *const vfio_events[] = {
	"vfio_device_open", "vfio_device_close", "vfio_region_access_error",
	"vfio_pin_pages", "vfio_unpin_pages",
};
static const char *const mdev_events[] = { "mdev_create", "mdev_remove" };

TEST(events_exist)
{
	char path[256], *fmt;
	size_t i;

	ASSERT_EQ(obs_mount(), 0);
	for (i = 0; i < sizeof(vfio_events) / sizeof(vfio_events[0]); i++) {
		snprintf(path, sizeof(path), OBS_TRACEFS "/events/vfio/%s/format",
			 vfio_events[i]);
		fmt = obs_slurp(path);
		ASSERT_TRUE(fmt != NULL);
		TH_LOG("%s", vfio_events[i]);
		EXPECT_TRUE(strstr(fmt, "__data_loc char[] name;") != NULL);
		if (!strcmp(vfio_events[i], "vfio_region_access_error")) {
			EXPECT_TRUE(strstr(fmt, "u32 region;") != NULL);
			EXPECT_TRUE(strstr(fmt, "u64 offset;") != NULL);
		}
		free(fmt);
	}
	for (i = 0; i < sizeof(mdev_events) / sizeof(mdev_events[0]); i++) {
		snprintf(path, sizeof(path), OBS_TRACEFS "/events/mdev/%s/format",
			 mdev_events[i]);
		fmt = obs_slurp(path);
		ASSERT_TRUE(fmt != NULL);
		EXPECT_TRUE(strstr(fmt, "u8 uuid[16];") != NULL);
		EXPECT_TRUE(strstr(fmt, "__data_loc char[] parent;") != NULL);
		EXPECT_TRUE(strstr(fmt, "int ret;") != NULL);
		free(fmt);
	}
}

FIXTURE(trace) {
	char uuid[VU_UUID_LEN + 1];
	char dev[64];		/* "device=<uuid> " */
	struct vu_vfio v;
	uint8_t *buf;
};

FIXTURE_SETUP(trace)
{
	self->v.container = self->v.group = self->v.device = -1;
	self->buf = MAP_FAILED;
	ASSERT_EQ(obs_mount(), 0);
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(obs_trace_enable("vfio", 1), 0);
	ASSERT_EQ(obs_trace_enable("mdev", 1), 0);
	ASSERT_EQ(obs_trace_clear(), 0);
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	snprintf(self->dev, sizeof(self->dev), "device=%s ", self->uuid);
}

FIXTURE_TEARDOWN(trace)
{
	if (tp_loaded())
		tp_set_fail_open(0);
	vu_vfio_close(&self->v);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, BUF_PAGES * PG);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
	obs_trace_enable("vfio", 0);
	obs_trace_enable("mdev", 0);
}

TEST_F(trace, mdev_create_remove)
{
	char want[256];

	snprintf(want, sizeof(want), "uuid=%s parent=%s type=%s ret=0",
		 self->uuid, TP_PARENT, TP_TYPE_SMALL);
	ASSERT_TRUE(obs_trace_has("mdev_create", want, NULL));

	/* A failed create is traced with its errno. */
	ASSERT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, self->uuid), -EEXIST);
	snprintf(want, sizeof(want), "uuid=%s parent=%s type=%s ret=-17",
		 self->uuid, TP_PARENT, TP_TYPE_SMALL);
	ASSERT_TRUE(obs_trace_has("mdev_create", want, NULL));

	ASSERT_EQ(vu_mdev_remove(self->uuid), 0);
	snprintf(want, sizeof(want), "uuid=%s parent=%s type=%s ret=0",
		 self->uuid, TP_PARENT, TP_TYPE_SMALL);
	self->uuid[0] = '\0';
	ASSERT_TRUE(obs_trace_has("mdev_remove", want, NULL));
}

TEST_F(trace, open_close)
{
	int fd2;

	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	ASSERT_TRUE(obs_trace_has("vfio_device_open", self->dev, " open_count=1 ret=0"));

	fd2 = vu_group_get_device(self->v.group, self->uuid);
	ASSERT_GE(fd2, 0);
	ASSERT_TRUE(obs_trace_has("vfio_device_open", self->dev, " open_count=2 ret=0"));
	close(fd2);
	ASSERT_TRUE(obs_trace_has("vfio_device_close", self->dev, " open_count=1 ret=0"));
	close(self->v.device);
	self->v.device = -1;
	ASSERT_TRUE(obs_trace_has("vfio_device_close", self->dev, " open_count=0 ret=0"));

	/* open_device() failing: the errno, and nothing left open. */
	ASSERT_EQ(tp_set_fail_open(EIO), 0);
	ASSERT_EQ(vu_group_get_device(self->v.group, self->uuid), -EIO);
	ASSERT_TRUE(obs_trace_has("vfio_device_open", self->dev, " open_count=0 ret=-5"));
}

TEST_F(trace, region_access_error)
{
	uint32_t val = 0;

	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	/* Region 1 (BAR1) has size 0. */
	ASSERT_ERRNO(pread(self->v.device, &val, 4, TP_REGION_OFF(1)), EINVAL);
	ASSERT_TRUE(obs_trace_has("vfio_region_access_error", self->dev,
				  "read region=1 offset=0x0 count=4 ret=-22"));
	/* Across the end of BAR0. */
	ASSERT_ERRNO(pwrite(self->v.device, &val, 4, TP_BAR0_OFF + TP_BAR0_SIZE - 2), EINVAL);
	ASSERT_TRUE(obs_trace_has("vfio_region_access_error", self->dev,
				  "write region=0 offset=0x7ffe count=4 ret=-22"));
	/* A good access is not an error. */
	ASSERT_EQ(pread(self->v.device, &val, 4, TP_CFG_OFF), 4);
	EXPECT_FALSE(obs_trace_has("vfio_region_access_error", self->dev, "region=7"));
}

TEST_F(trace, pin_unpin)
{
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	self->buf = mmap(NULL, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	ASSERT_EQ(vu_dma_map(self->v.container, self->buf, IOVA, BUF_PAGES * PG,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);

	ASSERT_EQ(tp_pin(self->v.device, IOVA, 2, TP_PROT_READ | TP_PROT_WRITE), 2);
	ASSERT_TRUE(obs_trace_has("vfio_pin_pages", self->dev,
				  "iova=0x10000000 npage=2 prot=rw ret=2"));
	ASSERT_EQ(tp_unpin(self->v.device, IOVA, 2), 0);
	ASSERT_TRUE(obs_trace_has("vfio_unpin_pages", self->dev, "iova=0x10000000 npage=2"));

	/* Failures: the backend's (nothing mapped) and the core's (too many). */
	ASSERT_EQ(tp_pin(self->v.device, IOVA_UNMAPPED, 1, TP_PROT_READ), -EINVAL);
	ASSERT_TRUE(obs_trace_has("vfio_pin_pages", self->dev,
				  "iova=0x50000000 npage=1 prot=r ret=-22"));
	ASSERT_EQ(tp_pin(self->v.device, IOVA, 1000, TP_PROT_READ), -E2BIG);
	ASSERT_TRUE(obs_trace_has("vfio_pin_pages", self->dev,
				  "iova=0x10000000 npage=1000 prot=r ret=-7"));
}

/*
 * A parent that unregisters removes its devices, and each removal is
 * traced.  The out-of-tree example driver is the parent we may unload.
 */
#define HELLO_KO	"Documentation/examples/mdev-hello/mdev_hello.ko"

TEST(parent_unload)
{
	char uuid[VU_UUID_LEN + 1], want[128], cmd[4096];
	const char *top = getenv("TOP");
	int status;

	ASSERT_EQ(obs_mount(), 0);
	if (access(HELLO_KO, R_OK) && (!top || chdir(top) || access(HELLO_KO, R_OK)))
		SKIP("%s is not built (make example)", HELLO_KO);
	snprintf(cmd, sizeof(cmd), "insmod %s", HELLO_KO);
	status = system(cmd);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (vu_mdev_create("mdev_hello", "mdev_hello-mem", uuid)) {
		system("rmmod mdev_hello");
		ASSERT_TRUE(0);
	}
	ASSERT_EQ(obs_trace_enable("mdev", 1), 0);
	ASSERT_EQ(obs_trace_clear(), 0);
	status = system("rmmod mdev_hello");
	obs_trace_enable("mdev", 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(want, sizeof(want), "uuid=%s parent=", uuid);
	ASSERT_TRUE(obs_trace_has("mdev_remove", want, " type=mdev_hello-mem ret=0"));
}

TEST_HARNESS_MAIN
