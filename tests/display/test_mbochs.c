// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mbochs - the uAPI of the mbochs display sample, seen from userspace.
 *
 * The "mbochs" fixture creates one device of the variant's type and opens
 * it; every TEST_F runs once per type.  The test plays the guest through
 * the regions (VBE registers in BAR2, pixels in BAR0) and the VMM through
 * the plane and dma-buf ioctls and the EDID region.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko and samples/mbochs.ko with
 * the default pool of mem=64 MiB (tests/modules.load).
 */
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "harness.h"
#include "vfio_util.h"
#include "vgem_util.h"
#include "display.h"

/* libdrm-dev, for the DRM ioctl definitions only (nothing is linked). */
#if __has_include(<libdrm/drm.h>)
#include <libdrm/drm.h>
#define HAVE_DRM_H 1
#endif

#define PARENT		"mbochs"
#define POOL_MIB	64	/* the module's default */
#define BAR_MMIO	VFIO_PCI_BAR2_REGION_INDEX
#define EDID_INDEX	VFIO_PCI_NUM_REGIONS	/* the first device-specific region */

/* bochs-display's BAR2 layout and VBE registers */
#define MMIO_SIZE	0x1000
#define MMIO_DISPI	0x500
#define MMIO_QEXT_SIZE	0x600
#define MMIO_QEXT_ENDIAN 0x604
enum { ID, XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH, VIRT_HEIGHT,
       X_OFFSET, Y_OFFSET, VIDEO_MEMORY_64K };
#define DISPI_ENABLED	0x01
#define DISPI_LFB	0x40

#define EDID_OFFSET	0x100	/* where mbochs puts the blob in its region */
#define EDID_MAX	0x400

FIXTURE(mbochs) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int fd;			/* == v.device */
	int buf_fd;		/* a dma-buf, or -1 */
	void *map;		/* a mapping of map_size bytes, or MAP_FAILED */
	size_t map_size;
};

FIXTURE_VARIANT(mbochs) {
	const char *type;
	unsigned int mbytes;
	uint32_t max_x;
	uint32_t max_y;
};

FIXTURE_VARIANT_ADD(mbochs, small) {
	.type = "mbochs-small", .mbytes = 8, .max_x = 1024, .max_y = 768,
};
FIXTURE_VARIANT_ADD(mbochs, medium) {
	.type = "mbochs-medium", .mbytes = 16, .max_x = 1920, .max_y = 1200,
};
FIXTURE_VARIANT_ADD(mbochs, large) {
	.type = "mbochs-large", .mbytes = 32, .max_x = 2560, .max_y = 1600,
};

FIXTURE_SETUP(mbochs)
{
	self->fd = -1;
	self->buf_fd = -1;
	self->map = MAP_FAILED;
	disp_open(PARENT, variant->type, self->uuid, &self->v);
	self->fd = self->v.device;
}

FIXTURE_TEARDOWN(mbochs)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, self->map_size);
	if (self->buf_fd >= 0)
		close(self->buf_fd);
	disp_close(self->uuid, &self->v);
}

/* ---- the guest's side: VBE registers ---------------------------------- */

static int dispi_wr(int fd, unsigned int reg, uint16_t val)
{
	return disp_write(fd, BAR_MMIO, MMIO_DISPI + 2 * reg, 2, val) == 2 ? 0 : -1;
}

static uint32_t dispi_rd(int fd, unsigned int reg)
{
	uint32_t val;

	if (disp_read(fd, BAR_MMIO, MMIO_DISPI + 2 * reg, 2, &val) != 2)
		return 0xdeadbeef;
	return val;
}

/* What bochs-drm does to set a mode, with the scanout @y lines down. */
static int set_mode(int fd, uint16_t w, uint16_t h, uint16_t bpp, uint16_t y)
{
	return dispi_wr(fd, ENABLE, 0) || dispi_wr(fd, BPP, bpp) ||
	       dispi_wr(fd, XRES, w) || dispi_wr(fd, YRES, h) ||
	       dispi_wr(fd, BANK, 0) || dispi_wr(fd, VIRT_WIDTH, w) ||
	       dispi_wr(fd, VIRT_HEIGHT, h * 2) || dispi_wr(fd, X_OFFSET, 0) ||
	       dispi_wr(fd, Y_OFFSET, y) ||
	       dispi_wr(fd, ENABLE, DISPI_ENABLED | DISPI_LFB);
}

