// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci on PCIe devices: QEMU's e1000e (MSI-X, AER-less PCIe endpoint
 * on the root complex) and nvme (behind a PCIe root port with a hotplug
 * slot, so it can be reset by a slot reset, and with FLR).
 *
 * runner-timeout: 600
 */
#define HARNESS_TIMEOUT 120
#include <stdbool.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include "harness.h"
#include "pci_util.h"

/* e1000e registers (BAR0) used to raise an MSI-X interrupt. */
#define E1000_ICR	0x00c0
#define E1000_ICS	0x00c8
#define E1000_IMS	0x00d0
#define E1000_IMC	0x00d8
#define E1000_IVAR	0x00e4
#define E1000_ITR	0x00c4
#define E1000_EITR(n)	(0x00e8 + 4 * (n))
#define E1000_ICR_LSC	(1u << 2)
#define E1000_ICR_OTHER	(1u << 24)

static void __attribute__((constructor)) nic_load(void)
{
	if (pu_load_modules())
		fprintf(stderr, "# cannot load core/pci/vfio-pci*.ko\n");
	atexit(pu_unload_modules);
}

static int irq_set(int fd, unsigned int index, uint32_t flags,
		   unsigned int start, unsigned int count, const void *data,
		   size_t size)
{
	char buf[sizeof(struct vfio_irq_set) + 128];
	struct vfio_irq_set *set = (void *)buf;

	set->argsz = sizeof(*set) + size;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (size)
		memcpy(set->data, data, size);
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, set);
}

FIXTURE(nic) {
	struct pu_dev dev;
	struct vu_vfio v;
};

FIXTURE_VARIANT(nic) {
	unsigned int vendor, device;
	const char *name;
};

FIXTURE_VARIANT_ADD(nic, e1000e) { .vendor = 0x8086, .device = 0x10d3, .name = "e1000e" };
FIXTURE_VARIANT_ADD(nic, nvme) { .vendor = 0x1b36, .device = 0x0010, .name = "nvme" };

FIXTURE_SETUP(nic)
{
	int ret;

	memset(&self->dev, 0, sizeof(self->dev));
	self->v.container = self->v.group = self->v.device = -1;
	if (!pu_module_loaded("vfio_pci"))
		SKIP("vfio-pci is not loaded");
	if (pu_find(variant->vendor, variant->device, self->dev.bdf, sizeof(self->dev.bdf)))
		SKIP("no %s device in this VM (tests/vm/vm.sh adds one)", variant->name);
	ASSERT_EQ(pu_bind(&self->dev), 0);
	ret = pu_open(&self->v, self->dev.bdf);
	if (ret && errno == EPERM)
		SKIP("type1 refuses the group: no interrupt remapping in this kernel");
	ASSERT_EQ(ret, 0);
}

FIXTURE_TEARDOWN(nic)
{
	vu_vfio_close(&self->v);
	pu_unbind(&self->dev);
}

TEST_F(nic, irq_info)
{
	struct vfio_irq_info ii;

	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSIX_IRQ_INDEX, &ii), 0);
	EXPECT_GT(ii.count, 1);
	EXPECT_EQ(ii.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	TH_LOG("%s: %u MSI-X vectors", variant->name, ii.count);
	/* PCIe: an ERR irq exists. */
	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_ERR_IRQ_INDEX, &ii), 0);
	EXPECT_EQ(ii.count, 1);
}

