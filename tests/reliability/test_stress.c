// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_stress - bounded parallel lifecycle loops on every sample driver.
 *
 * For each parent (mtty, mdpy, mbochs, gvt_stub, mdev_testparent):
 * - lifecycle: three threads at once, each STRESS_ITERS times
 *     create -> open -> use -> close -> remove,
 *     create -> open -> remove while open (the close comes from this
 *       thread while the remove waits in another),
 *     container and group open/close churn against a long-lived device;
 *   afterwards no device is left and available_instances is as before;
 * - parent_unload: with devices created and a group fd open, rmmod of
 *   the parent's module is refused while a device fd is open, then works
 *   once it is closed, takes the devices with it, and the module loads
 *   again (STRESS_ITERS / 4 + 1 rounds).
 *
 * STRESS_ITERS (default 8) scales both; the debug tier sets it higher.
 *
 * runner-timeout: 1800
 */
#define HARNESS_TIMEOUT 1200
#include "harness.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "../core/testparent.h"

FIXTURE(stress) {
	char keep[VU_UUID_LEN + 1];	/* the long-lived device */
	long avail;
};

FIXTURE_VARIANT(stress) {
	const char *parent;
	const char *type;
	const char *module;		/* relative to $TOP; NULL: no unload test */
	const char *modname;
};

FIXTURE_VARIANT_ADD(stress, mtty) {
	.parent = "mtty", .type = "mtty-2",
	.module = "samples/mtty.ko", .modname = "mtty",
};
FIXTURE_VARIANT_ADD(stress, mdpy) {
	.parent = "mdpy", .type = "mdpy-vga",
	.module = "samples/mdpy.ko", .modname = "mdpy",
};
FIXTURE_VARIANT_ADD(stress, mbochs) {
	.parent = "mbochs", .type = "mbochs-small",
	.module = "samples/mbochs.ko", .modname = "mbochs",
};
FIXTURE_VARIANT_ADD(stress, gvt_stub) {
	.parent = "gvt_stub", .type = "gvt_stub-V5_8",
	.module = "vendor-gvt-stub/gvt_stub.ko", .modname = "gvt_stub",
};
FIXTURE_VARIANT_ADD(stress, testparent) {
	.parent = TP_PARENT, .type = TP_TYPE_SMALL,
	.module = "tests/kmod/mdev_testparent.ko", .modname = "mdev_testparent",
};

static int iters(void)
{
	const char *s = getenv("STRESS_ITERS");

	return s && atoi(s) > 0 ? atoi(s) : 8;
}

FIXTURE_SETUP(stress)
{
	char path[512];

	self->keep[0] = '\0';
	vu_type_path(path, sizeof(path), variant->parent, variant->type);
	if (!vu_path_exists(path))
		SKIP("%s not loaded", variant->type);
	self->avail = vu_mdev_available(variant->parent, variant->type);
	ASSERT_GE(self->avail, 3);
}

FIXTURE_TEARDOWN(stress)
{
	if (self->keep[0] && vu_mdev_exists(self->keep))
		EXPECT_EQ(vu_mdev_remove(self->keep), 0);
}

struct job {
	const char *parent, *type, *keep;
	int n, errors;
	char last[160];
};

static void job_err(struct job *j, const char *what, int err)
{
	j->errors++;
	snprintf(j->last, sizeof(j->last), "%s: %s", what, strerror(err < 0 ? -err : err));
}

/* Instances can be briefly short while another thread's remove runs. */
static int create_retry(struct job *j, char *uuid)
{
	int i, ret = -1;

	for (i = 0; i < 50; i++) {
		ret = vu_mdev_create(j->parent, j->type, uuid);
		if (ret != -ENOSPC && ret != -EUSERS)
			break;
		usleep(20000);
	}
	return ret;
}

static void *use_worker(void *arg)
{
	struct job *j = arg;
	struct vfio_device_info info;
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int i, ret;

	for (i = 0; i < j->n; i++) {
		ret = create_retry(j, uuid);
		if (ret) {
			job_err(j, "create", ret);
			continue;
		}
		ret = vu_vfio_open(&v, uuid);
		if (ret) {
			job_err(j, "open", ret);
		} else {
			memset(&info, 0, sizeof(info));
			info.argsz = sizeof(info);
			if (ioctl(v.device, VFIO_DEVICE_GET_INFO, &info))
				job_err(j, "GET_INFO", errno);
			if (ioctl(v.device, VFIO_DEVICE_RESET) && errno != ENOTTY)
				job_err(j, "RESET", errno);
			vu_vfio_close(&v);
		}
		ret = vu_mdev_remove(uuid);
		if (ret)
			job_err(j, "remove", ret);
	}
	return NULL;
}

struct remover {
	const char *uuid;
	int ret;
};

static void *remove_thread(void *arg)
{
	struct remover *r = arg;

	r->ret = vu_mdev_remove(r->uuid);
	return NULL;
}

