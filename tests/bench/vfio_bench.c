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
 * Two more kinds of line describe a figure for report.py:
 *
 *	<name> unit B			the values are bytes, not ns
 *	<name> per <n> <what>		one operation moves <n> <what> (a rate)
 *
 * Arguments: existing-device counts for the creation-scaling figures.
 * Environment: BENCH_REPS, BENCH_SCALE (iteration multiplier),
 * BENCH_MEM_DEVICES (devices for the memory figures, default 1000, 0: skip),
 * BENCH_DMA_MAX (largest MAP_DMA size in MiB, default 1024),
 * BENCH_FILL_LIMIT (seconds a scaling fill may take, default 900).
 * No pass/fail on timing: that is for people to read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vfio_util.h"
#include "../kmod/mdev_testparent.h"

#define PARENT		"mtty"
#define TYPE		"mtty-1"
#define REPS		9
#define MAX_REPS	15

static int reps = REPS;
static double scale = 1;	/* iteration multiplier, BENCH_SCALE (may be < 1) */
static double fill_limit_ns = 900e9;	/* BENCH_FILL_LIMIT */
static const char *only;	/* BENCH_ONLY: run bench() figures with this prefix */

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

	if (only && strncmp(name, only, strlen(only)))
		return;
	iters = iters * scale;
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

/*
 * The same setup with each step timed on its own, to see which step makes
 * a difference between the stacks: open the container, open the group,
 * SET_CONTAINER, SET_IOMMU, close the group (which detaches it and, the
 * last group gone, releases the IOMMU backend), close the container.
 */
static void bench_group_setup_split(int nr)
{
	static const char *const step[] = {
		"group_setup_1_open_container", "group_setup_2_open_group",
		"group_setup_3_set_container", "group_setup_4_set_iommu",
		"group_setup_5_close_group", "group_setup_6_close_container",
	};
	double s[6][MAX_REPS], t[7];
	int iters = 200 * scale, r, i, k, c, g, ret = 0;

	if (iters < 1)
		iters = 1;
	for (r = -1; r < reps && !ret; r++) {
		double sum[6] = { 0 };

		for (i = 0; i < (r < 0 ? 1 : iters) && !ret; i++) {
			t[0] = now_ns();
			c = vu_container_open();
			t[1] = now_ns();
			g = vu_group_open(nr);
			t[2] = now_ns();
			if (c < 0 || g < 0) {
				ret = c < 0 ? c : g;
				if (c >= 0)
					close(c);
				if (g >= 0)
					close(g);
				break;
			}
			ret = vu_group_set_container(g, c);
			t[3] = now_ns();
			if (!ret)
				ret = vu_set_iommu(c, VFIO_TYPE1v2_IOMMU);
			t[4] = now_ns();
			close(g);
			t[5] = now_ns();
			close(c);
			t[6] = now_ns();
			for (k = 0; k < 6; k++)
				sum[k] += t[k + 1] - t[k];
		}
		for (k = 0; r >= 0 && k < 6; k++)
			s[k][r] = sum[k] / iters;
	}
	for (k = 0; k < 6; k++) {
		if (ret)
			report_err(step[k], -ret);
		else
			report(step[k], s[k], reps, iters);
	}
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

/* ---- interrupts (mtty) ------------------------------------------------- */

/* VFIO_DEVICE_SET_IRQS, ACTION_TRIGGER, one eventfd or none (count 0). */
static int set_trigger(int dev, unsigned int index, int efd)
{
	struct {
		struct vfio_irq_set hdr;
		int32_t fd;
	} set = { 0 };

	set.hdr.argsz = sizeof(set);
	set.hdr.index = index;
	set.hdr.flags = VFIO_IRQ_SET_ACTION_TRIGGER;
	if (efd >= 0) {
		set.hdr.flags |= VFIO_IRQ_SET_DATA_EVENTFD;
		set.hdr.count = 1;
		set.fd = efd;
	} else {
		set.hdr.flags |= VFIO_IRQ_SET_DATA_NONE;
		set.hdr.argsz = sizeof(set.hdr);
	}
	return ioctl(dev, VFIO_DEVICE_SET_IRQS, &set) ? -errno : 0;
}

/* INTx stays masked after it fired until userspace unmasks it. */
static int intx_unmask(int dev)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.count = 1,
	};

	return ioctl(dev, VFIO_DEVICE_SET_IRQS, &set) ? -errno : 0;
}

