// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_util.c - helpers for tests of VFIO devices and the mdev bus.
 * See vfio_util.h for the conventions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vfio_util.h"

/* Return -@err with errno set too, so callers may use either. */
static int fail(int err)
{
	errno = err;
	return -err;
}

int vu_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	n = write(fd, val, len);
	err = errno;
	close(fd);
	if (n < 0)
		return fail(err);
	if ((size_t)n != len)
		return fail(EIO);
	return 0;
}

int vu_sysfs_writef(const char *val, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return vu_sysfs_write(path, val);
}

int vu_sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	if (!len)
		return fail(EINVAL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return fail(err);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

int vu_sysfs_read_long(const char *path, long *val)
{
	char buf[64], *end;
	int ret;

	ret = vu_sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*val = strtol(buf, &end, 0);
	if (errno || end == buf || *end)
		return fail(EINVAL);
	return 0;
}

int vu_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int vu_count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

long long vu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vu_wait_path_gone(const char *path, int timeout_ms)
{
	long long end = vu_now_ms() + timeout_ms;

	while (vu_path_exists(path)) {
		if (vu_now_ms() > end)
			return fail(ETIMEDOUT);
		usleep(10 * 1000);
	}
	return 0;
}

void vu_uuid_random(char uuid[VU_UUID_LEN + 1])
{
	unsigned char b[16];
	int fd, i, ok = 0;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = read(fd, b, sizeof(b)) == (ssize_t)sizeof(b);
		close(fd);
	}
	if (!ok) {
		/* no urandom: still unique enough within one test run */
		srandom((unsigned int)(getpid() ^ vu_now_ms()));
		for (i = 0; i < 16; i++)
			b[i] = (unsigned char)random();
	}
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(uuid, VU_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

void vu_type_path(char *buf, size_t len, const char *parent, const char *type)
{
	snprintf(buf, len, VU_MDEV_CLASS "/%s/mdev_supported_types/%s", parent, type);
}

int vu_mdev_create_uuid(const char *parent, const char *type, const char *uuid)
{
	char path[PATH_MAX];

	vu_type_path(path, sizeof(path), parent, type);
	strncat(path, "/create", sizeof(path) - strlen(path) - 1);
	return vu_sysfs_write(path, uuid);
}

int vu_mdev_create(const char *parent, const char *type, char uuid[VU_UUID_LEN + 1])
{
	vu_uuid_random(uuid);
	return vu_mdev_create_uuid(parent, type, uuid);
}

int vu_mdev_remove(const char *uuid)
{
	return vu_sysfs_writef("1", VU_MDEV_BUS "/%s/remove", uuid);
}

int vu_mdev_exists(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s", uuid);
	return vu_path_exists(path);
}

long vu_mdev_available(const char *parent, const char *type)
{
	char path[PATH_MAX];
	long val;
	int ret;

	vu_type_path(path, sizeof(path), parent, type);
	strncat(path, "/available_instances", sizeof(path) - strlen(path) - 1);
	ret = vu_sysfs_read_long(path, &val);
	return ret < 0 ? ret : val;
}

int vu_mdev_group(const char *uuid)
{
	char path[PATH_MAX], target[PATH_MAX], *base, *end;
	ssize_t n;
	long nr;

	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/iommu_group", uuid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return fail(errno);
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	errno = 0;
	nr = strtol(base, &end, 10);
	if (errno || end == base || *end || nr < 0 || nr > INT_MAX)
		return fail(EINVAL);
	return (int)nr;
}

int vu_container_open(void)
{
	int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	return fd < 0 ? fail(errno) : fd;
}

int vu_group_open(int nr)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%d", nr);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? fail(errno) : fd;
}

int vu_group_set_container(int group_fd, int container_fd)
{
	return ioctl(group_fd, VFIO_GROUP_SET_CONTAINER, &container_fd) ? fail(errno) : 0;
}

int vu_set_iommu(int container_fd, unsigned long type)
{
	return ioctl(container_fd, VFIO_SET_IOMMU, type) ? fail(errno) : 0;
}

int vu_group_get_device(int group_fd, const char *name)
{
	int fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, name);

	return fd < 0 ? fail(errno) : fd;
}

void vu_vfio_close(struct vu_vfio *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->device = v->group = v->container = -1;
}

int vu_vfio_open_group(struct vu_vfio *v, int group_nr, const char *name,
		       unsigned long iommu_type)
{
	int ret;

	v->container = v->group = v->device = -1;
	v->group_nr = group_nr;
	ret = vu_container_open();
	if (ret < 0)
		goto err;
	v->container = ret;
	ret = vu_group_open(v->group_nr);
	if (ret < 0)
		goto err;
	v->group = ret;
	ret = vu_group_set_container(v->group, v->container);
	if (ret)
		goto err;
	ret = vu_set_iommu(v->container, iommu_type);
	if (ret)
		goto err;
	ret = vu_group_get_device(v->group, name);
	if (ret < 0)
		goto err;
	v->device = ret;
	return 0;
err:
	vu_vfio_close(v);
	return fail(ret < 0 ? -ret : EIO);
}

