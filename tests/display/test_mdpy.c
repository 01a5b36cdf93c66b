// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mdpy - the uAPI of the mdpy display sample, seen from userspace.
 *
 * The "mdpy" fixture creates one device of the variant's type and opens
 * it; every TEST_F runs once per type.  The plain TESTs manage their own
 * devices (the instance pool).
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko and samples/mdpy.ko with
 * the default max_devices=4 (tests/modules.load).
 */
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "harness.h"
#include "vfio_util.h"
#include "display.h"
#include "../../samples/mdpy_defs.h"

#define PARENT		"mdpy"
#define MAX_DEVICES	4	/* the module's default */

FIXTURE(mdpy) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int fd;			/* == v.device */
	uint32_t *fb;		/* BAR0 mapped, or MAP_FAILED */
	uint64_t fb_size;
};

FIXTURE_VARIANT(mdpy) {
	const char *type;
	uint32_t width;
	uint32_t height;
};

FIXTURE_VARIANT_ADD(mdpy, vga) { .type = "mdpy-vga", .width = 640, .height = 480 };
FIXTURE_VARIANT_ADD(mdpy, xga) { .type = "mdpy-xga", .width = 1024, .height = 768 };
FIXTURE_VARIANT_ADD(mdpy, hd) { .type = "mdpy-hd", .width = 1920, .height = 1080 };

FIXTURE_SETUP(mdpy)
{
	self->fd = -1;
	self->fb = MAP_FAILED;
	disp_open(PARENT, variant->type, self->uuid, &self->v);
	self->fd = self->v.device;
	self->fb_size = disp_region_size(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	ASSERT_GT(self->fb_size, 0);
}

FIXTURE_TEARDOWN(mdpy)
{
	if (self->fb != MAP_FAILED)
		munmap(self->fb, self->fb_size);
	disp_close(self->uuid, &self->v);
}

static uint32_t *map_fb(int fd, uint64_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    disp_region_offset(fd, VFIO_PCI_BAR0_REGION_INDEX));
}

/* Checks both edges of each bar on a few lines; returns the bad pixel count. */
static int check_bars(const uint32_t *fb, uint32_t width, uint32_t height)
{
	uint32_t lines[] = { 0, height / 2, height - 1 };
	int bad = 0;
	unsigned int i, b;

	for (i = 0; i < 3; i++) {
		const uint32_t *line = fb + (size_t)lines[i] * width;

		for (b = 0; b < MDPY_BARS; b++) {
			uint32_t first = (b * width + MDPY_BARS - 1) / MDPY_BARS;
			uint32_t last = ((b + 1) * width + MDPY_BARS - 1) / MDPY_BARS - 1;

			if (line[first] != (uint32_t)MDPY_BAR_COLOUR(b) ||
			    line[last] != (uint32_t)MDPY_BAR_COLOUR(b)) {
				TH_LOG("line %u bar %u: %08x..%08x, want %08x",
				       lines[i], b, line[first], line[last],
				       (uint32_t)MDPY_BAR_COLOUR(b));
				bad++;
			}
		}
	}
	return bad;
}

/* ---- device and region info ------------------------------------------ */

TEST_F(mdpy, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->fd, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(info.num_regions, VFIO_PCI_NUM_REGIONS);
	EXPECT_EQ(info.num_irqs, VFIO_PCI_NUM_IRQS);

	info.argsz = 4;
	ASSERT_ERRNO(ioctl(self->fd, VFIO_DEVICE_GET_INFO, &info), EINVAL);
}

TEST_F(mdpy, region_info)
{
	uint64_t min = (uint64_t)variant->width * 4 * variant->height;
	struct vfio_region_info info;
	unsigned int i;

	ASSERT_EQ(vu_region_info(self->fd, VFIO_PCI_CONFIG_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.size, 256);
	EXPECT_EQ(info.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);

	ASSERT_EQ(vu_region_info(self->fd, VFIO_PCI_BAR0_REGION_INDEX, &info), 0);
	EXPECT_GE(info.size, min);
	EXPECT_EQ(info.size & (info.size - 1), 0);	/* a power of two */
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);

	for (i = VFIO_PCI_BAR1_REGION_INDEX; i < VFIO_PCI_NUM_REGIONS; i++) {
		if (i == VFIO_PCI_CONFIG_REGION_INDEX)
			continue;
		ASSERT_EQ(vu_region_info(self->fd, i, &info), 0);
		EXPECT_EQ(info.size, 0);
	}
	ASSERT_EQ(vu_region_info(self->fd, VFIO_PCI_NUM_REGIONS, &info), -EINVAL);
}

