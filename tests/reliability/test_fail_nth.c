// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fail_nth - systematic fault injection into every allocating uAPI
 * operation.
 *
 * For each operation below, for N = 1, 2, ...: arm /proc/thread-self/fail-nth
 * with N right before the one syscall under test, so the Nth allocation
 * (slab or page; both knobs are set to fail sleeping allocations too) made
 * by this task inside the call fails.  Then:
 * - the call fails with an errno, or it succeeded and the result works
 *   (a fallback path took over);
 * - nothing leaked: the mdev device count, /dev/vfio, available_instances,
 *   the test parent's pinned pages and VmLck are as before, and the next
 *   clean call works (a half-done earlier one would make it EEXIST/EBUSY);
 * until the fault lands beyond the end of the call (fail-nth still armed
 * afterwards): that N is the number of allocation sites the call passed.
 *
 * Operations: mdev create (every sample type), group open, SET_CONTAINER,
 * SET_IOMMU, GET_DEVICE_FD, SET_IRQS with an eventfd, MAP_DMA,
 * vfio_pin_pages() through mdev_testparent, GET_GFX_DMABUF on mbochs.
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
 * CONFIG_FAULT_INJECTION_DEBUG_FS (the debug kernel of make check-debug);
 * skips without them.  Prints how many faults each sweep injected.
 * FAILNTH_MAX (default 4000) bounds N.
 *
 * runner-timeout: 1800
 */
#define HARNESS_TIMEOUT 900
#include "harness.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>

#include "../core/testparent.h"
#include "../display/display.h"

/* more sites than any call here passes; FAILNTH_MAX= overrides */
#define MAX_N		max_n()
#define DBG		"/sys/kernel/debug"
#define PG		4096ULL
#define IOVA		0x100000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* ---- the fault-injection knobs ----------------------------------------- */

static const char *const knobs[][2] = {
	/* fail sleeping allocations too: ours are GFP_KERNEL */
	{ DBG "/failslab/ignore-gfp-wait", "N" },
	{ DBG "/fail_page_alloc/ignore-gfp-wait", "N" },
	{ DBG "/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ DBG "/fail_page_alloc/min-order", "0" },
	/* no random failures anywhere: only fail-nth, only this task */
	{ DBG "/failslab/probability", "0" },
	{ DBG "/fail_page_alloc/probability", "0" },
	/* no stack dump per injected fault */
	{ DBG "/failslab/verbose", "0" },
	{ DBG "/fail_page_alloc/verbose", "0" },
};
#define NKNOBS	(sizeof(knobs) / sizeof(knobs[0]))

static int max_n(void)
{
	const char *s = getenv("FAILNTH_MAX");

	return s && atoi(s) > 0 ? atoi(s) : 4000;
}

static char saved[NKNOBS][32];
static int nth_fd = -1;
static int mounted_debugfs;
static long faults_total;

static int nth_arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -errno;
}

/* What is left of the count: 0 once the fault was injected. */
static int nth_left(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return atoi(buf);
}

static void knobs_set(void)
{
	unsigned int i;

	if (!vu_path_exists(DBG "/failslab") &&
	    !mount("debugfs", DBG, "debugfs", 0, NULL))
		mounted_debugfs = 1;
	for (i = 0; i < NKNOBS; i++) {
		saved[i][0] = '\0';
		if (vu_sysfs_read(knobs[i][0], saved[i], sizeof(saved[i])) < 0)
			continue;
		vu_sysfs_write(knobs[i][0], knobs[i][1]);
	}
}

static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < NKNOBS; i++)
		if (saved[i][0])
			vu_sysfs_write(knobs[i][0], saved[i]);
	if (mounted_debugfs)
		umount(DBG);
	mounted_debugfs = 0;
}

/* What must be the same after a failed call as before it. */
struct world {
	int mdevs;
	int vfio_nodes;
	long vmlck;
};

static void world_get(struct world *w)
{
	w->mdevs = vu_count_dir(VU_MDEV_BUS);
	w->vfio_nodes = vu_count_dir("/dev/vfio");
	w->vmlck = vu_proc_status_kb("VmLck");
}

#define EXPECT_WORLD(before, n)						\
	do {								\
		struct world now_;					\
		world_get(&now_);					\
		EXPECT_EQ(now_.mdevs, (before).mdevs) TH_LOG("N=%d", n); \
		EXPECT_EQ(now_.vfio_nodes, (before).vfio_nodes) TH_LOG("N=%d", n); \
		EXPECT_EQ(now_.vmlck, (before).vmlck) TH_LOG("N=%d", n); \
	} while (0)