int vu_vfio_open_type(struct vu_vfio *v, const char *uuid, unsigned long iommu_type)
{
	int nr = vu_mdev_group(uuid);

	v->container = v->group = v->device = -1;
	if (nr < 0)
		return nr;
	return vu_vfio_open_group(v, nr, uuid, iommu_type);
}

int vu_vfio_open(struct vu_vfio *v, const char *uuid)
{
	return vu_vfio_open_type(v, uuid, VFIO_TYPE1v2_IOMMU);
}

int vu_region_info(int device_fd, unsigned int index, struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(device_fd, VFIO_DEVICE_GET_REGION_INFO, info) ? fail(errno) : 0;
}

/*
 * An *_INFO ioctl whose structure starts with argsz and may be followed by
 * a capability chain.  @req holds the request fields (@minsz bytes); the
 * first call reports the size the chain needs, the next one fills it.
 */
static int info_with_chain(int fd, unsigned long cmd, const void *req,
			   uint32_t minsz, void **out)
{
	uint32_t argsz = minsz;
	void *info = NULL, *bigger;
	int tries;

	*out = NULL;
	for (tries = 0; tries < 3; tries++) {
		bigger = realloc(info, argsz);
		if (!bigger) {
			free(info);
			return fail(ENOMEM);
		}
		info = bigger;
		memset(info, 0, argsz);
		memcpy(info, req, minsz);
		*(uint32_t *)info = argsz;
		if (ioctl(fd, cmd, info)) {
			int err = errno;

			free(info);
			return fail(err);
		}
		if (*(uint32_t *)info <= argsz) {
			*out = info;
			return 0;
		}
		argsz = *(uint32_t *)info;
	}
	free(info);
	return fail(EOVERFLOW);
}

int vu_region_info_caps(int device_fd, unsigned int index, struct vfio_region_info **out)
{
	struct vfio_region_info req = { .index = index };

	return info_with_chain(device_fd, VFIO_DEVICE_GET_REGION_INFO, &req,
			       sizeof(req), (void **)out);
}

int vu_irq_info(int device_fd, unsigned int index, struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(device_fd, VFIO_DEVICE_GET_IRQ_INFO, info) ? fail(errno) : 0;
}

struct vfio_info_cap_header *vu_find_cap(void *base, size_t size, uint32_t cap_offset,
					 uint16_t id)
{
	struct vfio_info_cap_header *hdr;
	uint32_t off = cap_offset;
	int hops;

	/* a chain longer than the buffer could hold headers must loop */
	for (hops = 0; off && hops <= (int)(size / sizeof(*hdr)); hops++) {
		if (off < sizeof(*hdr) || off > size - sizeof(*hdr))
			return NULL;
		hdr = (struct vfio_info_cap_header *)((char *)base + off);
		if (hdr->id == id)
			return hdr;
		off = hdr->next;
	}
	return NULL;
}

static int irq_set(int device_fd, unsigned int index, uint32_t flags, uint32_t count,
		   const void *data, size_t data_len)
{
	size_t sz = sizeof(struct vfio_irq_set) + data_len;
	struct vfio_irq_set *set;
	int ret;

	set = calloc(1, sz);
	if (!set)
		return fail(ENOMEM);
	set->argsz = sz;
	set->flags = flags;
	set->index = index;
	set->start = 0;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	ret = ioctl(device_fd, VFIO_DEVICE_SET_IRQS, set) ? fail(errno) : 0;
	free(set);
	return ret;
}

int vu_irq_set_eventfd(int device_fd, unsigned int index, int efd)
{
	int32_t fd = efd;

	return irq_set(device_fd, index,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       1, &fd, sizeof(fd));
}

int vu_irq_disable(int device_fd, unsigned int index)
{
	return irq_set(device_fd, index,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       0, NULL, 0);
}

long vu_eventfd_wait(int efd, int timeout_ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t val;
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return fail(errno);
	if (n == 0)
		return 0;
	if (read(efd, &val, sizeof(val)) != (ssize_t)sizeof(val))
		return fail(errno ? errno : EIO);
	return (long)val;
}

int vu_dma_map(int container_fd, void *vaddr, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container_fd, VFIO_IOMMU_MAP_DMA, &map) ? fail(errno) : 0;
}

int vu_dma_unmap(int container_fd, uint64_t iova, uint64_t size, uint32_t flags,
		 uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = size,
	};

	if (ioctl(container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return fail(errno);
	if (unmapped)
		*unmapped = unmap.size;
	return 0;
}

int vu_iommu_info(int container_fd, struct vfio_iommu_type1_info **out)
{
	struct vfio_iommu_type1_info req = { 0 };

	return info_with_chain(container_fd, VFIO_IOMMU_GET_INFO, &req,
			       sizeof(req), (void **)out);
}

long vu_proc_status_kb(const char *field)
{
	size_t flen = strlen(field);
	char line[256];
	long val = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return fail(errno);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			val = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	if (val < 0)
		errno = -val;
	return val;
}
