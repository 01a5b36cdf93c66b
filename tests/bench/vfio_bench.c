// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_bench - micro-benchmarks of a VFIO/mdev stack through its uAPI.
 *
 * Runs against whatever vfio, vfio_iommu_type1, mdev and mtty modules are
 * loaded, so tests/bench/run.sh can run it once on the in-tree stack and
 * once on ours in the same boot.  Each figure is REPS repetitions of a timed
 * loop; one line per figure goes to stdout:
 *
 *	<name> <median ns/op> <min ns/op> <max ns/op> <reps> <iters> <each rep...>
 *
 * A figure that cannot be taken (an ioctl fails) prints "<name> error <errno>".
 * No pass/fail on timing: that is for people to read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vfio_util.h"

#define PARENT		"mtty"
#define TYPE		"mtty-1"
#define REPS		9
#define MAX_REPS	15

static int reps = REPS;
static int scale = 1;	/* iteration multiplier, BENCH_SCALE */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One sample per repetition: ns per operation.  Prints the figure. */
static void report(const char *name, double *s, int n, int iters)
{
	double med;

	qsort(s, n, sizeof(*s), cmp_double);
	med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	int i;

	printf("%s %.1f %.1f %.1f %d %d", name, med, s[0], s[n - 1], n, iters);
	for (i = 0; i < n; i++)
		printf(" %.1f", s[i]);
	putchar('\n');
	fflush(stdout);
}

static void report_err(const char *name, int err)
{
	printf("%s error %d\n", name, err);
	fflush(stdout);
}

/*
 * Time @iters calls of @op(@arg) per repetition.  @op returns 0 or a
 * negative errno; the first failure abandons the figure.
 */
static void bench(const char *name, int iters, int (*op)(void *), void *arg)
{
	double s[MAX_REPS];
	int r, i, ret;

	iters *= scale;
	if (iters < 1)
		iters = 1;
	ret = op(arg);		/* warm up, and check it works at all */
	if (ret) {
		report_err(name, -ret);
		return;
	}
	for (r = 0; r < reps; r++) {
		double t0 = now_ns();

		for (i = 0; i < iters; i++) {
			ret = op(arg);
			if (ret) {
				report_err(name, -ret);
				return;
			}
		}
		s[r] = (now_ns() - t0) / iters;
	}
	report(name, s, reps, iters);
}

/* ---- region access ---------------------------------------------------- */

struct rw {
	int fd;
	off_t off;
	size_t len;
	int write;
	unsigned char buf[8];
};

static int op_rw(void *arg)
{
	struct rw *a = arg;
	ssize_t n;

	if (a->write)
		n = pwrite(a->fd, a->buf, a->len, a->off);
	else
		n = pread(a->fd, a->buf, a->len, a->off);
	if (n == (ssize_t)a->len)
		return 0;
	return n < 0 ? -errno : -EIO;
}

static int region_offset(int dev, unsigned int index, off_t *off)
{
	struct vfio_region_info ri;
	int ret = vu_region_info(dev, index, &ri);

	if (ret)
		return ret;
	*off = ri.offset;
	return 0;
}

static void bench_rw(const char *name, int fd, off_t off, size_t len, int write,
		     int iters)
{
	struct rw a = { .fd = fd, .off = off, .len = len, .write = write };

	/* Writes put back what is there, so the device state does not change. */
	if (write && pread(fd, a.buf, len, off) != (ssize_t)len) {
		report_err(name, errno ? errno : EIO);
		return;
	}
	bench(name, iters, op_rw, &a);
}

/* ---- ioctls -------------------------------------------------------------- */

static int op_region_info(void *arg)
{
	struct vfio_region_info ri;

	return vu_region_info(*(int *)arg, VFIO_PCI_CONFIG_REGION_INDEX, &ri);
}

static int op_irq_info(void *arg)
{
	struct vfio_irq_info ii;

	return vu_irq_info(*(int *)arg, VFIO_PCI_INTX_IRQ_INDEX, &ii);
}

struct devopen {
	int group;
	const char *uuid;
};