static int query_primary(int fd, struct vfio_device_gfx_plane_info *p)
{
	return disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
				DISP_PLANE_PRIMARY, p);
}

static int get_dmabuf(int fd, uint32_t id)
{
	return ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &id);
}

/* ---- EDID helpers ----------------------------------------------------- */

static uint32_t edid_reg(int fd, size_t field)
{
	uint32_t val;

	if (disp_read(fd, EDID_INDEX, field, 4, &val) != 4)
		return 0xdeadbeef;
	return val;
}

static int edid_set(int fd, size_t field, uint32_t val)
{
	return disp_write(fd, EDID_INDEX, field, 4, val) == 4 ? 0 : -1;
}

#define EDID_FIELD(f) offsetof(struct vfio_region_gfx_edid, f)

static int edid_checksum_ok(const uint8_t *edid)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 128; i++)
		sum += edid[i];
	return sum == 0;
}

static void edid_fix_checksum(uint8_t *edid)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 127; i++)
		sum += edid[i];
	edid[127] = -sum;
}

/* ---- device and region info ------------------------------------------ */

TEST_F(mbochs, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->fd, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(info.num_regions, VFIO_PCI_NUM_REGIONS + 1);
	EXPECT_EQ(info.num_irqs, VFIO_PCI_NUM_IRQS);
}

TEST_F(mbochs, region_info)
{
	struct vfio_region_info info, *full = NULL;
	struct vfio_region_info_cap_type *type;

	ASSERT_EQ(vu_region_info(self->fd, VFIO_PCI_BAR0_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.size, (uint64_t)variant->mbytes << 20);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_EQ(vu_region_info(self->fd, BAR_MMIO, &info), 0);
	EXPECT_EQ(info.size, MMIO_SIZE);
	EXPECT_FALSE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_EQ(vu_region_info(self->fd, VFIO_PCI_BAR1_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.size, 0);
	ASSERT_EQ(vu_region_info(self->fd, EDID_INDEX + 1, &info), -EINVAL);

	/* Too small for the capability: the size needed comes back. */
	ASSERT_EQ(vu_region_info(self->fd, EDID_INDEX, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_CAPS);
	EXPECT_GT(info.argsz, sizeof(info));
	EXPECT_EQ(info.cap_offset, 0);
	EXPECT_EQ(info.size, EDID_OFFSET + EDID_MAX);

	ASSERT_EQ(vu_region_info_caps(self->fd, EDID_INDEX, &full), 0);
	type = (void *)vu_find_cap(full, full->argsz, full->cap_offset,
				   VFIO_REGION_INFO_CAP_TYPE);
	EXPECT_NE(type, NULL);
	if (type) {
		EXPECT_EQ(type->header.version, 1);
		EXPECT_EQ(type->type, VFIO_REGION_TYPE_GFX);
		EXPECT_EQ(type->subtype, VFIO_REGION_SUBTYPE_GFX_EDID);
	}
	free(full);
}

TEST_F(mbochs, config_space)
{
	int fd = self->fd;
	uint32_t bar0_size = variant->mbytes << 20;

	EXPECT_EQ(disp_cfg32(fd, PCI_VENDOR_ID), 0x1234 | 0x1111 << 16);
	EXPECT_EQ(disp_cfg32(fd, PCI_CLASS_REVISION) >> 16, 0x0380);

	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, PCI_BASE_ADDRESS_0,
			     4, 0xffffffff), 4);
	EXPECT_EQ(disp_cfg32(fd, PCI_BASE_ADDRESS_0),
		  ~(bar0_size - 1) | PCI_BASE_ADDRESS_MEM_PREFETCH);
	ASSERT_EQ(disp_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, PCI_BASE_ADDRESS_2,
			     4, 0xffffffff), 4);
	EXPECT_EQ(disp_cfg32(fd, PCI_BASE_ADDRESS_2), ~(uint32_t)(MMIO_SIZE - 1));
}