/*
 * One sweep: @prepare (may be empty), then the call with fail-nth armed,
 * then @after_fail or @after_ok.  The body sees `n`, `ret`, `err`.
 */
#define SWEEP(name, prepare, call, after_fail, after_ok)		\
	do {								\
		int n, ret, err, left, injected = 0, oks = 0;		\
		char errs_[256] = "";					\
		for (n = 1; n <= MAX_N; n++) {				\
			prepare;					\
			ASSERT_EQ(nth_arm(n), 0);			\
			ret = (call);					\
			err = errno;					\
			left = nth_left();				\
			nth_arm(0);					\
			if (left != 0) {				\
				/* the call ended before its Nth site */ \
				ASSERT_GE(ret, 0) TH_LOG("%s failed (%s) without a fault, N=%d", \
							 name, th_errname(err), n); \
				after_ok;				\
				break;					\
			}						\
			injected++;					\
			if (ret < 0) {					\
				EXPECT_NE(err, 0);			\
				if (!strstr(errs_, th_errname(err)) &&	\
				    strlen(errs_) < 200) {		\
					strcat(errs_, " ");		\
					strcat(errs_, th_errname(err));	\
				}					\
				after_fail;				\
			} else {					\
				oks++;					\
				after_ok;				\
			}						\
		}							\
		EXPECT_LE(n, MAX_N);					\
		faults_total += injected;				\
		TH_LOG("%s: %d faults injected, %d calls still succeeded; errnos:%s", \
		       name, injected, oks, errs_);			\
	} while (0)

/* ---- fixture -------------------------------------------------------------- */

FIXTURE(nth) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	struct world w;
};

FIXTURE_VARIANT(nth) {
	const char *parent;
	const char *type;
};

FIXTURE_VARIANT_ADD(nth, testparent) { .parent = TP_PARENT, .type = TP_TYPE_SMALL };
FIXTURE_VARIANT_ADD(nth, mtty) { .parent = "mtty", .type = "mtty-2" };
FIXTURE_VARIANT_ADD(nth, mdpy) { .parent = "mdpy", .type = "mdpy-vga" };
FIXTURE_VARIANT_ADD(nth, mbochs) { .parent = "mbochs", .type = "mbochs-small" };
FIXTURE_VARIANT_ADD(nth, gvt_stub) { .parent = "gvt_stub", .type = "gvt_stub-V5_8" };

FIXTURE_SETUP(nth)
{
	char path[512];

	self->uuid[0] = '\0';
	self->v.container = self->v.group = self->v.device = -1;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		SKIP("no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION off)");
	vu_type_path(path, sizeof(path), variant->parent, variant->type);
	if (!vu_path_exists(path))
		SKIP("%s not loaded", variant->type);
	knobs_set();
	if (!vu_path_exists(DBG "/failslab/ignore-gfp-wait"))
		SKIP("no " DBG "/failslab (CONFIG_FAILSLAB, FAULT_INJECTION_DEBUG_FS)");
	world_get(&self->w);
}

FIXTURE_TEARDOWN(nth)
{
	if (nth_fd >= 0) {
		nth_arm(0);
		close(nth_fd);
		nth_fd = -1;
	}
	vu_vfio_close(&self->v);
	if (self->uuid[0] && vu_mdev_exists(self->uuid))
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
	knobs_restore();
	if (faults_total)
		TH_LOG("%ld faults injected in this case", faults_total);
}