static int op_device_open(void *arg)
{
	struct devopen *a = arg;
	int fd = vu_group_get_device(a->group, a->uuid);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int op_group_setup(void *arg)
{
	int nr = *(int *)arg, c, g, ret;

	c = vu_container_open();
	if (c < 0)
		return c;
	g = vu_group_open(nr);
	if (g < 0) {
		close(c);
		return g;
	}
	ret = vu_group_set_container(g, c);
	if (!ret)
		ret = vu_set_iommu(c, VFIO_TYPE1v2_IOMMU);
	close(g);
	close(c);
	return ret;
}

/* ---- mdev lifetime -------------------------------------------------------- */

static int op_mdev_cycle(void *arg)
{
	char uuid[VU_UUID_LEN + 1];
	int ret;

	(void)arg;
	ret = vu_mdev_create(PARENT, TYPE, uuid);
	if (ret)
		return ret;
	return vu_mdev_remove(uuid);
}

/* ---- DMA -------------------------------------------------------------- */

struct dma {
	int container;
	void *buf;
	size_t size;
};

static int op_dma(void *arg)
{
	struct dma *a = arg;
	int ret;

	ret = vu_dma_map(a->container, a->buf, 1ULL << 32, a->size,
			 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	if (ret)
		return ret;
	return vu_dma_unmap(a->container, 1ULL << 32, a->size, 0, NULL);
}

static void bench_dma(const char *name, int container, size_t size, int iters)
{
	struct dma a = { .container = container, .size = size };

	a.buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (a.buf == MAP_FAILED) {
		report_err(name, errno);
		return;
	}
	bench(name, iters, op_dma, &a);
	munmap(a.buf, size);
}

/* ---- mdpy framebuffer ---------------------------------------------------- */

struct copy {
	void *dst;
	const void *src;
	size_t size;
};

static int op_copy(void *arg)
{
	struct copy *a = arg;

	memcpy(a->dst, a->src, a->size);
	/* Keep the compiler from dropping a copy whose result nobody reads. */
	__asm__ __volatile__("" : : "r"(a->dst) : "memory");
	return 0;
}

/*
 * Whole-frame writes of an XGA mdpy framebuffer through its mmap, against
 * a memcpy of the same size into ordinary anonymous memory.
 */
static void bench_mdpy(void)
{
	const char *type = "mdpy-xga";
	struct vfio_region_info ri;
	struct copy a = { 0 };
	char uuid[VU_UUID_LEN + 1], path[256];
	struct vu_vfio v;
	void *fb;
	int ret;

	vu_type_path(path, sizeof(path), "mdpy", type);
	if (!vu_path_exists(path)) {
		report_err("mdpy_fb_mmap_write_frame", ENODEV);
		return;
	}
	ret = vu_mdev_create("mdpy", type, uuid);
	if (ret) {
		report_err("mdpy_fb_mmap_write_frame", -ret);
		return;
	}
	ret = vu_vfio_open(&v, uuid);
	if (!ret)
		ret = vu_region_info(v.device, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	if (ret) {
		report_err("mdpy_fb_mmap_write_frame", -ret);
		goto out_remove;
	}
	/* 1024 x 768 x 4 bytes: the frame, not the whole (rounded-up) BAR. */
	a.size = 1024 * 768 * 4;
	fb = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, v.device, ri.offset);
	a.src = malloc(a.size);
	if (fb == MAP_FAILED || !a.src) {
		report_err("mdpy_fb_mmap_write_frame", fb == MAP_FAILED ? errno : ENOMEM);
		goto out_free;
	}
	memset((void *)a.src, 0x5a, a.size);
	a.dst = fb;
	bench("mdpy_fb_mmap_write_frame", 20, op_copy, &a);
	munmap(fb, ri.size);
	a.dst = malloc(a.size);
	if (a.dst) {
		memset(a.dst, 0, a.size);
		bench("memcpy_baseline_frame", 20, op_copy, &a);
		free(a.dst);
	}
out_free:
	free((void *)a.src);
out_remove:
	vu_vfio_close(&v);
	vu_mdev_remove(uuid);
}

/* ---- creation scaling --------------------------------------------------- */

/* create+remove of one device while @n others exist. */
static void bench_scaling(int n)
{
	char name[64];
	char (*uuids)[VU_UUID_LEN + 1];
	double t0 = now_ns();
	int i, made = 0, ret = 0;

	snprintf(name, sizeof(name), "mdev_create_remove_at_%d", n);
	uuids = calloc(n, sizeof(*uuids));
	if (!uuids)
		return;
	for (i = 0; i < n; i++) {
		ret = vu_mdev_create(PARENT, TYPE, uuids[i]);
		if (ret)
			break;
		made++;
		/* An emulated VM can be slow: give up rather than stall the run. */
		if (now_ns() - t0 > 120e9) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	if (ret)
		report_err(name, -ret);
	else
		bench(name, 10, op_mdev_cycle, NULL);
	for (i = 0; i < made; i++)
		vu_mdev_remove(uuids[i]);
	free(uuids);
}

int main(int argc, char **argv)
{
	char uuid[VU_UUID_LEN + 1];
	struct devopen dop;
	struct vu_vfio v;
	off_t cfg, bar0;
	int zero, nr, ret, i;
	const char *e;

	if ((e = getenv("BENCH_REPS")) && atoi(e) > 2 && atoi(e) <= MAX_REPS)
		reps = atoi(e);
	if ((e = getenv("BENCH_SCALE")) && atoi(e) > 0)
		scale = atoi(e);

	/* Null baseline: the cheapest read(2) there is. */
	zero = open("/dev/zero", O_RDONLY);
	if (zero >= 0) {
		bench_rw("null_read1_dev_zero", zero, 0, 1, 0, 20000);
		close(zero);
	}

	ret = vu_mdev_create(PARENT, TYPE, uuid);
	if (ret) {
		fprintf(stderr, "vfio_bench: cannot create an %s device: %s\n",
			TYPE, strerror(-ret));
		return 1;
	}
	nr = vu_mdev_group(uuid);

	/* The group may be open only once: measure its setup before keeping it. */
	if (nr >= 0)
		bench("group_open_set_container_set_iommu", 200, op_group_setup, &nr);
	else
		report_err("group_open_set_container_set_iommu", -nr);

	ret = vu_vfio_open(&v, uuid);
	if (ret) {
		fprintf(stderr, "vfio_bench: cannot open %s: %s\n", uuid, strerror(-ret));
		vu_mdev_remove(uuid);
		return 1;
	}

	if (!region_offset(v.device, VFIO_PCI_CONFIG_REGION_INDEX, &cfg)) {
		bench_rw("cfg_read1", v.device, cfg + 0x00, 1, 0, 20000);
		bench_rw("cfg_read4", v.device, cfg + 0x00, 4, 0, 20000);
		bench_rw("cfg_write1", v.device, cfg + 0x3c, 1, 1, 20000);
		bench_rw("cfg_write4", v.device, cfg + 0x10, 4, 1, 20000);
	}
	if (!region_offset(v.device, VFIO_PCI_BAR0_REGION_INDEX, &bar0)) {
		/* LSR (5) reads without side effects; SCR (7) is scratch. */
		bench_rw("bar0_read1", v.device, bar0 + 5, 1, 0, 20000);
		bench_rw("bar0_read4", v.device, bar0 + 4, 4, 0, 20000);
		bench_rw("bar0_write1", v.device, bar0 + 7, 1, 1, 20000);
		bench_rw("bar0_write4", v.device, bar0 + 4, 4, 1, 20000);
	}

	bench("ioctl_get_region_info", 20000, op_region_info, &v.device);
	bench("ioctl_get_irq_info", 20000, op_irq_info, &v.device);

	/* Device fd open+close while the first fd stays open (no open_device). */
	dop.group = v.group;
	dop.uuid = uuid;
	bench("device_fd_open_close_2nd", 2000, op_device_open, &dop);

	bench_dma("dma_map_unmap_4k", v.container, 4096, 2000);
	bench_dma("dma_map_unmap_1m", v.container, 1 << 20, 200);

	/* Device fd open+close with no other user: open_device/close_device too. */
	close(v.device);
	v.device = -1;
	bench("device_fd_open_close", 2000, op_device_open, &dop);

	vu_vfio_close(&v);
	vu_mdev_remove(uuid);

	bench("mdev_create_remove", 100, op_mdev_cycle, NULL);

	bench_mdpy();

	for (i = 1; i < argc; i++)
		bench_scaling(atoi(argv[i]));
	return 0;
}
