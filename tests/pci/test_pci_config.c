// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pci_config - the config region of a PCI device bound to vfio-pci.
 *
 * The fixture finds one of QEMU's emulated devices in the test VM (edu,
 * a conventional PCI device with MSI; e1000e, a PCIe one with PM, MSI,
 * MSI-X, PCIe and the AER and DSN extended capabilities; pci-testdev,
 * with no capabilities; nvme, with a 64-bit BAR), binds it to
 * vfio-pci through driver_override, opens it through a type1 container and
 * gives it back to its own driver (if it had one) in the teardown.
 *
 * The device's real config space, read through sysfs, is what the
 * virtualised view is checked against: what must match, what must differ
 * (virtualised registers) and what a write must not reach, status bits
 * that are write-one-to-clear included.  The expansion ROM region is
 * checked here too (e1000e has a ROM, the others none).
 *
 * Needs: vfio and vfio_iommu_type1 loaded (vfio-pci-core and vfio-pci
 * are loaded here, as by the other tests/pci/ programs), and the VM's
 * edu, e1000e, pci-testdev and nvme (each variant skips without its
 * device).
 * runner-timeout: 300
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "harness.h"
#include "vfio_util.h"
#include "pci_util.h"

FIXTURE(pcicfg) {
	struct pu_dev dev;	/* the device and the driver it had */
	struct vu_vfio v;
	uint64_t cfg_off;	/* of the config region in the device fd */
	uint64_t cfg_size;
	int sysfs_cfg;		/* the device's real config space */
};

FIXTURE_VARIANT(pcicfg) {
	unsigned int vendor, device;
	int pcie;		/* has a PCIe capability and 4 KiB of config space */
	int msi;		/* has an MSI capability */
	int aer;		/* has an AER extended capability */
};

FIXTURE_VARIANT_ADD(pcicfg, edu) { .vendor = 0x1234, .device = 0x11e8, .msi = 1 };
FIXTURE_VARIANT_ADD(pcicfg, e1000e) {
	.vendor = 0x8086, .device = 0x10d3, .pcie = 1, .msi = 1, .aer = 1,
};
/* no capabilities at all, and an I/O BAR */
FIXTURE_VARIANT_ADD(pcicfg, pci_testdev) { .vendor = 0x1b36, .device = 0x0005 };
/* a 64-bit BAR, MSI-X without MSI */
FIXTURE_VARIANT_ADD(pcicfg, nvme) { .vendor = 0x1b36, .device = 0x0010, .pcie = 1 };

static void __attribute__((constructor)) pcicfg_load(void)
{
	if (pu_load_modules())
		fprintf(stderr, "# cannot load core/pci/vfio-pci*.ko\n");
	atexit(pu_unload_modules);
}

FIXTURE_SETUP(pcicfg)
{
	struct vfio_region_info info;
	char path[PATH_MAX];

	self->v.container = self->v.group = self->v.device = -1;
	self->sysfs_cfg = -1;
	memset(&self->dev, 0, sizeof(self->dev));

	if (pu_find(variant->vendor, variant->device, self->dev.bdf, sizeof(self->dev.bdf)))
		SKIP("no %04x:%04x device in this VM", variant->vendor, variant->device);
	if (!vu_path_exists(PU_VFIO_PCI))
		SKIP("vfio-pci is not loaded");

	ASSERT_EQ(pu_bind(&self->dev), 0) TH_LOG("binding %s to vfio-pci", self->dev.bdf);
	ASSERT_EQ(pu_open(&self->v, self->dev.bdf), 0) TH_LOG("opening %s", self->dev.bdf);
	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_CONFIG_REGION_INDEX, &info), 0);
	self->cfg_off = info.offset;
	self->cfg_size = info.size;

	snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/config", self->dev.bdf);
	self->sysfs_cfg = open(path, O_RDONLY);
	ASSERT_GE(self->sysfs_cfg, 0);
}

FIXTURE_TEARDOWN(pcicfg)
{
	if (self->sysfs_cfg >= 0)
		close(self->sysfs_cfg);
	vu_vfio_close(&self->v);
	pu_unbind(&self->dev);
}

/* ---- config access ------------------------------------------------------ */

static uint32_t le_val(const uint8_t *b, unsigned int n)
{
	uint32_t v = 0;

	while (n--)
		v = (v << 8) | b[n];
	return v;
}

/*
 * @n (1, 2 or 4) bytes at @off of a config space that starts @base bytes
 * into @fd: the device fd's config region, or the sysfs config file.
 */
static uint32_t cfg_rd(int fd, uint64_t base, unsigned int off, unsigned int n)
{
	uint8_t b[4] = { 0 };

	ASSERT_EQ(pread(fd, b, n, base + off), n) TH_LOG("reading %u bytes at %#x", n, off);
	return le_val(b, n);
}