static void open_device(struct th_self_nth *self, const struct th_vdata_nth *variant)
{
	ASSERT_EQ(vu_mdev_create(variant->parent, variant->type, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	world_get(&self->w);
}

TEST_F(nth, mdev_create)
{
	char path[512];
	long avail = vu_mdev_available(variant->parent, variant->type);
	int fd = -1, lost = 0;

	vu_type_path(path, sizeof(path), variant->parent, variant->type);
	strcat(path, "/create");
	/* the file is open before arming: only create_store() is hit */
	SWEEP("create",
	      ({ vu_uuid_random(self->uuid);
		 fd = open(path, O_WRONLY);
		 ASSERT_GE(fd, 0); }),
	      write(fd, self->uuid, VU_UUID_LEN),
	      ({ close(fd);
		 EXPECT_FALSE(vu_mdev_exists(self->uuid)) TH_LOG("N=%d", n);
		 EXPECT_WORLD(self->w, n);
		 EXPECT_EQ(vu_mdev_available(variant->parent, variant->type), avail); }),
	      ({ int nr_ = vu_mdev_group(self->uuid);
		 char node_[64];

		 close(fd);
		 /* made despite the fault: it must be whole ... */
		 ASSERT_GE(nr_, 0) TH_LOG("N=%d: no iommu_group", n);
		 snprintf(node_, sizeof(node_), "/dev/vfio/%d", nr_);
		 /*
		  * ... except that device_add() goes on when devtmpfs
		  * could not allocate the node's name: then there is
		  * no /dev/vfio/N (in-tree vfio does the same).
		  */
		 if (!vu_path_exists(node_) && !lost++)
			 TH_LOG("N=%d: created without %s (devtmpfs)", n, node_);
		 if (vu_path_exists(node_)) {
			 ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0) TH_LOG("N=%d", n);
			 vu_vfio_close(&self->v);
		 }
		 ASSERT_EQ(vu_mdev_remove(self->uuid), 0); }));
	self->uuid[0] = '\0';
	if (lost)
		TH_LOG("%d creates made no /dev/vfio node", lost);
	EXPECT_EQ(vu_mdev_available(variant->parent, variant->type), avail);
}

TEST_F(nth, group_open)
{
	char node[64];
	int nr;

	ASSERT_EQ(vu_mdev_create(variant->parent, variant->type, self->uuid), 0);
	nr = vu_mdev_group(self->uuid);
	ASSERT_GE(nr, 0);
	snprintf(node, sizeof(node), "/dev/vfio/%d", nr);
	world_get(&self->w);
	SWEEP("group open", ,
	      open(node, O_RDWR),
	      EXPECT_WORLD(self->w, n),
	      close(ret));
	/* a failed open must not leave the group marked open (EBUSY) */
	nr = open(node, O_RDWR);
	ASSERT_GE(nr, 0);
	close(nr);
}

TEST_F(nth, attach_and_device_fd)
{
	int nr;

	ASSERT_EQ(vu_mdev_create(variant->parent, variant->type, self->uuid), 0);
	nr = vu_mdev_group(self->uuid);
	ASSERT_GE(nr, 0);
	self->v.group = vu_group_open(nr);
	ASSERT_GE(self->v.group, 0);
	self->v.container = vu_container_open();
	ASSERT_GE(self->v.container, 0);
	world_get(&self->w);

	SWEEP("SET_CONTAINER", ,
	      ioctl(self->v.group, VFIO_GROUP_SET_CONTAINER, &self->v.container),
	      EXPECT_WORLD(self->w, n),
	      ({ if (left == 0)
		      ASSERT_EQ(ioctl(self->v.group, VFIO_GROUP_UNSET_CONTAINER), 0); }));
	SWEEP("SET_IOMMU", ,
	      ioctl(self->v.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU),
	      ({ EXPECT_WORLD(self->w, n);
		 /* still attached, still without an IOMMU */
		 EXPECT_EQ(vu_group_get_device(self->v.group, self->uuid), -EINVAL); }),
	      ({ if (left == 0) {
		      /* set despite the fault: start again from scratch */
		      ASSERT_EQ(ioctl(self->v.group, VFIO_GROUP_UNSET_CONTAINER), 0);
		      ASSERT_EQ(ioctl(self->v.group, VFIO_GROUP_SET_CONTAINER,
				      &self->v.container), 0);
	      } }));
	SWEEP("GET_DEVICE_FD", ,
	      ioctl(self->v.group, VFIO_GROUP_GET_DEVICE_FD, self->uuid),
	      EXPECT_WORLD(self->w, n),
	      ({ struct vfio_device_info info = { .argsz = sizeof(info) };
		 EXPECT_EQ(ioctl(ret, VFIO_DEVICE_GET_INFO, &info), 0);
		 close(ret); }));
	self->v.device = vu_group_get_device(self->v.group, self->uuid);
	ASSERT_GE(self->v.device, 0);
}

TEST_F(nth, set_irqs)
{
	struct vfio_irq_info ii;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	unsigned int index;

	open_device(self, variant);
	ASSERT_GE(efd, 0);
	/* the first irq index with a vector that takes an eventfd */
	for (index = 0; index < 8; index++)
		if (!vu_irq_info(self->v.device, index, &ii) && ii.count &&
		    (ii.flags & VFIO_IRQ_INFO_EVENTFD))
			break;
	if (index == 8) {
		close(efd);
		SKIP("%s has no eventfd irq", variant->type);
	}
	SWEEP("SET_IRQS", ,
	      vu_irq_set_eventfd(self->v.device, index, efd),
	      ({ EXPECT_WORLD(self->w, n);
		 /* nothing half set up: tearing down works */
		 EXPECT_EQ(vu_irq_disable(self->v.device, index), 0); }),
	      ({ if (left == 0)
		      EXPECT_EQ(vu_irq_disable(self->v.device, index), 0); }));
	EXPECT_EQ(vu_irq_disable(self->v.device, index), 0);
	close(efd);
}

TEST_F(nth, map_dma)
{
	uint8_t *buf = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(buf != MAP_FAILED);
	memset(buf, 3, 16 * PG);
	open_device(self, variant);
	SWEEP("MAP_DMA", ,
	      vu_dma_map(self->v.container, buf, IOVA, 16 * PG, RW),
	      ({ EXPECT_WORLD(self->w, n);
		 /* no half-made mapping: the range is free */
		 EXPECT_EQ(vu_dma_unmap(self->v.container, IOVA, 16 * PG, 0, NULL), 0); }),
	      ({ if (left == 0)
		      EXPECT_EQ(vu_dma_unmap(self->v.container, IOVA, 16 * PG, 0, NULL), 0); }));
	EXPECT_EQ(vu_dma_unmap(self->v.container, IOVA, 16 * PG, 0, NULL), 0);
	munmap(buf, 16 * PG);
}

static long pinned(int fd)
{
	struct tp_status st;

	return tp_status(fd, &st) ? -1 : (long)st.pinned_pages;
}

TEST_F(nth, pin_pages)
{
	struct tp_cmd cmd = { .op = TP_OP_PIN, .prot = TP_PROT_READ | TP_PROT_WRITE,
			      .iova = IOVA, .count = 8 };
	uint8_t *buf;
	long vmlck;

	if (strcmp(variant->parent, TP_PARENT))
		SKIP("pinning on command is mdev_testparent's");
	buf = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(buf != MAP_FAILED);
	memset(buf, 3, 16 * PG);
	open_device(self, variant);
	ASSERT_EQ(vu_dma_map(self->v.container, buf, IOVA, 16 * PG, RW), 0);
	vmlck = vu_proc_status_kb("VmLck");
	/*
	 * Only the write that runs the command is armed; its result is read
	 * back afterwards (that read allocates too).
	 */
	SWEEP("vfio_pin_pages", ,
	      pwrite(self->v.device, &cmd, sizeof(cmd), TP_CTL_OFF + TP_CTL_CMD),
	      ({ EXPECT_EQ(pinned(self->v.device), 0) TH_LOG("N=%d", n);
		 EXPECT_EQ(vu_proc_status_kb("VmLck"), vmlck) TH_LOG("N=%d", n); }),
	      ({ struct tp_status st;
		 ASSERT_EQ(tp_status(self->v.device, &st), 0);
		 if (st.result < 0) {
			/* the pin failed inside the command */
			ASSERT_EQ(left, 0) TH_LOG("pin failed without a fault: %lld",
						  (long long)st.result);
			EXPECT_EQ(st.pinned_pages, 0) TH_LOG("N=%d", n);
			EXPECT_EQ(vu_proc_status_kb("VmLck"), vmlck) TH_LOG("N=%d", n);
		 } else {
			EXPECT_EQ(st.result, 8);
			EXPECT_EQ(st.pinned_pages, 8) TH_LOG("N=%d", n);
			EXPECT_EQ(tp_unpin(self->v.device, IOVA, 8), 0);
			EXPECT_EQ(vu_proc_status_kb("VmLck"), vmlck);
		 } }));
	EXPECT_EQ(pinned(self->v.device), 0);
	vu_vfio_close(&self->v);
	munmap(buf, 16 * PG);
}

/* mbochs: the guest sets a mode, then the dma-buf of its scanout */
TEST_F(nth, gfx_dmabuf)
{
	struct vfio_device_gfx_plane_info p;
	uint32_t id;
	int fd;

	if (strcmp(variant->parent, "mbochs"))
		SKIP("dma-buf export on a set mode is tested on mbochs");
	open_device(self, variant);
	fd = self->v.device;
	/* VBE DISPI: 640x480x32, linear framebuffer */
	{
		static const uint16_t regs[][2] = {
			{ 4, 0 }, { 3, 32 }, { 1, 640 }, { 2, 480 }, { 5, 0 },
			{ 6, 640 }, { 7, 480 }, { 8, 0 }, { 9, 0 }, { 4, 0x41 },
		};
		unsigned int i;

		for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
			ASSERT_EQ(disp_write(fd, VFIO_PCI_BAR2_REGION_INDEX,
					     0x500 + 2 * regs[i][0], 2, regs[i][1]), 2);
	}
	ASSERT_EQ(disp_query_plane(fd, VFIO_GFX_PLANE_TYPE_DMABUF, 1, &p), 0);
	id = p.dmabuf_id;
	SWEEP("GET_GFX_DMABUF", ,
	      ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &id),
	      EXPECT_WORLD(self->w, n),
	      close(ret));
}

TEST_HARNESS_MAIN
