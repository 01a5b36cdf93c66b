/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pci_util.h - helpers for the vfio-pci tests: find QEMU's emulated test
 * devices, load our vfio-pci modules, bind a device to vfio-pci by
 * driver_override and give it back to its old driver (or none) after.
 *
 * The modules are loaded by a constructor in the test program's parent
 * process and unloaded when it exits, so every case (a forked child) finds
 * them in place and the runner finds them gone.
 */
#ifndef TESTS_PCI_UTIL_H
#define TESTS_PCI_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vfio.h>
#include "vfio_util.h"

#define PU_PCI_DEVICES	"/sys/bus/pci/devices"
/* The device fd offset of a region (VFIO_PCI_OFFSET_SHIFT in the kernel). */
#define PU_OFF(index)	((uint64_t)(index) << 40)
#define PU_VFIO_PCI	"/sys/bus/pci/drivers/vfio-pci"

/* QEMU's test devices. */
#define PU_EDU		0x1234, 0x11e8
#define PU_TESTDEV	0x1b36, 0x0005
#define PU_E1000E	0x8086, 0x10d3
#define PU_NVME		0x1b36, 0x0010

struct pu_dev {
	char bdf[32];			/* 0000:00:02.0 */
	char old_driver[64];		/* "" when none was bound */
	int bound;			/* we bound it to vfio-pci */
};

static int pu_loaded_here;

static inline int pu_run(const char *cmd)
{
	int rc = system(cmd);

	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static inline int pu_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return vu_path_exists(path);
}

static inline void pu_unload_modules(void)
{
	if (!pu_loaded_here)
		return;
	/* Unbinding is the tests' job; a module still in use stays. */
	pu_run("rmmod vfio_pci 2>/dev/null; rmmod vfio_pci_core 2>/dev/null");
}

/* insmod our vfio-pci modules from $TOP unless they are there already. */
static inline int pu_load_modules(void)
{
	const char *top = getenv("TOP");
	char cmd[PATH_MAX * 2 + 64];

	if (pu_module_loaded("vfio_pci"))
		return 0;
	if (!top)
		top = ".";
	snprintf(cmd, sizeof(cmd), "insmod %s/core/pci/vfio-pci-core.ko && insmod %s/core/pci/vfio-pci.ko",
		 top, top);
	if (pu_run(cmd))
		return -ENOENT;
	pu_loaded_here = 1;
	return 0;
}

/* The first device with @vendor:@device, its name in @bdf; -ENODEV if none. */
static inline int pu_find(unsigned int vendor, unsigned int device, char *bdf,
			  size_t len)
{
	struct dirent *de;
	char path[PATH_MAX];
	long v, d;
	DIR *dir;
	int ret = -ENODEV;

	dir = opendir(PU_PCI_DEVICES);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/vendor", de->d_name);
		if (vu_sysfs_read_long(path, &v))
			continue;
		snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/device", de->d_name);
		if (vu_sysfs_read_long(path, &d))
			continue;
		if (v == vendor && d == device) {
			if (strlen(de->d_name) >= len)
				continue;
			memcpy(bdf, de->d_name, strlen(de->d_name) + 1);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	return ret;
}

/* The driver bound to @bdf in @drv ("" for none). */
static inline void pu_driver(const char *bdf, char *drv, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	drv[0] = '\0';
	if (n <= 0)
		return;
	link[n] = '\0';
	snprintf(drv, len, "%s", strrchr(link, '/') + 1);
}

/* The device's IOMMU group number, or -errno. */
static inline int pu_group(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -errno;
	link[n] = '\0';
	return atoi(strrchr(link, '/') + 1);
}

/* Bind @dev->bdf to vfio-pci by driver_override, remembering the old driver. */
static inline int pu_bind(struct pu_dev *dev)
{
	char drv[64];
	int ret;

	pu_driver(dev->bdf, dev->old_driver, sizeof(dev->old_driver));
	if (!strcmp(dev->old_driver, "vfio-pci")) {
		dev->old_driver[0] = '\0';
		dev->bound = 1;
		return 0;
	}
	if (dev->old_driver[0]) {
		ret = vu_sysfs_writef(dev->bdf, PU_PCI_DEVICES "/%s/driver/unbind", dev->bdf);
		if (ret)
			return ret;
	}
	ret = vu_sysfs_writef("vfio-pci", PU_PCI_DEVICES "/%s/driver_override", dev->bdf);
	if (ret)
		return ret;
	ret = vu_sysfs_write("/sys/bus/pci/drivers_probe", dev->bdf);
	if (ret)
		return ret;
	pu_driver(dev->bdf, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci"))
		return -ENODEV;
	dev->bound = 1;
	return 0;
}

/* Undo pu_bind(): unbind, clear driver_override, rebind the old driver. */
static inline void pu_unbind(struct pu_dev *dev)
{
	char drv[64];

	if (!dev->bound)
		return;
	pu_driver(dev->bdf, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci"))
		vu_sysfs_write(PU_VFIO_PCI "/unbind", dev->bdf);
	vu_sysfs_writef("\n", PU_PCI_DEVICES "/%s/driver_override", dev->bdf);
	if (dev->old_driver[0])
		vu_sysfs_writef(dev->bdf, "/sys/bus/pci/drivers/%s/bind", dev->old_driver);
	dev->bound = 0;
}

/* Container, group and device fd of a vfio-pci device, type1v2. */
static inline int pu_open(struct vu_vfio *v, const char *bdf)
{
	int nr = pu_group(bdf);

	v->container = v->group = v->device = -1;
	if (nr < 0)
		return nr;
	return vu_vfio_open_group(v, nr, bdf, VFIO_TYPE1v2_IOMMU);
}

/* pread/pwrite of @len (1, 2, 4, 8) bytes at @off of region @index. */
static inline int pu_rd(int fd, unsigned int index, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len, PU_OFF(index) + off);

	return n == (ssize_t)len ? 0 : (n < 0 ? -errno : -EIO);
}

static inline int pu_wr(int fd, unsigned int index, uint64_t off, const void *buf, size_t len)
{
	ssize_t n = pwrite(fd, buf, len, PU_OFF(index) + off);

	return n == (ssize_t)len ? 0 : (n < 0 ? -errno : -EIO);
}

static inline uint32_t pu_rd32(int fd, unsigned int index, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	if (pu_rd(fd, index, off, &v, 4))
		return 0xdeadbeef;
	return v;
}

static inline int pu_wr32(int fd, unsigned int index, uint64_t off, uint32_t v)
{
	return pu_wr(fd, index, off, &v, 4);
}

static inline int pu_wr64(int fd, unsigned int index, uint64_t off, uint64_t v)
{
	return pu_wr(fd, index, off, &v, 8);
}

#define PU_CFG		VFIO_PCI_CONFIG_REGION_INDEX
#define PU_BAR0		VFIO_PCI_BAR0_REGION_INDEX

/* Set and clear bits of the command register through the config region. */
static inline int pu_cmd_update(int fd, uint16_t set, uint16_t clear)
{
	uint16_t cmd;

	if (pu_rd(fd, PU_CFG, 4 /* PCI_COMMAND */, &cmd, 2))
		return -1;
	cmd = (cmd | set) & ~clear;
	return pu_wr(fd, PU_CFG, 4, &cmd, 2);
}

#endif /* TESTS_PCI_UTIL_H */
