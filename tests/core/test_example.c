// SPDX-License-Identifier: GPL-2.0-only
/*
 * The out-of-tree example vendor driver (Documentation/examples/mdev-hello),
 * built against our headers the way a vendor builds, loads and works: a
 * device is created through sysfs, its one region is written and read back
 * through the device fd, RESET clears it, and the module unloads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"

#define HELLO_KO	"Documentation/examples/mdev-hello/mdev_hello.ko"

static int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(hello) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int loaded;
};

FIXTURE_SETUP(hello)
{
	char cmd[4096];
	const char *top = getenv("TOP");

	self->v.container = self->v.group = self->v.device = -1;
	self->uuid[0] = '\0';
	snprintf(cmd, sizeof(cmd), "insmod %s/%s", top ? top : ".", HELLO_KO);
	if (access(HELLO_KO, R_OK) && (!top || chdir(top) || access(HELLO_KO, R_OK)))
		SKIP("%s is not built (make example)", HELLO_KO);
	ASSERT_EQ(run(cmd), 0);
	self->loaded = 1;
	ASSERT_EQ(vu_mdev_create("mdev_hello", "mdev_hello-mem", self->uuid), 0);
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
}

FIXTURE_TEARDOWN(hello)
{
	vu_vfio_close(&self->v);
	if (self->uuid[0])
		vu_mdev_remove(self->uuid);
	if (self->loaded)
		EXPECT_EQ(run("rmmod mdev_hello"), 0);
}

TEST_F(hello, info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info region;

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PLATFORM);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(info.num_regions, 1);
	EXPECT_EQ(info.num_irqs, 0);
	ASSERT_EQ(vu_region_info(self->v.device, 0, &region), 0);
	EXPECT_EQ(region.size, (unsigned long long)sysconf(_SC_PAGESIZE));
	EXPECT_EQ(vu_region_info(self->v.device, 1, &region), -EINVAL);
}

TEST_F(hello, write_read_reset)
{
	char out[32] = "hello through the device fd", in[32];
	long page = sysconf(_SC_PAGESIZE);

	ASSERT_EQ(pwrite(self->v.device, out, sizeof(out), 100), sizeof(out));
	ASSERT_EQ(pread(self->v.device, in, sizeof(in), 100), sizeof(in));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);

	/* The end of the region is the end. */
	ASSERT_ERRNO(pread(self->v.device, in, 2, page - 1), EINVAL);
	ASSERT_ERRNO(pwrite(self->v.device, out, 1, page), EINVAL);

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_RESET), 0);
	ASSERT_EQ(pread(self->v.device, in, sizeof(in), 100), sizeof(in));
	memset(out, 0, sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

TEST_F(hello, instances_are_counted)
{
	/* max_instances is 4 and one device exists. */
	EXPECT_EQ(vu_mdev_available("mdev_hello", "mdev_hello-mem"), 3);
}

TEST_HARNESS_MAIN
