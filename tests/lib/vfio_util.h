/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio_util.h - small helpers for tests of VFIO devices and the mdev bus.
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative errno on failure, and leaves errno set to the same value, so a
 * test can write either
 *
 *	ASSERT_EQ(vu_mdev_create("mtty", "mtty-2", uuid), 0);
 *	ASSERT_EQ(vu_mdev_create("mtty", "mtty-2", "bad"), -EINVAL);
 *
 * Typical fixture:
 *
 *	FIXTURE_SETUP(dev) {
 *		ASSERT_EQ(vu_mdev_create("mtty", "mtty-1", self->uuid), 0);
 *		ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
 *	}
 *	FIXTURE_TEARDOWN(dev) {
 *		vu_vfio_close(&self->v);
 *		vu_mdev_remove(self->uuid);
 *	}
 *
 * Nothing here knows about a particular parent driver.
 */
#ifndef TESTS_VFIO_UTIL_H
#define TESTS_VFIO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#define VU_UUID_LEN	36		/* without the terminating NUL */
#define VU_MDEV_BUS	"/sys/bus/mdev/devices"
#define VU_MDEV_CLASS	"/sys/class/mdev_bus"

/* ---- sysfs ------------------------------------------------------------ */

/* Write @val (no newline added) to @path in one write(2). */
int vu_sysfs_write(const char *path, const char *val);
/* printf-style path; writes @val. */
int vu_sysfs_writef(const char *val, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Read @path into @buf (NUL-terminated, trailing newline stripped); returns the length. */
int vu_sysfs_read(const char *path, char *buf, size_t len);
/* Read a decimal (or 0x hex) number from @path. */
int vu_sysfs_read_long(const char *path, long *val);
/* 1 if @path exists, 0 if not. */
int vu_path_exists(const char *path);
/* Poll until @path disappears; 0, or -ETIMEDOUT after @timeout_ms. */
int vu_wait_path_gone(const char *path, int timeout_ms);
/* How many entries of directory @path do not start with a dot. */
int vu_count_dir(const char *path);

/* ---- mediated devices ------------------------------------------------- */

/* A random (version 4) UUID in lower-case text form. */
void vu_uuid_random(char uuid[VU_UUID_LEN + 1]);
/* Path of a type directory: /sys/class/mdev_bus/<parent>/mdev_supported_types/<type>. */
void vu_type_path(char *buf, size_t len, const char *parent, const char *type);
/* Create a device of @type under @parent with a new random UUID, returned in @uuid. */
int vu_mdev_create(const char *parent, const char *type, char uuid[VU_UUID_LEN + 1]);
/* Create a device with the given @uuid (any string: used to test malformed ones). */
int vu_mdev_create_uuid(const char *parent, const char *type, const char *uuid);
/* Write "1" to /sys/bus/mdev/devices/<uuid>/remove. */
int vu_mdev_remove(const char *uuid);
/* 1 if /sys/bus/mdev/devices/<uuid> exists. */
int vu_mdev_exists(const char *uuid);
/* The available_instances of a type, or a negative errno. */
long vu_mdev_available(const char *parent, const char *type);
/* The N of the device's iommu_group link (/dev/vfio/N), or a negative errno. */
int vu_mdev_group(const char *uuid);

/* ---- VFIO container, group, device ----------------------------------- */

/* Open /dev/vfio/vfio; returns the fd or a negative errno. */
int vu_container_open(void);
/* Open /dev/vfio/<nr>; returns the fd or a negative errno. */
int vu_group_open(int nr);
/* VFIO_GROUP_SET_CONTAINER. */
int vu_group_set_container(int group_fd, int container_fd);
/* VFIO_SET_IOMMU. */
int vu_set_iommu(int container_fd, unsigned long type);
/* VFIO_GROUP_GET_DEVICE_FD; returns the fd or a negative errno. */
int vu_group_get_device(int group_fd, const char *name);

/* Everything a test needs to talk to one device; fds are -1 when closed. */
struct vu_vfio {
	int container;
	int group;
	int device;
	int group_nr;
};

/*
 * Open a container, the device's group, attach the group, select the
 * type1v2 IOMMU and get the device fd.  On failure everything opened so far
 * is closed again and all fds are -1.
 */
int vu_vfio_open(struct vu_vfio *v, const char *uuid);
/* The same with a chosen IOMMU type (VFIO_TYPE1_IOMMU, ...). */
int vu_vfio_open_type(struct vu_vfio *v, const char *uuid, unsigned long iommu_type);
/* The same for any device: its group number and the name GET_DEVICE_FD takes. */
int vu_vfio_open_group(struct vu_vfio *v, int group_nr, const char *name,
		       unsigned long iommu_type);
/* Close whatever is open (device, group, container, in that order). */
void vu_vfio_close(struct vu_vfio *v);

/* ---- device info -------------------------------------------------------- */

/* VFIO_DEVICE_GET_REGION_INFO without capabilities (argsz = sizeof). */
int vu_region_info(int device_fd, unsigned int index, struct vfio_region_info *info);
/*
 * VFIO_DEVICE_GET_REGION_INFO with its capability chain: *@out is a malloc'd
 * buffer of (*@out)->argsz bytes holding the info and the chain; free() it.
 */
int vu_region_info_caps(int device_fd, unsigned int index, struct vfio_region_info **out);
/* VFIO_DEVICE_GET_IRQ_INFO. */
int vu_irq_info(int device_fd, unsigned int index, struct vfio_irq_info *info);
/*
 * Find capability @id in a chain that starts @cap_offset bytes into @base
 * (a buffer of @size bytes).  NULL if absent or if the chain is malformed
 * (an offset out of the buffer, or a loop).
 */
struct vfio_info_cap_header *vu_find_cap(void *base, size_t size, uint32_t cap_offset,
					 uint16_t id);

/* ---- interrupts ------------------------------------------------------- */

/* Attach (fd >= 0) or detach (fd == -1) an eventfd as trigger of irq @index, vector 0. */
int vu_irq_set_eventfd(int device_fd, unsigned int index, int efd);
/* Disable all triggers of irq @index (DATA_NONE, ACTION_TRIGGER, count 0). */
int vu_irq_disable(int device_fd, unsigned int index);
/* Wait up to @timeout_ms for @efd; returns its counter, 0 on timeout, or -errno. */
long vu_eventfd_wait(int efd, int timeout_ms);

/* ---- DMA mappings ----------------------------------------------------- */

/* VFIO_IOMMU_MAP_DMA; @flags are VFIO_DMA_MAP_FLAG_*. */
int vu_dma_map(int container_fd, void *vaddr, uint64_t iova, uint64_t size, uint32_t flags);
/* VFIO_IOMMU_UNMAP_DMA; the size actually unmapped goes to *@unmapped if non-NULL. */
int vu_dma_unmap(int container_fd, uint64_t iova, uint64_t size, uint32_t flags,
		 uint64_t *unmapped);
/*
 * VFIO_IOMMU_GET_INFO with its capability chain: malloc'd, free() it.
 */
int vu_iommu_info(int container_fd, struct vfio_iommu_type1_info **out);

/* ---- misc -------------------------------------------------------------- */

/* Milliseconds of CLOCK_MONOTONIC. */
long long vu_now_ms(void);
/* The kB value of a field of /proc/self/status, e.g. "VmLck"; -errno if absent. */
long vu_proc_status_kb(const char *field);

#endif /* TESTS_VFIO_UTIL_H */
