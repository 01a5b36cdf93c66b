// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-amba and vfio-platform on QEMU's arm64 "virt" board, run inside the
 * arm64 VM by tests/arm64/run (not part of the x86 suite: the name does
 * not start with test_).
 *
 * pl031: the board's PL031 RTC at 0x9010000, taken from rtc-pl031 and bound
 *        to vfio-amba.  Its PrimeCell ID registers are read through the
 *        region and through an mmap; its match interrupt (a level IRQ)
 *        arrives on an eventfd, automasked, and is unmasked by ioctl and by
 *        a virqfd; the PL031 reset module quiets it on VFIO_DEVICE_RESET.
 * virtio: an empty virtio-mmio slot at 0xa000000 (no driver wants it),
 *        bound to vfio-platform: a region too small to mmap, an edge IRQ
 *        fired from userspace, and reset_required refusing the device.
 *
 * The VM has no IOMMU, so vfio.ko runs with enable_unsafe_noiommu_mode=1
 * and the groups are /dev/vfio/noiommu-N.
 */
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/vfio.h>
#include "harness.h"

#define PL031_DEV	"9010000.pl031"
#define VIRTIO_DEV	"a000000.virtio_mmio"

#define PL031_DR	0x00
#define PL031_MR	0x04
#define PL031_IMSC	0x10
#define PL031_RIS	0x14
#define PL031_ICR	0x1c

/* ---- sysfs and VFIO plumbing ---------------------------------------- */

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* The name of the driver @dev is bound to, or "" when none. */
static void bound_driver(const char *bus, const char *dev, char *buf,
			 size_t len)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", bus, dev);
	n = readlink(path, link, sizeof(link) - 1);
	buf[0] = 0;
	if (n > 0) {
		link[n] = 0;
		snprintf(buf, len, "%s", basename(link));
	}
}

/* Move @dev to @driver ("" for none, leaving it unbound). */
static int rebind(const char *bus, const char *dev, const char *driver)
{
	char path[256], cur[64];

	bound_driver(bus, dev, cur, sizeof(cur));
	if (cur[0]) {
		snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/unbind",
			 bus, cur);
		if (sysfs_write(path, dev))
			return -1;
	}
	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override",
		 bus, dev);
	if (sysfs_write(path, driver[0] ? driver : "\n"))
		return -1;
	if (!driver[0])
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", bus);
	sysfs_write(path, dev);		/* fails when the probe does */
	bound_driver(bus, dev, cur, sizeof(cur));
	return strcmp(cur, driver) ? -1 : 0;
}

struct vdev {
	int container, group, device;
};

/* Open @dev's noiommu group, a noiommu container and the device fd. */
static int vdev_open(struct vdev *v, const char *bus, const char *dev)
{
	char path[256], link[256];
	ssize_t n;

	v->container = v->group = v->device = -1;
	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/iommu_group",
		 bus, dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%s", basename(link));
	v->group = open(path, O_RDWR);
	v->container = open("/dev/vfio/vfio", O_RDWR);
	if (v->group < 0 || v->container < 0)
		return -1;
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return -1;
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU))
		return -1;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, dev);
	return v->device < 0 ? -1 : 0;
}

static void vdev_close(struct vdev *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->container = v->group = v->device = -1;
}

static uint32_t rd32(int fd, off_t off)
{
	uint32_t val = 0xdeadbeef;

	if (pread(fd, &val, 4, off) != 4)
		return 0xdeadbeef;
	return val;
}

static int wr32(int fd, off_t off, uint32_t val)
{
	return pwrite(fd, &val, 4, off) == 4 ? 0 : -1;
}

static int set_irq_fd(int device, uint32_t action, int fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = {
		.set = {
			.argsz = sizeof(s),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | action,
			.index = 0, .start = 0, .count = 1,
		},
		.fd = fd,
	};

	return ioctl(device, VFIO_DEVICE_SET_IRQS, &s);
}

static int set_irq_none(int device, uint32_t action, uint32_t count)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | action,
		.index = 0, .start = 0, .count = count,
	};

	return ioctl(device, VFIO_DEVICE_SET_IRQS, &set);
}

/* Wait for @efd to count; return the count, 0 on timeout. */
static uint64_t wait_efd(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t cnt = 0;

	if (poll(&p, 1, ms) != 1)
		return 0;
	if (read(efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

/* ---- PL031 through vfio-amba ---------------------------------------- */

FIXTURE(pl031) {
	struct vdev v;
	char orig[64];
};

FIXTURE_SETUP(pl031)
{
	bound_driver("amba", PL031_DEV, self->orig, sizeof(self->orig));
	ASSERT_EQ(rebind("amba", PL031_DEV, "vfio-amba"), 0);
	ASSERT_EQ(vdev_open(&self->v, "amba", PL031_DEV), 0);
}

FIXTURE_TEARDOWN(pl031)
{
	vdev_close(&self->v);
	/* Give the RTC back to its own driver, as the test found it. */
	rebind("amba", PL031_DEV, self->orig);
}

TEST_F(pl031, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_AMBA);
	/* vfio-platform-pl031, loaded on demand, has a reset for it. */
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(access("/sys/module/vfio_platform_pl031", F_OK), 0);
	EXPECT_EQ(info.num_regions, 1);
	EXPECT_EQ(info.num_irqs, 1);
}

TEST_F(pl031, region_info)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &info), 0);
	EXPECT_EQ(info.size, 0x1000);
	EXPECT_EQ(info.offset, 0);
	EXPECT_EQ(info.flags, VFIO_REGION_INFO_FLAG_READ |
		  VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP);

	info.index = 1;
	ASSERT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &info),
		     EINVAL);
}

