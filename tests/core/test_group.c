// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_group - /dev/vfio/N group files: status, attaching to a container,
 * getting device fds, and the errors of each step.
 *
 * Expected errnos are Linux 6.1's (drivers/vfio/vfio_main.c group ioctls):
 * a second open of a group is -EBUSY; SET_CONTAINER with a bad fd -EBADF,
 * with a file that is no container or on a group that has one -EINVAL;
 * UNSET_CONTAINER without one -EINVAL, while a device fd is open -EBUSY;
 * GET_DEVICE_FD with an unknown name -ENODEV, before the container has an
 * IOMMU -EINVAL.
 */
#include "harness.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include "testparent.h"

FIXTURE(group) {
	char uuid[VU_UUID_LEN + 1];
	int nr;
	int container;
	int group;
};

FIXTURE_SETUP(group)
{
	self->container = self->group = -1;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	self->nr = vu_mdev_group(self->uuid);
	ASSERT_GE(self->nr, 0);
	self->container = vu_container_open();
	ASSERT_GE(self->container, 0);
	self->group = vu_group_open(self->nr);
	ASSERT_GE(self->group, 0);
}

FIXTURE_TEARDOWN(group)
{
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

static int attach(struct th_self_group *self)
{
	int ret = vu_group_set_container(self->group, self->container);

	return ret ? ret : vu_set_iommu(self->container, VFIO_TYPE1v2_IOMMU);
}

TEST_F(group, group_number_has_dev_node)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", self->nr);
	EXPECT_TRUE(vu_path_exists(path));
}

TEST_F(group, get_status)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	ASSERT_EQ(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), 0);
	/* an emulated-IOMMU group is viable on its own */
	EXPECT_EQ(st.flags, VFIO_GROUP_FLAGS_VIABLE);

	ASSERT_EQ(vu_group_set_container(self->group, self->container), 0);
	st.flags = 0;
	ASSERT_EQ(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), 0);
	EXPECT_EQ(st.flags, VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET);

	ASSERT_EQ(ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER), 0);
	st.flags = 0;
	ASSERT_EQ(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), 0);
	EXPECT_EQ(st.flags, VFIO_GROUP_FLAGS_VIABLE);
}

TEST_F(group, get_status_argsz_too_small)
{
	struct vfio_group_status st = { .argsz = sizeof(st) - 1 };

	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), EINVAL);
	st.argsz = 0;
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), EINVAL);
	/* larger than needed is fine */
	st.argsz = sizeof(st) + 64;
	EXPECT_EQ(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), 0);
}

TEST_F(group, second_open_busy)
{
	int fd;

	EXPECT_EQ(vu_group_open(self->nr), -EBUSY);
	close(self->group);
	self->group = -1;
	/* free again once the first user closed it */
	fd = vu_group_open(self->nr);
	ASSERT_GE(fd, 0);
	self->group = fd;
}

TEST_F(group, set_container_bad_fd)
{
	int bad = -1, devnull;

	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &bad), EBADF);
	devnull = open("/dev/null", O_RDWR);
	ASSERT_GE(devnull, 0);
	/* a file, but not a container */
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &devnull), EINVAL);
	/* nor is a group a container */
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &self->group), EINVAL);
	close(devnull);
	/* still usable after the errors */
	EXPECT_EQ(vu_group_set_container(self->group, self->container), 0);
}

TEST_F(group, set_container_twice)
{
	int other;

	ASSERT_EQ(vu_group_set_container(self->group, self->container), 0);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &self->container), EINVAL);
	other = vu_container_open();
	ASSERT_GE(other, 0);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &other), EINVAL);
	close(other);
}

TEST_F(group, unset_container_without_one)
{
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER), EINVAL);
}

TEST_F(group, unset_container_drops_iommu)
{
	ASSERT_EQ(attach(self), 0);
	ASSERT_EQ(ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER), 0);
	/* the last group left: the container has no backend and no group */
	EXPECT_ERRNO(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), EINVAL);
	/* and can be used again */
	EXPECT_EQ(attach(self), 0);
}