/* The BAR holding the MSI-X table says it may still be mmap()ed whole. */
TEST_F(nic, msix_bar_mappable)
{
	struct vfio_region_info *ri;
	uint16_t flags;
	uint32_t table;
	unsigned int bar;
	uint8_t pos;
	int guard = 0;

	/* Walk the real capability list for MSI-X. */
	ASSERT_EQ(pu_rd(self->v.device, PU_CFG, PCI_CAPABILITY_LIST, &pos, 1), 0);
	while (pos && guard++ < 48) {
		uint8_t id;

		ASSERT_EQ(pu_rd(self->v.device, PU_CFG, pos, &id, 1), 0);
		if (id == PCI_CAP_ID_MSIX)
			break;
		ASSERT_EQ(pu_rd(self->v.device, PU_CFG, pos + 1, &pos, 1), 0);
	}
	ASSERT_NE(pos, 0);
	ASSERT_EQ(pu_rd(self->v.device, PU_CFG, pos + PCI_MSIX_FLAGS, &flags, 2), 0);
	ASSERT_EQ(pu_rd(self->v.device, PU_CFG, pos + PCI_MSIX_TABLE, &table, 4), 0);
	bar = table & PCI_MSIX_TABLE_BIR;
	TH_LOG("MSI-X table in BAR%u at 0x%x, %u entries", bar, table & ~7u,
	       (flags & PCI_MSIX_FLAGS_QSIZE) + 1);

	ASSERT_EQ(vu_region_info_caps(self->v.device, bar, &ri), 0);
	EXPECT_TRUE(ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_TRUE(ri->flags & VFIO_REGION_INFO_FLAG_CAPS);
	EXPECT_NE(vu_find_cap(ri, ri->argsz, ri->cap_offset,
			      VFIO_REGION_INFO_CAP_MSIX_MAPPABLE), NULL);
	free(ri);
}

TEST_F(nic, msix)
{
	int fd = self->v.device, efd[5], i, n;
	int32_t fds[5];
	uint8_t bools[5] = { 0, 0, 1, 0, 0 };
	struct vfio_irq_info ii;

	ASSERT_EQ(vu_irq_info(fd, VFIO_PCI_MSIX_IRQ_INDEX, &ii), 0);
	n = ii.count < 5 ? ii.count : 5;
	for (i = 0; i < n; i++) {
		efd[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_GE(efd[i], 0);
		fds[i] = efd[i];
	}
	ASSERT_EQ(irq_set(fd, VFIO_PCI_MSIX_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, n, fds, n * 4), 0);
	/* An MSI-X message is a memory write by the device. */
	ASSERT_EQ(pu_cmd_update(fd, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY, 0), 0);

	/* MSI cannot be enabled at the same time. */
	EXPECT_ERRNO(irq_set(fd, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			     0, 1, fds, 4), EINVAL);

	/* Loopback on one vector reaches that vector's eventfd only. */
	ASSERT_EQ(irq_set(fd, VFIO_PCI_MSIX_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, n, bools, n), 0);
	EXPECT_GE(vu_eventfd_wait(efd[2], 1000), 1);
	EXPECT_EQ(vu_eventfd_wait(efd[1], 100), 0);

	/* One vector swapped, one dropped, while the others stay. */
	fds[0] = -1;
	ASSERT_EQ(irq_set(fd, VFIO_PCI_MSIX_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, 1, fds, 4), 0);

	if (!strcmp(variant->name, "e1000e")) {
		/*
		 * A real interrupt: route the "other" cause to vector 1 and
		 * set a link status change by software.
		 */
		/*
		 * No interrupt throttling: QEMU's e1000e asserts if its
		 * throttling timer fires after MSI-X was turned off.
		 */
		ASSERT_EQ(pu_wr32(fd, PU_BAR0, E1000_ITR, 0), 0);
		for (i = 0; i < 5; i++)
			ASSERT_EQ(pu_wr32(fd, PU_BAR0, E1000_EITR(i), 0), 0);
		ASSERT_EQ(pu_wr32(fd, PU_BAR0, E1000_IVAR, (0x8u | 1) << 16), 0);
		ASSERT_EQ(pu_wr32(fd, PU_BAR0, E1000_IMS, E1000_ICR_LSC | E1000_ICR_OTHER), 0);
		ASSERT_EQ(pu_wr32(fd, PU_BAR0, E1000_ICS, E1000_ICR_LSC), 0);
		EXPECT_GE(vu_eventfd_wait(efd[1], 3000), 1);
		pu_wr32(fd, PU_BAR0, E1000_IMC, ~0u);
		(void)pu_rd32(fd, PU_BAR0, E1000_ICR);
		usleep(100000);
	}

	ASSERT_EQ(vu_irq_disable(fd, VFIO_PCI_MSIX_IRQ_INDEX), 0);
	ASSERT_EQ(pu_cmd_update(fd, 0, PCI_COMMAND_MASTER), 0);
	for (i = 0; i < n; i++)
		close(efd[i]);
}

/* e1000e carries iPXE in its expansion ROM: read-only, starts 55 aa. */
TEST_F(nic, rom)
{
	struct vfio_region_info ri;
	uint8_t sig[2] = { 0, 0 };

	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_ROM_REGION_INDEX, &ri), 0);
	if (!ri.size)
		SKIP("%s has no ROM", variant->name);
	EXPECT_EQ(ri.flags, VFIO_REGION_INFO_FLAG_READ);
	ASSERT_EQ(pu_rd(self->v.device, VFIO_PCI_ROM_REGION_INDEX, 0, sig, 2), 0);
	EXPECT_EQ(sig[0], 0x55);
	EXPECT_EQ(sig[1], 0xaa);
	EXPECT_EQ(pu_wr(self->v.device, VFIO_PCI_ROM_REGION_INDEX, 0, sig, 2), -EINVAL);
	EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->v.device,
		       PU_OFF(VFIO_PCI_ROM_REGION_INDEX)), MAP_FAILED);
}