struct irqset {
	int dev;
	unsigned int index;
	int efd;
};

static int op_set_irqs(void *arg)
{
	struct irqset *a = arg;
	int ret = set_trigger(a->dev, a->index, a->efd);

	return ret ? ret : set_trigger(a->dev, a->index, -1);
}

static int pwrite1(int fd, off_t off, uint8_t val)
{
	return pwrite(fd, &val, 1, off) == 1 ? 0 : -(errno ? errno : EIO);
}

static int pread1(int fd, off_t off, uint8_t *val)
{
	return pread(fd, val, 1, off) == 1 ? 0 : -(errno ? errno : EIO);
}

/*
 * Interrupt latency: from the pwrite() of a byte to the UART's THR (the
 * loopback puts it in the receive FIFO, RX-data-available is enabled in IER,
 * so the card raises its interrupt) until poll() finds the eventfd readable
 * and read() has consumed it.  Reading the byte back (which lowers the
 * interrupt) and INTx's unmask are outside the timed part.
 */
static void bench_irq_latency(const char *name, int dev, off_t bar0,
			      unsigned int index, int iters)
{
	struct pollfd pfd = { .events = POLLIN };
	double s[MAX_REPS];
	uint64_t cnt;
	uint8_t ch;
	int r, i, ret, efd;

	iters = iters * scale;
	if (iters < 1)
		iters = 1;
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0) {
		report_err(name, errno);
		return;
	}
	pfd.fd = efd;
	ret = set_trigger(dev, index, efd);
	if (!ret)
		ret = pwrite1(dev, bar0 + 1, 0x01);	/* IER: RX data available */
	for (r = -1; !ret && r < reps; r++) {
		double t = 0;

		for (i = 0; i < (r < 0 ? 1 : iters); i++) {
			double t0 = now_ns();

			ret = pwrite1(dev, bar0 + 0, 0x5a);
			if (ret)
				break;
			if (poll(&pfd, 1, 1000) != 1 ||
			    read(efd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
				ret = -(errno ? errno : ETIMEDOUT);
				break;
			}
			t += now_ns() - t0;
			ret = pread1(dev, bar0 + 0, &ch);
			if (!ret && index == VFIO_PCI_INTX_IRQ_INDEX)
				ret = intx_unmask(dev);
			if (ret)
				break;
		}
		if (r >= 0)
			s[r] = t / iters;
	}
	pwrite1(dev, bar0 + 1, 0x00);
	set_trigger(dev, index, -1);
	close(efd);
	if (ret)
		report_err(name, -ret);
	else
		report(name, s, reps, iters);
}

static void bench_irqs(int dev, off_t bar0)
{
	struct irqset a = { .dev = dev };

	a.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a.efd < 0)
		return;
	a.index = VFIO_PCI_INTX_IRQ_INDEX;
	bench("ioctl_set_irqs_intx_on_off", 2000, op_set_irqs, &a);
	a.index = VFIO_PCI_MSI_IRQ_INDEX;
	bench("ioctl_set_irqs_msi_on_off", 2000, op_set_irqs, &a);
	close(a.efd);
	bench_irq_latency("irq_latency_intx", dev, bar0, VFIO_PCI_INTX_IRQ_INDEX, 2000);
	bench_irq_latency("irq_latency_msi", dev, bar0, VFIO_PCI_MSI_IRQ_INDEX, 2000);
}

/* ---- pinning and vfio_dma_rw (mdev_testparent) ------------------------- */

#define TP_IOVA		(1ULL << 32)
#define TP_PIN_BATCH	512	/* VFIO_PIN_PAGES_MAX_ENTRIES on 6.1 */

struct tpcmd {
	int dev;
	off_t ctl;
};