TEST_F(mdpy, irqs)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.count = 1,
	};
	struct vfio_irq_info info;
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ASSERT_EQ(vu_irq_info(self->fd, i, &info), 0);
		EXPECT_EQ(info.count, 0);
	}
	ASSERT_EQ(vu_irq_info(self->fd, VFIO_PCI_NUM_IRQS, &info), -EINVAL);
	ASSERT_ERRNO(ioctl(self->fd, VFIO_DEVICE_SET_IRQS, &set), EINVAL);
}

/* ---- config space ------------------------------------------------------ */

TEST_F(mdpy, config_identity)
{
	int fd = self->fd;
	uint32_t val;

	EXPECT_EQ(disp_cfg32(fd, PCI_VENDOR_ID),
		  MDPY_PCI_VENDOR_ID | MDPY_PCI_DEVICE_ID << 16);
	EXPECT_EQ(disp_cfg32(fd, PCI_CLASS_REVISION) >> 16, 0x0380);
	EXPECT_EQ(disp_cfg32(fd, PCI_SUBSYSTEM_VENDOR_ID),
		  MDPY_PCI_SUBVENDOR_ID | MDPY_PCI_SUBDEVICE_ID << 16);
	EXPECT_TRUE(disp_cfg32(fd, PCI_COMMAND) >> 16 & PCI_STATUS_CAP_LIST);
	EXPECT_EQ(disp_cfg32(fd, PCI_CAPABILITY_LIST) & 0xff, MDPY_CAP_OFFSET);

	val = disp_cfg32(fd, MDPY_CAP_OFFSET);
	EXPECT_EQ(val & 0xff, PCI_CAP_ID_VNDR);
	EXPECT_EQ(val >> 8 & 0xff, 0);
	EXPECT_EQ(val >> 16 & 0xff, MDPY_CAP_LEN);
	EXPECT_EQ(val >> 24, MDPY_CAP_VERSION);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_FORMAT), DISP_FORMAT_XRGB8888);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_WIDTH), variant->width);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_HEIGHT), variant->height);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_STRIDE), variant->width * 4);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_CTRL), 0);
}

TEST_F(mdpy, config_read_only_fields)
{
	int fd = self->fd;

	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, PCI_VENDOR_ID, 4, 0), 4);
	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, MDPY_CFG_WIDTH, 4, 1), 4);
	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, MDPY_CFG_CTRL, 4,
			     0xfffffffe), 4);
	EXPECT_EQ(disp_cfg32(fd, PCI_VENDOR_ID) & 0xffff, MDPY_PCI_VENDOR_ID);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_WIDTH), variant->width);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_CTRL), 0);
}

TEST_F(mdpy, bar0_sizing)
{
	int fd = self->fd;
	uint32_t flags = PCI_BASE_ADDRESS_MEM_PREFETCH;

	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, PCI_BASE_ADDRESS_0,
			     4, 0xffffffff), 4);
	EXPECT_EQ(disp_cfg32(fd, PCI_BASE_ADDRESS_0),
		  (uint32_t)~(self->fb_size - 1) | flags);
	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, PCI_BASE_ADDRESS_0,
			     4, 0xe0000000), 4);
	EXPECT_EQ(disp_cfg32(fd, PCI_BASE_ADDRESS_0), 0xe0000000 | flags);

	/* Unimplemented BARs size as zero. */
	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, PCI_BASE_ADDRESS_1,
			     4, 0xffffffff), 4);
	EXPECT_EQ(disp_cfg32(fd, PCI_BASE_ADDRESS_1), 0);
}

/* ---- plane queries ---------------------------------------------------- */

TEST_F(mdpy, plane_probe)
{
	struct vfio_device_gfx_plane_info p;
	int fd = self->fd;

	disp_expect_plane_kind(fd, VFIO_GFX_PLANE_TYPE_REGION,
			       VFIO_GFX_PLANE_TYPE_DMABUF);
	EXPECT_ERRNO(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_PROBE, 0, &p), EINVAL);
	EXPECT_ERRNO(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_REGION |
				      VFIO_GFX_PLANE_TYPE_DMABUF,
				      DISP_PLANE_PRIMARY, &p), EINVAL);
}