TEST_F(nic, reset)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), 0);
	TH_LOG("%s: flags 0x%x", variant->name, info.flags);
	if (!(info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_RESET), EINVAL);
		SKIP("%s has no function reset", variant->name);
	}
	EXPECT_EQ(ioctl(self->v.device, VFIO_DEVICE_RESET), 0);
	/* The device still answers afterwards. */
	EXPECT_NE(pu_rd32(self->v.device, PU_CFG, 0), 0xffffffff);
}

TEST_F(nic, hot_reset)
{
	char buf[sizeof(struct vfio_pci_hot_reset_info) +
		 8 * sizeof(struct vfio_pci_dependent_device)];
	struct vfio_pci_hot_reset_info *info = (void *)buf;
	struct vfio_pci_hot_reset *reset = (void *)buf;
	unsigned int i, bus, dev, fn, count;
	int found = 0;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(*info);
	if (ioctl(self->v.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info)) {
		if (errno == ENODEV)
			SKIP("%s: no slot or bus reset (on the root bus)", variant->name);
		/* No room for the list: ENOSPC and the count. */
		ASSERT_EQ(errno, ENOSPC);
	}
	count = info->count;
	ASSERT_GE(count, 1);
	ASSERT_LE(count, 8);

	info->argsz = sizeof(buf);
	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info), 0);
	ASSERT_EQ(info->count, count);
	ASSERT_EQ(sscanf(self->dev.bdf + 5, "%x:%x.%x", &bus, &dev, &fn), 3);
	for (i = 0; i < count; i++) {
		TH_LOG("affected: group %u %04x:%02x:%02x.%u", info->devices[i].group_id,
		       info->devices[i].segment, info->devices[i].bus,
		       info->devices[i].devfn >> 3, info->devices[i].devfn & 7);
		if (info->devices[i].bus == bus &&
		    info->devices[i].devfn == ((dev << 3) | fn)) {
			EXPECT_EQ((int)info->devices[i].group_id, self->v.group_nr);
			found = 1;
		}
	}
	EXPECT_TRUE(found);

	/* A container fd is not a group. */
	memset(buf, 0, sizeof(buf));
	reset->argsz = sizeof(*reset) + sizeof(int32_t);
	reset->count = 1;
	reset->group_fds[0] = self->v.container;
	EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_PCI_HOT_RESET, reset), EINVAL);
	reset->group_fds[0] = -1;
	EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_PCI_HOT_RESET, reset), EBADF);
	reset->count = 0;
	EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_PCI_HOT_RESET, reset), EINVAL);

	/* Our own group proves we own everything the reset reaches. */
	reset->count = 1;
	reset->group_fds[0] = self->v.group;
	EXPECT_EQ(ioctl(self->v.device, VFIO_DEVICE_PCI_HOT_RESET, reset), 0);
	EXPECT_NE(pu_rd32(self->v.device, PU_CFG, 0), 0xffffffff);
}

TEST_HARNESS_MAIN