TEST_F(mbochs, vbe_registers)
{
	int fd = self->fd;
	uint32_t val;

	EXPECT_EQ(dispi_rd(fd, ID), 0xb0c5);
	EXPECT_EQ(dispi_rd(fd, VIDEO_MEMORY_64K), variant->mbytes * 16);
	ASSERT_EQ(dispi_wr(fd, XRES, 800), 0);
	EXPECT_EQ(dispi_rd(fd, XRES), 800);
	ASSERT_EQ(dispi_wr(fd, VIDEO_MEMORY_64K, 1), 0);	/* read-only */
	EXPECT_EQ(dispi_rd(fd, VIDEO_MEMORY_64K), variant->mbytes * 16);

	EXPECT_EQ(disp_read(fd, BAR_MMIO, MMIO_QEXT_SIZE, 4, &val), 4);
	EXPECT_EQ(val, 8);
	EXPECT_EQ(disp_read(fd, BAR_MMIO, MMIO_QEXT_ENDIAN, 4, &val), 4);
	EXPECT_EQ(val, 0x1e1e1e1e);

	/* Wrong widths and alignment. */
	EXPECT_ERRNO(disp_read(fd, BAR_MMIO, MMIO_DISPI, 4, &val), EINVAL);
	EXPECT_ERRNO(disp_read(fd, BAR_MMIO, MMIO_QEXT_SIZE, 2, &val), EINVAL);
	EXPECT_ERRNO(disp_read(fd, BAR_MMIO, MMIO_DISPI + 1, 2, &val), EINVAL);
	EXPECT_ERRNO(disp_read(fd, BAR_MMIO, 0, 3, &val), EINVAL);

	/* A reset puts the registers back. */
	ASSERT_EQ(ioctl(fd, VFIO_DEVICE_RESET), 0);
	EXPECT_EQ(dispi_rd(fd, XRES), 0);
}

/* ---- planes ----------------------------------------------------------- */

TEST_F(mbochs, plane_probe)
{
	struct vfio_device_gfx_plane_info p;
	int fd = self->fd;

	disp_expect_plane_kind(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
			       VFIO_GFX_PLANE_TYPE_REGION);
	EXPECT_ERRNO(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_DMABUF, 9, &p), EINVAL);
}