TEST_F(mdpy, plane_primary)
{
	struct vfio_device_gfx_plane_info p;
	uint32_t stride = variant->width * 4;

	ASSERT_EQ(disp_query_plane(self->fd, VFIO_GFX_PLANE_TYPE_REGION,
				   DISP_PLANE_PRIMARY, &p), 0);
	EXPECT_EQ(p.drm_format, DISP_FORMAT_XRGB8888);
	EXPECT_EQ(p.drm_format_mod, 0);
	EXPECT_EQ(p.width, variant->width);
	EXPECT_EQ(p.height, variant->height);
	EXPECT_EQ(p.stride, stride);
	EXPECT_GE(p.size, stride * variant->height);
	EXPECT_EQ(p.size % getpagesize(), 0);
	EXPECT_LE(p.size, self->fb_size);
	EXPECT_EQ(p.region_index, VFIO_PCI_BAR0_REGION_INDEX);

	/* The same after the guest takes over: the mode is fixed. */
	ASSERT_EQ(disp_write(self->fd, VFIO_PCI_CONFIG_REGION_INDEX, MDPY_CFG_CTRL,
			     4, MDPY_CTRL_OWNED), 4);
	ASSERT_EQ(disp_query_plane(self->fd, VFIO_GFX_PLANE_TYPE_REGION,
				   DISP_PLANE_PRIMARY, &p), 0);
	EXPECT_EQ(p.drm_format, DISP_FORMAT_XRGB8888);
	EXPECT_EQ(p.width, variant->width);
}

TEST_F(mdpy, plane_cursor_and_bad_types)
{
	struct vfio_device_gfx_plane_info p;

	/* No cursor: a disabled plane. */
	ASSERT_EQ(disp_query_plane(self->fd, VFIO_GFX_PLANE_TYPE_REGION,
				   DISP_PLANE_CURSOR, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
	EXPECT_EQ(p.width, 0);
	EXPECT_EQ(p.height, 0);
	EXPECT_EQ(p.size, 0);

	EXPECT_ERRNO(disp_query_plane(self->fd, VFIO_GFX_PLANE_TYPE_REGION, 7, &p),
		     EINVAL);

	/* Type 0, as QEMU sends it for region planes: the primary plane. */
	ASSERT_EQ(disp_query_plane(self->fd, VFIO_GFX_PLANE_TYPE_REGION,
				   DISP_PLANE_OVERLAY, &p), 0);
	EXPECT_EQ(p.drm_format, DISP_FORMAT_XRGB8888);
	EXPECT_EQ(p.width, variant->width);

	memset(&p, 0, sizeof(p));
	p.argsz = offsetof(struct vfio_device_gfx_plane_info, region_index);
	p.flags = VFIO_GFX_PLANE_TYPE_REGION;
	p.drm_plane_type = DISP_PLANE_PRIMARY;
	EXPECT_ERRNO(ioctl(self->fd, VFIO_DEVICE_QUERY_GFX_PLANE, &p), EINVAL);
}

/* ---- the framebuffer -------------------------------------------------- */

TEST_F(mdpy, colour_bars_mmap)
{
	self->fb = map_fb(self->fd, self->fb_size);
	ASSERT_NE(self->fb, MAP_FAILED);
	EXPECT_EQ(check_bars(self->fb, variant->width, variant->height), 0);
}

TEST_F(mdpy, colour_bars_read)
{
	uint32_t w = variant->width, h = variant->height;
	uint32_t *fb = malloc((size_t)w * 4 * h);

	ASSERT_NE(fb, NULL);
	/* One big read; the kernel may return it in one go. */
	ASSERT_EQ(pread(self->fd, fb, (size_t)w * 4 * h,
			disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX)),
		  (ssize_t)w * 4 * h);
	EXPECT_EQ(check_bars(fb, w, h), 0);
	free(fb);
}

TEST_F(mdpy, guest_takes_over_and_reset)
{
	uint32_t w = variant->width, h = variant->height, val;
	int fd = self->fd;

	self->fb = map_fb(fd, self->fb_size);
	ASSERT_NE(self->fb, MAP_FAILED);
	ASSERT_EQ(check_bars(self->fb, w, h), 0);

	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, MDPY_CFG_CTRL, 4,
			     MDPY_CTRL_OWNED), 4);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_CTRL), MDPY_CTRL_OWNED);
	EXPECT_EQ(self->fb[0], 0);
	EXPECT_EQ(self->fb[(size_t)w * h - 1], 0);

	/* A write through the region shows in the mapping and vice versa. */
	ASSERT_EQ(disp_write(fd, VFIO_PCI_BAR0_REGION_INDEX, 4 * 10, 4, 0x00123456), 4);
	EXPECT_EQ(self->fb[10], 0x00123456);
	self->fb[11] = 0x00abcdef;
	ASSERT_EQ(disp_read(fd, VFIO_PCI_BAR0_REGION_INDEX, 4 * 11, 4, &val), 4);
	EXPECT_EQ(val, 0x00abcdef);

	ASSERT_EQ(ioctl(fd, VFIO_DEVICE_RESET), 0);
	EXPECT_EQ(disp_cfg32(fd, MDPY_CFG_CTRL), 0);
	EXPECT_EQ(check_bars(self->fb, w, h), 0);
}