/* Run one command through the control region; its result or -errno. */
static long tp_run(struct tpcmd *a, uint32_t op, uint64_t iova, uint64_t count)
{
	struct tp_cmd cmd = {
		.op = op, .prot = TP_PROT_READ | TP_PROT_WRITE,
		.iova = iova, .count = count,
	};
	int64_t result;

	if (pwrite(a->dev, &cmd, sizeof(cmd), a->ctl + TP_CTL_CMD) != sizeof(cmd))
		return -(errno ? errno : EIO);
	if (pread(a->dev, &result, sizeof(result), a->ctl + TP_CTL_STATUS) != sizeof(result))
		return -(errno ? errno : EIO);
	return result;
}

static int op_tp_nop(void *arg)
{
	return tp_run(arg, TP_OP_NOP, 0, 0);
}

static int op_pin_batch(void *arg)
{
	long ret = tp_run(arg, TP_OP_PIN, TP_IOVA, TP_PIN_BATCH);

	if (ret != TP_PIN_BATCH)
		return ret < 0 ? ret : -EIO;
	return tp_run(arg, TP_OP_UNPIN, TP_IOVA, TP_PIN_BATCH);
}

static int op_pin_one(void *arg)
{
	long ret = tp_run(arg, TP_OP_PIN, TP_IOVA, 1);

	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	return tp_run(arg, TP_OP_UNPIN, TP_IOVA, 1);
}

static int op_dma_read(void *arg)
{
	long ret = tp_run(arg, TP_OP_DMA_READ, TP_IOVA, TP_DATA_SIZE);

	return ret < 0 ? ret : 0;
}

static int op_dma_write(void *arg)
{
	long ret = tp_run(arg, TP_OP_DMA_WRITE, TP_IOVA, TP_DATA_SIZE);

	return ret < 0 ? ret : 0;
}

static void bench_testparent(void)
{
	size_t size = (size_t)TP_PIN_BATCH * 4096;
	char uuid[VU_UUID_LEN + 1], path[256];
	struct tpcmd a = { 0 };
	struct copy c = { 0 };
	struct vu_vfio v;
	void *buf, *dst;
	int ret;

	vu_type_path(path, sizeof(path), TP_PARENT, TP_TYPE_SMALL);
	if (!vu_path_exists(path)) {
		report_err("tp_cmd_nop", ENODEV);
		return;
	}
	ret = vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, uuid);
	if (ret) {
		report_err("tp_cmd_nop", -ret);
		return;
	}
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	dst = malloc(size);
	ret = vu_vfio_open(&v, uuid);
	if (!ret)
		ret = region_offset(v.device, TP_CTL_INDEX, &a.ctl);
	if (!ret && (buf == MAP_FAILED || !dst))
		ret = -ENOMEM;
	if (!ret)
		ret = vu_dma_map(v.container, buf, TP_IOVA, size,
				 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	if (ret) {
		report_err("tp_cmd_nop", -ret);
		goto out;
	}
	memset(buf, 0x3c, size);
	memset(dst, 0, size);
	a.dev = v.device;

	printf("pin_unpin_%d_pages per %d pages\n", TP_PIN_BATCH, TP_PIN_BATCH);
	printf("pin_unpin_1_page per 1 pages\n");
	printf("memcpy_%d_pages per %d pages\n", TP_PIN_BATCH, TP_PIN_BATCH);
	printf("dma_rw_read_16k per %d B\n", TP_DATA_SIZE);
	printf("dma_rw_write_16k per %d B\n", TP_DATA_SIZE);
	printf("memcpy_16k per %d B\n", TP_DATA_SIZE);
	bench("tp_cmd_nop", 2000, op_tp_nop, &a);
	bench("pin_unpin_512_pages", 20, op_pin_batch, &a);
	bench("pin_unpin_1_page", 1000, op_pin_one, &a);
	c.src = buf;
	c.dst = dst;
	c.size = size;
	bench("memcpy_512_pages", 20, op_copy, &c);
	bench("dma_rw_read_16k", 1000, op_dma_read, &a);
	bench("dma_rw_write_16k", 1000, op_dma_write, &a);
	c.size = TP_DATA_SIZE;
	bench("memcpy_16k", 1000, op_copy, &c);
	tp_run(&a, TP_OP_UNPIN_ALL, 0, 0);
	vu_dma_unmap(v.container, TP_IOVA, size, 0, NULL);
out:
	vu_vfio_close(&v);
	if (buf != MAP_FAILED)
		munmap(buf, size);
	free(dst);
	vu_mdev_remove(uuid);
}