TEST_F(mbochs, plane_before_and_after_mode_set)
{
	struct vfio_device_gfx_plane_info p;
	int fd = self->fd;
	uint32_t id;

	/* Nothing programmed: a disabled plane. */
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
	EXPECT_EQ(p.width, 0);
	EXPECT_EQ(p.height, 0);
	EXPECT_EQ(p.size, 0);

	ASSERT_EQ(set_mode(fd, 800, 600, 32, 0), 0);
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.drm_format, DISP_FORMAT_XRGB8888);
	EXPECT_EQ(p.drm_format_mod, 0);
	EXPECT_EQ(p.width, 800);
	EXPECT_EQ(p.height, 600);
	EXPECT_EQ(p.stride, 3200);
	EXPECT_EQ(p.size, (3200 * 600 + 4095) / 4096 * 4096);
	EXPECT_NE(p.dmabuf_id, 0);
	id = p.dmabuf_id;

	/* Unchanged plane, same id; another plane, another id; and back. */
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.dmabuf_id, id);
	ASSERT_EQ(set_mode(fd, 640, 480, 32, 0), 0);
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.width, 640);
	EXPECT_NE(p.dmabuf_id, id);
	ASSERT_EQ(set_mode(fd, 800, 600, 32, 0), 0);
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.dmabuf_id, id);

	/* Formats we do not offer, and a disabled display. */
	ASSERT_EQ(set_mode(fd, 800, 600, 16, 0), 0);
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
	ASSERT_EQ(set_mode(fd, 800, 600, 32, 0), 0);
	ASSERT_EQ(dispi_wr(fd, ENABLE, 0), 0);
	ASSERT_EQ(query_primary(fd, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
	EXPECT_EQ(p.dmabuf_id, 0);

	/* No cursor plane at all. */
	ASSERT_EQ(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_DMABUF,
				   DISP_PLANE_CURSOR, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
}

TEST_F(mbochs, plane_out_of_memory_is_disabled)
{
	struct vfio_device_gfx_plane_info p;
	uint32_t lines = (variant->mbytes << 20) / (1024 * 4);

	/* A panned scanout that would run past the video memory. */
	ASSERT_EQ(set_mode(self->fd, 1024, 768, 32, lines - 767), 0);
	ASSERT_EQ(query_primary(self->fd, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
	ASSERT_EQ(set_mode(self->fd, 1024, 768, 32, lines - 768), 0);
	ASSERT_EQ(query_primary(self->fd, &p), 0);
	EXPECT_EQ(p.drm_format, DISP_FORMAT_XRGB8888);
}

/* ---- dma-bufs --------------------------------------------------------- */

TEST_F(mbochs, dmabuf_shows_guest_pixels)
{
	uint64_t bar0 = disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	struct vfio_device_gfx_plane_info p;
	uint32_t px[4] = { 0x00ff0000, 0x0000ff00, 0x000000ff, 0x00123456 };
	uint32_t *pix;
	off_t start = 480 * 640 * 4;	/* second buffer of a page flip */

	ASSERT_EQ(set_mode(self->fd, 640, 480, 32, 480), 0);
	ASSERT_EQ(query_primary(self->fd, &p), 0);
	ASSERT_EQ(p.drm_format, DISP_FORMAT_XRGB8888);

	/* The guest draws: first pixel of line 0 and last of line 479. */
	ASSERT_EQ(pwrite(self->fd, px, 8, bar0 + start), 8);
	ASSERT_EQ(pwrite(self->fd, px + 2, 8, bar0 + start + 640 * 4 * 480 - 8), 8);

	self->buf_fd = get_dmabuf(self->fd, p.dmabuf_id);
	ASSERT_GE(self->buf_fd, 0);
	EXPECT_EQ(lseek(self->buf_fd, 0, SEEK_END), p.size);

	self->map_size = p.size;
	self->map = mmap(NULL, p.size, PROT_READ, MAP_SHARED, self->buf_fd, 0);
	ASSERT_NE(self->map, MAP_FAILED);
	pix = self->map;
	EXPECT_EQ(pix[0], px[0]);
	EXPECT_EQ(pix[1], px[1]);
	EXPECT_EQ(pix[640 * 480 - 2], px[2]);
	EXPECT_EQ(pix[640 * 480 - 1], px[3]);

	/* Later drawing shows through: the dma-buf is the video memory. */
	px[0] = 0x00abcdef;
	ASSERT_EQ(pwrite(self->fd, px, 4, bar0 + start + 4 * 100), 4);
	EXPECT_EQ(pix[100], px[0]);

	/* Beyond the buffer and private mappings are refused. */
	EXPECT_EQ(mmap(NULL, p.size + 4096, PROT_READ, MAP_SHARED, self->buf_fd, 0),
		  MAP_FAILED);
	EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, self->buf_fd, 0),
		  MAP_FAILED);
}

TEST_F(mbochs, dmabuf_bad_ids)
{
	struct vfio_device_gfx_plane_info p;

	EXPECT_ERRNO(get_dmabuf(self->fd, 0), ENOENT);
	EXPECT_ERRNO(get_dmabuf(self->fd, 12345), ENOENT);
	ASSERT_EQ(set_mode(self->fd, 640, 480, 32, 0), 0);
	ASSERT_EQ(query_primary(self->fd, &p), 0);
	EXPECT_ERRNO(get_dmabuf(self->fd, p.dmabuf_id + 1), ENOENT);
}

/* The dma-buf keeps the memory after the device fd and the device go. */
TEST_F(mbochs, dmabuf_outlives_device)
{
	uint64_t bar0 = disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	long avail = vu_mdev_available(PARENT, variant->type);
	struct vfio_device_gfx_plane_info p;
	uint32_t px = 0x00c0ffee, *pix;

	ASSERT_GE(avail, 0);
	ASSERT_EQ(set_mode(self->fd, 640, 480, 32, 0), 0);
	ASSERT_EQ(query_primary(self->fd, &p), 0);
	ASSERT_EQ(pwrite(self->fd, &px, 4, bar0 + 4 * 1000), 4);
	self->buf_fd = get_dmabuf(self->fd, p.dmabuf_id);
	ASSERT_GE(self->buf_fd, 0);

	vu_vfio_close(&self->v);
	self->fd = -1;
	ASSERT_EQ(vu_mdev_remove(self->uuid), 0);
	EXPECT_FALSE(vu_mdev_exists(self->uuid));
	/* Still allocated: the pool has not got the memory back. */
	EXPECT_EQ(vu_mdev_available(PARENT, variant->type), avail);
	/* And the buffer's ops are in mbochs.ko, so it cannot unload. */
	EXPECT_NE(system("rmmod mbochs 2>/dev/null"), 0);
	EXPECT_TRUE(vu_path_exists("/sys/module/mbochs"));

	self->map_size = p.size;
	self->map = mmap(NULL, p.size, PROT_READ, MAP_SHARED, self->buf_fd, 0);
	ASSERT_NE(self->map, MAP_FAILED);
	pix = self->map;
	EXPECT_EQ(pix[1000], px);

	munmap(self->map, self->map_size);
	self->map = MAP_FAILED;
	close(self->buf_fd);
	self->buf_fd = -1;
	EXPECT_EQ(vu_mdev_available(PARENT, variant->type), avail + 1);
}

#ifdef HAVE_DRM_H

/*
 * A DRM driver imports the plane (attach and map_dma_buf with a real
 * sg_table, unmap and detach when it lets go); the import keeps the
 * buffer alive after the device is removed.
 */
TEST_F(mbochs, dmabuf_import_vgem)
{
	uint64_t bar0 = disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	struct vfio_device_gfx_plane_info p;
	struct drm_prime_handle prime = { 0 };
	struct drm_gem_close gem_close = { 0 };
	uint32_t px = 0x00beef42, *pix;
	int card, loaded;

	card = vu_vgem_open(&loaded);
	if (card < 0)
		SKIP("no vgem card (vgem.ko missing or /dev/dri not populated)");

	ASSERT_EQ(set_mode(self->fd, 640, 480, 32, 0), 0);
	ASSERT_EQ(query_primary(self->fd, &p), 0);
	ASSERT_EQ(pwrite(self->fd, &px, 4, bar0 + 4 * 321), 4);
	self->buf_fd = get_dmabuf(self->fd, p.dmabuf_id);
	ASSERT_GE(self->buf_fd, 0);

	prime.fd = self->buf_fd;
	ASSERT_EQ(ioctl(card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime), 0);
	EXPECT_NE(prime.handle, 0);

	/* Our fds go, the device goes; vgem's import keeps the memory. */
	close(self->buf_fd);
	self->buf_fd = -1;
	vu_vfio_close(&self->v);
	self->fd = -1;
	ASSERT_EQ(vu_mdev_remove(self->uuid), 0);

	/* DRM maps imports only through their dma-buf: export it back. */
	prime.fd = -1;
	prime.flags = DRM_CLOEXEC | DRM_RDWR;
	ASSERT_EQ(ioctl(card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime), 0);
	self->buf_fd = prime.fd;
	self->map_size = p.size;
	self->map = mmap(NULL, p.size, PROT_READ, MAP_SHARED, self->buf_fd, 0);
	ASSERT_NE(self->map, MAP_FAILED);
	pix = self->map;
	EXPECT_EQ(pix[321], px);
	munmap(self->map, self->map_size);
	self->map = MAP_FAILED;

	gem_close.handle = prime.handle;
	EXPECT_EQ(ioctl(card, DRM_IOCTL_GEM_CLOSE, &gem_close), 0);
	close(card);
	if (loaded)
		EXPECT_EQ(system("modprobe -r vgem"), 0);
}
#endif /* HAVE_DRM_H */

/* ---- EDID ------------------------------------------------------------- */

TEST_F(mbochs, edid_initial)
{
	uint8_t edid[128], mmio[128];
	const uint8_t *dtd = edid + 54;
	int fd = self->fd, i;

	EXPECT_EQ(edid_reg(fd, EDID_FIELD(edid_offset)), EDID_OFFSET);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(edid_max_size)), EDID_MAX);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(edid_size)), 128);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(max_xres)), variant->max_x);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(max_yres)), variant->max_y);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(link_state)), VFIO_DEVICE_GFX_LINK_STATE_UP);

	ASSERT_EQ(pread(fd, edid, 128, disp_region_offset(fd, EDID_INDEX) + EDID_OFFSET),
		  128);
	EXPECT_EQ(memcmp(edid, "\0\xff\xff\xff\xff\xff\xff\0", 8), 0);
	EXPECT_TRUE(edid_checksum_ok(edid));
	EXPECT_EQ(edid[18], 1);		/* version 1.4 */
	EXPECT_EQ(edid[19], 4);
	/* The preferred detailed timing is the type's largest mode. */
	EXPECT_NE(dtd[0] | dtd[1], 0);
	EXPECT_EQ(dtd[2] | (dtd[4] >> 4) << 8, variant->max_x);
	EXPECT_EQ(dtd[5] | (dtd[7] >> 4) << 8, variant->max_y);

	/* The guest sees the same blob at BAR2 offset 0. */
	for (i = 0; i < 128; i += 4) {
		uint32_t v;

		ASSERT_EQ(disp_read(fd, BAR_MMIO, i, 4, &v), 4);
		memcpy(mmio + i, &v, 4);
	}
	EXPECT_EQ(memcmp(edid, mmio, 128), 0);
}

