// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_vgem - a frame rendered by a gvt_stub vGPU, exported with
 * VFIO_DEVICE_GET_GFX_DMABUF, imported into the kernel's vgem DRM driver
 * and read back through the import: what a compositor receiving QEMU's
 * display dma-buf does.
 *
 * The DRM ioctls are issued directly (DRM_IOCTL_PRIME_FD_TO_HANDLE is
 * what libdrm's drmPrimeFDToHandle() wraps); tests/Makefile links no
 * libdrm, so only <libdrm/drm.h> is used, as in tests/display/test_mbochs.c.
 * vgem.ko is loaded if no vgem card exists, and unloaded again.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * (tests/modules.load), and the distribution's vgem.ko.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"
#include "vgem_util.h"
#include "gvt_guest.c"
#include "gvt_test.h"

#if __has_include(<libdrm/drm.h>)
#include <libdrm/drm.h>
#define HAVE_DRM_H 1
#endif

#define W		1024
#define H		768
#define STRIDE		4096
#define RX		40	/* the rectangle rendered: origin and size */
#define RY		10
#define RW		100
#define RH		50
#define COLOR		0x00c0ffee

FIXTURE(vgem) {
	struct gg_vgpu g;
	int card;		/* vgem's card, or -1 */
	int loaded;		/* we loaded vgem.ko */
	uint32_t handle;	/* the import's GEM handle, or 0 */
	int buf_fd;		/* a dma-buf fd, or -1 */
	void *map;		/* its mapping, or MAP_FAILED */
	size_t map_size;
};

FIXTURE_SETUP(vgem)
{
	gg_init(&self->g);
	self->card = -1;
	self->loaded = 0;
	self->handle = 0;
	self->buf_fd = -1;
	self->map = MAP_FAILED;
	gg_need_type(GG_TYPE(8));
#ifdef HAVE_DRM_H
	self->card = vu_vgem_open(&self->loaded);
#endif
	if (self->card < 0)
		SKIP("no vgem card (libdrm-dev or vgem.ko missing, or /dev/dri not populated)");
	gg_create_ready(&self->g, GG_TYPE(8));
}

FIXTURE_TEARDOWN(vgem)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, self->map_size);
	if (self->buf_fd >= 0)
		close(self->buf_fd);
#ifdef HAVE_DRM_H
	if (self->handle) {
		struct drm_gem_close gc = { .handle = self->handle };

		ioctl(self->card, DRM_IOCTL_GEM_CLOSE, &gc);
	}
#endif
	gg_destroy(&self->g);
	if (self->card >= 0)
		close(self->card);
	/* every import is gone with the card fd: vgem can go too */
	if (self->loaded && system("modprobe -r vgem"))
		TH_LOG("modprobe -r vgem failed");
}

#ifdef HAVE_DRM_H
/* How many pixels of @fb differ from the frame rendered below. */
static unsigned int frame_errors(const uint32_t *fb)
{
	unsigned int x, y, bad = 0;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			int in = x >= RX && x < RX + RW && y >= RY && y < RY + RH;

			if (fb[y * (STRIDE / 4) + x] != (in ? COLOR : 0))
				bad++;
		}
	return bad;
}

/*
 * vgem imports the plane (attach, map_dma_buf with a real sg_table); the
 * import keeps the pages after our dma-buf fd and the vGPU are gone, and
 * the pixels read through it are the frame the engine rendered.
 */
TEST_F(vgem, rendered_frame_through_import)
{
	struct gg_vgpu *g = &self->g;
	const uint32_t fill[] = { GVT_CMD_FILL_RECT, GG_DATA_GM + RY * STRIDE + RX * 4, STRIDE,
				  GVT_RECT(RW, RH), COLOR, GVT_CMD_USER_INTERRUPT };
	struct vfio_device_gfx_plane_info p = { .argsz = sizeof(p) };
	struct drm_prime_handle prime = { 0 };
	uint32_t *fb;

	gg_plane_on(g, W, H, STRIDE);
	p.flags = VFIO_GFX_PLANE_TYPE_DMABUF;
	p.drm_plane_type = 1;	/* DRM_PLANE_TYPE_PRIMARY */
	ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_QUERY_GFX_PLANE, &p), 0);
	ASSERT_NE(p.dmabuf_id, 0);
	ASSERT_EQ(p.size, STRIDE * H);

	ASSERT_EQ(gg_run(g, fill, 6), 0);
	ASSERT_EQ(gg_wait_irq(g, GVT_IRQ_USER, 5000), GVT_IRQ_USER);

	self->buf_fd = ioctl(g->fd, VFIO_DEVICE_GET_GFX_DMABUF, &p.dmabuf_id);
	ASSERT_GE(self->buf_fd, 0);
	prime.fd = self->buf_fd;
	ASSERT_EQ(ioctl(self->card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime), 0);
	ASSERT_NE(prime.handle, 0);
	self->handle = prime.handle;

	/* Importing the same dma-buf again gives the same GEM object. */
	prime.handle = 0;
	ASSERT_EQ(ioctl(self->card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime), 0);
	EXPECT_EQ(prime.handle, self->handle);

	/* Our fd, the device and the vGPU go; vgem's import holds the frame. */
	close(self->buf_fd);
	self->buf_fd = -1;
	gg_destroy(g);

	/*
	 * DRM refuses MODE_MAP_DUMB on imported objects; it maps them through
	 * their dma-buf, which exporting the handle returns.
	 */
	prime.fd = -1;
	prime.flags = DRM_CLOEXEC;
	ASSERT_EQ(ioctl(self->card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime), 0);
	self->buf_fd = prime.fd;
	self->map_size = p.size;
	self->map = mmap(NULL, p.size, PROT_READ, MAP_SHARED, self->buf_fd, 0);
	ASSERT_NE(self->map, MAP_FAILED);
	fb = self->map;
	EXPECT_EQ(fb[RY * W + RX], COLOR);
	EXPECT_EQ(fb[(RY + RH - 1) * W + RX + RW - 1], COLOR);
	EXPECT_EQ(fb[(RY - 1) * W + RX], 0);
	EXPECT_EQ(frame_errors(fb), 0);
}
#endif /* HAVE_DRM_H */

TEST_HARNESS_MAIN