/* ---- memory per device -------------------------------------------------- */

/* Fields of /proc/meminfo, in bytes. */
struct mem {
	double slab, sunreclaim, used;
};

static int meminfo(struct mem *m)
{
	char line[128];
	long long total = -1, free_ = -1, slab = -1, sunr = -1, cache = 0, kb;
	FILE *f;

	sync();
	/* Reclaimable caches (dentries of sysfs lookups) are not the device's. */
	vu_sysfs_write("/proc/sys/vm/drop_caches", "3");
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %lld", &kb) == 1)
			total = kb;
		else if (sscanf(line, "MemFree: %lld", &kb) == 1)
			free_ = kb;
		else if (sscanf(line, "Slab: %lld", &kb) == 1)
			slab = kb;
		else if (sscanf(line, "SUnreclaim: %lld", &kb) == 1)
			sunr = kb;
		else if (sscanf(line, "Buffers: %lld", &kb) == 1 ||
			 sscanf(line, "Cached: %lld", &kb) == 1)
			cache += kb;
	}
	fclose(f);
	if (total < 0 || free_ < 0 || slab < 0 || sunr < 0)
		return -ENOENT;
	m->slab = slab * 1024.0;
	m->sunreclaim = sunr * 1024.0;
	/* Page cache comes and goes with the host's files: leave it out. */
	m->used = (total - free_ - cache) * 1024.0;
	return 0;
}

/*
 * Create @n mtty-1 cards, look at /proc/meminfo before and after (caches
 * dropped both times), remove them; three times.  Slab, its unreclaimable
 * part, and all used memory but the page cache (slab, pages, vmalloc, page
 * tables) per card.
 */
static void bench_memory(int n)
{
	double slab[MAX_REPS], sunr[MAX_REPS], used[MAX_REPS];
	char (*uuids)[VU_UUID_LEN + 1];
	int r, i, made, ret = 0, nrep = 3;
	struct mem m0, m1;

	uuids = calloc(n, sizeof(*uuids));
	if (!uuids)
		return;
	for (r = 0; r < nrep && !ret; r++) {
		ret = meminfo(&m0);
		for (made = 0; !ret && made < n; made++)
			ret = vu_mdev_create(PARENT, TYPE, uuids[made]);
		if (ret)
			made--;
		if (!ret)
			ret = meminfo(&m1);
		for (i = 0; i < made; i++)
			vu_mdev_remove(uuids[i]);
		slab[r] = (m1.slab - m0.slab) / n;
		sunr[r] = (m1.sunreclaim - m0.sunreclaim) / n;
		used[r] = (m1.used - m0.used) / n;
	}
	free(uuids);
	if (ret) {
		report_err("mem_slab_per_mdev", -ret);
		return;
	}
	printf("mem_slab_per_mdev unit B\nmem_slab_unreclaimable_per_mdev unit B\n"
	       "mem_used_per_mdev unit B\n");
	report("mem_slab_per_mdev", slab, nrep, n);
	report("mem_slab_unreclaimable_per_mdev", sunr, nrep, n);
	report("mem_used_per_mdev", used, nrep, n);
}

/* ---- creation scaling --------------------------------------------------- */

/*
 * create+remove of one device while @n others exist.  Filling up to @n and
 * emptying again are figures too (one sample each: ns per create, per
 * remove), since at 10,000 they are most of what the figure costs.
 */
