// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_display - the gvt_stub primary plane as a dma-buf:
 * VFIO_DEVICE_QUERY_GFX_PLANE and VFIO_DEVICE_GET_GFX_DMABUF, the way
 * QEMU's display=on uses them.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * (tests/modules.load).
 */
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"
#include "gvt_guest.c"
#include "gvt_test.h"

#define FOURCC_XR24	0x34325258	/* 'X' 'R' '2' '4' */
#define PLANE_PRIMARY	1
#define PLANE_CURSOR	2
#define W		1024
#define H		768
#define STRIDE		4096

FIXTURE(disp) {
	struct gg_vgpu g;
};

FIXTURE_SETUP(disp)
{
	gg_init(&self->g);
	gg_need_type(GG_TYPE(8));
	gg_create_ready(&self->g, GG_TYPE(8));
}

FIXTURE_TEARDOWN(disp)
{
	gg_destroy(&self->g);
}

static int query(struct gg_vgpu *g, uint32_t flags, uint32_t type,
		 struct vfio_device_gfx_plane_info *p)
{
	memset(p, 0, sizeof(*p));
	p->argsz = sizeof(*p);
	p->flags = flags;
	p->drm_plane_type = type;
	return ioctl(g->fd, VFIO_DEVICE_QUERY_GFX_PLANE, p);
}

TEST_F(disp, probe)
{
	struct vfio_device_gfx_plane_info p;

	EXPECT_EQ(query(&self->g, VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF,
			PLANE_PRIMARY, &p), 0);
	EXPECT_ERRNO(query(&self->g, VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION,
			   PLANE_PRIMARY, &p), EINVAL);
	EXPECT_ERRNO(query(&self->g, 0, PLANE_PRIMARY, &p), EINVAL);
}

TEST_F(disp, plane_off)
{
	struct vfio_device_gfx_plane_info p;

	ASSERT_EQ(query(&self->g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
	EXPECT_EQ(p.dmabuf_id, 0);
	ASSERT_EQ(query(&self->g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_CURSOR, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
}

TEST_F(disp, dmabuf_shows_the_plane)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t fill[] = { GVT_CMD_FILL_RECT, GG_DATA_GM + 10 * STRIDE + 40, STRIDE,
				  GVT_RECT(100, 50), 0x00123456, GVT_CMD_USER_INTERRUPT };
	struct vfio_device_gfx_plane_info p;
	uint32_t id, stale, *fb;
	int fd;

	gg_plane_on(g, W, H, STRIDE);
	ASSERT_EQ(query(g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	EXPECT_EQ(p.drm_format, FOURCC_XR24);
	EXPECT_EQ(p.drm_format_mod, 0);
	EXPECT_EQ(p.width, W);
	EXPECT_EQ(p.height, H);
	EXPECT_EQ(p.stride, STRIDE);
	EXPECT_EQ(p.size, STRIDE * H);
	EXPECT_NE(p.dmabuf_id, 0);
	id = p.dmabuf_id;

	ASSERT_EQ(gg_run(g, fill, 6), 0);
	ASSERT_EQ(gg_wait_irq(g, GVT_IRQ_USER, 5000), GVT_IRQ_USER);

	fd = ioctl(g->fd, VFIO_DEVICE_GET_GFX_DMABUF, &id);
	ASSERT_GE(fd, 0);
	fb = mmap(NULL, p.size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_TRUE(fb != MAP_FAILED);
	EXPECT_EQ(fb[10 * W + 10], 0x00123456);
	EXPECT_EQ(fb[59 * W + 109], 0x00123456);
	EXPECT_EQ(fb[9 * W + 10], 0);
	/* live: later rendering shows too */
	((uint32_t *)gg_ptr(g, GG_DATA_GM))[5] = 0xfeed;
	EXPECT_EQ(fb[5], 0xfeed);
	munmap(fb, p.size);
	close(fd);

	/* the same configuration, the same id; another one, another id */
	ASSERT_EQ(query(g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	EXPECT_EQ(p.dmabuf_id, id);
	stale = id;
	ASSERT_EQ(gg_wr(g, GVT_REG_PLANE_SURF, GG_DATA_GM + 4096), 0);
	ASSERT_EQ(query(g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	EXPECT_NE(p.dmabuf_id, stale);
	EXPECT_ERRNO(ioctl(g->fd, VFIO_DEVICE_GET_GFX_DMABUF, &stale), ENOENT);
}

TEST_F(disp, dmabuf_outlives_vgpu)
{
	struct gg_vgpu *g = &self->g;
	struct vfio_device_gfx_plane_info p;
	uint32_t *fb;
	int fd;

	((uint32_t *)gg_ptr(g, GG_DATA_GM))[0] = 0xabcdef;
	gg_plane_on(g, W, H, STRIDE);
	ASSERT_EQ(query(g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	fd = ioctl(g->fd, VFIO_DEVICE_GET_GFX_DMABUF, &p.dmabuf_id);
	ASSERT_GE(fd, 0);
	gg_destroy(g);
	fb = mmap(NULL, p.size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_TRUE(fb != MAP_FAILED);
	EXPECT_EQ(fb[0], 0xabcdef);
	munmap(fb, p.size);
	close(fd);
}

TEST_F(disp, unbound_plane)
{
	struct gg_vgpu *g = &self->g;
	struct vfio_device_gfx_plane_info p;

	gg_plane_on(g, W, H, STRIDE);
	/* a page in the middle of the surface loses its GTT entry */
	ASSERT_EQ(gg_gtt_set(g, (GG_DATA_GM + 100 * STRIDE) / 4096, 0), 0);
	ASSERT_EQ(query(g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	EXPECT_ERRNO(ioctl(g->fd, VFIO_DEVICE_GET_GFX_DMABUF, &p.dmabuf_id), EFAULT);
	/* a plane larger than the type's resolution is not shown */
	ASSERT_EQ(gg_wr(g, GVT_REG_PLANE_SIZE, (H - 1) << 16 | 2047), 0);
	ASSERT_EQ(query(g, VFIO_GFX_PLANE_TYPE_DMABUF, PLANE_PRIMARY, &p), 0);
	EXPECT_EQ(p.drm_format, 0);
}

TEST_HARNESS_MAIN