/* An independent check of the generated EDID, when edid-decode is there. */
TEST_F(mbochs, edid_conformity)
{
	const char *tmp = getenv("TEST_TMP") ?: "/tmp";
	char path[256], cmd[512], line[256];
	uint8_t edid[128];
	FILE *f, *out;
	int status;

	if (system("command -v edid-decode >/dev/null 2>&1"))
		SKIP("edid-decode is not installed");

	ASSERT_EQ(pread(self->fd, edid, 128,
			disp_region_offset(self->fd, EDID_INDEX) + EDID_OFFSET), 128);
	snprintf(path, sizeof(path), "%s/mbochs-edid.%d.bin", tmp, getpid());
	f = fopen(path, "wb");
	ASSERT_NE(f, NULL);
	ASSERT_EQ(fwrite(edid, 1, 128, f), 128);
	fclose(f);

	snprintf(cmd, sizeof(cmd), "edid-decode --check %s 2>&1", path);
	out = popen(cmd, "r");
	ASSERT_NE(out, NULL);
	while (fgets(line, sizeof(line), out))
		if (strstr(line, "Failure") || strstr(line, "Warning") ||
		    strstr(line, "onformity") || strstr(line, "Native Video"))
			TH_LOG("%s", strtok(line, "\n"));
	status = pclose(out);
	unlink(path);
	EXPECT_EQ(status, 0);
}