static void bench_scaling(int n)
{
	char name[64], fname[64], rname[64];
	char (*uuids)[VU_UUID_LEN + 1];
	double t0 = now_ns(), fill, empty;
	int i, made = 0, ret = 0;

	snprintf(name, sizeof(name), "mdev_create_remove_at_%d", n);
	snprintf(fname, sizeof(fname), "mdev_fill_per_create_to_%d", n);
	snprintf(rname, sizeof(rname), "mdev_empty_per_remove_from_%d", n);
	uuids = calloc(n, sizeof(*uuids));
	if (!uuids)
		return;
	for (i = 0; i < n; i++) {
		ret = vu_mdev_create(PARENT, TYPE, uuids[i]);
		if (ret)
			break;
		made++;
		/* An emulated VM can be slow: give up rather than stall the run. */
		if (now_ns() - t0 > fill_limit_ns) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	fill = (now_ns() - t0) / (made ? made : 1);
	if (ret)
		report_err(name, -ret);
	else
		bench(name, 10, op_mdev_cycle, NULL);
	t0 = now_ns();
	for (i = 0; i < made; i++)
		vu_mdev_remove(uuids[i]);
	empty = (now_ns() - t0) / (made ? made : 1);
	free(uuids);
	if (!ret && n >= 1000) {
		report(fname, &fill, 1, n);
		report(rname, &empty, 1, n);
	}
}

int main(int argc, char **argv)
{
	char uuid[VU_UUID_LEN + 1];
	struct devopen dop;
	struct vu_vfio v;
	off_t cfg, bar0 = -1;
	int zero, nr, ret, i, dma_max_mb = 1024, mem_devices = 1000;
	const char *e;

	if ((e = getenv("BENCH_REPS")) && atoi(e) > 2 && atoi(e) <= MAX_REPS)
		reps = atoi(e);
	if ((e = getenv("BENCH_SCALE")) && atof(e) > 0)
		scale = atof(e);
	if ((e = getenv("BENCH_DMA_MAX")))
		dma_max_mb = atoi(e);
	if ((e = getenv("BENCH_MEM_DEVICES")))
		mem_devices = atoi(e);
	if ((e = getenv("BENCH_FILL_LIMIT")) && atoi(e) > 0)
		fill_limit_ns = atoi(e) * 1e9;
	/* For tracing one figure (trace.sh): the others are skipped. */
	only = getenv("BENCH_ONLY");
	if (only) {
		dma_max_mb = 0;
		mem_devices = 0;
	}

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
	if (nr >= 0) {
		bench("group_open_set_container_set_iommu", 200, op_group_setup, &nr);
		if (!only)
			bench_group_setup_split(nr);
	} else {
		report_err("group_open_set_container_set_iommu", -nr);
	}

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
	if (region_offset(v.device, VFIO_PCI_BAR0_REGION_INDEX, &bar0)) {
		bar0 = -1;
	} else {
		/* LSR (5) reads without side effects; SCR (7) is scratch. */
		bench_rw("bar0_read1", v.device, bar0 + 5, 1, 0, 20000);
		bench_rw("bar0_read4", v.device, bar0 + 4, 4, 0, 20000);
		bench_rw("bar0_write1", v.device, bar0 + 7, 1, 1, 20000);
		bench_rw("bar0_write4", v.device, bar0 + 4, 4, 1, 20000);
	}

	bench("ioctl_get_region_info", 20000, op_region_info, &v.device);
	bench("ioctl_get_irq_info", 20000, op_irq_info, &v.device);
	if (bar0 >= 0 && !only)
		bench_irqs(v.device, bar0);

	/* Device fd open+close while the first fd stays open (no open_device). */
	dop.group = v.group;
	dop.uuid = uuid;
	bench("device_fd_open_close_2nd", 2000, op_device_open, &dop);

	bench_dma("dma_map_unmap_4k", v.container, 4096, 2000);
	bench_dma("dma_map_unmap_64k", v.container, 64 << 10, 1000);
	bench_dma("dma_map_unmap_1m", v.container, 1 << 20, 200);
	if (dma_max_mb >= 16)
		bench_dma("dma_map_unmap_16m", v.container, 16 << 20, 200);
	if (dma_max_mb >= 256)
		bench_dma("dma_map_unmap_256m", v.container, 256 << 20, 200);
	if (dma_max_mb >= 1024)
		bench_dma("dma_map_unmap_1g", v.container, 1 << 30, 200);

	/* Device fd open+close with no other user: open_device/close_device too. */
	close(v.device);
	v.device = -1;
	bench("device_fd_open_close", 2000, op_device_open, &dop);

	vu_vfio_close(&v);
	vu_mdev_remove(uuid);

	bench("mdev_create_remove", 100, op_mdev_cycle, NULL);

	if (only)
		return 0;
	bench_mdpy();
	bench_testparent();
	if (mem_devices > 0)
		bench_memory(mem_devices);

	for (i = 1; i < argc; i++)
		bench_scaling(atoi(argv[i]));
	return 0;
}
