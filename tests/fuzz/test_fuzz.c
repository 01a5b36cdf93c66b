// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuzz - a seeded, bounded random program generator over the VFIO and
 * mdev uAPI of every mediated-device type that is loaded.
 *
 * One TAP case per type (every directory under
 * /sys/class/mdev_bus/<parent>/mdev_supported_types/), plus "threads", where
 * several threads share one device's fds.  A case is a random program of
 * FUZZ_OPS / cases operations: sysfs create/remove with good and bad
 * strings, container/group/device open, set-container, set-iommu, close
 * and remove at random points (removal of an open device from a helper
 * thread while this one closes), every container, group and device ioctl
 * with random and boundary argsz, flags, indices, offsets and counts,
 * SET_IRQS with eventfds and bogus fds, DMA map/unmap, device features,
 * display planes and dma-bufs, pread/pwrite and mmap at random offsets,
 * on mdev_testparent devices the pin/unpin/DMA commands of its control
 * region, and on mbochs devices mode sets, so that there are planes to
 * export.
 *
 * Each op's result is checked: a failure must carry an errno of the op's
 * set (unknown errnos fail the case), a few must-hold rules are checked
 * (argsz below the minimum is EINVAL, a second group open is EBUSY, a
 * well-formed GET_INFO on an open device succeeds, ...), and no op may take
 * longer than FUZZ_HANG seconds (default 60).  At the end every device is
 * removed and every fd closed, and available_instances must be what it
 * was.
 *
 *	FUZZ_SEED=n   the run's seed (default: from the clock; always printed)
 *	FUZZ_OPS=n    operations in all, spread over the cases (default 15000)
 *	FUZZ_JOBS=n   cases run at once, never two of one parent (default: the
 *	              number of CPUs; "threads" always runs alone)
 *	tests/bin/test_fuzz [-l] [case...]
 *
 * A case's program depends only on the seed and the case's name, so a
 * failure printed as "FUZZ_SEED=s FUZZ_OPS=n test_fuzz <case>" replays
 * (except in "threads", where the interleaving is the scheduler's).
 *
 * runner-timeout: 7200
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "fuzz.h"
#include "vfio_util.h"
#include "../kmod/mdev_testparent.h"

#define FZ_DEFAULT_OPS	15000
#define FZ_DEVS		2	/* devices per single-threaded case */
#define FZ_MAPS		4	/* live mmaps per case (per thread) */
#define FZ_THREADS	3
#define FZ_REGIONS	16	/* regions we remember the size of */
#define FZ_RING		24	/* last ops kept for the failure report */
#define FZ_DMA_RW	(1 << 20)	/* DMA-able memory, read/write */
#define FZ_DMA_RESV	(16 << 20)	/* ... inside this reservation */
#define FZ_TYPES	32

#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

/* ---- what a case may see ------------------------------------------------ */

static const int E_IOCTL[] = {
	EINVAL, EFAULT, ENOTTY, EBUSY, ENODEV, ENOSPC, ENOMEM, EPERM, E2BIG,
	EEXIST, ENOENT, EBADF, EOPNOTSUPP, ENOTSUPP, ERANGE, ENXIO, 0
};
static const int E_RW[] = {
	EINVAL, EFAULT, ENODEV, ENXIO, EPERM, ENOSPC, ENOMEM, EBUSY, EIO, EAGAIN, 0
};
static const int E_MMAP[] = {
	EINVAL, ENODEV, ENOMEM, EPERM, EACCES, ENXIO, EOVERFLOW, EFAULT, EBUSY, 0
};
static const int E_CREATE[] = { EINVAL, EEXIST, ENOSPC, EUSERS, ENOMEM, EBUSY, ENODEV, 0 };
static const int E_REMOVE[] = { EINVAL, ERANGE, ENODEV, ENOENT, 0 };
static const int E_OPEN[] = { ENOENT, ENODEV, EBUSY, ENXIO, 0 };
/* with several threads an fd may be closed or reused under us */
static const int E_THREADED[] = {
	EINVAL, EFAULT, ENOTTY, EBUSY, ENODEV, ENOSPC, ENOMEM, EPERM, E2BIG,
	EEXIST, ENOENT, EBADF, EOPNOTSUPP, ENOTSUPP, ERANGE, ENXIO, EIO,
	EAGAIN, ESPIPE, EACCES, EOVERFLOW, 0
};

/* ---- shared with the watching parent ------------------------------------- */

struct fz_shared {
	long progress;			/* ops started, every thread */
	unsigned int ring_pos;
	char ring[FZ_RING][200];	/* the last ops, for the report */
	int failed;
	char why[600];
	long errnos[600];		/* how often each errno was returned */
	long ok_calls;
	long maps, dmabufs, pins;	/* interesting successes */
	long long op_ns[32];		/* time spent in each op of fz_ops[] */
};

/* sh is this case's slot of sh_all (one per case, so cases can run at once) */
static struct fz_shared *sh, *sh_all;

static long long fz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct fz_type {
	char parent[256];
	char name[256];
	char path[1024];		/* the type directory */
	int tp;				/* an mdev_testparent type */
	long avail;			/* available_instances at start */
};

static struct fz_type types[FZ_TYPES];
static int ntypes;
static uint64_t run_seed;
static long run_ops;

/* ---- per case state ----------------------------------------------------- */

struct fz_dev {
	char uuid[VU_UUID_LEN + 1];
	int exists;
	int group_nr;
	volatile int container, group, device;
	int nregions, nirqs;
	uint64_t rsize[FZ_REGIONS];
};

struct fz_map {
	void *p;
	size_t len;
	int dev;
};

struct fz {
	struct fz_rng r;
	const struct fz_type *t;
	struct fz_dev *d[FZ_DEVS];
	int ndev;
	struct fz_map map[FZ_MAPS];
	uint8_t *arena;
	uint8_t *dma;			/* FZ_DMA_RW usable of FZ_DMA_RESV */
	long op;
	int threaded, tid;
	int did;			/* the current op did something */
	const char *cname;
};

static __thread sigjmp_buf touch_jmp;
static __thread volatile int touching;

static void on_touch_fault(int sig)
{
	if (touching)
		siglongjmp(touch_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read the first and last byte of a mapping (write the first): 0 or the signal. */
static int fz_touch(volatile uint8_t *b, size_t len, int write_it)
{
	volatile int sig;

	touching = 1;
	sig = sigsetjmp(touch_jmp, 1);
	if (!sig) {
		(void)b[0];
		(void)b[len - 1];
		if (write_it)
			b[0] = b[0];
	}
	touching = 0;
	return sig;
}

static void fz_note(struct fz *z, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fz_note(struct fz *z, const char *fmt, ...)
{
	unsigned int pos = __atomic_fetch_add(&sh->ring_pos, 1, __ATOMIC_RELAXED);
	char *slot = sh->ring[pos % FZ_RING];
	va_list ap;
	int n;

	z->did = 1;
	n = snprintf(slot, sizeof(sh->ring[0]), "t%d op %ld: ", z->tid, z->op);
	va_start(ap, fmt);
	vsnprintf(slot + n, sizeof(sh->ring[0]) - n, fmt, ap);
	va_end(ap);
}

static void fz_fail(struct fz *z, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fz_fail(struct fz *z, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (__atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST))
		return;
	n = snprintf(sh->why, sizeof(sh->why), "t%d op %ld: ", z->tid, z->op);
	va_start(ap, fmt);
	vsnprintf(sh->why + n, sizeof(sh->why) - n, fmt, ap);
	va_end(ap);
}

static const char *errname(int e)
{
	static __thread char buf[16];

	switch (e) {
#define E(x) case x: return #x
	E(EPERM); E(ENOENT); E(EINTR); E(EIO); E(ENXIO); E(E2BIG); E(EBADF);
	E(EAGAIN); E(ENOMEM); E(EACCES); E(EFAULT); E(EBUSY); E(EEXIST);
	E(ENODEV); E(EINVAL); E(ENOTTY); E(ENOSPC); E(ESPIPE); E(ERANGE);
	E(ENAMETOOLONG); E(ENOSYS); E(EOVERFLOW); E(EOPNOTSUPP); E(EUSERS);
	E(ETIMEDOUT); E(ENOTSUPP);
#undef E
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* Record @ret of an op; a failure with an errno outside @ok fails the case. */
static int fz_check(struct fz *z, long ret, const int *ok, const char *what)
{
	int err = errno;

	if (ret >= 0) {
		__atomic_add_fetch(&sh->ok_calls, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (err > 0 && err < (int)(sizeof(sh->errnos) / sizeof(sh->errnos[0])))
		__atomic_add_fetch(&sh->errnos[err], 1, __ATOMIC_RELAXED);
	if (z->threaded)
		ok = E_THREADED;
	if (!fz_errno_in(err, ok))
		fz_fail(z, "%s: unexpected %s", what, errname(err));
	errno = err;
	return -1;
}

/* A rule that must hold (only checked where no other thread interferes). */
#define FZ_MUST(z, cond, fmt, ...)					\
	do {								\
		if (!(z)->threaded && !(cond))				\
			fz_fail(z, "must hold: %s: " fmt, #cond, ##__VA_ARGS__); \
	} while (0)

static struct fz_dev *fz_pick(struct fz *z)
{
	return z->d[fz_below(&z->r, z->ndev)];
}

static int fz_dev_index(struct fz *z, struct fz_dev *d)
{
	int i;

	for (i = 0; i < z->ndev; i++)
		if (z->d[i] == d)
			return i;
	return 0;
}

static void fz_uuid(struct fz *z, char *out)
{
	uint64_t a = fz_next(&z->r), b = fz_next(&z->r);

	snprintf(out, VU_UUID_LEN + 1, "%08x-%04x-4%03x-%04x-%012llx",
		 (unsigned int)a, (unsigned int)(a >> 32) & 0xffff,
		 (unsigned int)(a >> 48) & 0xfff,
		 0x8000 | ((unsigned int)b & 0x3fff),
		 (unsigned long long)(b >> 16) & 0xffffffffffffULL);
}

/* The lower-case UUID at the start of @s, if it has one. */
static int fz_canon_uuid(const char *s, size_t len, char *out)
{
	static const int dash[] = { 8, 13, 18, 23 };
	int i, j;

	if (len < VU_UUID_LEN)
		return -1;
	for (i = 0, j = 0; i < VU_UUID_LEN; i++) {
		char c = s[i];

		if (j < 4 && i == dash[j]) {
			if (c != '-')
				return -1;
			j++;
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
			;
		} else if (c >= 'A' && c <= 'F') {
			c = c - 'A' + 'a';
		} else {
			return -1;
		}
		out[i] = c;
	}
	out[VU_UUID_LEN] = '\0';
	return 0;
}

static int fz_sysfs_write_raw(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : 0;
}

/* ---- device fd and its cached layout ------------------------------------ */

static void fz_learn_device(struct fz *z, struct fz_dev *d, int fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info ri;
	int i;

	d->nregions = d->nirqs = 0;
	memset(d->rsize, 0, sizeof(d->rsize));
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &info)) {
		fz_check(z, -1, E_IOCTL, "GET_INFO after open");
		FZ_MUST(z, 0, "GET_INFO on a new device fd: %s", errname(errno));
		return;
	}
	d->nregions = info.num_regions;
	d->nirqs = info.num_irqs;
	for (i = 0; i < (int)info.num_regions && i < FZ_REGIONS; i++) {
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		ri.index = i;
		if (!ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
			d->rsize[i] = ri.size;
		else
			fz_check(z, -1, E_IOCTL, "GET_REGION_INFO after open");
	}
}

static void fz_unmap_dev(struct fz *z, int dev)
{
	int i;

	for (i = 0; i < FZ_MAPS; i++) {
		if (z->map[i].p && (dev < 0 || z->map[i].dev == dev)) {
			munmap(z->map[i].p, z->map[i].len);
			z->map[i].p = NULL;
		}
	}
}

static int fz_dev_busy(struct fz *z, struct fz_dev *d)
{
	int i, di = fz_dev_index(z, d);

	if (d->device >= 0)
		return 1;
	for (i = 0; i < FZ_MAPS; i++)
		if (z->map[i].p && z->map[i].dev == di)
			return 1;
	return 0;
}

static void fz_close_fd(volatile int *fd)
{
	int old = *fd;

	*fd = -1;
	if (old >= 0)
		close(old);
}

static void fz_close_all(struct fz *z, struct fz_dev *d)
{
	fz_unmap_dev(z, fz_dev_index(z, d));
	fz_close_fd(&d->device);
	fz_close_fd(&d->group);
	fz_close_fd(&d->container);
}

static void fz_open_device(struct fz *z, struct fz_dev *d);

/* ---- ops: lifecycle ----------------------------------------------------- */

static void op_create(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/create", z->t->path);
	if (d->exists) {
		fz_note(z, "create %s again", d->uuid);
		ret = vu_sysfs_write(path, d->uuid);
		FZ_MUST(z, ret == -EEXIST, "second create of %s: %d", d->uuid, ret);
		return;
	}
	/* stale fds of an earlier device in this slot */
	fz_close_all(z, d);
	fz_uuid(z, d->uuid);
	fz_note(z, "create %s", d->uuid);
	ret = vu_sysfs_write(path, d->uuid);
	if (fz_check(z, ret, E_CREATE, "create"))
		return;
	d->exists = 1;
	d->group_nr = vu_mdev_group(d->uuid);
	FZ_MUST(z, d->group_nr >= 0, "iommu_group of %s: %d", d->uuid, d->group_nr);
}

struct fz_remover {
	pthread_t thread;
	char uuid[VU_UUID_LEN + 1];
	int ret;
};

static void *fz_remove_thread(void *arg)
{
	struct fz_remover *rm = arg;

	rm->ret = vu_mdev_remove(rm->uuid);
	return NULL;
}

static void op_remove(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct fz_remover rm;
	int ret;

	if (!d->exists)
		return;
	if (!fz_dev_busy(z, d)) {
		fz_note(z, "remove %s", d->uuid);
		ret = vu_mdev_remove(d->uuid);
		if (fz_check(z, ret, E_REMOVE, "remove"))
			return;
	} else {
		/* unregistering waits for the last close: close from here */
		fz_note(z, "remove %s while open", d->uuid);
		memcpy(rm.uuid, d->uuid, sizeof(rm.uuid));
		if (pthread_create(&rm.thread, NULL, fz_remove_thread, &rm)) {
			fz_fail(z, "pthread_create");
			return;
		}
		usleep(fz_below(&z->r, 20000));
		if (d->device >= 0 && fz_one_in(&z->r, 2)) {
			struct vfio_device_info info = { .argsz = sizeof(info) };

			ret = ioctl(d->device, VFIO_DEVICE_GET_INFO, &info);
			fz_check(z, ret, E_IOCTL, "GET_INFO during remove");
		}
		fz_unmap_dev(z, fz_dev_index(z, d));
		fz_close_fd(&d->device);
		pthread_join(rm.thread, NULL);
		errno = -rm.ret;
		if (fz_check(z, rm.ret, E_REMOVE, "remove while open"))
			return;
	}
	FZ_MUST(z, !vu_mdev_exists(d->uuid), "%s gone after remove", d->uuid);
	d->exists = 0;
}

static void op_sysfs_create_str(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	char path[PATH_MAX], buf[4200], canon[VU_UUID_LEN + 1];
	size_t len, i;
	int kind = fz_below(&z->r, 8), ret;

	snprintf(path, sizeof(path), "%s/create", z->t->path);
	fz_uuid(z, buf);
	len = VU_UUID_LEN;
	switch (kind) {
	case 0:		/* random bytes (a write of 0 bytes never reaches sysfs) */
		len = 1 + fz_below(&z->r, 80);
		for (i = 0; i < len; i++)
			buf[i] = (char)fz_next(&z->r);
		break;
	case 1:		/* upper case */
		for (i = 0; i < len; i++)
			if (buf[i] >= 'a' && buf[i] <= 'f')
				buf[i] = buf[i] - 'a' + 'A';
		break;
	case 2:		/* a trailing newline */
		buf[len++] = '\n';
		break;
	case 3:		/* one short */
		len--;
		break;
	case 4:		/* one bad character */
		buf[fz_below(&z->r, len)] = "g-x {"[fz_below(&z->r, 5)];
		break;
	case 5:		/* a trailing non-newline */
		buf[len++] = "x0- "[fz_below(&z->r, 4)];
		break;
	case 6:		/* far too long */
		len = sizeof(buf) - 8 - fz_below(&z->r, 200);
		memset(buf + VU_UUID_LEN, 'a', len - VU_UUID_LEN);
		break;
	default:	/* an existing one */
		if (d->exists)
			memcpy(buf, d->uuid, VU_UUID_LEN);
		break;
	}
	buf[len] = '\0';
	fz_note(z, "create string kind %d len %zu", kind, len);
	ret = fz_sysfs_write_raw(path, buf, len);
	if (fz_check(z, ret, E_CREATE, "create with a string"))
		return;
	/* It was taken: it must have been a UUID, and made that device. */
	if (fz_canon_uuid(buf, len, canon)) {
		fz_fail(z, "create accepted a non-UUID (kind %d, %zu bytes)", kind, len);
		return;
	}
	if (!vu_mdev_exists(canon)) {
		fz_fail(z, "create of \"%.*s\" returned success, no device %s",
			(int)len, buf, canon);
		return;
	}
	for (i = 0; i < (size_t)z->ndev; i++) {
		if (!z->d[i]->exists) {
			fz_close_all(z, z->d[i]);
			memcpy(z->d[i]->uuid, canon, sizeof(canon));
			z->d[i]->exists = 1;
			z->d[i]->group_nr = vu_mdev_group(canon);
			return;
		}
	}
	ret = vu_mdev_remove(canon);
	FZ_MUST(z, ret == 0, "remove %s: %d", canon, ret);
}

static void op_sysfs_remove_str(struct fz *z)
{
	static const char *const vals[] = {
		"0", "1", "2", "", "abc", "-1", "0x1", " 1", "1\n",
		"99999999999999999999", "1x", "\n",
	};
	struct fz_dev *d = fz_pick(z);
	char path[PATH_MAX];
	const char *v;
	int ret;

	if (!d->exists || fz_dev_busy(z, d))
		return;
	v = vals[fz_below(&z->r, sizeof(vals) / sizeof(vals[0]))];
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/remove", d->uuid);
	fz_note(z, "remove %s with \"%s\"", d->uuid, v);
	ret = fz_sysfs_write_raw(path, v, strlen(v));
	if (fz_check(z, ret, E_REMOVE, "remove with a string"))
		return;
	if (!strcmp(v, "0"))
		FZ_MUST(z, vu_mdev_exists(d->uuid), "%s still there after \"0\"", d->uuid);
	d->exists = vu_mdev_exists(d->uuid);
}

static void op_sysfs_read(struct fz *z)
{
	static const char *const attrs[] = {
		"available_instances", "name", "description", "device_api",
	};
	const char *a = attrs[fz_below(&z->r, 4)];
	char path[PATH_MAX], buf[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", z->t->path, a);
	fz_note(z, "read %s", a);
	ret = vu_sysfs_read(path, buf, sizeof(buf));
	if (!strcmp(a, "name") || !strcmp(a, "description"))
		return;		/* optional */
	FZ_MUST(z, ret >= 0, "read %s: %d", a, ret);
	if (ret >= 0 && !strcmp(a, "available_instances"))
		FZ_MUST(z, atol(buf) >= 0 && atol(buf) <= 100000, "%s", buf);
}

/* ---- ops: container and group ------------------------------------------- */

static void op_container_open(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	int fd;

	fz_note(z, "open container");
	fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	FZ_MUST(z, fd >= 0, "open /dev/vfio/vfio: %s", errname(errno));
	if (fd < 0)
		return;
	if (d->container < 0)
		d->container = fd;
	else
		close(fd);
}

static void op_group_open(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	char path[64];
	int fd;

	if (!d->exists || d->group_nr < 0)
		return;
	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_nr);
	fz_note(z, "open %s (%s)", path, d->group >= 0 ? "again" : "first");
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->group >= 0) {
		FZ_MUST(z, fd < 0 && errno == EBUSY, "second open of a group: %d %s",
			fd, errname(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fz_check(z, fd, E_OPEN, "group open"))
		return;
	d->group = fd;
}

static void op_set_container(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	int arg, kind = fz_below(&z->r, 6), efd = -1, ret;

	if (d->group < 0)
		return;
	switch (kind) {
	case 0:
		arg = -1;
		break;
	case 1:
		arg = 99999;
		break;
	case 2:
		efd = eventfd(0, EFD_CLOEXEC);
		arg = efd;
		break;
	case 3:
		arg = d->group;
		break;
	default:
		arg = d->container;
		break;
	}
	fz_note(z, "SET_CONTAINER fd kind %d", kind);
	if (fz_one_in(&z->r, 16))
		ret = ioctl(d->group, VFIO_GROUP_SET_CONTAINER, fz_guard(z->arena));
	else
		ret = ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &arg);
	fz_check(z, ret, E_IOCTL, "SET_CONTAINER");
	if (efd >= 0)
		close(efd);
}

static void op_group_ioctl(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_group_status *st = (void *)z->arena;
	unsigned long cmd;
	int ret;

	if (d->group < 0)
		return;
	switch (fz_below(&z->r, 4)) {
	case 0:
		st->argsz = fz_one_in(&z->r, 2) ? sizeof(*st) : fz_boundary(&z->r);
		st->flags = fz_next(&z->r);
		fz_note(z, "GROUP_GET_STATUS argsz %u", st->argsz);
		ret = ioctl(d->group, VFIO_GROUP_GET_STATUS, st);
		if (st->argsz < 8 && ret == 0)
			fz_fail(z, "GET_STATUS took argsz %u", st->argsz);
		fz_check(z, ret, E_IOCTL, "GROUP_GET_STATUS");
		return;
	case 1:
		fz_note(z, "GROUP_UNSET_CONTAINER");
		ret = ioctl(d->group, VFIO_GROUP_UNSET_CONTAINER);
		fz_check(z, ret, E_IOCTL, "UNSET_CONTAINER");
		return;
	default:
		cmd = fz_one_in(&z->r, 2) ? _IO(VFIO_TYPE, VFIO_BASE + fz_below(&z->r, 24))
					  : (unsigned long)fz_next(&z->r);
		/* a group fd from here would be one more to track */
		if (cmd == VFIO_GROUP_GET_DEVICE_FD)
			return;
		memset(z->arena, 0, 64);
		fz_note(z, "group ioctl %#lx", cmd);
		ret = ioctl(d->group, cmd, z->arena);
		fz_check(z, ret, E_IOCTL, "group ioctl");
		if (ret > 0 && cmd != VFIO_GROUP_GET_STATUS)
			fz_fail(z, "unknown group ioctl %#lx returned %d", cmd, ret);
	}
}

static void op_get_device_fd(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	char name[4200];
	int kind = fz_below(&z->r, 8), fd;
	size_t i;

	if (d->group < 0)
		return;
	memcpy(name, d->uuid, sizeof(d->uuid));
	switch (kind) {
	case 0:
		name[0] = '\0';
		break;
	case 1:
		for (i = 0; name[i]; i++)
			if (name[i] >= 'a' && name[i] <= 'f')
				name[i] -= 32;
		break;
	case 2:
		memset(name, 'a', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		break;
	case 3:
		name[fz_below(&z->r, VU_UUID_LEN)] ^= 1;
		break;
	default:
		break;
	}
	fz_note(z, "GET_DEVICE_FD name kind %d", kind);
	if (kind == 4 && fz_one_in(&z->r, 4))
		fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, fz_guard(z->arena));
	else
		fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (fz_check(z, fd, E_IOCTL, "GET_DEVICE_FD"))
		return;
	if (kind == 0 || kind == 2 || kind == 3)
		fz_fail(z, "GET_DEVICE_FD of a wrong name (kind %d) gave fd %d", kind, fd);
	if (d->device < 0) {
		fz_learn_device(z, d, fd);
		d->device = fd;
	} else {
		close(fd);	/* a second fd of the same device works too */
	}
}

/* The whole way to a device fd, so most programs get to use one. */
static void op_open_all(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);

	if (!d->exists || d->device >= 0)
		return;
	fz_note(z, "open %s all the way", d->uuid);
	/* a mapping keeps the device, and so the group, open */
	fz_unmap_dev(z, fz_dev_index(z, d));
	fz_close_fd(&d->group);
	fz_close_fd(&d->container);
	fz_open_device(z, d);
}

static void op_close(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);

	switch (fz_below(&z->r, 4)) {
	case 0:
		fz_note(z, "close container");
		fz_close_fd(&d->container);
		break;
	case 1:
		fz_note(z, "close group");
		fz_close_fd(&d->group);
		break;
	default:
		fz_note(z, "close device");
		fz_close_fd(&d->device);
		break;
	}
}

/* ---- ops: the container ------------------------------------------------- */

static uint64_t fz_iova(struct fz *z)
{
	if (fz_one_in(&z->r, 8))
		return fz_boundary(&z->r);
	return fz_below(&z->r, 512) * FZ_PAGE;
}

/* A DMA range whose vaddr span stays inside our reservation, or fails. */
static void fz_dma_range(struct fz *z, uint64_t *vaddr, uint64_t *size)
{
	uint64_t off = fz_below(&z->r, FZ_DMA_RESV / FZ_PAGE) * FZ_PAGE;

	if (fz_one_in(&z->r, 3))
		off = fz_below(&z->r, FZ_DMA_RW / FZ_PAGE) * FZ_PAGE;
	*vaddr = (uintptr_t)z->dma + off;
	*size = (1 + fz_below(&z->r, (FZ_DMA_RESV - off) / FZ_PAGE)) * FZ_PAGE;
	if (*size > 64 * FZ_PAGE && fz_one_in(&z->r, 2))
		*size = (1 + fz_below(&z->r, 64)) * FZ_PAGE;
	switch (fz_below(&z->r, 16)) {
	case 0:
		*size = 0;
		break;
	case 1:
		*size |= 1 + fz_below(&z->r, FZ_PAGE - 1);	/* unaligned */
		break;
	case 2:
		*vaddr += 1 + fz_below(&z->r, FZ_PAGE - 1);
		break;
	case 3:
		*size = ~0ULL & ~(uint64_t)(FZ_PAGE - 1);	/* wraps */
		break;
	}
}

static void op_container_ioctl(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	int c = d->container, ret;
	unsigned long cmd;

	if (c < 0)
		return;
	switch (fz_below(&z->r, 10)) {
	case 0:
		fz_note(z, "GET_API_VERSION");
		ret = ioctl(c, VFIO_GET_API_VERSION);
		FZ_MUST(z, ret == VFIO_API_VERSION, "GET_API_VERSION: %d", ret);
		return;
	case 1: {
		unsigned long ext = fz_one_in(&z->r, 2) ? fz_below(&z->r, 12)
						       : fz_boundary(&z->r);

		fz_note(z, "CHECK_EXTENSION %lu", ext);
		ret = ioctl(c, VFIO_CHECK_EXTENSION, ext);
		FZ_MUST(z, ret == 0 || ret == 1, "CHECK_EXTENSION(%lu): %d %s", ext, ret,
			errname(errno));
		return;
	}
	case 2: {
		unsigned long type = fz_one_in(&z->r, 4) ? fz_boundary(&z->r)
							 : fz_below(&z->r, 10);

		fz_note(z, "SET_IOMMU %lu", type);
		ret = ioctl(c, VFIO_SET_IOMMU, type);
		fz_check(z, ret, E_IOCTL, "SET_IOMMU");
		return;
	}
	case 3: {
		struct vfio_iommu_type1_info *info = (void *)z->arena;
		uint32_t argsz = fz_one_in(&z->r, 2) ? fz_below(&z->r, 256)
						     : fz_boundary(&z->r);

		if (fz_one_in(&z->r, 4))
			info = (void *)(z->arena + FZ_ARENA - fz_below(&z->r, 64));
		if ((uint8_t *)info + 4 > z->arena + FZ_ARENA)
			return;
		info->argsz = argsz;
		fz_note(z, "IOMMU_GET_INFO argsz %u", argsz);
		ret = ioctl(c, VFIO_IOMMU_GET_INFO, info);
		if (ret == 0 && argsz < 16)
			fz_fail(z, "IOMMU_GET_INFO took argsz %u", argsz);
		fz_check(z, ret, E_IOCTL, "IOMMU_GET_INFO");
		return;
	}
	case 4:
	case 5:
	case 6: {
		struct vfio_iommu_type1_dma_map *m = (void *)z->arena;
		uint64_t vaddr, size;

		fz_dma_range(z, &vaddr, &size);
		m->argsz = fz_one_in(&z->r, 8) ? fz_boundary(&z->r) : sizeof(*m);
		m->flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
		if (fz_one_in(&z->r, 6))
			m->flags = fz_below(&z->r, 16);
		m->vaddr = vaddr;
		m->iova = fz_iova(z);
		m->size = size;
		fz_note(z, "MAP_DMA argsz %u flags %#x iova %#llx size %#llx vaddr +%#llx",
			m->argsz, m->flags, (unsigned long long)m->iova,
			(unsigned long long)size,
			(unsigned long long)(vaddr - (uintptr_t)z->dma));
		ret = ioctl(c, VFIO_IOMMU_MAP_DMA, m);
		if (ret == 0 && m->argsz < sizeof(*m))
			fz_fail(z, "MAP_DMA took argsz %u", m->argsz);
		if (ret == 0 && (size == 0 || size & (FZ_PAGE - 1)))
			fz_fail(z, "MAP_DMA took size %#llx", (unsigned long long)size);
		fz_check(z, ret, E_IOCTL, "MAP_DMA");
		return;
	}
	case 7:
	case 8: {
		struct vfio_iommu_type1_dma_unmap *u = (void *)z->arena;
		struct vfio_bitmap *bm = (void *)u->data;

		u->argsz = sizeof(*u);
		u->flags = 0;
		u->iova = fz_iova(z);
		u->size = fz_one_in(&z->r, 4) ? fz_boundary(&z->r)
					      : (1 + fz_below(&z->r, 64)) * FZ_PAGE;
		switch (fz_below(&z->r, 8)) {
		case 0:
			u->flags = VFIO_DMA_UNMAP_FLAG_ALL;
			u->iova = u->size = 0;
			break;
		case 1:
			u->flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
			u->argsz += sizeof(*bm);
			bm->pgsize = fz_one_in(&z->r, 2) ? FZ_PAGE : fz_boundary(&z->r);
			bm->size = fz_below(&z->r, 4096);
			bm->data = (void *)(z->arena + 1024);
			break;
		case 2:
			u->flags = fz_next(&z->r) & 0xf;
			u->argsz = fz_boundary(&z->r);
			break;
		}
		fz_note(z, "UNMAP_DMA flags %#x iova %#llx size %#llx", u->flags,
			(unsigned long long)u->iova, (unsigned long long)u->size);
		ret = ioctl(c, VFIO_IOMMU_UNMAP_DMA, u);
		fz_check(z, ret, E_IOCTL, "UNMAP_DMA");
		return;
	}
	case 9: {
		struct vfio_iommu_type1_dirty_bitmap *db = (void *)z->arena;
		struct vfio_iommu_type1_dirty_bitmap_get *g = (void *)db->data;

		db->argsz = sizeof(*db);
		db->flags = 1u << fz_below(&z->r, 4);
		if (db->flags == VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP) {
			db->argsz += sizeof(*g);
			g->iova = fz_iova(z);
			g->size = (1 + fz_below(&z->r, 64)) * FZ_PAGE;
			g->bitmap.pgsize = fz_one_in(&z->r, 2) ? FZ_PAGE : fz_boundary(&z->r);
			g->bitmap.size = fz_below(&z->r, 64);
			g->bitmap.data = (void *)(z->arena + 2048);
		}
		if (fz_one_in(&z->r, 8))
			cmd = _IO(VFIO_TYPE, VFIO_BASE + fz_below(&z->r, 32));
		else
			cmd = VFIO_IOMMU_DIRTY_PAGES;
		if (cmd == VFIO_GROUP_GET_DEVICE_FD || cmd == VFIO_DEVICE_GET_GFX_DMABUF)
			return;
		fz_note(z, "container ioctl %#lx flags %#x", cmd, db->flags);
		ret = ioctl(c, cmd, db);
		fz_check(z, ret, E_IOCTL, "container ioctl");
		return;
	}
	}
}

/* ---- ops: the device ---------------------------------------------------- */

static uint32_t fz_argsz(struct fz *z, uint32_t good)
{
	switch (fz_below(&z->r, 6)) {
	case 0:
		return fz_boundary(&z->r);
	case 1:
		return fz_below(&z->r, good + 1);
	case 2:
		return good + fz_below(&z->r, 512);
	default:
		return good;
	}
}

static void op_dev_info(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_device_info *info = (void *)z->arena;
	uint32_t argsz;
	int ret;

	if (d->device < 0)
		return;
	argsz = fz_argsz(z, sizeof(*info));
	memset(info, 0xa5, sizeof(*info));
	info->argsz = argsz;
	fz_note(z, "GET_INFO argsz %u", argsz);
	ret = ioctl(d->device, VFIO_DEVICE_GET_INFO, info);
	fz_check(z, ret, E_IOCTL, "GET_INFO");
	if (argsz < 16)
		FZ_MUST(z, ret == -1 && errno == EINVAL, "GET_INFO argsz %u: %d", argsz, ret);
	else if (argsz <= FZ_ARENA)
		FZ_MUST(z, ret == 0, "GET_INFO argsz %u: %s", argsz, errname(errno));
	if (ret == 0 && argsz >= 16)
		FZ_MUST(z, info->num_regions == (uint32_t)d->nregions,
			"num_regions changed: %u", info->num_regions);
}

static unsigned int fz_index(struct fz *z, int n)
{
	if (fz_one_in(&z->r, 8))
		return (unsigned int)fz_boundary(&z->r);
	return fz_below(&z->r, n + 2);
}

static void op_region_info(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_region_info *ri = (void *)z->arena;
	unsigned int index;
	uint32_t argsz;
	int ret;

	if (d->device < 0)
		return;
	argsz = fz_argsz(z, sizeof(*ri));
	index = fz_index(z, d->nregions);
	memset(ri, 0, sizeof(*ri));
	ri->argsz = argsz;
	ri->index = index;
	ri->cap_offset = fz_next(&z->r);
	fz_note(z, "GET_REGION_INFO argsz %u index %u", argsz, index);
	ret = ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, ri);
	fz_check(z, ret, E_IOCTL, "GET_REGION_INFO");
	if (argsz < sizeof(*ri))
		FZ_MUST(z, ret == -1 && errno == EINVAL, "argsz %u: %d", argsz, ret);
	else if (index >= (unsigned int)d->nregions)
		FZ_MUST(z, ret == -1 && errno == EINVAL, "index %u of %d: %d", index,
			d->nregions, ret);
	else if (argsz <= FZ_ARENA)
		FZ_MUST(z, ret == 0, "index %u: %s", index, errname(errno));
	if (ret == 0 && (ri->flags & VFIO_REGION_INFO_FLAG_CAPS) && ri->cap_offset)
		FZ_MUST(z, ri->cap_offset >= sizeof(*ri) && ri->cap_offset < ri->argsz &&
			ri->argsz <= argsz, "cap_offset %u argsz %u of %u",
			ri->cap_offset, ri->argsz, argsz);
}

static void op_irq_info(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_irq_info *ii = (void *)z->arena;
	unsigned int index;
	uint32_t argsz;
	int ret;

	if (d->device < 0)
		return;
	argsz = fz_argsz(z, sizeof(*ii));
	index = fz_index(z, d->nirqs);
	ii->argsz = argsz;
	ii->index = index;
	ii->flags = fz_next(&z->r);
	fz_note(z, "GET_IRQ_INFO argsz %u index %u", argsz, index);
	ret = ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, ii);
	fz_check(z, ret, E_IOCTL, "GET_IRQ_INFO");
	if (argsz < sizeof(*ii))
		FZ_MUST(z, ret == -1 && errno == EINVAL, "argsz %u: %d", argsz, ret);
	else if (index >= (unsigned int)d->nirqs)
		FZ_MUST(z, ret == -1 && errno == EINVAL, "index %u of %d: %d", index,
			d->nirqs, ret);
	else
		FZ_MUST(z, ret == 0, "index %u: %s", index, errname(errno));
}

static void op_set_irqs(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_irq_set *s = (void *)z->arena;
	int efds[8], nefd = 0, i, ret;
	uint32_t count, data_type, action;
	size_t dsize = 0;

	if (d->device < 0)
		return;
	count = fz_one_in(&z->r, 8) ? (uint32_t)fz_boundary(&z->r) : fz_below(&z->r, 4);
	data_type = 1u << fz_below(&z->r, 3);		/* NONE, BOOL, EVENTFD */
	action = 1u << (3 + fz_below(&z->r, 3));	/* MASK, UNMASK, TRIGGER */
	if (fz_one_in(&z->r, 3))
		action = VFIO_IRQ_SET_ACTION_TRIGGER;
	s->flags = data_type | action;
	if (fz_one_in(&z->r, 10))
		s->flags = fz_next(&z->r);
	s->index = fz_index(z, d->nirqs);
	s->start = fz_one_in(&z->r, 6) ? (uint32_t)fz_boundary(&z->r) : fz_below(&z->r, 2);
	s->count = count;
	if (data_type == VFIO_IRQ_SET_DATA_EVENTFD) {
		int32_t *fds = (int32_t *)s->data;

		for (i = 0; i < 8; i++) {
			switch (fz_below(&z->r, 6)) {
			case 0:
				fds[i] = -1;
				break;
			case 1:
				fds[i] = 99999;
				break;
			case 2:
				fds[i] = d->device;
				break;
			default:
				efds[nefd] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
				fds[i] = efds[nefd];
				if (efds[nefd] >= 0)
					nefd++;
			}
		}
		dsize = (count < 8 ? count : 8) * sizeof(int32_t);
	} else if (data_type == VFIO_IRQ_SET_DATA_BOOL) {
		for (i = 0; i < 8; i++)
			s->data[i] = fz_below(&z->r, 3);
		dsize = count < 8 ? count : 8;
	}
	s->argsz = sizeof(*s) + dsize;
	if (fz_one_in(&z->r, 8))
		s->argsz = fz_argsz(z, s->argsz);
	fz_note(z, "SET_IRQS argsz %u flags %#x index %u start %u count %u",
		s->argsz, s->flags, s->index, s->start, s->count);
	ret = ioctl(d->device, VFIO_DEVICE_SET_IRQS, s);
	fz_check(z, ret, E_IOCTL, "SET_IRQS");
	if (s->argsz < sizeof(*s))
		FZ_MUST(z, ret == -1, "SET_IRQS took argsz %u", s->argsz);
	for (i = 0; i < nefd; i++)
		close(efds[i]);
}

static void op_reset(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	int ret;

	if (d->device < 0)
		return;
	fz_note(z, "RESET");
	ret = ioctl(d->device, VFIO_DEVICE_RESET);
	fz_check(z, ret, E_IOCTL, "RESET");
}

static void op_feature(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_device_feature *f = (void *)z->arena;
	uint32_t feature, argsz;
	size_t i;
	int ret;

	if (d->device < 0)
		return;
	feature = fz_one_in(&z->r, 6) ? (uint32_t)fz_next(&z->r) & 0xffff
				      : fz_below(&z->r, 10);
	f->flags = feature | (uint32_t)fz_below(&z->r, 8) << 16;
	if (fz_one_in(&z->r, 10))
		f->flags = fz_next(&z->r);
	for (i = 0; i < 64; i++)
		f->data[i] = (uint8_t)fz_next(&z->r);
	switch (feature) {
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE: {
		struct vfio_device_feature_mig_state *ms = (void *)f->data;

		ms->device_state = fz_below(&z->r, 9);
		ms->data_fd = -1;
		break;
	}
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START: {
		struct vfio_device_feature_dma_logging_control *lc = (void *)f->data;

		lc->page_size = fz_one_in(&z->r, 2) ? FZ_PAGE : fz_boundary(&z->r);
		lc->num_ranges = fz_below(&z->r, 4);
		lc->ranges = (uintptr_t)(z->arena + 4096);
		break;
	}
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT: {
		struct vfio_device_feature_dma_logging_report *lr = (void *)f->data;

		lr->iova = fz_iova(z);
		lr->length = fz_below(&z->r, 64) * FZ_PAGE;
		lr->page_size = fz_one_in(&z->r, 2) ? FZ_PAGE : fz_boundary(&z->r);
		lr->bitmap = (uintptr_t)(z->arena + 8192);
		break;
	}
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
		*(int32_t *)f->data = -1;
		break;
	}
	argsz = fz_argsz(z, sizeof(*f) + 16);
	f->argsz = argsz;
	fz_note(z, "DEVICE_FEATURE argsz %u flags %#x", argsz, f->flags);
	ret = ioctl(d->device, VFIO_DEVICE_FEATURE, f);
	fz_check(z, ret, E_IOCTL, "DEVICE_FEATURE");
	if (argsz < sizeof(*f))
		FZ_MUST(z, ret == -1 && errno == EINVAL, "argsz %u: %d", argsz, ret);
	if (feature == VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE && ret == 0) {
		struct vfio_device_feature_mig_state *ms = (void *)f->data;

		if (ms->data_fd >= 0)
			close(ms->data_fd);
	}
	if (ret > 0)
		close(ret);
}

static void op_gfx(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct vfio_device_gfx_plane_info *p = (void *)z->arena;
	uint32_t id;
	int ret, fd;

	if (d->device < 0)
		return;
	memset(p, 0, sizeof(*p));
	p->argsz = fz_argsz(z, sizeof(*p));
	p->flags = 1u << fz_below(&z->r, 3);
	if (fz_one_in(&z->r, 3))
		p->flags = VFIO_GFX_PLANE_TYPE_DMABUF;
	if (fz_one_in(&z->r, 8))
		p->flags = fz_next(&z->r);
	p->drm_plane_type = fz_one_in(&z->r, 8) ? (uint32_t)fz_next(&z->r)
						: fz_below(&z->r, 4);
	/* half the time a well-formed query, so that exports happen */
	if (fz_one_in(&z->r, 2)) {
		p->argsz = sizeof(*p);
		p->flags = VFIO_GFX_PLANE_TYPE_DMABUF;
		p->drm_plane_type = 1;	/* DRM_PLANE_TYPE_PRIMARY */
	}
	fz_note(z, "QUERY_GFX_PLANE argsz %u flags %#x type %u", p->argsz, p->flags,
		p->drm_plane_type);
	ret = ioctl(d->device, VFIO_DEVICE_QUERY_GFX_PLANE, p);
	if (fz_check(z, ret, E_IOCTL, "QUERY_GFX_PLANE") && !fz_one_in(&z->r, 4))
		return;
	id = p->dmabuf_id;
	if (fz_one_in(&z->r, 4))
		id = fz_one_in(&z->r, 2) ? id + 1 : (uint32_t)fz_boundary(&z->r);
	fz_note(z, "GET_GFX_DMABUF id %u", id);
	if (fz_one_in(&z->r, 16))
		fd = ioctl(d->device, VFIO_DEVICE_GET_GFX_DMABUF, fz_guard(z->arena));
	else
		fd = ioctl(d->device, VFIO_DEVICE_GET_GFX_DMABUF, &id);
	if (fz_check(z, fd, E_IOCTL, "GET_GFX_DMABUF"))
		return;
	__atomic_add_fetch(&sh->dmabufs, 1, __ATOMIC_RELAXED);
	if (fz_one_in(&z->r, 2)) {
		void *m = mmap(NULL, FZ_PAGE, PROT_READ, MAP_SHARED, fd, 0);

		if (m != MAP_FAILED) {
			fz_touch(m, 1, 0);
			munmap(m, FZ_PAGE);
		}
	}
	close(fd);
}

static void op_dev_ioctl_random(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	unsigned long cmd;
	size_t i;
	int ret;

	if (d->device < 0)
		return;
	cmd = fz_one_in(&z->r, 2) ? _IO(VFIO_TYPE, VFIO_BASE + fz_below(&z->r, 32))
				  : (unsigned long)fz_next(&z->r);
	/* fd-returning ones are done by their own ops, which close the fd */
	if (cmd == VFIO_DEVICE_GET_GFX_DMABUF || cmd == VFIO_DEVICE_FEATURE ||
	    cmd == VFIO_GROUP_GET_DEVICE_FD)
		return;
	for (i = 0; i < 256; i++)
		z->arena[i] = (uint8_t)fz_below(&z->r, 4) ? 0 : (uint8_t)fz_next(&z->r);
	*(uint32_t *)z->arena = fz_below(&z->r, 256);	/* argsz */
	fz_note(z, "device ioctl %#lx", cmd);
	ret = ioctl(d->device, cmd, z->arena);
	fz_check(z, ret, E_IOCTL, "device ioctl");
	if (ret > 0)
		fz_fail(z, "device ioctl %#lx returned %d", cmd, ret);
}

static uint64_t fz_offset_in(struct fz *z, uint64_t size)
{
	switch (fz_below(&z->r, 8)) {
	case 0:
		return fz_boundary(&z->r) & ((1ULL << 40) - 1);
	case 1:
		return size;
	case 2:
		return size ? size - 1 : 0;
	case 3:
		return size >= 4 ? size - 4 : 0;
	case 4:
		return 0;
	default:
		return size ? fz_below(&z->r, size) : 0;
	}
}

static void op_rw(struct fz *z)
{
	static const size_t counts[] = { 0, 1, 2, 3, 4, 8, 16, 64, 256, 4096 };
	struct fz_dev *d = fz_pick(z);
	unsigned int index;
	uint64_t off, size, pos;
	size_t count, i;
	int write_it = fz_one_in(&z->r, 2);
	ssize_t n;
	void *buf = z->arena;

	if (d->device < 0)
		return;
	index = fz_index(z, d->nregions);
	size = index < FZ_REGIONS ? d->rsize[index] : 0;
	off = fz_offset_in(z, size);
	count = counts[fz_below(&z->r, 10)];
	if (fz_one_in(&z->r, 8))
		count = fz_below(&z->r, FZ_ARENA + 64);
	if (fz_one_in(&z->r, 32))
		buf = fz_guard(z->arena);
	if (write_it && buf == z->arena)
		for (i = 0; i < count && i < 64; i++)
			z->arena[i] = (uint8_t)fz_next(&z->r);
	/* the index is what the kernel sees: bits 40-62 of the offset */
	pos = ((uint64_t)index << 40) + off;
	index = (pos >> 40) & 0x7fffff;
	off = pos & ((1ULL << 40) - 1);
	size = index < FZ_REGIONS ? d->rsize[index] : 0;
	fz_note(z, "%s region %u off %#llx count %zu", write_it ? "pwrite" : "pread", index,
		(unsigned long long)off, count);
	if (write_it)
		n = pwrite(d->device, buf, count, (off_t)pos);
	else
		n = pread(d->device, buf, count, (off_t)pos);
	if ((int64_t)pos < 0 && n >= 0)
		fz_fail(z, "rw at negative offset %#llx returned %zd", (unsigned long long)pos, n);
	if (n > (ssize_t)count)
		fz_fail(z, "rw of %zu bytes returned %zd", count, n);
	if (index < FZ_REGIONS && index < (unsigned int)d->nregions && n > 0)
		FZ_MUST(z, off + n <= size, "rw of %zd bytes at %#llx of region %u size %#llx",
			n, (unsigned long long)off, index, (unsigned long long)size);
	fz_check(z, n, E_RW, write_it ? "pwrite" : "pread");
}

static void op_mmap(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	int prot, slot, sig;
	unsigned int index;
	uint64_t size, off;
	size_t len;
	void *p;

	if (d->device < 0)
		return;
	for (slot = 0; slot < FZ_MAPS; slot++)
		if (!z->map[slot].p)
			break;
	if (slot == FZ_MAPS) {
		slot = fz_below(&z->r, FZ_MAPS);
		fz_note(z, "munmap slot %d", slot);
		munmap(z->map[slot].p, z->map[slot].len);
		z->map[slot].p = NULL;
		return;
	}
	index = fz_index(z, d->nregions);
	size = index < FZ_REGIONS ? d->rsize[index] : 0;
	off = fz_below(&z->r, size / FZ_PAGE + 2) * FZ_PAGE;
	if (fz_one_in(&z->r, 8))
		off = fz_offset_in(z, size);
	len = (1 + fz_below(&z->r, size / FZ_PAGE + 1)) * FZ_PAGE;
	if (len > 64 * FZ_PAGE && fz_one_in(&z->r, 2))
		len = (1 + fz_below(&z->r, 64)) * FZ_PAGE;
	if (fz_one_in(&z->r, 16))
		len = fz_boundary(&z->r) & ((1ULL << 36) - 1);
	prot = fz_one_in(&z->r, 4) ? PROT_READ : PROT_READ | PROT_WRITE;
	fz_note(z, "mmap region %u off %#llx len %#zx prot %d", index,
		(unsigned long long)off, len, prot);
	p = mmap(NULL, len, prot, fz_one_in(&z->r, 16) ? MAP_PRIVATE : MAP_SHARED,
		 d->device, ((off_t)index << 40) + off);
	if (fz_check(z, p == MAP_FAILED ? -1 : 0, E_MMAP, "mmap"))
		return;
	__atomic_add_fetch(&sh->maps, 1, __ATOMIC_RELAXED);
	if (index < FZ_REGIONS && index < (unsigned int)d->nregions)
		FZ_MUST(z, off + len <= ((size + FZ_PAGE - 1) & ~(uint64_t)(FZ_PAGE - 1)),
			"mmap of %#zx at %#llx of region %u size %#llx", len,
			(unsigned long long)off, index, (unsigned long long)size);
	sig = fz_touch(p, len, prot & PROT_WRITE);
	if (sig)
		fz_fail(z, "signal %d touching a mmap of region %u off %#llx len %#zx",
			sig, index, (unsigned long long)off, len);
	z->map[slot].p = p;
	z->map[slot].len = len;
	z->map[slot].dev = fz_dev_index(z, d);
}

/*
 * mbochs: program a mode through the bochs VBE registers in BAR2, mostly a
 * valid one, so that QUERY_GFX_PLANE finds a plane and GET_GFX_DMABUF
 * exports it (random writes alone almost never get there).
 */
static void op_modeset(struct fz *z)
{
	static const uint16_t widths[] = { 0, 1, 8, 640, 800, 1024, 1280, 4096 };
	static const uint16_t bpps[] = { 32, 32, 32, 24, 16, 8, 0 };
	enum { ID, XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH, VIRT_HEIGHT,
	       X_OFFSET, Y_OFFSET };
	struct fz_dev *d = fz_pick(z);
	uint16_t regs[Y_OFFSET + 1] = { 0 };
	unsigned int r;
	ssize_t n;

	if (strncmp(z->t->parent, "mbochs", 6) || d->device < 0)
		return;
	regs[XRES] = widths[fz_below(&z->r, 8)];
	regs[YRES] = widths[fz_below(&z->r, 7)] * 3 / 4;
	regs[BPP] = bpps[fz_below(&z->r, 7)];
	regs[VIRT_WIDTH] = regs[XRES];
	regs[VIRT_HEIGHT] = regs[YRES] * (1 + fz_below(&z->r, 2));
	regs[Y_OFFSET] = fz_one_in(&z->r, 4) ? regs[YRES] : 0;
	if (fz_one_in(&z->r, 8))
		regs[fz_below(&z->r, Y_OFFSET + 1)] = (uint16_t)fz_next(&z->r);
	regs[ENABLE] = fz_one_in(&z->r, 8) ? 0 : 0x41;	/* enabled, linear fb */
	fz_note(z, "modeset %ux%u bpp %u y %u enable %#x", regs[XRES], regs[YRES],
		regs[BPP], regs[Y_OFFSET], regs[ENABLE]);
	for (r = XRES; r <= Y_OFFSET; r++) {
		uint16_t v = r == ENABLE ? 0 : regs[r];

		n = pwrite(d->device, &v, 2, ((off_t)VFIO_PCI_BAR2_REGION_INDEX << 40) +
			   0x500 + 2 * r);
		if (fz_check(z, n, E_RW, "VBE register"))
			return;
	}
	n = pwrite(d->device, &regs[ENABLE], 2, ((off_t)VFIO_PCI_BAR2_REGION_INDEX << 40) +
		   0x500 + 2 * ENABLE);
	fz_check(z, n, E_RW, "VBE enable");
}

/* mdev_testparent: make the driver pin, unpin and DMA into our memory */
static void op_tp_cmd(struct fz *z)
{
	struct fz_dev *d = fz_pick(z);
	struct tp_cmd cmd;
	struct tp_status st;
	ssize_t n;

	if (!z->t->tp || d->device < 0)
		return;
	cmd.op = fz_below(&z->r, 9);
	if (fz_one_in(&z->r, 3))
		cmd.op = TP_OP_PIN;
	cmd.prot = fz_below(&z->r, 4);
	cmd.iova = fz_iova(z);
	if (fz_one_in(&z->r, 32))
		cmd.iova |= fz_below(&z->r, FZ_PAGE);
	switch (cmd.op) {
	case TP_OP_DMA_READ:
	case TP_OP_DMA_WRITE:
	case TP_OP_PEEK_PINNED:
		cmd.count = fz_one_in(&z->r, 8) ? fz_boundary(&z->r)
						: fz_below(&z->r, TP_DATA_SIZE + 2);
		break;
	case TP_OP_IRQ:
		cmd.count = fz_below(&z->r, 8);
		break;
	default:
		cmd.count = fz_one_in(&z->r, 8) ? fz_boundary(&z->r)
						: 1 + fz_below(&z->r, 16);
	}
	fz_note(z, "tp op %u iova %#llx count %#llx prot %u", cmd.op,
		(unsigned long long)cmd.iova, (unsigned long long)cmd.count, cmd.prot);
	n = pwrite(d->device, &cmd, sizeof(cmd), ((off_t)TP_CTL_INDEX << 40) + TP_CTL_CMD);
	if (fz_check(z, n, E_RW, "tp command"))
		return;
	n = pread(d->device, &st, sizeof(st), ((off_t)TP_CTL_INDEX << 40) + TP_CTL_STATUS);
	if (fz_check(z, n, E_RW, "tp status"))
		return;
	if (z->threaded || n != sizeof(st))
		return;
	if (st.result < 0) {
		errno = (int)-st.result;
		fz_check(z, -1, E_IOCTL, "tp command result");
	} else if (cmd.op == TP_OP_PIN) {
		__atomic_add_fetch(&sh->pins, 1, __ATOMIC_RELAXED);
		FZ_MUST(z, st.result == (int64_t)cmd.count, "pinned %lld of %llu",
			(long long)st.result, (unsigned long long)cmd.count);
	}
}

/* threads: replace the shared device fd under the other threads' feet */
static void op_reopen(struct fz *z)
{
	struct fz_dev *d = z->d[0];
	int fd, old;

	if (z->tid != 0 || d->group < 0)
		return;
	fz_note(z, "reopen device");
	fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->uuid);
	if (fz_check(z, fd, E_IOCTL, "GET_DEVICE_FD"))
		return;
	old = __atomic_exchange_n(&d->device, fd, __ATOMIC_SEQ_CST);
	if (old >= 0)
		close(old);
}

/* ---- the op table --------------------------------------------------------- */

struct fz_op {
	void (*fn)(struct fz *z);
	int weight;
	int threads;	/* also run with several threads on one device */
	const char *name;
};

#define FZ_OP(fn, weight, threads)	{ fn, weight, threads, #fn + 3 }

static const struct fz_op fz_ops[] = {
	FZ_OP(op_create, 4, 0),
	FZ_OP(op_remove, 3, 0),
	FZ_OP(op_sysfs_create_str, 3, 0),
	FZ_OP(op_sysfs_remove_str, 2, 0),
	FZ_OP(op_sysfs_read, 2, 1),
	FZ_OP(op_container_open, 4, 0),
	FZ_OP(op_group_open, 5, 0),
	FZ_OP(op_set_container, 5, 0),
	FZ_OP(op_group_ioctl, 4, 0),
	FZ_OP(op_get_device_fd, 6, 0),
	FZ_OP(op_open_all, 12, 0),
	FZ_OP(op_close, 3, 0),
	FZ_OP(op_container_ioctl, 14, 1),
	FZ_OP(op_dev_info, 5, 1),
	FZ_OP(op_region_info, 8, 1),
	FZ_OP(op_irq_info, 5, 1),
	FZ_OP(op_set_irqs, 10, 1),
	FZ_OP(op_reset, 3, 1),
	FZ_OP(op_feature, 6, 1),
	FZ_OP(op_gfx, 6, 1),
	FZ_OP(op_modeset, 3, 1),
	FZ_OP(op_dev_ioctl_random, 4, 1),
	FZ_OP(op_rw, 18, 1),
	FZ_OP(op_mmap, 6, 1),
	FZ_OP(op_tp_cmd, 10, 1),
	FZ_OP(op_reopen, 2, 1),
};

#define FZ_NOPS	(sizeof(fz_ops) / sizeof(fz_ops[0]))
_Static_assert(FZ_NOPS <= 32, "fz_shared.op_ns is too short");

static void fz_step(struct fz *z)
{
	int total = 0, pick, tries;
	long long t0;
	size_t i;

	for (i = 0; i < FZ_NOPS; i++)
		if (!z->threaded || fz_ops[i].threads)
			total += fz_ops[i].weight;
	/* an op whose precondition does not hold does nothing: pick again */
	z->did = 0;
	for (tries = 0; tries < 32 && !z->did; tries++) {
		pick = fz_below(&z->r, total);
		for (i = 0; i < FZ_NOPS; i++) {
			if (z->threaded && !fz_ops[i].threads)
				continue;
			if (pick < fz_ops[i].weight)
				break;
			pick -= fz_ops[i].weight;
		}
		t0 = fz_now_ns();
		fz_ops[i].fn(z);
		__atomic_add_fetch(&sh->op_ns[i], fz_now_ns() - t0, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&sh->progress, 1, __ATOMIC_RELAXED);
}

/* ---- cases ---------------------------------------------------------------- */

static int fz_setup_mem(struct fz *z)
{
	uint8_t *p;

	z->arena = fz_arena_alloc();
	p = mmap(NULL, FZ_DMA_RESV, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (!z->arena || p == MAP_FAILED)
		return -1;
	if (mprotect(p, FZ_DMA_RW, PROT_READ | PROT_WRITE))
		return -1;
	memset(p, 0x5a, FZ_DMA_RW);
	z->dma = p;
	return 0;
}

static void fz_open_device(struct fz *z, struct fz_dev *d)
{
	struct vu_vfio v;

	if (vu_vfio_open(&v, d->uuid)) {
		FZ_MUST(z, 0, "open %s: %s", d->uuid, errname(errno));
		return;
	}
	d->container = v.container;
	d->group = v.group;
	fz_learn_device(z, d, v.device);
	d->device = v.device;
}

/* Close everything, remove every device; 0 when the type is as it was. */
static void fz_cleanup(struct fz *z)
{
	int i, ret;

	fz_unmap_dev(z, -1);
	for (i = 0; i < z->ndev; i++) {
		fz_close_all(z, z->d[i]);
		if (z->d[i]->exists) {
			ret = vu_mdev_remove(z->d[i]->uuid);
			if (ret)
				fz_fail(z, "cleanup: remove %s: %s", z->d[i]->uuid,
					errname(-ret));
			z->d[i]->exists = 0;
		}
	}
}

static void *fz_thread(void *arg)
{
	struct fz *z = arg;
	long n = z->op;

	for (z->op = 0; z->op < n && !sh->failed; z->op++)
		fz_step(z);
	fz_unmap_dev(z, -1);
	return NULL;
}

static void fz_sig_setup(void)
{
	struct sigaction sa = { .sa_handler = on_touch_fault, .sa_flags = SA_NODEFER };

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* Single-threaded program over one type. */
static void run_type(const struct fz_type *t, uint64_t seed, long nops)
{
	struct fz_dev devs[FZ_DEVS];
	struct fz z = { .t = t, .ndev = FZ_DEVS, .cname = t->name };
	int i;

	memset(devs, 0, sizeof(devs));
	for (i = 0; i < FZ_DEVS; i++) {
		devs[i].container = devs[i].group = devs[i].device = -1;
		devs[i].group_nr = -1;
		z.d[i] = &devs[i];
	}
	z.r.s = seed;
	if (fz_setup_mem(&z)) {
		fz_fail(&z, "no memory");
		return;
	}
	for (z.op = 0; z.op < nops && !sh->failed; z.op++)
		fz_step(&z);
	fz_cleanup(&z);
}

/* FZ_THREADS threads share one open device of each type in turn. */
static void run_threads(uint64_t seed, long nops)
{
	struct fz z[FZ_THREADS];
	pthread_t th[FZ_THREADS];
	struct fz_dev dev;
	int ti, i, ret;

	for (ti = 0; ti < ntypes && !sh->failed; ti++) {
		long per = nops / ntypes / FZ_THREADS + 1;

		memset(&dev, 0, sizeof(dev));
		dev.container = dev.group = dev.device = -1;
		memset(z, 0, sizeof(z));
		for (i = 0; i < FZ_THREADS; i++) {
			z[i].t = &types[ti];
			z[i].d[0] = &dev;
			z[i].ndev = 1;
			z[i].threaded = 1;
			z[i].tid = i;
			z[i].op = per;
			z[i].r.s = fz_hash(seed + i, types[ti].name);
			if (fz_setup_mem(&z[i])) {
				fz_fail(&z[i], "no memory");
				return;
			}
		}
		fz_uuid(&z[0], dev.uuid);
		ret = vu_mdev_create_uuid(types[ti].parent, types[ti].name, dev.uuid);
		if (ret)
			continue;	/* no instance left of this type */
		dev.exists = 1;
		fz_open_device(&z[0], &dev);
		for (i = 0; i < FZ_THREADS && !sh->failed; i++)
			pthread_create(&th[i], NULL, fz_thread, &z[i]);
		for (i = 0; i < FZ_THREADS && !sh->failed; i++)
			pthread_join(th[i], NULL);
		fz_close_all(&z[0], &dev);
		ret = vu_mdev_remove(dev.uuid);
		if (ret)
			fz_fail(&z[0], "remove %s: %s", dev.uuid, errname(-ret));
		for (i = 0; i < FZ_THREADS; i++) {
			munmap(z[i].arena, FZ_ARENA + FZ_PAGE);
			munmap(z[i].dma, FZ_DMA_RESV);
		}
	}
}

/* ---- the parent: enumerate, fork, watch, report --------------------------- */

static int cmp_type(const void *a, const void *b)
{
	return strcmp(((const struct fz_type *)a)->name, ((const struct fz_type *)b)->name);
}

static void find_types(void)
{
	DIR *pd, *td;
	struct dirent *p, *t;
	char path[512];

	pd = opendir(VU_MDEV_CLASS);
	if (!pd)
		return;
	while ((p = readdir(pd))) {
		if (p->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), VU_MDEV_CLASS "/%s/mdev_supported_types",
			 p->d_name);
		td = opendir(path);
		if (!td)
			continue;
		while ((t = readdir(td)) && ntypes < FZ_TYPES) {
			struct fz_type *ft = &types[ntypes];

			if (t->d_name[0] == '.')
				continue;
			memcpy(ft->parent, p->d_name, sizeof(p->d_name));
			memcpy(ft->name, t->d_name, sizeof(t->d_name));
			snprintf(ft->path, sizeof(ft->path), "%s/%.256s", path, t->d_name);
			ft->tp = !strncmp(p->d_name, "mdev_testparent", 15);
			ft->avail = vu_mdev_available(ft->parent, ft->name);
			ntypes++;
		}
		closedir(td);
	}
	closedir(pd);
	qsort(types, ntypes, sizeof(types[0]), cmp_type);
}

/* A case: a type's program, or "threads" (t == NULL) over all of them. */
struct fz_case {
	const char *name;
	const struct fz_type *t;
	struct fz_shared *sh;
	char devdir[1100];	/* whose entries must be the same after */
	int devs_before;
	pid_t pid;
	long long t0;
	long last, still;
	int status;
};

static int fz_cases_conflict(const struct fz_case *a, const struct fz_case *b)
{
	size_t n;

	if (!a->t || !b->t)
		return 1;
	/* types of one parent (or module: mdev_testparent0, 1) share resources */
	n = strcspn(a->t->parent, "0123456789");
	return n == strcspn(b->t->parent, "0123456789") &&
	       !strncmp(a->t->parent, b->t->parent, n);
}

static void start_case(struct fz_case *c, long nops)
{
	uint64_t seed = fz_hash(run_seed, c->name);

	memset(c->sh, 0, sizeof(*c->sh));
	if (c->t)
		snprintf(c->devdir, sizeof(c->devdir), "%s/devices", c->t->path);
	else
		snprintf(c->devdir, sizeof(c->devdir), "%s", VU_MDEV_BUS);
	c->devs_before = vu_count_dir(c->devdir);
	c->last = -1;
	c->still = 0;
	printf("# %s: %ld ops, case seed %#llx\n", c->name, nops, (unsigned long long)seed);
	fflush(stdout);
	c->t0 = vu_now_ms();
	c->pid = fork();
	if (c->pid == 0) {
		sh = c->sh;
		fz_sig_setup();
		if (c->t)
			run_type(c->t, seed, nops);
		else
			run_threads(seed, nops);
		_exit(0);
	}
	if (c->pid < 0) {
		snprintf(c->sh->why, sizeof(c->sh->why), "fork: %s", strerror(errno));
		c->sh->failed = 1;
	}
}

/* Polled every 200 ms; returns 1 once the case's child is gone. */
static int poll_case(struct fz_case *c, int hang)
{
	int i;

	if (c->pid <= 0 || waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		return 1;
	if (c->sh->progress != c->last) {
		c->last = c->sh->progress;
		c->still = 0;
		return 0;
	}
	if (++c->still <= hang * 5)
		return 0;
	snprintf(c->sh->why, sizeof(c->sh->why),
		 "no progress for %d s (hung in the op below?)", hang);
	c->sh->failed = 1;
	kill(c->pid, SIGKILL);
	/* a task stuck in the kernel may not die: do not wait forever */
	for (i = 0; i < 50 && waitpid(c->pid, &c->status, WNOHANG) != c->pid; i++)
		usleep(100 * 1000);
	return 1;
}

/* The ops that took the most time, for the summary line. */
static void top_ops(const struct fz_shared *s, char *buf, size_t len)
{
	long long all = 0, best;
	size_t i, n = 0, k, pick;
	int used[FZ_NOPS] = { 0 };

	for (i = 0; i < FZ_NOPS; i++)
		all += s->op_ns[i];
	buf[0] = '\0';
	for (k = 0; k < 3 && all; k++) {
		best = 0;
		pick = FZ_NOPS;
		for (i = 0; i < FZ_NOPS; i++)
			if (!used[i] && s->op_ns[i] > best) {
				best = s->op_ns[i];
				pick = i;
			}
		if (pick == FZ_NOPS)
			break;
		used[pick] = 1;
		n += snprintf(buf + n, len - n, " %s %lld%%", fz_ops[pick].name,
			      best * 100 / all);
		if (n >= len)
			break;
	}
}

/* Checks what a finished case left behind and prints its TAP line. */
static int finish_case(struct fz_case *c, int num, long nops)
{
	struct fz_shared *s = c->sh;
	long long ms = vu_now_ms() - c->t0;
	int devs_after, i, e;
	char errs[600], top[160];
	long avail;
	size_t n;

	if (!s->failed && c->pid > 0 && WIFSIGNALED(c->status)) {
		snprintf(s->why, sizeof(s->why), "killed by signal %d", WTERMSIG(c->status));
		s->failed = 1;
	}
	devs_after = vu_count_dir(c->devdir);
	if (!s->failed && devs_after != c->devs_before) {
		snprintf(s->why, sizeof(s->why), "%d devices in %.500s before, %d after",
			 c->devs_before, c->devdir, devs_after);
		s->failed = 1;
	}
	if (c->t && !s->failed) {
		avail = vu_mdev_available(c->t->parent, c->t->name);
		if (avail != c->t->avail) {
			snprintf(s->why, sizeof(s->why),
				 "available_instances %ld before, %ld after", c->t->avail, avail);
			s->failed = 1;
		}
	}
	errs[0] = '\0';
	for (e = 1, n = 0; e < 600; e++)
		if (s->errnos[e] && n < sizeof(errs) - 32)
			n += snprintf(errs + n, sizeof(errs) - n, " %s:%ld", errname(e),
				      s->errnos[e]);
	top_ops(s, top, sizeof(top));
	printf("# %s: %ld ops in %lld ms (%.0f ops/s); %ld calls succeeded, %ld mmaps, "
	       "%ld dma-bufs, %ld pins; errnos:%s; time in:%s\n", c->name, s->progress, ms,
	       ms ? s->progress * 1000.0 / ms : 0.0, s->ok_calls, s->maps, s->dmabufs,
	       s->pins, errs, top);
	if (s->failed) {
		unsigned int p = s->ring_pos;

		printf("# FAIL %s: %s\n", c->name, s->why);
		printf("# last ops:\n");
		for (i = FZ_RING; i > 0; i--)
			if (p >= (unsigned int)i)
				printf("#   %s\n", s->ring[(p - i) % FZ_RING]);
		printf("# reproduce: FUZZ_SEED=%llu FUZZ_OPS=%ld FUZZ_JOBS=1 "
		       "tests/bin/test_fuzz %s\n", (unsigned long long)run_seed, nops, c->name);
		printf("not ok %d - fuzz %s\n", num, c->name);
		fflush(stdout);
		return 0;
	}
	printf("ok %d - fuzz %s\n", num, c->name);
	fflush(stdout);
	return 1;
}

/*
 * Runs the cases, up to jobs at once but never two of one parent together,
 * and "threads" (which visits every type) alone.  Returns the failures.
 */
static int run_cases(struct fz_case *cases, int ncases, int jobs, long per, long *total)
{
	int hang = getenv("FUZZ_HANG") ? atoi(getenv("FUZZ_HANG")) : 60;
	int running[FZ_TYPES + 1], nrun = 0, next = 0, done = 0, failed = 0, i, j, ok;

	while (done < ncases) {
		/* start what may start: in order, but skipping conflicts */
		for (i = next; i < ncases && nrun < jobs; i++) {
			if (cases[i].pid)
				continue;
			for (j = 0, ok = 1; j < nrun && ok; j++)
				ok = !fz_cases_conflict(&cases[i], &cases[running[j]]);
			if (!ok)
				continue;
			start_case(&cases[i], per);
			running[nrun++] = i;
			if (!cases[i].t)
				break;	/* threads runs alone */
		}
		while (next < ncases && cases[next].pid)
			next++;
		usleep(200 * 1000);
		for (j = 0; j < nrun; j++) {
			i = running[j];
			if (!poll_case(&cases[i], hang))
				continue;
			failed += !finish_case(&cases[i], ++done, per);
			*total += cases[i].sh->progress;
			cases[i].pid = -1;
			running[j--] = running[--nrun];
		}
	}
	return failed;
}

static int selected(const char *name, int argc, char **argv)
{
	int i, any = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = 1;
		if (!strcmp(argv[i], name))
			return 1;
	}
	return !any;
}

int main(int argc, char **argv)
{
	struct fz_case cases[FZ_TYPES + 1];
	const char *s;
	int i, jobs, ncases, failed, list = argc > 1 && !strcmp(argv[1], "-l");
	long long t0 = vu_now_ms();
	long per, total = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	s = getenv("FUZZ_SEED");
	run_seed = s && *s ? strtoull(s, NULL, 0)
			   : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	s = getenv("FUZZ_OPS");
	run_ops = s && *s ? atol(s) : FZ_DEFAULT_OPS;
	s = getenv("FUZZ_JOBS");
	jobs = s && *s ? atoi(s) : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (jobs > FZ_TYPES)
		jobs = FZ_TYPES;

	find_types();
	if (list) {
		for (i = 0; i < ntypes; i++)
			printf("%s\n", types[i].name);
		printf("threads\n");
		return 0;
	}
	if (!ntypes) {
		printf("1..0 # SKIP no mdev types (are the modules loaded?)\n");
		return 0;
	}
	sh_all = mmap(NULL, sizeof(*sh_all) * (ntypes + 1), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh_all == MAP_FAILED)
		return 1;
	memset(cases, 0, sizeof(cases));
	ncases = 0;
	for (i = 0; i < ntypes; i++)
		if (selected(types[i].name, argc, argv))
			cases[ncases++] = (struct fz_case){ .name = types[i].name, .t = &types[i] };
	if (selected("threads", argc, argv))
		cases[ncases++] = (struct fz_case){ .name = "threads" };
	for (i = 0; i < ncases; i++)
		cases[i].sh = &sh_all[i];
	per = run_ops / (ncases ? ncases : 1);
	if (per < 1)
		per = 1;
	printf("TAP version 13\n1..%d\n", ncases);
	printf("# FUZZ_SEED=%llu FUZZ_OPS=%ld FUZZ_JOBS=%d: %ld ops per case, %d types\n",
	       (unsigned long long)run_seed, run_ops, jobs, per, ntypes);
	failed = run_cases(cases, ncases, jobs, per, &total);
	printf("# %ld ops in %lld ms, %d case(s) failed; FUZZ_SEED=%llu\n", total,
	       vu_now_ms() - t0, failed, (unsigned long long)run_seed);
	return failed ? 1 : 0;
}