TEST_F(mdpy, rw_bounds)
{
	uint64_t bar = disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	uint64_t cfg = disp_region_offset(self->fd, VFIO_PCI_CONFIG_REGION_INDEX);
	uint8_t buf[16];

	ASSERT_ERRNO(pread(self->fd, buf, 4, bar + self->fb_size), EINVAL);
	ASSERT_ERRNO(pwrite(self->fd, buf, 4, bar + self->fb_size), EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 4, cfg + 256), EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 4,
			   disp_region_offset(self->fd, VFIO_PCI_BAR1_REGION_INDEX)),
		     EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 4, (uint64_t)VFIO_PCI_NUM_REGIONS << 40),
		     EINVAL);

	/* Accesses that start inside and run over the end are cut short. */
	EXPECT_EQ(pread(self->fd, buf, 16, bar + self->fb_size - 4), 4);
	EXPECT_EQ(pread(self->fd, buf, 16, cfg + 252), 4);
}

TEST_F(mdpy, mmap_bounds)
{
	uint64_t bar = disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	long page = getpagesize();
	void *p;

	/* One page more than the BAR. */
	p = mmap(NULL, self->fb_size + page, PROT_READ, MAP_SHARED, self->fd, bar);
	EXPECT_EQ(p, MAP_FAILED);
	if (p != MAP_FAILED)
		munmap(p, self->fb_size + page);

	/* Starting at the end of the BAR. */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, bar + self->fb_size);
	EXPECT_EQ(p, MAP_FAILED);

	/* The last page is fine. */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd,
		 bar + self->fb_size - page);
	EXPECT_NE(p, MAP_FAILED);
	if (p != MAP_FAILED)
		munmap(p, page);

	/* Private mappings and other regions are refused. */
	p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, self->fd, bar);
	EXPECT_EQ(p, MAP_FAILED);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd,
		 disp_region_offset(self->fd, VFIO_PCI_CONFIG_REGION_INDEX));
	EXPECT_EQ(p, MAP_FAILED);
}

/* The mapping keeps the framebuffer alive after the device fd is closed. */
TEST_F(mdpy, mapping_outlives_fd)
{
	self->fb = map_fb(self->fd, self->fb_size);
	ASSERT_NE(self->fb, MAP_FAILED);
	vu_vfio_close(&self->v);
	self->fd = -1;
	EXPECT_EQ(check_bars(self->fb, variant->width, variant->height), 0);
}

/* ---- the instance pool ------------------------------------------------ */

TEST(pool)
{
	char uuids[MAX_DEVICES + 1][VU_UUID_LEN + 1];
	const char *types[] = { "mdpy-vga", "mdpy-xga", "mdpy-hd" };
	int i, n = 0;

	if (vu_mdev_available(PARENT, "mdpy-vga") < 0)
		SKIP("mdpy.ko not loaded");
	for (i = 0; i < 3; i++)
		EXPECT_EQ(vu_mdev_available(PARENT, types[i]), MAX_DEVICES);

	/* The pool is shared by all types. */
	for (n = 0; n < MAX_DEVICES; n++)
		if (vu_mdev_create(PARENT, types[n % 3], uuids[n]))
			break;
	EXPECT_EQ(n, MAX_DEVICES);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(vu_mdev_available(PARENT, types[i]), 0);
	EXPECT_NE(vu_mdev_create(PARENT, "mdpy-vga", uuids[MAX_DEVICES]), 0);

	while (n--)
		EXPECT_EQ(vu_mdev_remove(uuids[n]), 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(vu_mdev_available(PARENT, types[i]), MAX_DEVICES);
}

TEST(type_attributes)
{
	char path[256], buf[256];

	vu_type_path(path, sizeof(path), PARENT, "mdpy-xga");
	if (!vu_path_exists(path))
		SKIP("mdpy.ko not loaded");

	strncat(path, "/device_api", sizeof(path) - strlen(path) - 1);
	ASSERT_GT(vu_sysfs_read(path, buf, sizeof(buf)), 0);
	EXPECT_EQ(strcmp(buf, "vfio-pci"), 0);

	vu_type_path(path, sizeof(path), PARENT, "mdpy-xga");
	strncat(path, "/name", sizeof(path) - strlen(path) - 1);
	ASSERT_GT(vu_sysfs_read(path, buf, sizeof(buf)), 0);
	EXPECT_NE(strstr(buf, "1024x768"), NULL);
}

TEST_HARNESS_MAIN
