/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * display.h - helpers shared by the display sample tests (mdpy, mbochs):
 * the fixture's device, little-endian register access through the device
 * fd and plane queries.  Include it after harness.h.
 */
#ifndef TESTS_DISPLAY_H
#define TESTS_DISPLAY_H

#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"

/* DRM fourcc codes and plane types, without needing libdrm's headers. */
#define DISP_FOURCC(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define DISP_FORMAT_XRGB8888	DISP_FOURCC('X', 'R', '2', '4')
#define DISP_PLANE_OVERLAY	0
#define DISP_PLANE_PRIMARY	1
#define DISP_PLANE_CURSOR	2

/* The offset of region @index in the device fd, or ~0 if there is none. */
static inline uint64_t disp_region_offset(int fd, unsigned int index)
{
	struct vfio_region_info info;

	if (vu_region_info(fd, index, &info))
		return ~0ULL;
	return info.offset;
}

static inline uint64_t disp_region_size(int fd, unsigned int index)
{
	struct vfio_region_info info;

	if (vu_region_info(fd, index, &info))
		return 0;
	return info.size;
}

/* Little-endian load of 1, 2 or 4 bytes; returns pread()'s result. */
static inline ssize_t disp_read(int fd, unsigned int index, uint64_t off,
				int size, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	ssize_t n;

	n = pread(fd, b, size, disp_region_offset(fd, index) + off);
	*val = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return n;
}

static inline ssize_t disp_write(int fd, unsigned int index, uint64_t off,
				 int size, uint32_t val)
{
	uint8_t b[4] = { val, val >> 8, val >> 16, val >> 24 };

	return pwrite(fd, b, size, disp_region_offset(fd, index) + off);
}

/* A 32-bit config space register, or 0xdeadbeef if the read failed. */
static inline uint32_t disp_cfg32(int fd, unsigned int off)
{
	uint32_t val;

	if (disp_read(fd, VFIO_PCI_CONFIG_REGION_INDEX, off, 4, &val) != 4)
		return 0xdeadbeef;
	return val;
}

/* VFIO_DEVICE_QUERY_GFX_PLANE; fills @plane, returns ioctl()'s result. */
static inline int disp_query_plane(int fd, uint32_t flags, uint32_t type,
				   struct vfio_device_gfx_plane_info *plane)
{
	memset(plane, 0, sizeof(*plane));
	plane->argsz = sizeof(*plane);
	plane->flags = flags;
	plane->drm_plane_type = type;
	return ioctl(fd, VFIO_DEVICE_QUERY_GFX_PLANE, plane);
}

/*
 * For FIXTURE_SETUP: a new device of @type under @parent, opened through
 * VFIO into @v.  Skips the test when the parent's module is not loaded.
 * @uuid and @v are valid for disp_close() even when this fails.
 */
static inline void disp_open(const char *parent, const char *type,
			     char uuid[VU_UUID_LEN + 1], struct vu_vfio *v)
{
	char path[256];

	v->container = v->group = v->device = -1;
	uuid[0] = '\0';

	vu_type_path(path, sizeof(path), parent, type);
	if (!vu_path_exists(path))
		SKIP("no %s: %s.ko not loaded", path, parent);

	ASSERT_EQ(vu_mdev_create(parent, type, uuid), 0);
	ASSERT_EQ(vu_vfio_open(v, uuid), 0);
}

/* For FIXTURE_TEARDOWN: undoes disp_open(), whatever part of it was done. */
static inline void disp_close(const char *uuid, struct vu_vfio *v)
{
	vu_vfio_close(v);
	if (uuid[0] && vu_mdev_exists(uuid))
		vu_mdev_remove(uuid);
}

/*
 * The plane query checks every display device shares: a probe for planes
 * of kind @kind (VFIO_GFX_PLANE_TYPE_REGION or _DMABUF) succeeds; a probe
 * or a query for the @other kind, and a query for no kind, fail.
 */
static inline void disp_expect_plane_kind(int fd, uint32_t kind, uint32_t other)
{
	struct vfio_device_gfx_plane_info p;

	EXPECT_EQ(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_PROBE | kind, 0, &p), 0);
	EXPECT_ERRNO(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_PROBE | other, 0, &p),
		     EINVAL);
	EXPECT_ERRNO(disp_query_plane(fd, other, DISP_PLANE_PRIMARY, &p), EINVAL);
	EXPECT_ERRNO(disp_query_plane(fd, 0, DISP_PLANE_PRIMARY, &p), EINVAL);
}

#endif /* TESTS_DISPLAY_H */
