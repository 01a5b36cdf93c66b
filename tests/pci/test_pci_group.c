// SPDX-License-Identifier: GPL-2.0-only
/*
 * Group viability with a real multi-device IOMMU group: q35's ICH9
 * functions 00:1f.0 (LPC), 00:1f.2 (AHCI) and 00:1f.3 (SMBus) share one.
 * We give the SMBus function to vfio-pci; while the host's ahci driver
 * holds the SATA function the group is not viable and cannot be used, and
 * while a user holds the group, ahci cannot bind.
 *
 * runner-timeout: 300
 */
#define HARNESS_TIMEOUT 120
#include <sys/ioctl.h>
#include "harness.h"
#include "pci_util.h"

#define ICH9_AHCI	0x8086, 0x2922
#define ICH9_SMBUS	0x8086, 0x2930

static void __attribute__((constructor)) group_load(void)
{
	if (pu_load_modules())
		fprintf(stderr, "# cannot load core/pci/vfio-pci*.ko\n");
	atexit(pu_unload_modules);
}

FIXTURE(ich9) {
	struct pu_dev smbus;
	char sata[32];
	int group_nr, container, group;
	int ahci_loaded;
	int was_bound;
};

static int sata_driver_is(const char *bdf, const char *want)
{
	char drv[64];

	pu_driver(bdf, drv, sizeof(drv));
	return !strcmp(drv, want);
}

FIXTURE_SETUP(ich9)
{
	memset(&self->smbus, 0, sizeof(self->smbus));
	self->container = self->group = -1;
	self->ahci_loaded = self->was_bound = 0;
	if (!pu_module_loaded("vfio_pci"))
		SKIP("vfio-pci is not loaded");
	if (pu_find(ICH9_SMBUS, self->smbus.bdf, sizeof(self->smbus.bdf)) ||
	    pu_find(ICH9_AHCI, self->sata, sizeof(self->sata)))
		SKIP("no ICH9 SMBus and AHCI functions (not a q35 machine)");
	self->group_nr = pu_group(self->smbus.bdf);
	ASSERT_GE(self->group_nr, 0);
	if (pu_group(self->sata) != self->group_nr)
		SKIP("SMBus and AHCI are in different groups here");
	/* a built-in ahci (the debug kernel's) has it bound since boot */
	self->was_bound = sata_driver_is(self->sata, "ahci");
	if (!self->was_bound && !sata_driver_is(self->sata, ""))
		SKIP("%s has a driver other than ahci", self->sata);
	if (!pu_module_loaded("ahci")) {
		if (pu_run("modprobe ahci"))
			SKIP("cannot load ahci");
		self->ahci_loaded = 1;
	}
	/* modprobe may have bound it already; start from unbound. */
	if (sata_driver_is(self->sata, "ahci"))
		vu_sysfs_write("/sys/bus/pci/drivers/ahci/unbind", self->sata);
	ASSERT_EQ(pu_bind(&self->smbus), 0);
}

FIXTURE_TEARDOWN(ich9)
{
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
	if (sata_driver_is(self->sata, "ahci"))
		vu_sysfs_write("/sys/bus/pci/drivers/ahci/unbind", self->sata);
	pu_unbind(&self->smbus);
	if (self->ahci_loaded)
		pu_run("modprobe -r ahci");
	else if (self->was_bound)
		vu_sysfs_write("/sys/bus/pci/drivers/ahci/bind", self->sata);
}

static int group_status(int group)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	if (ioctl(group, VFIO_GROUP_GET_STATUS, &st))
		return -errno;
	return st.flags;
}

TEST_F(ich9, host_driver_makes_group_unviable)
{
	int fd;

	self->group = vu_group_open(self->group_nr);
	ASSERT_GE(self->group, 0);
	self->container = vu_container_open();
	ASSERT_GE(self->container, 0);

	/* The other functions have no driver: viable. */
	EXPECT_TRUE(group_status(self->group) & VFIO_GROUP_FLAGS_VIABLE);

	/* ahci takes the SATA function: not viable, and not usable. */
	ASSERT_EQ(vu_sysfs_write("/sys/bus/pci/drivers/ahci/bind", self->sata), 0);
	ASSERT_TRUE(sata_driver_is(self->sata, "ahci"));
	EXPECT_FALSE(group_status(self->group) & VFIO_GROUP_FLAGS_VIABLE);
	EXPECT_NE(vu_group_set_container(self->group, self->container), 0);
	TH_LOG("SET_CONTAINER with ahci bound: %s", strerror(errno));

	/* ahci gone: viable again, and the device can be opened. */
	ASSERT_EQ(vu_sysfs_write("/sys/bus/pci/drivers/ahci/unbind", self->sata), 0);
	EXPECT_TRUE(group_status(self->group) & VFIO_GROUP_FLAGS_VIABLE);
	ASSERT_EQ(vu_group_set_container(self->group, self->container), 0);
	ASSERT_EQ(vu_set_iommu(self->container, VFIO_TYPE1v2_IOMMU), 0);
	fd = vu_group_get_device(self->group, self->smbus.bdf);
	ASSERT_GE(fd, 0);

	/* While the user owns the group, ahci cannot bind to its peer. */
	EXPECT_NE(vu_sysfs_write("/sys/bus/pci/drivers/ahci/bind", self->sata), 0);
	EXPECT_TRUE(sata_driver_is(self->sata, ""));
	/* A peer without a vfio driver is not a device of the group fd. */
	EXPECT_LT(vu_group_get_device(self->group, self->sata), 0);
	close(fd);
}

TEST_HARNESS_MAIN