TEST_F(group, get_device_fd_without_container)
{
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, self->uuid), EINVAL);
}

TEST_F(group, get_device_fd_before_set_iommu)
{
	ASSERT_EQ(vu_group_set_container(self->group, self->container), 0);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, self->uuid), EINVAL);
}

TEST_F(group, get_device_fd)
{
	int a, b;

	ASSERT_EQ(attach(self), 0);
	a = vu_group_get_device(self->group, self->uuid);
	ASSERT_GE(a, 0);
	/* the group path allows several fds of one device */
	b = vu_group_get_device(self->group, self->uuid);
	EXPECT_GE(b, 0);
	EXPECT_NE(a, b);
	close(a);
	if (b >= 0)
		close(b);
}

TEST_F(group, get_device_fd_unknown_name)
{
	char other[VU_UUID_LEN + 1];
	char *longname;

	ASSERT_EQ(attach(self), 0);
	vu_uuid_random(other);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, other), ENODEV);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, ""), ENODEV);
	/* a prefix of the name is not the name */
	memcpy(other, self->uuid, sizeof(other));
	other[8] = '\0';
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, other), ENODEV);
	/* a name longer than a page is refused before the lookup */
	longname = malloc(8192);
	ASSERT_TRUE(longname != NULL);
	memset(longname, 'a', 8191);
	longname[8191] = '\0';
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, longname), EINVAL);
	free(longname);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, NULL), EFAULT);
}

TEST_F(group, unset_container_while_device_open)
{
	int dev;

	ASSERT_EQ(attach(self), 0);
	dev = vu_group_get_device(self->group, self->uuid);
	ASSERT_GE(dev, 0);
	EXPECT_ERRNO(ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER), EBUSY);
	close(dev);
	EXPECT_EQ(ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER), 0);
}

TEST_F(group, device_fd_outlives_group_fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int dev;

	ASSERT_EQ(attach(self), 0);
	dev = vu_group_get_device(self->group, self->uuid);
	ASSERT_GE(dev, 0);
	close(self->group);
	self->group = -1;
	close(self->container);
	self->container = -1;
	/* the device fd keeps group and container alive */
	EXPECT_EQ(ioctl(dev, VFIO_DEVICE_GET_INFO, &info), 0);
	/* and the group cannot be opened again while it is in use */
	EXPECT_EQ(vu_group_open(self->nr), -EBUSY);
	close(dev);
	self->group = vu_group_open(self->nr);
	EXPECT_GE(self->group, 0);
}

TEST_F(group, two_groups_one_container)
{
	char uuid2[VU_UUID_LEN + 1];
	int nr2, group2, dev1, dev2;

	ASSERT_EQ(attach(self), 0);
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, uuid2), 0);
	nr2 = vu_mdev_group(uuid2);
	EXPECT_GE(nr2, 0);
	EXPECT_NE(nr2, self->nr);
	group2 = vu_group_open(nr2);
	EXPECT_GE(group2, 0);
	if (group2 >= 0) {
		/* joins the container whose IOMMU is already set */
		EXPECT_EQ(vu_group_set_container(group2, self->container), 0);
		dev1 = vu_group_get_device(self->group, self->uuid);
		dev2 = vu_group_get_device(group2, uuid2);
		EXPECT_GE(dev1, 0);
		EXPECT_GE(dev2, 0);
		/* each group only knows its own devices */
		EXPECT_ERRNO(ioctl(group2, VFIO_GROUP_GET_DEVICE_FD, self->uuid), ENODEV);
		if (dev1 >= 0)
			close(dev1);
		if (dev2 >= 0)
			close(dev2);
		close(group2);
	}
	EXPECT_EQ(vu_mdev_remove(uuid2), 0);
}

TEST_HARNESS_MAIN