/* PrimeCell IDs: periph 0x00141031 (PL031 revision 1 of ARM), cell 0xb105f00d. */
static const uint8_t pl031_ids[8] = {
	0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

TEST_F(pl031, read_ids)
{
	uint8_t buf[32];
	int i;

	for (i = 0; i < 8; i++)
		EXPECT_EQ(rd32(self->v.device, 0xfe0 + 4 * i) & 0xff,
			  pl031_ids[i]);

	/* One read of all eight words, split into 4-byte accesses. */
	ASSERT_EQ(pread(self->v.device, buf, sizeof(buf), 0xfe0), 32);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(buf[4 * i], pl031_ids[i]);

	/* 1- and 2-byte accesses reach the device as such. */
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(pread(self->v.device, buf, 1, 0xfe0), 1);
	EXPECT_EQ(buf[0], 0x31);
	ASSERT_EQ(pread(self->v.device, buf, 2, 0xff0), 2);
	EXPECT_EQ(buf[0], 0x0d);
	EXPECT_EQ(buf[1], 0x00);

	/* Past the end of the region, and a region that does not exist. */
	ASSERT_ERRNO(pread(self->v.device, buf, 4, 0x1000), EINVAL);
	ASSERT_ERRNO(pread(self->v.device, buf, 4, 1ULL << 40), EINVAL);
}

TEST_F(pl031, mmap_ids)
{
	volatile uint32_t *regs;
	uint32_t mapped;
	int i;

	regs = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED,
		    self->v.device, 0);
	ASSERT_NE(regs, MAP_FAILED);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(regs[(0xfe0 >> 2) + i] & 0xff, pl031_ids[i]);
	/* The counter moves in the mapping as in the region. */
	mapped = regs[PL031_DR >> 2];
	EXPECT_LE(rd32(self->v.device, PL031_DR) - mapped, 1);
	munmap((void *)regs, 0x1000);

	/* A private mapping or one past the region is refused. */
	ASSERT_EQ(mmap(NULL, 0x1000, PROT_READ, MAP_PRIVATE,
		       self->v.device, 0), MAP_FAILED);
	ASSERT_EQ(mmap(NULL, 0x2000, PROT_READ, MAP_SHARED,
		       self->v.device, 0), MAP_FAILED);
}

TEST_F(pl031, irq_info)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
	EXPECT_EQ(info.count, 1);
	/* The PL031's line is level-triggered on this board. */
	EXPECT_EQ(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		  VFIO_IRQ_INFO_AUTOMASKED);
}

/* Arm the match a second or two ahead and enable the interrupt. */
static int pl031_arm(int device)
{
	uint32_t now = rd32(device, PL031_DR);

	if (wr32(device, PL031_ICR, 1) || wr32(device, PL031_MR, now + 1) ||
	    wr32(device, PL031_IMSC, 1))
		return -1;
	return 0;
}

