// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_container - the /dev/vfio/vfio container: API version, extensions,
 * choosing an IOMMU backend, and what it refuses.
 *
 * Expected values are those of Linux 6.1 (drivers/vfio/container.c and
 * vfio_iommu_type1.c): without a backend an unknown ioctl is -EINVAL, with
 * type1 it is -ENOTTY; SET_IOMMU needs a group first (-EINVAL), refuses a
 * second call (-EINVAL) and a type no backend supports (-ENODEV).
 * The tests without a mediated device also pass against the distribution's
 * own 6.1 modules (tests/core/upstream_oracle.sh).
 */
#include "harness.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include "testparent.h"

TEST(api_version)
{
	int fd = vu_container_open();

	ASSERT_GE(fd, 0);
	EXPECT_EQ(ioctl(fd, VFIO_GET_API_VERSION), VFIO_API_VERSION);
	close(fd);
}

TEST(check_extension_without_iommu)
{
	int fd = vu_container_open();

	ASSERT_GE(fd, 0);
	/* answered by polling every registered backend: type1 here */
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU), 1);
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 1);
	/* 6.1 type1 still advertises nesting; removed upstream only later */
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_NESTING_IOMMU), 1);
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL), 1);
	/*
	 * Debian's 6.1.0-56 type1 (with the stable fix that disables vaddr
	 * updates when mdevs may be present) answers 0 without an IOMMU
	 * context; checked by tests/core/upstream_oracle.sh against the
	 * distribution's own modules.
	 */
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR), 0);
	/* no container yet: type1 cannot claim cache coherency */
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), 0);
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU), 0);
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU), 0);
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, 0x7fff), 0);
	EXPECT_EQ(ioctl(fd, VFIO_CHECK_EXTENSION, 0), 0);
	close(fd);
}

TEST(set_iommu_without_group)
{
	int fd = vu_container_open();

	ASSERT_GE(fd, 0);
	/* only a group attached to the container grants the right */
	EXPECT_ERRNO(ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), EINVAL);
	EXPECT_ERRNO(ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), EINVAL);
	close(fd);
}

TEST(unknown_ioctl_without_iommu)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	int fd = vu_container_open();

	ASSERT_GE(fd, 0);
	/* nothing to pass it to: the container's own default, -EINVAL */
	EXPECT_ERRNO(ioctl(fd, _IO(VFIO_TYPE, VFIO_BASE + 60)), EINVAL);
	EXPECT_ERRNO(ioctl(fd, VFIO_IOMMU_GET_INFO, &info), EINVAL);
	close(fd);
}

TEST(containers_are_independent)
{
	int a = vu_container_open(), b = vu_container_open();

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_NE(a, b);
	EXPECT_EQ(ioctl(b, VFIO_GET_API_VERSION), VFIO_API_VERSION);
	close(a);
	EXPECT_EQ(ioctl(b, VFIO_GET_API_VERSION), VFIO_API_VERSION);
	close(b);
}

/* ---- with a group attached ------------------------------------------ */

FIXTURE(container) {
	char uuid[VU_UUID_LEN + 1];
	int container;
	int group;
};

FIXTURE_SETUP(container)
{
	int nr;

	self->container = self->group = -1;
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_mdev_create(TP_PARENT, TP_TYPE_SMALL, self->uuid), 0);
	nr = vu_mdev_group(self->uuid);
	ASSERT_GE(nr, 0);
	self->container = vu_container_open();
	ASSERT_GE(self->container, 0);
	self->group = vu_group_open(nr);
	ASSERT_GE(self->group, 0);
	ASSERT_EQ(vu_group_set_container(self->group, self->container), 0);
}

FIXTURE_TEARDOWN(container)
{
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
	if (self->uuid[0])
		EXPECT_EQ(vu_mdev_remove(self->uuid), 0);
}

TEST_F(container, set_iommu_type1v2)
{
	EXPECT_EQ(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
	/* a backend is chosen once */
	EXPECT_ERRNO(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), EINVAL);
	EXPECT_ERRNO(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), EINVAL);
	/* further CHECK_EXTENSION goes to that backend only */
	EXPECT_EQ(ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 1);
	EXPECT_EQ(ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL), 1);
	/* no vaddr updates while emulated-IOMMU groups are attached */
	EXPECT_EQ(ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR), 0);
	EXPECT_EQ(ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU), 0);
	EXPECT_EQ(ioctl(self->container, VFIO_GET_API_VERSION), VFIO_API_VERSION);
}

TEST_F(container, set_iommu_type1_v1)
{
	EXPECT_EQ(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), 0);
}

TEST_F(container, set_iommu_unsupported)
{
	/* no registered backend answers the extension: -ENODEV */
	EXPECT_ERRNO(ioctl(self->container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), ENODEV);
	EXPECT_ERRNO(ioctl(self->container, VFIO_SET_IOMMU, 0x7fff), ENODEV);
	/* and the container is still free to take a good one */
	EXPECT_EQ(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
}

TEST_F(container, unknown_ioctl_goes_to_backend)
{
	ASSERT_EQ(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
	/* type1's own default */
	EXPECT_ERRNO(ioctl(self->container, _IO(VFIO_TYPE, VFIO_BASE + 60)), ENOTTY);
}

TEST_F(container, closing_container_keeps_group_attached)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int dev;

	ASSERT_EQ(ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
	close(self->container);
	self->container = -1;
	/* the group holds the container: still attached and usable */
	ASSERT_EQ(ioctl(self->group, VFIO_GROUP_GET_STATUS, &st), 0);
	EXPECT_TRUE(st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET);
	dev = vu_group_get_device(self->group, self->uuid);
	EXPECT_GE(dev, 0);
	if (dev >= 0)
		close(dev);
	EXPECT_EQ(ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER), 0);
}

TEST_HARNESS_MAIN