TEST_F(mbochs, edid_update_protocol)
{
	uint64_t blob = disp_region_offset(self->fd, EDID_INDEX) + EDID_OFFSET;
	uint8_t edid[128], back[128];
	int fd = self->fd;
	uint32_t v;

	ASSERT_EQ(pread(fd, edid, 128, blob), 128);

	/* Link down: no monitor for the guest. */
	ASSERT_EQ(edid_set(fd, EDID_FIELD(link_state), VFIO_DEVICE_GFX_LINK_STATE_DOWN), 0);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(link_state)), VFIO_DEVICE_GFX_LINK_STATE_DOWN);
	ASSERT_EQ(disp_read(fd, BAR_MMIO, 0, 4, &v), 4);
	EXPECT_EQ(v, 0);

	/* New blob (another product code), new size, link up. */
	edid[10] ^= 0xff;
	edid_fix_checksum(edid);
	ASSERT_EQ(pwrite(fd, edid, 128, blob), 128);
	ASSERT_EQ(edid_set(fd, EDID_FIELD(edid_size), 128), 0);
	ASSERT_EQ(edid_set(fd, EDID_FIELD(link_state), VFIO_DEVICE_GFX_LINK_STATE_UP), 0);

	ASSERT_EQ(pread(fd, back, 128, blob), 128);
	EXPECT_EQ(memcmp(edid, back, 128), 0);
	ASSERT_EQ(disp_read(fd, BAR_MMIO, 8, 4, &v), 4);
	EXPECT_EQ(v, (uint32_t)edid[8] | edid[9] << 8 | edid[10] << 16 |
		     (uint32_t)edid[11] << 24);

	/* A shorter EDID: the guest sees zeroes past its end. */
	ASSERT_EQ(edid_set(fd, EDID_FIELD(edid_size), 8), 0);
	ASSERT_EQ(disp_read(fd, BAR_MMIO, 8, 4, &v), 4);
	EXPECT_EQ(v, 0);
}