TEST_F(pl031, match_interrupt)
{
	int trig = eventfd(0, EFD_NONBLOCK), unmask = eventfd(0, EFD_NONBLOCK);
	int dev = self->v.device;

	ASSERT_GE(trig, 0);
	ASSERT_GE(unmask, 0);
	ASSERT_EQ(set_irq_fd(dev, VFIO_IRQ_SET_ACTION_TRIGGER, trig), 0);

	/* 1: the match fires; the line is automasked while it stays up. */
	ASSERT_EQ(pl031_arm(dev), 0);
	ASSERT_EQ(wait_efd(trig, 5000), 1);
	EXPECT_EQ(rd32(dev, PL031_RIS), 1);
	EXPECT_EQ(wait_efd(trig, 300), 0);
	/* Quiet the device, then unmask by ioctl. */
	ASSERT_EQ(wr32(dev, PL031_ICR, 1), 0);
	ASSERT_EQ(set_irq_none(dev, VFIO_IRQ_SET_ACTION_UNMASK, 1), 0);

	/* 2: again, unmasked this time through a virqfd. */
	ASSERT_EQ(set_irq_fd(dev, VFIO_IRQ_SET_ACTION_UNMASK, unmask), 0);
	ASSERT_EQ(pl031_arm(dev), 0);
	ASSERT_EQ(wait_efd(trig, 5000), 1);
	ASSERT_EQ(wr32(dev, PL031_ICR, 1), 0);
	ASSERT_EQ(eventfd_write(unmask, 1), 0);

	/* 3: only arrives if the virqfd did unmask. */
	ASSERT_EQ(pl031_arm(dev), 0);
	ASSERT_EQ(wait_efd(trig, 5000), 1);
	ASSERT_EQ(wr32(dev, PL031_IMSC, 0), 0);
	ASSERT_EQ(wr32(dev, PL031_ICR, 1), 0);

	/* Masked by userspace: a fired match stays unsignalled. */
	ASSERT_EQ(eventfd_write(unmask, 1), 0);
	ASSERT_EQ(set_irq_none(dev, VFIO_IRQ_SET_ACTION_MASK, 1), 0);
	ASSERT_EQ(pl031_arm(dev), 0);
	EXPECT_EQ(wait_efd(trig, 2500), 0);
	EXPECT_EQ(rd32(dev, PL031_RIS), 1);
	ASSERT_EQ(wr32(dev, PL031_IMSC, 0), 0);
	ASSERT_EQ(wr32(dev, PL031_ICR, 1), 0);
	ASSERT_EQ(set_irq_none(dev, VFIO_IRQ_SET_ACTION_UNMASK, 1), 0);

	/* Tear down: the virqfd, then the trigger (DATA_NONE, count 0). */
	ASSERT_EQ(set_irq_fd(dev, VFIO_IRQ_SET_ACTION_UNMASK, -1), 0);
	ASSERT_EQ(set_irq_none(dev, VFIO_IRQ_SET_ACTION_TRIGGER, 0), 0);
	close(trig);
	close(unmask);
}

TEST_F(pl031, reset)
{
	int dev = self->v.device;

	ASSERT_EQ(wr32(dev, PL031_IMSC, 1), 0);
	ASSERT_EQ(rd32(dev, PL031_IMSC), 1);
	ASSERT_EQ(ioctl(dev, VFIO_DEVICE_RESET), 0);
	EXPECT_EQ(rd32(dev, PL031_IMSC), 0);
}

/* ---- a virtio-mmio slot through vfio-platform ----------------------- */

FIXTURE(virtio) {
	struct vdev v;
};

FIXTURE_SETUP(virtio)
{
	ASSERT_EQ(rebind("platform", VIRTIO_DEV, "vfio-platform"), 0);
	ASSERT_EQ(vdev_open(&self->v, "platform", VIRTIO_DEV), 0);
}

FIXTURE_TEARDOWN(virtio)
{
	vdev_close(&self->v);
	rebind("platform", VIRTIO_DEV, "");
}

TEST_F(virtio, info_and_region)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info reg = { .argsz = sizeof(reg) };
	void *map;

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_EQ(info.flags, VFIO_DEVICE_FLAGS_PLATFORM);
	EXPECT_EQ(info.num_regions, 1);
	EXPECT_EQ(info.num_irqs, 1);
	ASSERT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_RESET), EINVAL);

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &reg), 0);
	EXPECT_EQ(reg.size, 0x200);
	/* Smaller than a page: read and write only. */
	EXPECT_EQ(reg.flags, VFIO_REGION_INFO_FLAG_READ |
		  VFIO_REGION_INFO_FLAG_WRITE);
	map = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, self->v.device, 0);
	EXPECT_EQ(map, MAP_FAILED);

	EXPECT_EQ(rd32(self->v.device, 0), 0x74726976);	/* "virt" */
	EXPECT_EQ(rd32(self->v.device, 8), 0);		/* no device */
}

TEST_F(virtio, edge_irq)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	int efd = eventfd(0, EFD_NONBLOCK);

	ASSERT_GE(efd, 0);
	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
	EXPECT_EQ(info.flags, VFIO_IRQ_INFO_EVENTFD);

	/* An edge IRQ cannot be masked. */
	ASSERT_ERRNO(set_irq_none(self->v.device, VFIO_IRQ_SET_ACTION_MASK, 1),
		     EINVAL);

	/* No interrupt source here: userspace fires it (loopback). */
	ASSERT_EQ(set_irq_fd(self->v.device, VFIO_IRQ_SET_ACTION_TRIGGER, efd), 0);
	ASSERT_EQ(set_irq_none(self->v.device, VFIO_IRQ_SET_ACTION_TRIGGER, 1), 0);
	EXPECT_EQ(wait_efd(efd, 1000), 1);
	ASSERT_EQ(set_irq_fd(self->v.device, VFIO_IRQ_SET_ACTION_TRIGGER, -1), 0);
	close(efd);
}

/* reset_required=1 (the default) refuses a device without a reset. */
TEST(virtio_reset_required)
{
	ASSERT_EQ(system("rmmod vfio-platform && insmod /modules/vfio-platform.ko"), 0);
	EXPECT_NE(rebind("platform", VIRTIO_DEV, "vfio-platform"), 0);
	rebind("platform", VIRTIO_DEV, "");
	ASSERT_EQ(system("rmmod vfio-platform && "
			 "insmod /modules/vfio-platform.ko reset_required=0"), 0);
}

TEST_HARNESS_MAIN