static void *remove_open_worker(void *arg)
{
	struct job *j = arg;
	char uuid[VU_UUID_LEN + 1];
	struct remover r;
	struct vu_vfio v;
	pthread_t th;
	int i, ret;

	for (i = 0; i < j->n; i++) {
		ret = create_retry(j, uuid);
		if (ret) {
			job_err(j, "create", ret);
			continue;
		}
		ret = vu_vfio_open(&v, uuid);
		if (ret) {
			job_err(j, "open", ret);
			vu_mdev_remove(uuid);
			continue;
		}
		r.uuid = uuid;
		r.ret = 1;
		pthread_create(&th, NULL, remove_thread, &r);
		usleep(1000 * (i % 5) * 10);
		close(v.device);
		v.device = -1;
		pthread_join(th, NULL);
		if (r.ret)
			job_err(j, "remove while open", r.ret);
		if (vu_mdev_exists(uuid))
			job_err(j, "still there after remove", EEXIST);
		vu_vfio_close(&v);	/* group and container of a gone device */
	}
	return NULL;
}

static void *churn_worker(void *arg)
{
	struct job *j = arg;
	int i, k, nr, c, g;

	nr = vu_mdev_group(j->keep);
	if (nr < 0) {
		job_err(j, "group", nr);
		return NULL;
	}
	for (i = 0; i < j->n * 4; i++) {
		c = vu_container_open();
		g = vu_group_open(nr);
		if (c < 0 || g < 0) {
			job_err(j, "open container/group", c < 0 ? c : g);
		} else {
			k = vu_group_set_container(g, c);
			if (!k)
				k = vu_set_iommu(c, VFIO_TYPE1v2_IOMMU);
			if (k)
				job_err(j, "attach", k);
			/* close in either order */
			if (i & 1) {
				close(c);
				c = -1;
			}
		}
		if (g >= 0)
			close(g);
		if (c >= 0)
			close(c);
	}
	return NULL;
}

TEST_F(stress, lifecycle)
{
	struct job jobs[3];
	pthread_t th[3];
	void *(*fns[3])(void *) = { use_worker, remove_open_worker, churn_worker };
	long long t0 = vu_now_ms();
	int i;

	ASSERT_EQ(vu_mdev_create(variant->parent, variant->type, self->keep), 0);
	for (i = 0; i < 3; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].parent = variant->parent;
		jobs[i].type = variant->type;
		jobs[i].keep = self->keep;
		jobs[i].n = iters();
		ASSERT_EQ(pthread_create(&th[i], NULL, fns[i], &jobs[i]), 0);
	}
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(jobs[i].errors, 0) TH_LOG("worker %d: %s", i, jobs[i].last);
	ASSERT_EQ(vu_mdev_remove(self->keep), 0);
	self->keep[0] = '\0';
	EXPECT_EQ(vu_mdev_available(variant->parent, variant->type), self->avail);
	TH_LOG("%d iterations x 3 workers in %lld ms", iters(), vu_now_ms() - t0);
}

static int run(const char *cmd, const char *arg)
{
	char line[1200];

	snprintf(line, sizeof(line), "%s %s 2>/dev/null", cmd, arg);
	return system(line);
}

static int module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return vu_path_exists(path);
}

TEST_F(stress, parent_unload)
{
	char ko[1024], a[VU_UUID_LEN + 1], b[VU_UUID_LEN + 1];
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	int round, rounds = iters() / 4 + 1, nr, g, dev;
	struct vu_vfio v;

	snprintf(ko, sizeof(ko), "%s/%s", top, variant->module);
	if (!module_loaded(variant->modname))
		SKIP("%s is not a module here", variant->modname);
	for (round = 0; round < rounds; round++) {
		ASSERT_EQ(vu_mdev_create(variant->parent, variant->type, a), 0);
		ASSERT_EQ(vu_mdev_create(variant->parent, variant->type, b), 0);
		ASSERT_EQ(vu_vfio_open(&v, a), 0);
		nr = vu_mdev_group(b);
		ASSERT_GE(nr, 0);
		g = vu_group_open(nr);
		ASSERT_GE(g, 0);
		/* an open device fd holds the parent's module */
		dev = v.device;
		EXPECT_NE(run("rmmod", variant->modname), 0);
		EXPECT_TRUE(module_loaded(variant->modname));
		EXPECT_TRUE(vu_mdev_exists(a));
		close(dev);
		v.device = -1;
		/* now it goes, and takes both devices with it */
		EXPECT_EQ(run("rmmod", variant->modname), 0);
		EXPECT_FALSE(module_loaded(variant->modname));
		EXPECT_FALSE(vu_mdev_exists(a));
		EXPECT_FALSE(vu_mdev_exists(b));
		/* the group fd of a device that went away still closes */
		EXPECT_LT(vu_group_get_device(g, b), 0);
		close(g);
		vu_vfio_close(&v);
		ASSERT_EQ(run("insmod", ko), 0);
		ASSERT_TRUE(module_loaded(variant->modname));
	}
	EXPECT_EQ(vu_mdev_available(variant->parent, variant->type), self->avail);
}

TEST_HARNESS_MAIN
