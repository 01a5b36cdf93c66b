/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gvt_test.h - what the gvt_stub tests share on top of gvt_guest.c: for
 * their fixtures a skip when the parent is not loaded, no vGPUs left over
 * from an earlier test and a vGPU ready to render; the primary plane
 * turned on.  Include it after harness.h and gvt_guest.c.
 */
#ifndef TESTS_GVT_TEST_H
#define TESTS_GVT_TEST_H

#include "harness.h"
#include "gvt_guest.h"

/*
 * Skips the test unless gvt_stub offers @type, then removes every vGPU of
 * gvt_stub: a test that failed half-way may have left some behind.
 */
static inline void gg_need_type(const char *type)
{
	char path[256];

	vu_type_path(path, sizeof(path), GG_PARENT, type);
	if (!vu_path_exists(path))
		SKIP("no %s: gvt_stub.ko not loaded", path);
	gg_remove_all();
}

/* Creates a vGPU of @type in @g (gg_init()ed) with guest memory and a ring. */
static inline void gg_create_ready(struct gg_vgpu *g, const char *type)
{
	ASSERT_EQ(gg_create(g, type), 0);
	ASSERT_EQ(gg_setup_mem(g, GG_MEM_SIZE), 0);
	ASSERT_EQ(gg_ring_init(g), 0);
}

/*
 * Turns the primary plane on: @w x @h pixels of XRGB8888, @stride bytes a
 * line, at graphics address GG_DATA_GM.
 */
static inline void gg_plane_on(struct gg_vgpu *g, uint32_t w, uint32_t h,
			       uint32_t stride)
{
	gg_wr(g, GVT_REG_PLANE_SURF, GG_DATA_GM);
	gg_wr(g, GVT_REG_PLANE_STRIDE, stride);
	gg_wr(g, GVT_REG_PLANE_SIZE, (h - 1) << 16 | (w - 1));
	gg_wr(g, GVT_REG_PLANE_CTL, GVT_PLANE_CTL_ENABLE |
	      GVT_PLANE_FMT_XRGB8888 << GVT_PLANE_CTL_FMT_SHIFT);
}

#endif /* TESTS_GVT_TEST_H */
