// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_concurrency - several threads creating, opening and removing
 * mediated devices at once, for a bounded number of iterations; afterwards
 * no device may be left and every instance must be available again.
 *
 * runner-timeout: 600
 */
#define HARNESS_TIMEOUT 240
#include "harness.h"

#include <dirent.h>
#include <sys/ioctl.h>

#include "testparent.h"

#define THREADS		4
#define ITERATIONS	12

struct worker {
	pthread_t thread;
	int id;
	int iterations;
	int failures;		/* unexpected results */
	char last_error[160];
	char uuid[VU_UUID_LEN + 1];	/* current device, "" when none */
};

static void fail(struct worker *w, const char *what, int err)
{
	w->failures++;
	snprintf(w->last_error, sizeof(w->last_error), "worker %d: %s: %d (%s)",
		 w->id, what, err, strerror(-err));
}

/* Create, open through VFIO, use, close and remove one device, @n times. */
static void *open_worker(void *arg)
{
	struct worker *w = arg;
	struct vu_vfio v;
	uint32_t id;
	int i, ret;

	for (i = 0; i < w->iterations; i++) {
		ret = vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, w->uuid);
		if (ret) {
			fail(w, "create", ret);
			w->uuid[0] = '\0';
			continue;
		}
		ret = vu_vfio_open(&v, w->uuid);
		if (ret) {
			fail(w, "open", ret);
		} else {
			if (pread(v.device, &id, 4, TP_CFG_OFF) != 4 ||
			    id != (TP_PCI_VENDOR | TP_PCI_DEVICE << 16))
				fail(w, "config read", -EIO);
			vu_vfio_close(&v);
		}
		ret = vu_mdev_remove(w->uuid);
		if (ret)
			fail(w, "remove", ret);
		else if (vu_mdev_exists(w->uuid))
			fail(w, "still exists after remove", -EEXIST);
		w->uuid[0] = '\0';
	}
	return NULL;
}

/* Create and remove devices of the max_instances parent as fast as possible. */
static void *churn_worker(void *arg)
{
	struct worker *w = arg;
	int i, ret;

	for (i = 0; i < w->iterations * 2; i++) {
		ret = vu_mdev_create(TP_PARENT_MAX, (i & 1) ? TP_TYPE_COUNTED_A :
				     TP_TYPE_COUNTED_B, w->uuid);
		if (ret == -EUSERS) {		/* the other churner has them */
			w->uuid[0] = '\0';
			continue;
		}
		if (ret) {
			fail(w, "create", ret);
			w->uuid[0] = '\0';
			continue;
		}
		ret = vu_mdev_remove(w->uuid);
		if (ret)
			fail(w, "remove", ret);
		w->uuid[0] = '\0';
	}
	return NULL;
}

/* Count the entries of a type's devices/ directory. */
static int count_devices(const char *parent, const char *type)
{
	char path[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	vu_type_path(path, sizeof(path), parent, type);
	strncat(path, "/devices", sizeof(path) - strlen(path) - 1);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

FIXTURE(conc) {
	struct worker w[THREADS + 2];
	long pool;
	long max;
};

FIXTURE_SETUP(conc)
{
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_sysfs_read_long(TP_SYSFS_PARAM("pool_units"), &self->pool), 0);
	ASSERT_EQ(vu_sysfs_read_long(TP_SYSFS_PARAM("max_instances"), &self->max), 0);
	ASSERT_GE(self->pool, THREADS);
}

FIXTURE_TEARDOWN(conc)
{
	unsigned int i;

	/* should there be leftovers after a failure, do not leave them */
	for (i = 0; i < sizeof(self->w) / sizeof(self->w[0]); i++)
		if (self->w[i].uuid[0] && vu_mdev_exists(self->w[i].uuid))
			vu_mdev_remove(self->w[i].uuid);
}

static void check_clean(struct th_self_conc *self)
{
	EXPECT_EQ(count_devices(TP_PARENT, TP_TYPE_SMALL), 0);
	EXPECT_EQ(count_devices(TP_PARENT, TP_TYPE_EXCLUSIVE), 0);
	EXPECT_EQ(count_devices(TP_PARENT_MAX, TP_TYPE_COUNTED_A), 0);
	EXPECT_EQ(count_devices(TP_PARENT_MAX, TP_TYPE_COUNTED_B), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), self->max);
}

TEST_F(conc, create_open_remove)
{
	int i;

	for (i = 0; i < THREADS; i++) {
		self->w[i].id = i;
		self->w[i].iterations = ITERATIONS;
		ASSERT_EQ(pthread_create(&self->w[i].thread, NULL, open_worker, &self->w[i]), 0);
	}
	for (i = THREADS; i < THREADS + 2; i++) {
		self->w[i].id = i;
		self->w[i].iterations = ITERATIONS;
		ASSERT_EQ(pthread_create(&self->w[i].thread, NULL, churn_worker, &self->w[i]), 0);
	}
	for (i = 0; i < THREADS + 2; i++) {
		pthread_join(self->w[i].thread, NULL);
		EXPECT_EQ(self->w[i].failures, 0) TH_LOG("%s", self->w[i].last_error);
	}
	check_clean(self);
}