static void vwr_fd(int fd, uint64_t base, unsigned int off, unsigned int n, uint32_t val)
{
	uint8_t b[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		b[i] = val >> (8 * i);
	ASSERT_EQ(pwrite(fd, b, n, base + off), n) TH_LOG("writing %u bytes at %#x", n, off);
}

/* the user's view, a write to it, and the device's own config space */
#define RD(off, n)	cfg_rd(self->v.device, self->cfg_off, (off), (n))
#define WR(off, n, val)	vwr_fd(self->v.device, self->cfg_off, (off), (n), (val))
#define HW(off, n)	cfg_rd(self->sysfs_cfg, 0, (off), (n))

/* Offsets of the capabilities in the virtual chain, by id; 0 if absent. */
struct chain {
	unsigned int pos[256];
	unsigned int ids[64];
	int n;
};

static void walk_caps(int fd, uint64_t base, struct chain *c)
{
	unsigned int pos, id, loops = 48;

	memset(c, 0, sizeof(*c));
	if (!(cfg_rd(fd, base, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return;
	pos = cfg_rd(fd, base, PCI_CAPABILITY_LIST, 1);
	while (pos && loops--) {
		ASSERT_GE(pos, PCI_STD_HEADER_SIZEOF);
		ASSERT_EQ(pos % 4, 0);
		id = cfg_rd(fd, base, pos, 1);
		c->ids[c->n++] = id;
		c->pos[id] = pos;
		pos = cfg_rd(fd, base, pos + PCI_CAP_LIST_NEXT, 1);
	}
	ASSERT_EQ(pos, 0) TH_LOG("capability chain loops");
}

/* The same for extended capabilities: pos[] indexed by id (ids < 256). */
static void walk_ecaps(int fd, uint64_t base, struct chain *c)
{
	unsigned int pos = PCI_CFG_SPACE_SIZE, loops = 960;
	uint32_t hdr;

	memset(c, 0, sizeof(*c));
	while (pos && loops--) {
		hdr = cfg_rd(fd, base, pos, 4);
		if (!hdr || hdr == ~0U)
			break;
		if (PCI_EXT_CAP_ID(hdr) && PCI_EXT_CAP_ID(hdr) < 256) {
			c->ids[c->n++] = PCI_EXT_CAP_ID(hdr);
			c->pos[PCI_EXT_CAP_ID(hdr)] = pos;
		}
		pos = PCI_EXT_CAP_NEXT(hdr);
		ASSERT_TRUE(!pos || pos >= PCI_CFG_SPACE_SIZE);
	}
}

#define VCHAIN(c)	walk_caps(self->v.device, self->cfg_off, (c))
#define HCHAIN(c)	walk_caps(self->sysfs_cfg, 0, (c))
#define VECHAIN(c)	walk_ecaps(self->v.device, self->cfg_off, (c))
#define HECHAIN(c)	walk_ecaps(self->sysfs_cfg, 0, (c))

/* Size and flags of a resource from sysfs "resource" (line @idx). */
static uint64_t resource(const char *bdf, int idx, uint64_t *flags)
{
	char path[PATH_MAX], line[256];
	unsigned long long start, end, fl;
	uint64_t size = 0;
	FILE *f;
	int i = 0;

	*flags = 0;
	snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (i++ != idx)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &fl) == 3 && start) {
			size = end - start + 1;
			*flags = fl;
		}
		break;
	}
	fclose(f);
	return size;
}

#define IORESOURCE_IO_FLAG	0x100
#define IORESOURCE_MEM64_FLAG	0x00100000

/* ---- tests ---------------------------------------------------------------- */

TEST_F(pcicfg, region_info)
{
	struct vfio_region_info info;
	struct stat st;

	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_CONFIG_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE),
		  VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	ASSERT_EQ(fstat(self->sysfs_cfg, &st), 0);
	EXPECT_EQ(info.size, st.st_size);
	EXPECT_EQ(info.size, variant->pcie ? 4096 : 256);
}

TEST_F(pcicfg, ids_and_class)
{
	char path[PATH_MAX];
	long cls;

	EXPECT_EQ(RD(PCI_VENDOR_ID, 2), variant->vendor);
	EXPECT_EQ(RD(PCI_DEVICE_ID, 2), variant->device);
	EXPECT_EQ(RD(PCI_VENDOR_ID, 4), variant->vendor | variant->device << 16);
	EXPECT_EQ(RD(PCI_REVISION_ID, 4), HW(PCI_REVISION_ID, 4));
	EXPECT_EQ(RD(PCI_SUBSYSTEM_VENDOR_ID, 4), HW(PCI_SUBSYSTEM_VENDOR_ID, 4));
	EXPECT_EQ(RD(PCI_HEADER_TYPE, 1) & 0x7f, PCI_HEADER_TYPE_NORMAL);

	snprintf(path, sizeof(path), PU_PCI_DEVICES "/%s/class", self->dev.bdf);
	ASSERT_EQ(vu_sysfs_read_long(path, &cls), 0);
	EXPECT_EQ(RD(PCI_CLASS_REVISION, 4) >> 8, cls);
}

