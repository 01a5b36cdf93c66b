// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_remove_while_open - removing a mediated device that userspace still
 * has open.
 *
 * As in Linux 6.1 (vfio_unregister_group_dev()): the write to "remove"
 * blocks until the last device fd is closed; meanwhile the driver's
 * request() callback runs (first at once, then every 10 s), and a driver
 * that follows the vfio-pci convention signals the REQ irq eventfd from it.
 * Open group and container files alone do not hold the removal up.
 */
#include "harness.h"

#include <sys/eventfd.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "testparent.h"

FIXTURE(rwo) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int req;
};

FIXTURE_SETUP(rwo)
{
	self->v.container = self->v.group = self->v.device = -1;
	self->req = -1;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	self->req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(self->req, 0);
}

FIXTURE_TEARDOWN(rwo)
{
	vu_vfio_close(&self->v);
	if (self->req >= 0)
		close(self->req);
	if (self->uuid[0] && vu_mdev_exists(self->uuid))
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

struct remover {
	pthread_t thread;
	const char *uuid;
	volatile int done;
	int ret;
};

static void *remover_fn(void *arg)
{
	struct remover *r = arg;

	r->ret = vu_mdev_remove(r->uuid);
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int remover_done(struct remover *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_SEQ_CST);
}

/* Wait up to @ms for the remover to finish; 1 if it did. */
static int remover_wait(struct remover *r, int ms)
{
	long long end = vu_now_ms() + ms;

	while (!remover_done(r) && vu_now_ms() < end)
		usleep(10 * 1000);
	return remover_done(r);
}

TEST_F(rwo, remove_signals_req_and_waits_for_close)
{
	struct remover r = { .uuid = self->uuid };
	char path[256];
	struct tp_status st;

	ASSERT_EQ(vu_irq_set_eventfd(self->v.device, VFIO_PCI_REQ_IRQ_INDEX, self->req), 0);
	ASSERT_EQ(pthread_create(&r.thread, NULL, remover_fn, &r), 0);

	/* the driver is asked to make us let go */
	EXPECT_GE(vu_eventfd_wait(self->req, 10000), 1);
	/*
	 * The removal waits for us, however long.  The bus link is gone
	 * already (device_del() unlinks it before unbinding the driver),
	 * the device itself is still there under its parent.
	 */
	EXPECT_FALSE(remover_wait(&r, 500));
	snprintf(path, sizeof(path), "/sys/class/" TP_CLASS_NAME "/" TP_PARENT "/%s",
		 self->uuid);
	EXPECT_TRUE(vu_path_exists(path));
	/* and the device still works meanwhile */
	ASSERT_EQ(tp_status(self->v.device, &st), 0);
	EXPECT_GE(st.request_calls, 1);

	close(self->v.device);
	self->v.device = -1;
	EXPECT_TRUE(remover_wait(&r, 10000));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(r.ret, 0);
	EXPECT_FALSE(vu_mdev_exists(self->uuid));
	EXPECT_FALSE(vu_path_exists(path));
	/* the group no longer has the device */
	EXPECT_ERRNO(ioctl(self->v.group, VFIO_GROUP_GET_DEVICE_FD, self->uuid), ENODEV);
}

TEST_F(rwo, remove_without_req_eventfd)
{
	struct remover r = { .uuid = self->uuid };

	ASSERT_EQ(pthread_create(&r.thread, NULL, remover_fn, &r), 0);
	EXPECT_FALSE(remover_wait(&r, 1000));
	close(self->v.device);
	self->v.device = -1;
	EXPECT_TRUE(remover_wait(&r, 10000));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(r.ret, 0);
	EXPECT_FALSE(vu_mdev_exists(self->uuid));
}

TEST_F(rwo, remove_waits_for_every_fd)
{
	struct remover r = { .uuid = self->uuid };
	int dev2;

	dev2 = vu_group_get_device(self->v.group, self->uuid);
	ASSERT_GE(dev2, 0);
	ASSERT_EQ(vu_irq_set_eventfd(self->v.device, VFIO_PCI_REQ_IRQ_INDEX, self->req), 0);
	ASSERT_EQ(pthread_create(&r.thread, NULL, remover_fn, &r), 0);
	EXPECT_GE(vu_eventfd_wait(self->req, 10000), 1);
	close(self->v.device);
	self->v.device = -1;
	/* one fd still open: still waiting */
	EXPECT_FALSE(remover_wait(&r, 500));
	close(dev2);
	EXPECT_TRUE(remover_wait(&r, 10000));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(r.ret, 0);
	EXPECT_FALSE(vu_mdev_exists(self->uuid));
}

/*
 * As on Linux 6.1, where an open fd keeps the device's count above zero:
 * while the removal waits, GET_DEVICE_FD still opens the device, and the
 * removal then waits for that fd as well.
 */
TEST_F(rwo, new_fd_while_removal_waits)
{
	struct remover r = { .uuid = self->uuid };
	struct tp_status st;
	int dev2;

	ASSERT_EQ(vu_irq_set_eventfd(self->v.device, VFIO_PCI_REQ_IRQ_INDEX, self->req), 0);
	ASSERT_EQ(pthread_create(&r.thread, NULL, remover_fn, &r), 0);
	EXPECT_GE(vu_eventfd_wait(self->req, 10000), 1);
	EXPECT_FALSE(remover_done(&r));

	dev2 = ioctl(self->v.group, VFIO_GROUP_GET_DEVICE_FD, self->uuid);
	EXPECT_GE(dev2, 0);
	EXPECT_EQ(tp_status(self->v.device, &st), 0);

	close(self->v.device);
	self->v.device = -1;
	if (dev2 >= 0) {
		EXPECT_EQ(tp_status(dev2, &st), 0);
		EXPECT_FALSE(remover_wait(&r, 300));
		close(dev2);
	}
	EXPECT_TRUE(remover_wait(&r, 10000));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(r.ret, 0);
	EXPECT_ERRNO(ioctl(self->v.group, VFIO_GROUP_GET_DEVICE_FD, self->uuid), ENODEV);
}

TEST_F(rwo, remove_with_pins_and_mappings)
{
	struct remover r = { .uuid = self->uuid };
	uint8_t *buf;

	buf = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(buf != MAP_FAILED);
	memset(buf, 3, 4 * 4096);
	ASSERT_EQ(vu_dma_map(self->v.container, buf, 0x100000, 4 * 4096,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(tp_pin(self->v.device, 0x100000, 2, TP_PROT_READ), 2);
	ASSERT_EQ(vu_irq_set_eventfd(self->v.device, VFIO_PCI_REQ_IRQ_INDEX, self->req), 0);
	ASSERT_EQ(pthread_create(&r.thread, NULL, remover_fn, &r), 0);
	EXPECT_GE(vu_eventfd_wait(self->req, 10000), 1);
	/* closing the device unpins; the container's mappings stay */
	close(self->v.device);
	self->v.device = -1;
	EXPECT_TRUE(remover_wait(&r, 10000));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(r.ret, 0);
	EXPECT_EQ(vu_proc_status_kb("VmLck"), 0);
	munmap(buf, 4 * 4096);
}

TEST_F(rwo, group_and_container_do_not_hold_removal)
{
	long long t0;

	close(self->v.device);
	self->v.device = -1;
	t0 = vu_now_ms();
	EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
	EXPECT_LT(vu_now_ms() - t0, 5000);
	EXPECT_FALSE(vu_mdev_exists(self->uuid));
	EXPECT_ERRNO(ioctl(self->v.group, VFIO_GROUP_GET_DEVICE_FD, self->uuid), ENODEV);
	/* closing them afterwards is fine (teardown) */
}

TEST_F(rwo, parent_module_pinned_while_open)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	/* an open device holds its driver's module */
	EXPECT_EQ(syscall(SYS_delete_module, "mdev_testparent", O_NONBLOCK), -1);
	EXPECT_EQ(errno, EWOULDBLOCK);
	EXPECT_TRUE(tp_loaded());
	EXPECT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), 0);
}

TEST_HARNESS_MAIN