/* All threads race for one UUID: one create wins, the rest see -EEXIST. */
struct race {
	const char *uuid;
	pthread_barrier_t *barrier;
	int create_ret;
	int remove_ret;
	pthread_t thread;
};

static void *race_fn(void *arg)
{
	struct race *r = arg;

	pthread_barrier_wait(r->barrier);
	r->create_ret = vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, r->uuid);
	pthread_barrier_wait(r->barrier);
	r->remove_ret = vu_mdev_remove(r->uuid);
	return NULL;
}

TEST_F(conc, same_uuid_race)
{
	struct race r[THREADS];
	pthread_barrier_t barrier;
	char uuid[VU_UUID_LEN + 1];
	int round, i, created, removed;

	for (round = 0; round < ITERATIONS; round++) {
		vu_uuid_random(uuid);
		memcpy(self->w[0].uuid, uuid, sizeof(uuid));	/* for the teardown */
		ASSERT_EQ(pthread_barrier_init(&barrier, NULL, THREADS), 0);
		for (i = 0; i < THREADS; i++) {
			r[i].uuid = uuid;
			r[i].barrier = &barrier;
			ASSERT_EQ(pthread_create(&r[i].thread, NULL, race_fn, &r[i]), 0);
		}
		created = removed = 0;
		for (i = 0; i < THREADS; i++) {
			pthread_join(r[i].thread, NULL);
			if (!r[i].create_ret)
				created++;
			else
				EXPECT_EQ(r[i].create_ret, -EEXIST);
			/*
			 * Racing removers: one removes; the others find the
			 * file gone (-ENOENT), or, if they had it open already,
			 * -ENODEV, or success from remove_store() losing
			 * device_remove_file_self() (as in 6.1).
			 */
			if (!r[i].remove_ret)
				removed++;
			else
				EXPECT_TRUE(r[i].remove_ret == -ENOENT ||
					    r[i].remove_ret == -ENODEV)
					TH_LOG("remove: %d", r[i].remove_ret);
		}
		pthread_barrier_destroy(&barrier);
		EXPECT_EQ(created, 1);
		EXPECT_GE(removed, 1);
		EXPECT_FALSE(vu_mdev_exists(uuid));
	}
	self->w[0].uuid[0] = '\0';
	check_clean(self);
}

/* One thread pins and unpins while another maps and unmaps the range. */
struct pinner {
	int device;
	volatile int stop;
	int pinned, refused, failures;
	long long last_bad;
};

static void *pin_fn(void *arg)
{
	struct pinner *p = arg;
	long long ret;

	while (!p->stop) {
		ret = tp_pin(p->device, 0x100000, 2, TP_PROT_READ);
		if (ret == 2) {
			p->pinned++;
			/* dma_unmap() may have unpinned it already: -ENOENT */
			ret = tp_unpin(p->device, 0x100000, 2);
			if (ret && ret != -ENOENT) {
				p->failures++;
				p->last_bad = ret;
			}
		} else if (ret == -EINVAL) {
			p->refused++;		/* not mapped at that moment */
		} else {
			p->failures++;
			p->last_bad = ret;
		}
	}
	return NULL;
}

TEST_F(conc, pin_races_unmap)
{
	struct pinner p = { .device = -1 };
	struct vu_vfio v = { -1, -1, -1, -1 };
	struct tp_status st;
	pthread_t thread;
	uint8_t *buf;
	int i, maps = 0;

	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->w[0].uuid), 0);
	ASSERT_EQ(vu_vfio_open(&v, self->w[0].uuid), 0);
	buf = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(buf != MAP_FAILED);
	memset(buf, 1, 4 * 4096);
	p.device = v.device;
	ASSERT_EQ(pthread_create(&thread, NULL, pin_fn, &p), 0);
	for (i = 0; i < 300; i++) {
		if (!vu_dma_map(v.container, buf, 0x100000, 4 * 4096, VFIO_DMA_MAP_FLAG_READ))
			maps++;
		usleep(i % 7 * 100);
		EXPECT_EQ(vu_dma_unmap(v.container, 0x100000, 4 * 4096, 0, NULL), 0);
	}
	p.stop = 1;
	pthread_join(thread, NULL);
	EXPECT_EQ(maps, 300);
	EXPECT_EQ(p.failures, 0) TH_LOG("last bad result %lld", p.last_bad);
	TH_LOG("pinned %d times, refused %d times", p.pinned, p.refused);
	/* nothing mapped, so nothing may stay pinned or charged */
	ASSERT_EQ(tp_status(v.device, &st), 0);
	EXPECT_EQ(st.pinned_pages, 0);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
	vu_vfio_close(&v);
	munmap(buf, 4 * 4096);
	EXPECT_EQ(vu_mdev_remove(self->w[0].uuid), 0);
	self->w[0].uuid[0] = '\0';
}

TEST_HARNESS_MAIN