/* Registers that are read-only to the user stay as they were. */
TEST_F(pcicfg, read_only_fields)
{
	uint32_t id = RD(PCI_VENDOR_ID, 4), cls = RD(PCI_CLASS_REVISION, 4);
	uint32_t sub = RD(PCI_SUBSYSTEM_VENDOR_ID, 4), hdr = RD(PCI_HEADER_TYPE, 1);
	uint32_t cap = RD(PCI_CAPABILITY_LIST, 1), pin = RD(PCI_INTERRUPT_PIN, 1);
	uint32_t st = RD(PCI_STATUS, 2);

	WR(PCI_VENDOR_ID, 4, 0);
	WR(PCI_CLASS_REVISION, 4, 0xffffffff);
	WR(PCI_SUBSYSTEM_VENDOR_ID, 4, 0);
	WR(PCI_HEADER_TYPE, 1, 0x7f);
	WR(PCI_CAPABILITY_LIST, 1, 0);
	WR(PCI_INTERRUPT_PIN, 1, 4);
	WR(PCI_STATUS, 2, (uint16_t)~st);

	EXPECT_EQ(RD(PCI_VENDOR_ID, 4), id);
	EXPECT_EQ(RD(PCI_CLASS_REVISION, 4), cls);
	EXPECT_EQ(RD(PCI_SUBSYSTEM_VENDOR_ID, 4), sub);
	EXPECT_EQ(RD(PCI_HEADER_TYPE, 1), hdr);
	EXPECT_EQ(RD(PCI_CAPABILITY_LIST, 1), cap);
	EXPECT_EQ(RD(PCI_INTERRUPT_PIN, 1), pin);
	EXPECT_EQ(RD(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, st & PCI_STATUS_CAP_LIST);
	EXPECT_EQ(HW(PCI_VENDOR_ID, 4), id);
}

/* Writing all-ones to a BAR reads back its size mask and type; never reaches the device. */
TEST_F(pcicfg, bar_sizing)
{
	unsigned int i, off, sized = 0;
	uint64_t size, flags;
	uint32_t orig, hw, got, want;

	for (i = 0; i < 6; i++) {
		off = PCI_BASE_ADDRESS_0 + 4 * i;
		size = resource(self->dev.bdf, i, &flags);
		orig = RD(off, 4);
		hw = HW(off, 4);
		WR(off, 4, 0xffffffff);
		got = RD(off, 4);
		if (!size) {
			EXPECT_EQ(got, 0) TH_LOG("BAR%u is unassigned", i);
		} else if (flags & IORESOURCE_IO_FLAG) {
			want = (uint32_t)~(size - 1) | PCI_BASE_ADDRESS_SPACE_IO;
			EXPECT_EQ(got, want) TH_LOG("I/O BAR%u of %#llx bytes", i,
						    (unsigned long long)size);
			sized++;
		} else {
			want = ((uint32_t)~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK) |
			       (orig & ~PCI_BASE_ADDRESS_MEM_MASK);
			EXPECT_EQ(got, want) TH_LOG("BAR%u of %#llx bytes", i,
						    (unsigned long long)size);
			EXPECT_EQ(!!(got & PCI_BASE_ADDRESS_MEM_TYPE_64),
				  !!(flags & IORESOURCE_MEM64_FLAG));
			sized++;
		}
		EXPECT_EQ(HW(off, 4), hw) TH_LOG("BAR%u write reached the device", i);
		WR(off, 4, orig);
		EXPECT_EQ(RD(off, 4), orig);

		if (size && !(flags & IORESOURCE_IO_FLAG) &&
		    (orig & PCI_BASE_ADDRESS_MEM_TYPE_64) && i < 5) {
			/* the upper half of a 64-bit BAR */
			i++;
			off += 4;
			orig = RD(off, 4);
			WR(off, 4, 0xffffffff);
			EXPECT_EQ(RD(off, 4), (uint32_t)(~(size - 1) >> 32));
			WR(off, 4, orig);
			EXPECT_EQ(RD(off, 4), orig);
		}
	}
	EXPECT_GT(sized, 0);
}

TEST_F(pcicfg, rom_sizing)
{
	uint64_t size, flags;
	uint32_t orig = RD(PCI_ROM_ADDRESS, 4), hw = HW(PCI_ROM_ADDRESS, 4);

	size = resource(self->dev.bdf, 6, &flags);
	WR(PCI_ROM_ADDRESS, 4, PCI_ROM_ADDRESS_MASK);
	if (!size) {
		EXPECT_EQ(RD(PCI_ROM_ADDRESS, 4), 0);
	} else {
		EXPECT_EQ(RD(PCI_ROM_ADDRESS, 4), (uint32_t)~(size - 1));
		/* the enable bit is the user's, virtually */
		WR(PCI_ROM_ADDRESS, 4, 0xffffffff);
		EXPECT_EQ(RD(PCI_ROM_ADDRESS, 4),
			  (uint32_t)~(size - 1) | PCI_ROM_ADDRESS_ENABLE);
	}
	EXPECT_EQ(HW(PCI_ROM_ADDRESS, 4), hw);
	WR(PCI_ROM_ADDRESS, 4, orig);
	EXPECT_EQ(RD(PCI_ROM_ADDRESS, 4), orig);
}

/* Memory decode goes to the device; INTx disable stays virtual. */
TEST_F(pcicfg, command_register)
{
	uint16_t cmd = RD(PCI_COMMAND, 2);

	EXPECT_TRUE(cmd & PCI_COMMAND_MEMORY);
	EXPECT_EQ(cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO),
		  HW(PCI_COMMAND, 2) & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO));

	WR(PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MEMORY);
	EXPECT_FALSE(RD(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
	EXPECT_FALSE(HW(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
	WR(PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
	EXPECT_TRUE(RD(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
	EXPECT_TRUE(HW(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);

	/* one byte at the upper half holds INTx disable */
	WR(PCI_COMMAND + 1, 1, (cmd | PCI_COMMAND_INTX_DISABLE) >> 8);
	EXPECT_TRUE(RD(PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	WR(PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	EXPECT_FALSE(RD(PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	WR(PCI_COMMAND, 2, cmd);
	EXPECT_EQ(RD(PCI_COMMAND, 2), cmd);
}

TEST_F(pcicfg, interrupt_pin_and_line)
{
	struct vfio_irq_info irq;
	uint32_t pin = RD(PCI_INTERRUPT_PIN, 1), line = RD(PCI_INTERRUPT_LINE, 1);
	uint32_t hwline = HW(PCI_INTERRUPT_LINE, 1);

	EXPECT_EQ(pin, HW(PCI_INTERRUPT_PIN, 1));
	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_INTX_IRQ_INDEX, &irq), 0);
	EXPECT_EQ(irq.count, pin ? 1 : 0);

	/* the line register is the user's scratch byte */
	WR(PCI_INTERRUPT_LINE, 1, line ^ 0x5a);
	EXPECT_EQ(RD(PCI_INTERRUPT_LINE, 1), line ^ 0x5a);
	EXPECT_EQ(HW(PCI_INTERRUPT_LINE, 1), hwline);
	WR(PCI_INTERRUPT_LINE, 1, line);
}

/*
 * INTx disable is emulated: it starts clear whatever the host did with the
 * real bit, and setting it holds back edu's interrupt until it is cleared
 * again, when the still-asserted line is delivered.
 */
TEST_F(pcicfg, intx_disable_masks_intx)
{
	struct vfio_region_info bar0;
	uint16_t cmd = RD(PCI_COMMAND, 2);
	uint32_t one = 1;
	int efd;

	if (RD(PCI_INTERRUPT_PIN, 1))
		EXPECT_FALSE(cmd & PCI_COMMAND_INTX_DISABLE);
	if (variant->vendor != 0x1234)
		SKIP("needs edu's interrupt raise register");
	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_BAR0_REGION_INDEX, &bar0), 0);

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(self->v.device, VFIO_PCI_INTX_IRQ_INDEX, efd), 0);

	WR(PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	ASSERT_EQ(pwrite(self->v.device, &one, 4, bar0.offset + 0x60), 4);	/* raise */
	EXPECT_EQ(vu_eventfd_wait(efd, 200), 0) TH_LOG("INTx got through INTx disable");

	WR(PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	EXPECT_GT(vu_eventfd_wait(efd, 2000), 0) TH_LOG("pending INTx not delivered on enable");

	ASSERT_EQ(pwrite(self->v.device, &one, 4, bar0.offset + 0x64), 4);	/* ack */
	EXPECT_EQ(vu_irq_disable(self->v.device, VFIO_PCI_INTX_IRQ_INDEX), 0);
	close(efd);
	WR(PCI_COMMAND, 2, cmd);
}

/* The virtual chain is the device's own: every capability here is known. */
TEST_F(pcicfg, capability_chain)
{
	struct chain v, h;
	int i;

	VCHAIN(&v);
	HCHAIN(&h);
	ASSERT_EQ(v.n, h.n);
	for (i = 0; i < v.n; i++)
		EXPECT_EQ(v.ids[i], h.ids[i]) TH_LOG("capability %d", i);

	EXPECT_EQ(!!v.pos[PCI_CAP_ID_MSI], variant->msi);
	if (variant->pcie) {
		EXPECT_NE(v.pos[PCI_CAP_ID_PM], 0);
		EXPECT_NE(v.pos[PCI_CAP_ID_EXP], 0);
		EXPECT_NE(v.pos[PCI_CAP_ID_MSIX], 0);
	}
}

TEST_F(pcicfg, extended_capabilities)
{
	struct chain v, h;
	int i;

	if (!variant->pcie) {
		EXPECT_EQ(self->cfg_size, PCI_CFG_SPACE_SIZE);
		return;
	}
	VECHAIN(&v);
	HECHAIN(&h);
	ASSERT_EQ(v.n, h.n);
	for (i = 0; i < v.n; i++)
		EXPECT_EQ(v.ids[i], h.ids[i]) TH_LOG("extended capability %d", i);
	EXPECT_EQ(!!v.pos[PCI_EXT_CAP_ID_ERR], variant->aer);

	/* the header is read-only; the serial number too */
	WR(PCI_CFG_SPACE_SIZE, 4, 0);
	EXPECT_EQ(RD(PCI_CFG_SPACE_SIZE, 4), HW(PCI_CFG_SPACE_SIZE, 4));
	if (v.pos[PCI_EXT_CAP_ID_DSN]) {
		uint32_t sn = RD(v.pos[PCI_EXT_CAP_ID_DSN] + 4, 4);

		WR(v.pos[PCI_EXT_CAP_ID_DSN] + 4, 4, ~sn);
		EXPECT_EQ(RD(v.pos[PCI_EXT_CAP_ID_DSN] + 4, 4), sn);
	}
}

/*
 * AER: status, masks and severities are written through to the device,
 * whatever it lets change (QEMU 7.2's e1000e keeps its masks at 0); the
 * header and the capability's read-only bits stay.
 */
TEST_F(pcicfg, aer_write_through)
{
	static const unsigned int regs[] = {
		PCI_ERR_UNCOR_MASK, PCI_ERR_UNCOR_SEVER, PCI_ERR_COR_MASK,
	};
	struct chain v;
	unsigned int aer, i;
	uint32_t orig, hdr, cap;

	if (!variant->aer)
		SKIP("no AER on this device");
	VECHAIN(&v);
	aer = v.pos[PCI_EXT_CAP_ID_ERR];
	ASSERT_NE(aer, 0);

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		orig = RD(aer + regs[i], 4);
		EXPECT_EQ(orig, HW(aer + regs[i], 4));
		WR(aer + regs[i], 4, ~orig);
		EXPECT_EQ(RD(aer + regs[i], 4), HW(aer + regs[i], 4));
		WR(aer + regs[i], 4, orig);
		EXPECT_EQ(HW(aer + regs[i], 4), orig);
	}

	hdr = RD(aer, 4);
	cap = RD(aer + PCI_ERR_CAP, 4);
	WR(aer, 4, ~hdr);
	WR(aer + PCI_ERR_CAP, 4, ~cap & ~(PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE));
	EXPECT_EQ(RD(aer, 4), hdr);
	EXPECT_EQ(RD(aer + PCI_ERR_CAP, 4) & ~(PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE),
		  cap & ~(PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE));
	WR(aer + PCI_ERR_CAP, 4, cap);
}

/* MSI: the count matches GET_IRQ_INFO; address and data are virtual; enable is the kernel's. */
TEST_F(pcicfg, msi_capability)
{
	struct vfio_irq_info irq;
	struct chain v;
	unsigned int msi, data;
	uint16_t flags;
	uint32_t addr, hwaddr;

	VCHAIN(&v);
	msi = v.pos[PCI_CAP_ID_MSI];
	if (!variant->msi) {
		ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSI_IRQ_INDEX, &irq), 0);
		EXPECT_EQ(irq.count, 0);
		return;
	}
	ASSERT_NE(msi, 0);
	flags = RD(msi + PCI_MSI_FLAGS, 2);
	EXPECT_EQ(flags, HW(msi + PCI_MSI_FLAGS, 2) & ~PCI_MSI_FLAGS_ENABLE);

	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSI_IRQ_INDEX, &irq), 0);
	EXPECT_EQ(irq.count, 1U << ((flags & PCI_MSI_FLAGS_QMASK) >> 1));

	/* enable without SET_IRQS stays off; the capable count cannot change */
	WR(msi + PCI_MSI_FLAGS, 2, flags | PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QMASK);
	EXPECT_FALSE(RD(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	EXPECT_EQ(RD(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_QMASK, flags & PCI_MSI_FLAGS_QMASK);
	EXPECT_FALSE(HW(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);

	addr = RD(msi + PCI_MSI_ADDRESS_LO, 4);
	hwaddr = HW(msi + PCI_MSI_ADDRESS_LO, 4);
	data = msi + ((flags & PCI_MSI_FLAGS_64BIT) ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
	WR(msi + PCI_MSI_ADDRESS_LO, 4, 0xfee01000);
	WR(data, 2, 0x4321);
	EXPECT_EQ(RD(msi + PCI_MSI_ADDRESS_LO, 4), 0xfee01000);
	EXPECT_EQ(RD(data, 2), 0x4321);
	EXPECT_EQ(HW(msi + PCI_MSI_ADDRESS_LO, 4), hwaddr);
	WR(msi + PCI_MSI_ADDRESS_LO, 4, addr);
	WR(msi + PCI_MSI_FLAGS, 2, flags);
}

/* ---- write-one-to-clear status bits ---------------------------------------- */

/*
 * Status registers hold write-one-to-clear (RW1C) bits.  A write of a
 * neighbouring control field must not write back the 1s it read (that
 * would clear them), and a 1 the user may write clears that bit only.
 * QEMU's devices never set these bits by themselves, so what is checked
 * here is what a user can observe: the control field changes, the status
 * register stays as the device has it, and read-only status ignores 1s.
 */

/* The status register beside COMMAND, in one dword write, is untouched. */
TEST_F(pcicfg, status_beside_command)
{
	uint16_t cmd = RD(PCI_COMMAND, 2), st = RD(PCI_STATUS, 2);
	uint16_t hwst = HW(PCI_STATUS, 2), flip = cmd ^ PCI_COMMAND_MASTER;

	WR(PCI_COMMAND, 4, flip | 0xffff0000U);
	EXPECT_EQ(RD(PCI_COMMAND, 2), flip);
	EXPECT_EQ(HW(PCI_COMMAND, 2) & PCI_COMMAND_MASTER, flip & PCI_COMMAND_MASTER);
	EXPECT_EQ(RD(PCI_STATUS, 2), st);
	EXPECT_EQ(HW(PCI_STATUS, 2), hwst);
	WR(PCI_COMMAND, 4, cmd | (uint32_t)st << 16);
	EXPECT_EQ(RD(PCI_COMMAND, 2), cmd);
	EXPECT_EQ(HW(PCI_STATUS, 2), hwst);
}

/*
 * PM control: the power state and data select go to the device; PME
 * enable and status are virtual (read 0) and never reach it, and a 1
 * written to PME status is not passed on.  The upper half (bridge
 * extensions, data) is read-only.
 */
TEST_F(pcicfg, pm_ctrl_rw1c)
{
	const uint16_t pme = PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS;
	struct chain v;
	unsigned int pm;
	uint16_t ctrl, hw, upper;

	VCHAIN(&v);
	pm = v.pos[PCI_CAP_ID_PM];
	if (!pm)
		SKIP("no PM capability");
	ctrl = RD(pm + PCI_PM_CTRL, 2);
	hw = HW(pm + PCI_PM_CTRL, 2);
	upper = RD(pm + PCI_PM_CTRL + 2, 2);
	ASSERT_EQ(ctrl & PCI_PM_CTRL_STATE_MASK, 0);
	EXPECT_EQ(ctrl & pme, 0);
	EXPECT_EQ(ctrl & ~pme, hw & ~pme);

	/* data select, with PME status and enable set: only the former lands */
	WR(pm + PCI_PM_CTRL, 2, ctrl | (5 << 9) | pme);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & pme, 0);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_DATA_SEL_MASK,
		  HW(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_DATA_SEL_MASK);
	EXPECT_EQ(HW(pm + PCI_PM_CTRL, 2) & pme, hw & pme);
	TH_LOG("data select after writing 5: %u",
	       (HW(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_DATA_SEL_MASK) >> 9);

	/* D3hot by a dword write that also sets every other bit */
	WR(pm + PCI_PM_CTRL, 4, (0xffffffffU & ~PCI_PM_CTRL_STATE_MASK) | 3);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 3);
	EXPECT_EQ(HW(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 3);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & pme, 0);
	EXPECT_EQ(HW(pm + PCI_PM_CTRL, 2) & pme, hw & pme);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL + 2, 2), upper);

	/* back to D0 by a one-byte write of the low byte */
	WR(pm + PCI_PM_CTRL, 1, ctrl & 0xff);
	EXPECT_EQ(HW(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 0);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 0);
	WR(pm + PCI_PM_CTRL, 2, ctrl);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2), ctrl);
	EXPECT_EQ(HW(pm + PCI_PM_CTRL, 2) & ~pme, hw & ~pme);
	EXPECT_EQ(RD(PCI_VENDOR_ID, 2), variant->vendor);
}

/*
 * PCIe device status is read-only to the user (as on 6.1): 1s written to
 * it, alone or with a device control write in the same dword, clear
 * nothing; the control write itself lands.  Link status beside link
 * control and device status 2 beside device control 2 likewise.
 */
TEST_F(pcicfg, pcie_status_rw1c)
{
	static const unsigned int sta[] = {
		PCI_EXP_DEVSTA, PCI_EXP_LNKSTA, PCI_EXP_DEVSTA2,
	};
	struct chain v;
	unsigned int exp, i;
	uint16_t ctl, hwctl, st[3], hwst[3];

	if (!variant->pcie)
		SKIP("not a PCIe device");
	VCHAIN(&v);
	exp = v.pos[PCI_CAP_ID_EXP];
	ASSERT_NE(exp, 0);
	for (i = 0; i < 3; i++) {
		st[i] = RD(exp + sta[i], 2);
		hwst[i] = HW(exp + sta[i], 2);
		EXPECT_EQ(st[i], hwst[i]) TH_LOG("status at %#x", sta[i]);
	}
	ctl = RD(exp + PCI_EXP_DEVCTL, 2);
	hwctl = HW(exp + PCI_EXP_DEVCTL, 2);

	for (i = 0; i < 3; i++) {
		WR(exp + sta[i], 2, 0xffff);
		WR(exp + sta[i] + 1, 1, 0xff);
	}
	/*
	 * Another max payload size (virtual: QEMU's devices let no device
	 * control bit change) with status all 1s, in one dword.
	 */
	WR(exp + PCI_EXP_DEVCTL, 4, (uint32_t)(ctl ^ 0x20) | 0xffff0000U);
	EXPECT_EQ(RD(exp + PCI_EXP_DEVCTL, 2), ctl ^ 0x20);
	EXPECT_EQ(HW(exp + PCI_EXP_DEVCTL, 2), hwctl);
	WR(exp + PCI_EXP_LNKCTL, 4, RD(exp + PCI_EXP_LNKCTL, 2) | 0xffff0000);
	WR(exp + PCI_EXP_DEVCTL2, 4, RD(exp + PCI_EXP_DEVCTL2, 2) | 0xffff0000);

	for (i = 0; i < 3; i++) {
		EXPECT_EQ(RD(exp + sta[i], 2), st[i]) TH_LOG("status at %#x", sta[i]);
		EXPECT_EQ(HW(exp + sta[i], 2), hwst[i]) TH_LOG("status at %#x", sta[i]);
	}
	WR(exp + PCI_EXP_DEVCTL, 2, ctl);
	EXPECT_EQ(HW(exp + PCI_EXP_DEVCTL, 2), hwctl);
}

/*
 * AER status: the user's 1s are written through (and clear the bit in the
 * device), 0s clear nothing, a byte write touches its byte only, and a
 * status write leaves the mask and severity registers alone.
 */
TEST_F(pcicfg, aer_status_rw1c)
{
	static const unsigned int regs[] = { PCI_ERR_UNCOR_STATUS, PCI_ERR_COR_STATUS };
	struct chain v;
	unsigned int aer, i, b;
	uint32_t st, mask, sev, cmask;

	if (!variant->aer)
		SKIP("no AER on this device");
	VECHAIN(&v);
	aer = v.pos[PCI_EXT_CAP_ID_ERR];
	ASSERT_NE(aer, 0);
	mask = HW(aer + PCI_ERR_UNCOR_MASK, 4);
	sev = HW(aer + PCI_ERR_UNCOR_SEVER, 4);
	cmask = HW(aer + PCI_ERR_COR_MASK, 4);

	for (i = 0; i < 2; i++) {
		st = RD(aer + regs[i], 4);
		EXPECT_EQ(st, HW(aer + regs[i], 4));
		WR(aer + regs[i], 4, 0);
		EXPECT_EQ(RD(aer + regs[i], 4), st) TH_LOG("writing 0 cleared status");
		for (b = 0; b < 4; b++)
			WR(aer + regs[i] + b, 1, 0);
		EXPECT_EQ(HW(aer + regs[i], 4), st);
		/* one bit at a time: it reads 0 after, the others as they were */
		for (b = 0; b < 32; b++) {
			uint32_t before = HW(aer + regs[i], 4);

			WR(aer + regs[i], 4, 1U << b);
			EXPECT_EQ(HW(aer + regs[i], 4), before & ~(1U << b))
				TH_LOG("reg %#x bit %u", regs[i], b);
		}
		WR(aer + regs[i], 4, 0xffffffff);
		EXPECT_EQ(RD(aer + regs[i], 4), HW(aer + regs[i], 4));
	}
	EXPECT_EQ(HW(aer + PCI_ERR_UNCOR_MASK, 4), mask);
	EXPECT_EQ(HW(aer + PCI_ERR_UNCOR_SEVER, 4), sev);
	EXPECT_EQ(HW(aer + PCI_ERR_COR_MASK, 4), cmask);
}

/* ---- the expansion ROM region ------------------------------------------------ */

/* Where the last image of a PCI expansion ROM ends; 0 if @rom is not one. */
static size_t rom_image_end(const uint8_t *rom, size_t len)
{
	size_t off = 0, pcir, n;

	while (off + 0x1a <= len && rom[off] == 0x55 && rom[off + 1] == 0xaa) {
		pcir = off + (rom[off + 0x18] | rom[off + 0x19] << 8);
		if (pcir + 0x16 > len || memcmp(rom + pcir, "PCIR", 4))
			break;
		n = (rom[pcir + 0x10] | rom[pcir + 0x11] << 8) * 512;
		if (!n)
			break;
		off += n;
		if (rom[pcir + 0x15] & 0x80)
			break;
	}
	return off > len ? len : off;
}

/*
 * The ROM region is as large as the ROM BAR when the device has one (read
 * only, every byte of it readable, 0xff past the last image) and empty
 * when it has none (reads fail with EINVAL), as on 6.1.  The virtual ROM
 * BAR sizes to the same value.
 */
TEST_F(pcicfg, rom_region)
{
	const uint64_t off = PU_OFF(VFIO_PCI_ROM_REGION_INDEX);
	struct vfio_region_info info;
	uint64_t size, flags, done;
	uint32_t orig;
	size_t end, i;
	uint8_t *rom, b;
	ssize_t n;

	size = resource(self->dev.bdf, 6, &flags);
	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_ROM_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.offset, off);
	TH_LOG("ROM BAR %#llx bytes, region %#llx bytes, flags %#x",
	       (unsigned long long)size, (unsigned long long)info.size, info.flags);

	if (!size) {
		EXPECT_EQ(info.size, 0);
		EXPECT_EQ(info.flags, 0);
		EXPECT_ERRNO(pread(self->v.device, &b, 1, off), EINVAL);
		EXPECT_ERRNO(pread(self->v.device, &b, 1, off + 0x1ffff), EINVAL);
		return;
	}

	/* QEMU's option ROMs are valid images: the whole BAR is readable */
	ASSERT_EQ(info.size, size);
	EXPECT_EQ(info.flags, VFIO_REGION_INFO_FLAG_READ);
	orig = RD(PCI_ROM_ADDRESS, 4);
	WR(PCI_ROM_ADDRESS, 4, PCI_ROM_ADDRESS_MASK);
	EXPECT_EQ(RD(PCI_ROM_ADDRESS, 4), (uint32_t)~(info.size - 1));
	WR(PCI_ROM_ADDRESS, 4, orig);

	rom = malloc(info.size);
	ASSERT_TRUE(rom != NULL);
	memset(rom, 0, info.size);
	/* read(2) may return less than asked: keep going */
	for (done = 0; done < info.size; done += n) {
		n = pread(self->v.device, rom + done, info.size - done, off + done);
		if (n <= 0)
			break;
	}
	EXPECT_EQ(done, info.size) TH_LOG("read failed at %#llx: %s",
					  (unsigned long long)done, strerror(errno));
	EXPECT_EQ(rom[0], 0x55);
	EXPECT_EQ(rom[1], 0xaa);
	end = rom_image_end(rom, info.size);
	TH_LOG("images end at %#zx", end);
	EXPECT_GT(end, 0);
	for (i = end; i < done; i++)
		if (rom[i] != 0xff)
			break;
	EXPECT_EQ(i, done) TH_LOG("byte %#zx past the image is %#x", i, rom[i]);
	free(rom);

	/* the last dword, and the boundary */
	EXPECT_EQ(pread(self->v.device, &orig, 4, off + info.size - 4), 4);
	EXPECT_ERRNO(pread(self->v.device, &b, 1, off + info.size), EINVAL);
	b = 0;
	EXPECT_ERRNO(pwrite(self->v.device, &b, 1, off), EINVAL);
}

/* ---- memory decode and the BARs ------------------------------------------ */

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, sig);
}

/* Read a mapped register; 1 when it faulted (SIGBUS) instead. */
static int touch(volatile uint32_t *p, uint32_t *val)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0)
		*val = *p;
	else
		faulted = 1;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/*
 * With memory decode off in the virtual COMMAND register, BAR0 can be
 * neither read through the device fd nor through a mapping (zapped when
 * decode went off); turning decode back on restores both.
 */
