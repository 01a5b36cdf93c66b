/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testparent.h - driving mdev_testparent.ko from the tests in tests/core.
 *
 * The module's control region (see tests/kmod/mdev_testparent.h) lets a test
 * make the driver call the in-kernel DMA API: tp_pin() makes it call
 * vfio_pin_pages() and returns that call's result (pages, or -errno), and so
 * on.  The helpers return -errno of the write itself if that fails.
 */
#ifndef TESTS_CORE_TESTPARENT_H
#define TESTS_CORE_TESTPARENT_H

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "../kmod/mdev_testparent.h"
#include "vfio_util.h"

#define TP_REGION_OFF(index)	((off_t)(index) << 40)
#define TP_CFG_OFF		TP_REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)
#define TP_BAR0_OFF		TP_REGION_OFF(VFIO_PCI_BAR0_REGION_INDEX)
#define TP_CTL_OFF		TP_REGION_OFF(TP_CTL_INDEX)

#define TP_SYSFS_PARAM(p)	"/sys/module/mdev_testparent/parameters/" p

/* Skip the test cleanly when the module is not loaded. */
static inline int tp_loaded(void)
{
	return vu_path_exists(VU_MDEV_CLASS "/" TP_PARENT);
}

static inline int tp_status(int device_fd, struct tp_status *st)
{
	ssize_t n = pread(device_fd, st, sizeof(*st), TP_CTL_OFF + TP_CTL_STATUS);

	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*st) ? 0 : -EIO;
}

/* Run one command; its result (>= 0 or -errno) is returned. */
static inline long long tp_cmd(int device_fd, uint32_t op, uint64_t iova,
			       uint64_t count, uint32_t prot)
{
	struct tp_cmd cmd = { .op = op, .prot = prot, .iova = iova, .count = count };
	struct tp_status st;
	ssize_t n;
	int ret;

	n = pwrite(device_fd, &cmd, sizeof(cmd), TP_CTL_OFF + TP_CTL_CMD);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(cmd))
		return -EIO;
	ret = tp_status(device_fd, &st);
	return ret ? ret : st.result;
}

static inline long long tp_pin(int fd, uint64_t iova, int npage, uint32_t prot)
{
	return tp_cmd(fd, TP_OP_PIN, iova, (uint64_t)(int64_t)npage, prot);
}

static inline long long tp_unpin(int fd, uint64_t iova, int npage)
{
	return tp_cmd(fd, TP_OP_UNPIN, iova, (uint64_t)(int64_t)npage, 0);
}

/* Device reads @len bytes at @iova by vfio_dma_rw() into its DATA window. */
static inline long long tp_dma_read(int fd, uint64_t iova, size_t len)
{
	return tp_cmd(fd, TP_OP_DMA_READ, iova, len, 0);
}

/* Device writes its DATA window's first @len bytes to @iova. */
static inline long long tp_dma_write(int fd, uint64_t iova, size_t len)
{
	return tp_cmd(fd, TP_OP_DMA_WRITE, iova, len, 0);
}

static inline int tp_data_put(int fd, const void *buf, size_t len)
{
	return pwrite(fd, buf, len, TP_CTL_OFF + TP_CTL_DATA) == (ssize_t)len ? 0 : -errno;
}

static inline int tp_data_get(int fd, void *buf, size_t len)
{
	return pread(fd, buf, len, TP_CTL_OFF + TP_CTL_DATA) == (ssize_t)len ? 0 : -errno;
}

static inline int tp_set_fail_open(int err)
{
	char val[16];

	snprintf(val, sizeof(val), "%d", err);
	return vu_sysfs_write(TP_SYSFS_PARAM("fail_open_errno"), val);
}

#endif /* TESTS_CORE_TESTPARENT_H */