TEST_F(mbochs, edid_bad_accesses)
{
	uint64_t base = disp_region_offset(self->fd, EDID_INDEX);
	int fd = self->fd;
	uint8_t buf[8];
	uint32_t v;

	/* Read-only fields and bad values. */
	EXPECT_ERRNO(edid_set(fd, EDID_FIELD(edid_offset), 0), EINVAL);
	EXPECT_ERRNO(edid_set(fd, EDID_FIELD(edid_max_size), 1), EINVAL);
	EXPECT_ERRNO(edid_set(fd, EDID_FIELD(max_xres), 1), EINVAL);
	EXPECT_ERRNO(edid_set(fd, EDID_FIELD(edid_size), EDID_MAX + 1), EINVAL);
	EXPECT_ERRNO(edid_set(fd, EDID_FIELD(link_state), 0), EINVAL);
	EXPECT_ERRNO(edid_set(fd, EDID_FIELD(link_state), 3), EINVAL);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(edid_offset)), EDID_OFFSET);
	EXPECT_EQ(edid_reg(fd, EDID_FIELD(edid_size)), 128);

	/* Header accesses are aligned 32-bit ones. */
	EXPECT_ERRNO(pread(fd, buf, 2, base), EINVAL);
	EXPECT_ERRNO(pread(fd, buf, 4, base + 2), EINVAL);
	EXPECT_ERRNO(pread(fd, buf, 8, base), EINVAL);

	/* Between the header and the blob, and past the region. */
	EXPECT_ERRNO(disp_read(fd, EDID_INDEX, 0x20, 4, &v), EINVAL);
	EXPECT_ERRNO(pread(fd, buf, 1, base + EDID_OFFSET + EDID_MAX), EINVAL);
	EXPECT_EQ(pread(fd, buf, 8, base + EDID_OFFSET + EDID_MAX - 4), 4);
}

/* ---- bounds ----------------------------------------------------------- */

TEST_F(mbochs, rw_and_mmap_bounds)
{
	uint64_t bar0 = disp_region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	uint64_t size = (uint64_t)variant->mbytes << 20;
	long page = getpagesize();
	uint8_t buf[8];
	void *p;

	EXPECT_ERRNO(pread(self->fd, buf, 4, bar0 + size), EINVAL);
	EXPECT_ERRNO(pread(self->fd, buf, 4,
			   disp_region_offset(self->fd, BAR_MMIO) + MMIO_SIZE), EINVAL);
	EXPECT_ERRNO(pread(self->fd, buf, 4,
			   disp_region_offset(self->fd, VFIO_PCI_ROM_REGION_INDEX)), EINVAL);

	p = mmap(NULL, size + page, PROT_READ, MAP_SHARED, self->fd, bar0);
	EXPECT_EQ(p, MAP_FAILED);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, bar0 + size);
	EXPECT_EQ(p, MAP_FAILED);
	p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, self->fd, bar0);
	EXPECT_EQ(p, MAP_FAILED);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd,
		 disp_region_offset(self->fd, BAR_MMIO));
	EXPECT_EQ(p, MAP_FAILED);

	/* The whole BAR maps, and shows what the guest wrote. */
	self->map_size = size;
	self->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, bar0);
	ASSERT_NE(self->map, MAP_FAILED);
	ASSERT_EQ(pwrite(self->fd, "pixels", 6, bar0 + size - 6), 6);
	EXPECT_EQ(memcmp((char *)self->map + size - 6, "pixels", 6), 0);
}

/* ---- the memory pool -------------------------------------------------- */

TEST(pool)
{
	char uuids[2][VU_UUID_LEN + 1], extra[VU_UUID_LEN + 1];

	if (vu_mdev_available(PARENT, "mbochs-large") < 0)
		SKIP("mbochs.ko not loaded");
	EXPECT_EQ(vu_mdev_available(PARENT, "mbochs-small"), POOL_MIB / 8);
	EXPECT_EQ(vu_mdev_available(PARENT, "mbochs-medium"), POOL_MIB / 16);
	EXPECT_EQ(vu_mdev_available(PARENT, "mbochs-large"), POOL_MIB / 32);

	ASSERT_EQ(vu_mdev_create(PARENT, "mbochs-large", uuids[0]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mbochs-small"), (POOL_MIB - 32) / 8);
	ASSERT_EQ(vu_mdev_create(PARENT, "mbochs-large", uuids[1]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mbochs-small"), 0);
	EXPECT_NE(vu_mdev_create(PARENT, "mbochs-small", extra), 0);

	EXPECT_EQ(vu_mdev_remove(uuids[1]), 0);
	EXPECT_EQ(vu_mdev_remove(uuids[0]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mbochs-small"), POOL_MIB / 8);
}

TEST_HARNESS_MAIN