TEST_F(pcicfg, memory_decode_gates_bar_access)
{
	struct vfio_region_info info;
	uint16_t cmd = RD(PCI_COMMAND, 2);
	volatile uint32_t *map;
	uint32_t val, first;

	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_BAR0_REGION_INDEX, &info), 0);
	ASSERT_GT(info.size, 0);
	ASSERT_EQ(pread(self->v.device, &first, 4, info.offset), 4);
	if (variant->vendor == 0x1234)
		EXPECT_EQ(first & 0xffff00ff, 0x010000ed);	/* edu's identification */

	map = MAP_FAILED;
	if (info.flags & VFIO_REGION_INFO_FLAG_MMAP)
		map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->v.device, info.offset);
	if (map != MAP_FAILED) {
		EXPECT_EQ(touch(map, &val), 0);
		EXPECT_EQ(val, first);
	}

	WR(PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MEMORY);
	EXPECT_ERRNO(pread(self->v.device, &val, 4, info.offset), EIO);
	if (map != MAP_FAILED)
		EXPECT_EQ(touch(map, &val), 1) TH_LOG("mapping still live with decode off");

	WR(PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
	EXPECT_EQ(pread(self->v.device, &val, 4, info.offset), 4);
	EXPECT_EQ(val, first);
	if (map != MAP_FAILED) {
		EXPECT_EQ(touch(map, &val), 0);
		EXPECT_EQ(val, first);
		munmap((void *)map, 4096);
	}
	WR(PCI_COMMAND, 2, cmd);
}

/* The MSI enable bit sticks only while the host has MSI on for the user. */
TEST_F(pcicfg, msi_enable_follows_set_irqs)
{
	struct chain v;
	unsigned int msi;
	uint16_t flags;
	int efd;

	if (!variant->msi)
		SKIP("no MSI on this device");
	VCHAIN(&v);
	msi = v.pos[PCI_CAP_ID_MSI];
	ASSERT_NE(msi, 0);
	flags = RD(msi + PCI_MSI_FLAGS, 2) & ~PCI_MSI_FLAGS_ENABLE;

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(self->v.device, VFIO_PCI_MSI_IRQ_INDEX, efd), 0);
	EXPECT_TRUE(HW(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);

	WR(msi + PCI_MSI_FLAGS, 2, flags | PCI_MSI_FLAGS_ENABLE);
	EXPECT_TRUE(RD(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	EXPECT_TRUE(HW(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);

	EXPECT_EQ(vu_irq_disable(self->v.device, VFIO_PCI_MSI_IRQ_INDEX), 0);
	close(efd);
	EXPECT_FALSE(HW(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	WR(msi + PCI_MSI_FLAGS, 2, flags | PCI_MSI_FLAGS_ENABLE);
	EXPECT_FALSE(RD(msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	WR(msi + PCI_MSI_FLAGS, 2, flags);
}

/* MSI-X: the table size matches GET_IRQ_INFO and the whole capability is read-only. */
TEST_F(pcicfg, msix_capability)
{
	struct vfio_irq_info irq;
	struct chain v;
	unsigned int msix;
	uint32_t flags, table, pba;

	VCHAIN(&v);
	msix = v.pos[PCI_CAP_ID_MSIX];
	if (!msix) {
		ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSIX_IRQ_INDEX, &irq), 0);
		EXPECT_EQ(irq.count, 0);
		return;
	}
	flags = RD(msix + PCI_MSIX_FLAGS, 2);
	table = RD(msix + PCI_MSIX_TABLE, 4);
	pba = RD(msix + PCI_MSIX_PBA, 4);
	EXPECT_EQ(table, HW(msix + PCI_MSIX_TABLE, 4));
	EXPECT_EQ(pba, HW(msix + PCI_MSIX_PBA, 4));

	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSIX_IRQ_INDEX, &irq), 0);
	EXPECT_EQ(irq.count, (flags & PCI_MSIX_FLAGS_QSIZE) + 1);

	WR(msix + PCI_MSIX_TABLE, 4, table ^ 0x1000);
	WR(msix + PCI_MSIX_PBA, 4, pba ^ 0x1000);
	WR(msix + PCI_MSIX_FLAGS, 2, flags | PCI_MSIX_FLAGS_ENABLE);
	EXPECT_EQ(RD(msix + PCI_MSIX_TABLE, 4), table);
	EXPECT_EQ(RD(msix + PCI_MSIX_PBA, 4), pba);
	EXPECT_FALSE(RD(msix + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_ENABLE);
}

/* PM: PME is hidden; power state writes go through the kernel and come back. */
TEST_F(pcicfg, power_management)
{
	struct chain v;
	unsigned int pm;
	uint16_t ctrl;

	VCHAIN(&v);
	pm = v.pos[PCI_CAP_ID_PM];
	if (!pm)
		SKIP("no PM capability");
	EXPECT_EQ(RD(pm + PCI_PM_PMC, 2) & PCI_PM_CAP_PME_MASK, 0);
	ctrl = RD(pm + PCI_PM_CTRL, 2);
	EXPECT_EQ(ctrl & PCI_PM_CTRL_STATE_MASK, 0);
	EXPECT_EQ(ctrl & (PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS), 0);

	WR(pm + PCI_PM_CTRL, 2, (ctrl & ~PCI_PM_CTRL_STATE_MASK) | 3);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 3);
	WR(pm + PCI_PM_CTRL, 2, ctrl & ~PCI_PM_CTRL_STATE_MASK);
	EXPECT_EQ(RD(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 0);
	EXPECT_EQ(RD(PCI_VENDOR_ID, 2), variant->vendor);
}

/* PCIe device control: MPS is virtual, FLR reads 0 and resets the function. */
TEST_F(pcicfg, pcie_device_control)
{
	struct chain v;
	unsigned int exp;
	uint16_t ctl, hwctl, mps;

	if (!variant->pcie)
		SKIP("not a PCIe device");
	VCHAIN(&v);
	exp = v.pos[PCI_CAP_ID_EXP];
	ASSERT_NE(exp, 0);
	ctl = RD(exp + PCI_EXP_DEVCTL, 2);
	hwctl = HW(exp + PCI_EXP_DEVCTL, 2);
	EXPECT_EQ(ctl, hwctl);

	mps = (ctl & PCI_EXP_DEVCTL_PAYLOAD) ^ 0x20;	/* another payload size */
	WR(exp + PCI_EXP_DEVCTL, 2, (ctl & ~PCI_EXP_DEVCTL_PAYLOAD) | mps);
	EXPECT_EQ(RD(exp + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_PAYLOAD, mps);
	EXPECT_EQ(HW(exp + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_PAYLOAD,
		  hwctl & PCI_EXP_DEVCTL_PAYLOAD);
	WR(exp + PCI_EXP_DEVCTL, 2, ctl);

	if (HW(exp + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR) {
		WR(exp + PCI_EXP_DEVCTL, 2, ctl | PCI_EXP_DEVCTL_BCR_FLR);
		EXPECT_FALSE(RD(exp + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR);
		EXPECT_EQ(RD(PCI_VENDOR_ID, 2), variant->vendor);
	}
}

/* Any width at any offset gives the same bytes; pieces stay inside the region. */
TEST_F(pcicfg, access_widths)
{
	uint8_t whole[64], piece[64], *all;
	unsigned int off;

	ASSERT_EQ(pread(self->v.device, whole, sizeof(whole), self->cfg_off), sizeof(whole));
	for (off = 0; off < sizeof(whole); off++) {
		if (off >= PCI_BASE_ADDRESS_0 && off < PCI_CARDBUS_CIS)
			continue;	/* BARs are read fixed-up; compared below */
		EXPECT_EQ(RD(off, 1), whole[off]) TH_LOG("byte %#x", off);
		if (!(off % 2))
			EXPECT_EQ(RD(off, 2), le_val(whole + off, 2));
		if (!(off % 4))
			EXPECT_EQ(RD(off, 4), le_val(whole + off, 4));
	}
	/* unaligned and odd-sized accesses are split, not refused */
	ASSERT_EQ(pread(self->v.device, piece, 7, self->cfg_off + 1), 7);
	EXPECT_EQ(memcmp(piece, whole + 1, 7), 0);
	ASSERT_EQ(pread(self->v.device, piece, 3, self->cfg_off + PCI_BASE_ADDRESS_0 + 2), 3);
	EXPECT_EQ(memcmp(piece, whole + PCI_BASE_ADDRESS_0 + 2, 3), 0);

	/* the whole space in one read */
	all = malloc(self->cfg_size);
	ASSERT_TRUE(all != NULL);
	EXPECT_EQ(pread(self->v.device, all, self->cfg_size, self->cfg_off),
		  (ssize_t)self->cfg_size);
	free(all);
}

TEST_F(pcicfg, out_of_range)
{
	uint8_t b[8];

	EXPECT_ERRNO(pread(self->v.device, b, 1, self->cfg_off + self->cfg_size), EFAULT);
	EXPECT_ERRNO(pread(self->v.device, b, 4, self->cfg_off + self->cfg_size - 2), EFAULT);
	EXPECT_ERRNO(pwrite(self->v.device, b, 4, self->cfg_off + self->cfg_size), EFAULT);
	EXPECT_ERRNO(pread(self->v.device, b, 8, self->cfg_off + self->cfg_size - 4), EFAULT);
	EXPECT_EQ(pread(self->v.device, b, 4, self->cfg_off + self->cfg_size - 4), 4);
}

TEST_HARNESS_MAIN
