// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mtty - the uAPI of the mtty sample driver, seen from userspace.
 *
 * The "mtty" fixture creates one card of the variant's type and opens it
 * through a container and group; every TEST_F runs once per card type.
 * The plain TESTs at the end manage their own cards: several at once,
 * create/remove cycles and the port pool's accounting.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko and samples/mtty.ko loaded
 * with the default pool of 24 ports (tests/modules.load).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <linux/pci_regs.h>
#include <linux/serial_reg.h>
#include <linux/vfio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "harness.h"
#include "vfio_util.h"

#define PARENT		"mtty"
#define POOL_PORTS	24		/* the module's default */
#define MSI_CAP		0x50		/* where mtty puts its MSI capability */

#define NO_IRQ_MS	50		/* how long "nothing arrives" is watched */
#define IRQ_MS		2000		/* how long an expected interrupt may take */

/* ---- access helpers ---------------------------------------------------- */

static uint64_t region_offset(int fd, unsigned int index)
{
	struct vfio_region_info info;

	if (vu_region_info(fd, index, &info))
		return ~0ULL;
	return info.offset;
}

/* Little-endian load/store of 1, 2 or 4 bytes at @off of region @index. */
static int region_read(int fd, unsigned int index, uint64_t off, int size,
		       uint32_t *val)
{
	uint8_t b[4] = { 0 };
	ssize_t n;

	n = pread(fd, b, size, region_offset(fd, index) + off);
	if (n != size)
		return -1;
	*val = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

static int region_write(int fd, unsigned int index, uint64_t off, int size,
			uint32_t val)
{
	uint8_t b[4] = { val, val >> 8, val >> 16, val >> 24 };

	return pwrite(fd, b, size, region_offset(fd, index) + off) == size ? 0 : -1;
}

static uint32_t cfg_rd(int fd, unsigned int off, int size)
{
	uint32_t val = 0xdeadbeef;

	region_read(fd, VFIO_PCI_CONFIG_REGION_INDEX, off, size, &val);
	return val;
}

static int cfg_wr(int fd, unsigned int off, int size, uint32_t val)
{
	return region_write(fd, VFIO_PCI_CONFIG_REGION_INDEX, off, size, val);
}

/* UART register @reg of port @port (behind BAR @port). */
static int uart_rd(int fd, int port, unsigned int reg)
{
	uint32_t val;

	if (region_read(fd, VFIO_PCI_BAR0_REGION_INDEX + port, reg, 1, &val))
		return -1;
	return val;
}

static int uart_wr(int fd, int port, unsigned int reg, uint8_t val)
{
	return region_write(fd, VFIO_PCI_BAR0_REGION_INDEX + port, reg, 1, val);
}

static int irq_set(int fd, unsigned int index, uint32_t flags, uint32_t count,
		   const void *data, size_t size)
{
	char buf[sizeof(struct vfio_irq_set) + 16];
	struct vfio_irq_set *set = (void *)buf;

	set->argsz = sizeof(*set) + size;
	set->flags = flags;
	set->index = index;
	set->start = 0;
	set->count = count;
	memcpy(set->data, data, size);
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, set);
}

static int intx_action(int fd, uint32_t action)
{
	return irq_set(fd, VFIO_PCI_INTX_IRQ_INDEX,
		       VFIO_IRQ_SET_DATA_NONE | action, 1, NULL, 0);
}

static int device_reset(int fd)
{
	return ioctl(fd, VFIO_DEVICE_RESET);
}

/* Counter of @efd if it fired within @ms, 0 if not. */
static long irq_wait(int efd, int ms)
{
	return vu_eventfd_wait(efd, ms);
}

/*
 * The four interrupt sources of a 16550A, each with what enables it and
 * how the test provokes and then clears it on port @port.
 */
enum cause { CAUSE_RX, CAUSE_THRE, CAUSE_LSR, CAUSE_MSR, NR_CAUSES };

static const struct {
	const char *name;
	uint8_t ier;
	uint8_t iir;
} causes[NR_CAUSES] = {
	[CAUSE_RX]   = { "received data",   UART_IER_RDI,  UART_IIR_RDI },
	[CAUSE_THRE] = { "THR empty",       UART_IER_THRI, UART_IIR_THRI },
	[CAUSE_LSR]  = { "line status",     UART_IER_RLSI, UART_IIR_RLSI },
	[CAUSE_MSR]  = { "modem status",    UART_IER_MSI,  UART_IIR_MSI },
};

static void provoke(int fd, int port, enum cause c)
{
	switch (c) {
	case CAUSE_RX:
		uart_wr(fd, port, UART_TX, 'x');
		break;
	case CAUSE_THRE:
		break;		/* enabling it is enough: THR is empty */
	case CAUSE_LSR:
		/* FIFOs off: a second byte overruns the first. */
		uart_wr(fd, port, UART_TX, 'a');
		uart_wr(fd, port, UART_TX, 'b');
		break;
	case CAUSE_MSR:
	default:
		uart_wr(fd, port, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
		break;
	}
	uart_wr(fd, port, UART_IER, causes[c].ier);
}

/* Clear the condition again, so the interrupt line goes down. */
static void quiesce(int fd, int port)
{
	uart_wr(fd, port, UART_IER, 0);
	while (uart_rd(fd, port, UART_LSR) & UART_LSR_DR)
		uart_rd(fd, port, UART_RX);
	uart_rd(fd, port, UART_MSR);
	uart_rd(fd, port, UART_IIR);
}

/* ---- the fixture: one card of each type ------------------------------- */

FIXTURE(mtty) {
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int fd;		/* == v.device */
	int efd;	/* an eventfd for interrupt tests */
};

FIXTURE_VARIANT(mtty) {
	const char *type;
	int nr_ports;
	uint16_t device_id;
};

FIXTURE_VARIANT_ADD(mtty, one_port) {
	.type = "mtty-1", .nr_ports = 1, .device_id = 0x0500,
};

FIXTURE_VARIANT_ADD(mtty, two_port) {
	.type = "mtty-2", .nr_ports = 2, .device_id = 0x0100,
};

FIXTURE_SETUP(mtty)
{
	char path[256];

	self->v.container = self->v.group = self->v.device = -1;
	self->fd = -1;
	self->efd = -1;
	self->uuid[0] = '\0';

	vu_type_path(path, sizeof(path), PARENT, variant->type);
	if (!vu_path_exists(path))
		SKIP("no %s: mtty.ko not loaded", path);

	ASSERT_EQ(vu_mdev_create(PARENT, variant->type, self->uuid), 0);
	ASSERT_EQ(vu_vfio_open(&self->v, self->uuid), 0);
	self->fd = self->v.device;
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(self->efd, 0);
}

FIXTURE_TEARDOWN(mtty)
{
	if (self->efd >= 0)
		close(self->efd);
	vu_vfio_close(&self->v);
	if (self->uuid[0] && vu_mdev_exists(self->uuid))
		vu_mdev_remove(self->uuid);
}

/* ---- device, region and irq info ----------------------------------------- */

TEST_F(mtty, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->fd, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_EQ(info.flags & (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET),
		  VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(info.num_regions, VFIO_PCI_NUM_REGIONS);
	EXPECT_EQ(info.num_irqs, VFIO_PCI_NUM_IRQS);

	/* argsz shorter than the fixed part */
	info.argsz = offsetof(struct vfio_device_info, num_irqs);
	ASSERT_ERRNO(ioctl(self->fd, VFIO_DEVICE_GET_INFO, &info), EINVAL);

	/* a longer argsz is fine: newer userspace */
	info.argsz = sizeof(info) + 64;
	ASSERT_EQ(ioctl(self->fd, VFIO_DEVICE_GET_INFO, &info), 0);

	ASSERT_ERRNO(ioctl(self->fd, _IO(VFIO_TYPE, VFIO_BASE + 60)), ENOTTY);
}

TEST_F(mtty, region_info)
{
	struct vfio_region_info info;
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		uint64_t size = 0;

		if (i == VFIO_PCI_CONFIG_REGION_INDEX)
			size = 256;
		else if (i < (unsigned int)variant->nr_ports)
			size = 8;

		ASSERT_EQ(vu_region_info(self->fd, i, &info), 0);
		EXPECT_EQ(info.index, i);
		EXPECT_EQ(info.offset, (uint64_t)i << 40);
		EXPECT_EQ(info.size, size);
		EXPECT_EQ(info.flags, size ? VFIO_REGION_INFO_FLAG_READ |
					     VFIO_REGION_INFO_FLAG_WRITE : 0);
	}

	ASSERT_EQ(vu_region_info(self->fd, VFIO_PCI_NUM_REGIONS, &info), -EINVAL);
	ASSERT_EQ(vu_region_info(self->fd, ~0u, &info), -EINVAL);

	memset(&info, 0, sizeof(info));
	info.argsz = offsetof(struct vfio_region_info, offset);
	ASSERT_ERRNO(ioctl(self->fd, VFIO_DEVICE_GET_REGION_INFO, &info), EINVAL);
}

TEST_F(mtty, irq_info)
{
	static const struct { uint32_t count, flags; } want[VFIO_PCI_NUM_IRQS] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED },
		[VFIO_PCI_MSI_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_NORESIZE },
		[VFIO_PCI_MSIX_IRQ_INDEX] = { 0, 0 },
		[VFIO_PCI_ERR_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
		[VFIO_PCI_REQ_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
	};
	struct vfio_irq_info info;
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ASSERT_EQ(vu_irq_info(self->fd, i, &info), 0);
		EXPECT_EQ(info.count, want[i].count);
		EXPECT_EQ(info.flags, want[i].flags);
	}
	ASSERT_EQ(vu_irq_info(self->fd, VFIO_PCI_NUM_IRQS, &info), -EINVAL);

	memset(&info, 0, sizeof(info));
	info.argsz = offsetof(struct vfio_irq_info, count);
	ASSERT_ERRNO(ioctl(self->fd, VFIO_DEVICE_GET_IRQ_INFO, &info), EINVAL);
}

/* ---- config space -------------------------------------------------------- */

TEST_F(mtty, config_identity)
{
	uint8_t cfg[256];

	EXPECT_EQ(cfg_rd(self->fd, PCI_VENDOR_ID, 2), 0x1407);
	EXPECT_EQ(cfg_rd(self->fd, PCI_DEVICE_ID, 2), variant->device_id);
	EXPECT_EQ(cfg_rd(self->fd, PCI_CLASS_REVISION, 4) >> 8, 0x070002);
	EXPECT_EQ(cfg_rd(self->fd, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	EXPECT_EQ(cfg_rd(self->fd, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1407);
	EXPECT_EQ(cfg_rd(self->fd, PCI_SUBSYSTEM_ID, 2), variant->device_id);
	EXPECT_EQ(cfg_rd(self->fd, PCI_INTERRUPT_PIN, 1), 1);
	EXPECT_EQ(cfg_rd(self->fd, PCI_COMMAND, 2), 0);

	/* A capability list holding exactly one MSI capability. */
	EXPECT_TRUE(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	EXPECT_EQ(cfg_rd(self->fd, PCI_CAPABILITY_LIST, 1), MSI_CAP);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_CAP_LIST_ID, 1), PCI_CAP_ID_MSI);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_CAP_LIST_NEXT, 1), 0);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_64BIT);

	/* One read of the whole space, as QEMU does, agrees with the small ones. */
	ASSERT_EQ(pread(self->fd, cfg, sizeof(cfg),
			region_offset(self->fd, VFIO_PCI_CONFIG_REGION_INDEX)), 256);
	EXPECT_EQ(cfg[0] | cfg[1] << 8, 0x1407);
	EXPECT_EQ(cfg[PCI_CAPABILITY_LIST], MSI_CAP);
}

TEST_F(mtty, config_read_only_fields)
{
	static const struct { unsigned int off; int size; } ro[] = {
		{ PCI_VENDOR_ID, 4 }, { PCI_CLASS_REVISION, 4 },
		{ PCI_HEADER_TYPE, 1 }, { PCI_BIST, 1 }, { PCI_CARDBUS_CIS, 4 },
		{ PCI_SUBSYSTEM_VENDOR_ID, 4 }, { PCI_CAPABILITY_LIST, 1 },
		{ PCI_INTERRUPT_PIN, 1 }, { PCI_MIN_GNT, 1 }, { PCI_MAX_LAT, 1 },
		{ MSI_CAP, 2 }, { 0x40, 4 }, { 0x80, 4 }, { 0xfc, 4 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		uint32_t before = cfg_rd(self->fd, ro[i].off, ro[i].size);

		ASSERT_EQ(cfg_wr(self->fd, ro[i].off, ro[i].size, 0xffffffff), 0);
		EXPECT_EQ(cfg_rd(self->fd, ro[i].off, ro[i].size), before);
		ASSERT_EQ(cfg_wr(self->fd, ro[i].off, ro[i].size, 0), 0);
		EXPECT_EQ(cfg_rd(self->fd, ro[i].off, ro[i].size), before);
	}
}

TEST_F(mtty, config_writable_fields)
{
	static const struct { unsigned int off; int size; } rw[] = {
		{ PCI_CACHE_LINE_SIZE, 1 }, { PCI_LATENCY_TIMER, 1 },
		{ PCI_INTERRUPT_LINE, 1 },
	};
	uint32_t status;
	unsigned int i;

	for (i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		ASSERT_EQ(cfg_wr(self->fd, rw[i].off, rw[i].size, 0xa5), 0);
		EXPECT_EQ(cfg_rd(self->fd, rw[i].off, rw[i].size), 0xa5);
		ASSERT_EQ(cfg_wr(self->fd, rw[i].off, rw[i].size, 0), 0);
		EXPECT_EQ(cfg_rd(self->fd, rw[i].off, rw[i].size), 0);
	}

	/* Command: I/O, bus master, parity, SERR and INTx disable stick. */
	ASSERT_EQ(cfg_wr(self->fd, PCI_COMMAND, 2, 0xffff), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_COMMAND, 2),
		  PCI_COMMAND_IO | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
		  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	ASSERT_EQ(cfg_wr(self->fd, PCI_COMMAND, 2, PCI_COMMAND_IO), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_COMMAND, 2), PCI_COMMAND_IO);

	/* Status: errors are write-one-to-clear, the rest read-only. */
	status = cfg_rd(self->fd, PCI_STATUS, 2);
	ASSERT_EQ(cfg_wr(self->fd, PCI_STATUS, 2, 0xffff), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_STATUS, 2), status);

	/* A dword write over command and status only changes command. */
	ASSERT_EQ(cfg_wr(self->fd, PCI_COMMAND, 4, 0xffff0000 | PCI_COMMAND_MASTER), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
	EXPECT_TRUE(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);

	/* MSI: enable and QSIZE, the address (dword aligned) and data stick. */
	ASSERT_EQ(cfg_wr(self->fd, MSI_CAP + PCI_MSI_FLAGS, 2, 0xffff), 0);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_MSI_FLAGS, 2),
		  PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	ASSERT_EQ(cfg_wr(self->fd, MSI_CAP + PCI_MSI_ADDRESS_LO, 4, 0xfee01237), 0);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_MSI_ADDRESS_LO, 4), 0xfee01234);
	ASSERT_EQ(cfg_wr(self->fd, MSI_CAP + PCI_MSI_ADDRESS_HI, 4, 0x12345678), 0);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_MSI_ADDRESS_HI, 4), 0x12345678);
	ASSERT_EQ(cfg_wr(self->fd, MSI_CAP + PCI_MSI_DATA_64, 4, 0xffff4041), 0);
	EXPECT_EQ(cfg_rd(self->fd, MSI_CAP + PCI_MSI_DATA_64, 4), 0x4041);
}

TEST_F(mtty, config_bar_sizing)
{
	int bar;

	for (bar = 0; bar < 6; bar++) {
		unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
		int implemented = bar < variant->nr_ports;

		EXPECT_EQ(cfg_rd(self->fd, off, 4),
			  implemented ? PCI_BASE_ADDRESS_SPACE_IO : 0);
		ASSERT_EQ(cfg_wr(self->fd, off, 4, 0xffffffff), 0);
		/* 8 bytes of I/O space: ~(8 - 1), plus the I/O indicator */
		EXPECT_EQ(cfg_rd(self->fd, off, 4), implemented ? 0xfffffff9 : 0);
		ASSERT_EQ(cfg_wr(self->fd, off, 4, 0xc010 + 8 * bar + 7), 0);
		EXPECT_EQ(cfg_rd(self->fd, off, 4),
			  implemented ? (0xc010 + 8 * bar) | 1 : 0);
	}

	/* No expansion ROM: reads 0 after sizing. */
	ASSERT_EQ(cfg_wr(self->fd, PCI_ROM_ADDRESS, 4, 0xffffffff), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_ROM_ADDRESS, 4), 0);
	ASSERT_EQ(cfg_wr(self->fd, PCI_ROM_ADDRESS, 4, 0xfffff801), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_ROM_ADDRESS, 4), 0);
}

TEST_F(mtty, bad_offsets_and_sizes)
{
	uint64_t cfg = region_offset(self->fd, VFIO_PCI_CONFIG_REGION_INDEX);
	uint64_t bar0 = region_offset(self->fd, VFIO_PCI_BAR0_REGION_INDEX);
	uint8_t buf[512] = { 0 };
	unsigned int i;

	/* Every size that fits is fine. */
	ASSERT_EQ(pread(self->fd, buf, 1, cfg + 255), 1);
	ASSERT_EQ(pread(self->fd, buf, 2, cfg + 254), 2);
	ASSERT_EQ(pread(self->fd, buf, 4, cfg + 252), 4);
	ASSERT_EQ(pread(self->fd, buf, 8, bar0), 8);

	/* Anything reaching past the end of a region is not. */
	ASSERT_ERRNO(pread(self->fd, buf, 1, cfg + 256), EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 4, cfg + 254), EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 257, cfg), EINVAL);
	ASSERT_ERRNO(pwrite(self->fd, buf, 2, cfg + 255), EINVAL);
	ASSERT_ERRNO(pwrite(self->fd, buf, 1, cfg + 4096), EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 1, bar0 + 8), EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 4, bar0 + 6), EINVAL);
	ASSERT_ERRNO(pwrite(self->fd, buf, 9, bar0), EINVAL);
	ASSERT_ERRNO(pwrite(self->fd, buf, 2, bar0 + 7), EINVAL);

	/* Regions of size 0, and indexes beyond the last region. */
	for (i = variant->nr_ports; i < VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		ASSERT_ERRNO(pread(self->fd, buf, 1, (uint64_t)i << 40), EINVAL);
		ASSERT_ERRNO(pwrite(self->fd, buf, 1, (uint64_t)i << 40), EINVAL);
	}
	ASSERT_ERRNO(pread(self->fd, buf, 1, (uint64_t)VFIO_PCI_VGA_REGION_INDEX << 40),
		     EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 1, (uint64_t)VFIO_PCI_NUM_REGIONS << 40),
		     EINVAL);
	ASSERT_ERRNO(pread(self->fd, buf, 1, (uint64_t)0x7fff << 40), EINVAL);
}

/* ---- the UART registers ------------------------------------------------ */

TEST_F(mtty, uart_reset_values)
{
	int p;

	for (p = 0; p < variant->nr_ports; p++) {
		EXPECT_EQ(uart_rd(self->fd, p, UART_IER), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_NO_INT);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LCR), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_MCR), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_THRE | UART_LSR_TEMT);
		/* Cabled to a peer that is ready: DCD, DSR, CTS; no deltas. */
		EXPECT_EQ(uart_rd(self->fd, p, UART_MSR),
			  UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
		EXPECT_EQ(uart_rd(self->fd, p, UART_SCR), 0);
	}
}

TEST_F(mtty, uart_plain_registers)
{
	int p;

	for (p = 0; p < variant->nr_ports; p++) {
		/* SCR and LCR: every bit */
		ASSERT_EQ(uart_wr(self->fd, p, UART_SCR, 0x5a), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_SCR), 0x5a);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, 0x3b), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LCR), 0x3b);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_WLEN8), 0);

		/* IER and MCR: the bits a 16550A has */
		ASSERT_EQ(uart_wr(self->fd, p, UART_IER, 0xff), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IER), 0x0f);
		ASSERT_EQ(uart_wr(self->fd, p, UART_IER, 0), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, 0xff), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_MCR), 0x1f);
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, 0), 0);

		/* LSR and MSR ignore writes */
		ASSERT_EQ(uart_wr(self->fd, p, UART_LSR, 0xff), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	}
	/* Ports are independent. */
	if (variant->nr_ports == 2) {
		ASSERT_EQ(uart_wr(self->fd, 0, UART_SCR, 0x11), 0);
		ASSERT_EQ(uart_wr(self->fd, 1, UART_SCR, 0x22), 0);
		EXPECT_EQ(uart_rd(self->fd, 0, UART_SCR), 0x11);
		EXPECT_EQ(uart_rd(self->fd, 1, UART_SCR), 0x22);
	}
}

TEST_F(mtty, uart_divisor_latch)
{
	int p;

	for (p = 0; p < variant->nr_ports; p++) {
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_DLL, 0x0c), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_DLM, 0x34), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_DLL), 0x0c);
		EXPECT_EQ(uart_rd(self->fd, p, UART_DLM), 0x34);
		/* Nothing was sent nor enabled through the latch. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_WLEN8), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IER), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_DR, 0);
		/* and the latch keeps its value */
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_DLAB), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_DLL), 0x0c);
		EXPECT_EQ(uart_rd(self->fd, p, UART_DLM), 0x34);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, 0), 0);
	}
}

TEST_F(mtty, uart_loopback)
{
	static const char msg[] = "hello, mtty";
	uint32_t val;
	int p, q;
	size_t i;

	for (p = 0; p < variant->nr_ports; p++) {
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, UART_FCR_ENABLE_FIFO), 0);
		for (i = 0; i < sizeof(msg) - 1; i++)
			ASSERT_EQ(uart_wr(self->fd, p, UART_TX, msg[i]), 0);

		/* Nothing shows up on the other port. */
		for (q = 0; q < variant->nr_ports; q++)
			if (q != p)
				EXPECT_EQ(uart_rd(self->fd, q, UART_LSR) & UART_LSR_DR, 0);

		for (i = 0; i < sizeof(msg) - 1; i++) {
			EXPECT_TRUE(uart_rd(self->fd, p, UART_LSR) & UART_LSR_DR);
			EXPECT_EQ(uart_rd(self->fd, p, UART_RX), msg[i]);
		}
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_THRE | UART_LSR_TEMT);
	}

	/* Wider accesses are one byte access per register, in order. */
	ASSERT_EQ(region_write(self->fd, VFIO_PCI_BAR0_REGION_INDEX,
			       UART_TX, 2, 'z' | UART_IER_RDI << 8), 0);
	EXPECT_EQ(uart_rd(self->fd, 0, UART_IER), UART_IER_RDI);
	EXPECT_EQ(uart_rd(self->fd, 0, UART_RX), 'z');
	ASSERT_EQ(region_write(self->fd, VFIO_PCI_BAR0_REGION_INDEX,
			       UART_LCR, 2, 0x03 | UART_MCR_DTR << 8), 0);
	ASSERT_EQ(region_read(self->fd, VFIO_PCI_BAR0_REGION_INDEX,
			      UART_LCR, 2, &val), 0);
	EXPECT_EQ(val, 0x03 | UART_MCR_DTR << 8);
	ASSERT_EQ(region_read(self->fd, VFIO_PCI_BAR0_REGION_INDEX,
			      UART_IER, 4, &val), 0);
	/* IER, IIR (nothing pending: IER is RDI only, RX empty), LCR, MCR */
	EXPECT_EQ(val, UART_IER_RDI | (0xc0 | UART_IIR_NO_INT) << 8 |
		  0x03 << 16 | (uint32_t)UART_MCR_DTR << 24);
}

TEST_F(mtty, uart_fifo_fill_and_overrun)
{
	int p, i;

	for (p = 0; p < variant->nr_ports; p++) {
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, UART_FCR_ENABLE_FIFO |
				  UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR) & 0xc0, 0xc0);

		for (i = 0; i < 16; i++)
			ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'A' + i), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);

		/* The 17th byte does not fit: overrun, and it is lost. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '!'), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_DR | UART_LSR_OE | UART_LSR_THRE | UART_LSR_TEMT);
		/* Reading LSR cleared OE. */
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_OE, 0);

		for (i = 0; i < 16; i++)
			EXPECT_EQ(uart_rd(self->fd, p, UART_RX), 'A' + i);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_DR, 0);

		/* Clearing the receive FIFO drops what it holds. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'q'), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, UART_FCR_ENABLE_FIFO |
				  UART_FCR_CLEAR_RCVR), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_DR, 0);

		/* FIFOs off: IIR says so, and the buffer holds one byte. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, 0), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_NO_INT);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '1'), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_OE, 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '2'), 0);
		EXPECT_TRUE(uart_rd(self->fd, p, UART_LSR) & UART_LSR_OE);
		EXPECT_EQ(uart_rd(self->fd, p, UART_RX), '2');
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_DR, 0);
	}
}

TEST_F(mtty, uart_break)
{
	int p;

	for (p = 0; p < variant->nr_ports; p++) {
		/* A break is a zero character with BI (and FIFOE with FIFOs). */
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, UART_FCR_ENABLE_FIFO), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_IER, UART_IER_RLSI), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_SBC | UART_LCR_WLEN8), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), 0xc0 | UART_IIR_RLSI);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_FIFOE | UART_LSR_TEMT | UART_LSR_THRE |
			  UART_LSR_BI | UART_LSR_DR);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_TEMT | UART_LSR_THRE | UART_LSR_DR);
		EXPECT_EQ(uart_rd(self->fd, p, UART_RX), 0);
		/* Holding the break sends nothing more; a new one does. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_SBC), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR) & UART_LSR_DR, 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, 0), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), 0xc0 | UART_IIR_NO_INT);
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, 0), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, UART_LCR_SBC), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR),
			  UART_LSR_TEMT | UART_LSR_THRE | UART_LSR_BI | UART_LSR_DR);
		ASSERT_EQ(uart_wr(self->fd, p, UART_LCR, 0), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_IER, 0), 0);
	}
}

TEST_F(mtty, uart_modem_status)
{
	int p;

	for (p = 0; p < variant->nr_ports; p++) {
		/* Loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, UART_MCR_LOOP | 0x0a), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_MSR) & 0xf0,
			  UART_MSR_DCD | UART_MSR_CTS);
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, UART_MCR_LOOP | 0x05), 0);
		/* DCD and CTS fell, DSR rose: three deltas; RI rose: no TERI */
		EXPECT_EQ(uart_rd(self->fd, p, UART_MSR),
			  UART_MSR_RI | UART_MSR_DSR | UART_MSR_DDCD |
			  UART_MSR_DDSR | UART_MSR_DCTS);
		/* Deltas clear on read. */
		EXPECT_EQ(uart_rd(self->fd, p, UART_MSR), UART_MSR_RI | UART_MSR_DSR);
		/* RI trailing edge */
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_MSR), UART_MSR_DSR | UART_MSR_TERI);
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, 0), 0);
		uart_rd(self->fd, p, UART_MSR);
	}
}

TEST_F(mtty, uart_iir_priority)
{
	int p;

	for (p = 0; p < variant->nr_ports; p++) {
		/* FIFOs off, so one byte already crosses the trigger level. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'a'), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'b'), 0);	/* overrun */
		ASSERT_EQ(uart_wr(self->fd, p, UART_IER, 0x0f), 0);

		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_RLSI);
		uart_rd(self->fd, p, UART_LSR);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_RDI);
		EXPECT_EQ(uart_rd(self->fd, p, UART_RX), 'b');
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_THRI);
		/* reporting THRE acknowledged it */
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_MSI);
		uart_rd(self->fd, p, UART_MSR);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_NO_INT);

		/* With FIFOs: below the trigger level, a character timeout. */
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, UART_FCR_ENABLE_FIFO |
				  UART_FCR_R_TRIG_01), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'c'), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), 0xc0 | UART_IIR_RX_TIMEOUT);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'd'), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'e'), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_TX, 'f'), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), 0xc0 | UART_IIR_RDI);
		quiesce(self->fd, p);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), 0xc0 | UART_IIR_NO_INT);
		ASSERT_EQ(uart_wr(self->fd, p, UART_MCR, 0), 0);
		ASSERT_EQ(uart_wr(self->fd, p, UART_FCR, 0), 0);
	}
}

TEST_F(mtty, reset)
{
	int p;

	ASSERT_EQ(cfg_wr(self->fd, PCI_COMMAND, 2, PCI_COMMAND_IO), 0);
	ASSERT_EQ(cfg_wr(self->fd, PCI_BASE_ADDRESS_0, 4, 0xc000), 0);
	for (p = 0; p < variant->nr_ports; p++) {
		uart_wr(self->fd, p, UART_FCR, UART_FCR_ENABLE_FIFO);
		uart_wr(self->fd, p, UART_TX, 'r');
		uart_wr(self->fd, p, UART_IER, 0x0f);
		uart_wr(self->fd, p, UART_LCR, 0x03);
		uart_wr(self->fd, p, UART_SCR, 0x77);
	}

	ASSERT_EQ(device_reset(self->fd), 0);

	EXPECT_EQ(cfg_rd(self->fd, PCI_COMMAND, 2), 0);
	EXPECT_EQ(cfg_rd(self->fd, PCI_BASE_ADDRESS_0, 4), 0xc001);	/* kept */
	for (p = 0; p < variant->nr_ports; p++) {
		EXPECT_EQ(uart_rd(self->fd, p, UART_IER), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_IIR), UART_IIR_NO_INT);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LCR), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_SCR), 0);
		EXPECT_EQ(uart_rd(self->fd, p, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	}
}

/* ---- interrupts -------------------------------------------------------- */

/* Each IER bit raises the card's interrupt, on every port, as @index. */
static void check_each_enable_bit(struct th_self_mtty *self, int nr_ports,
				  unsigned int index)
{
	int p;
	enum cause c;

	ASSERT_EQ(vu_irq_set_eventfd(self->fd, index, self->efd), 0);
	for (p = 0; p < nr_ports; p++) {
		for (c = 0; c < NR_CAUSES; c++) {
			TH_LOG("port %d: %s", p, causes[c].name);
			ASSERT_EQ(irq_wait(self->efd, 0), 0);
			provoke(self->fd, p, c);
			ASSERT_EQ(irq_wait(self->efd, IRQ_MS), 1);
			EXPECT_TRUE(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
			/* (for THRE, this read acknowledges it) */
			EXPECT_EQ(uart_rd(self->fd, p, UART_IIR) & 0x0f, causes[c].iir);
			/* One event per assertion. */
			EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);

			quiesce(self->fd, p);
			EXPECT_EQ(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
			uart_wr(self->fd, p, UART_MCR, 0);
			uart_rd(self->fd, p, UART_MSR);
			if (index == VFIO_PCI_INTX_IRQ_INDEX)
				ASSERT_EQ(intx_action(self->fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
			EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);
		}
	}
	ASSERT_EQ(vu_irq_disable(self->fd, index), 0);
}

TEST_F(mtty, intx_each_enable_bit)
{
	check_each_enable_bit(self, variant->nr_ports, VFIO_PCI_INTX_IRQ_INDEX);
}

TEST_F(mtty, msi_each_enable_bit)
{
	check_each_enable_bit(self, variant->nr_ports, VFIO_PCI_MSI_IRQ_INDEX);
}

TEST_F(mtty, intx_mask_unmask)
{
	int p = variant->nr_ports - 1;	/* the last port shares the line */
	uint8_t no = 0;

	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, self->efd), 0);
	ASSERT_EQ(uart_wr(self->fd, p, UART_IER, UART_IER_RDI), 0);

	/* Fires once, then stays masked while asserted. */
	ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '1'), 0);
	ASSERT_EQ(irq_wait(self->efd, IRQ_MS), 1);
	EXPECT_TRUE(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);

	/* Deassert and reassert: still masked, so nothing. */
	EXPECT_EQ(uart_rd(self->fd, p, UART_RX), '1');
	EXPECT_EQ(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '2'), 0);
	EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);

	/* Unmasking with the line up fires (and masks) again. */
	ASSERT_EQ(intx_action(self->fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	ASSERT_EQ(irq_wait(self->efd, IRQ_MS), 1);
	EXPECT_EQ(uart_rd(self->fd, p, UART_RX), '2');
	ASSERT_EQ(intx_action(self->fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);

	/* An explicit mask holds an assertion back until unmask. */
	ASSERT_EQ(intx_action(self->fd, VFIO_IRQ_SET_ACTION_MASK), 0);
	ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '3'), 0);
	EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);
	ASSERT_EQ(intx_action(self->fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	ASSERT_EQ(irq_wait(self->efd, IRQ_MS), 1);
	EXPECT_EQ(uart_rd(self->fd, p, UART_RX), '3');

	/* A BOOL false is a no-op. */
	ASSERT_EQ(irq_set(self->fd, VFIO_PCI_INTX_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK,
			  1, &no, 1), 0);
	EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);

	/* The command register's INTx disable holds it back too. */
	ASSERT_EQ(intx_action(self->fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	ASSERT_EQ(cfg_wr(self->fd, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE), 0);
	ASSERT_EQ(uart_wr(self->fd, p, UART_TX, '4'), 0);
	EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);
	EXPECT_TRUE(cfg_rd(self->fd, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	ASSERT_EQ(cfg_wr(self->fd, PCI_COMMAND, 2, 0), 0);
	ASSERT_EQ(irq_wait(self->efd, IRQ_MS), 1);

	ASSERT_EQ(vu_irq_disable(self->fd, VFIO_PCI_INTX_IRQ_INDEX), 0);
	/* Mask and unmask need INTx set up. */
	ASSERT_ERRNO(intx_action(self->fd, VFIO_IRQ_SET_ACTION_UNMASK), EINVAL);
	ASSERT_ERRNO(intx_action(self->fd, VFIO_IRQ_SET_ACTION_MASK), EINVAL);
}

TEST_F(mtty, irq_pending_when_enabled)
{
	/* A condition that predates the eventfd is delivered when it is set. */
	ASSERT_EQ(uart_wr(self->fd, 0, UART_IER, UART_IER_THRI), 0);
	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_MSI_IRQ_INDEX, self->efd), 0);
	ASSERT_EQ(irq_wait(self->efd, IRQ_MS), 1);
	ASSERT_EQ(vu_irq_disable(self->fd, VFIO_PCI_MSI_IRQ_INDEX), 0);
}

TEST_F(mtty, irq_modes_exclusive)
{
	int efd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_GE(efd2, 0);
	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, self->efd), 0);
	EXPECT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_MSI_IRQ_INDEX, efd2), -EINVAL);
	/* Replacing the INTx eventfd is fine. */
	EXPECT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, efd2), 0);
	/* fd -1 tears INTx down, after which MSI may be set up. */
	EXPECT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, -1), 0);
	EXPECT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_MSI_IRQ_INDEX, efd2), 0);
	EXPECT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, self->efd), -EINVAL);
	EXPECT_EQ(vu_irq_disable(self->fd, VFIO_PCI_MSI_IRQ_INDEX), 0);
	EXPECT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, self->efd), 0);
	EXPECT_EQ(vu_irq_disable(self->fd, VFIO_PCI_INTX_IRQ_INDEX), 0);
	close(efd2);
}

TEST_F(mtty, irq_loopback_trigger)
{
	static const unsigned int idx[] = {
		VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
		VFIO_PCI_ERR_IRQ_INDEX, VFIO_PCI_REQ_IRQ_INDEX,
	};
	unsigned int i;
	uint8_t yes = 1, no = 0;

	/* Userspace can fire a trigger itself: DATA_NONE, or BOOL true. */
	for (i = 0; i < 4; i++) {
		TH_LOG("index %u", idx[i]);
		ASSERT_EQ(vu_irq_set_eventfd(self->fd, idx[i], self->efd), 0);
		ASSERT_EQ(irq_set(self->fd, idx[i], VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_TRIGGER, 1, NULL, 0), 0);
		EXPECT_EQ(irq_wait(self->efd, IRQ_MS), 1);
		ASSERT_EQ(irq_set(self->fd, idx[i], VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER, 1, &no, 1), 0);
		EXPECT_EQ(irq_wait(self->efd, NO_IRQ_MS), 0);
		ASSERT_EQ(irq_set(self->fd, idx[i], VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER, 1, &yes, 1), 0);
		EXPECT_EQ(irq_wait(self->efd, IRQ_MS), 1);
		ASSERT_EQ(vu_irq_disable(self->fd, idx[i]), 0);
	}
}

TEST_F(mtty, set_irqs_bad_requests)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
	};
	int32_t fds[2] = { self->efd, self->efd };
	int32_t badfd = 1000;

	/* argsz too small for the header */
	set.argsz = offsetof(struct vfio_irq_set, count);
	ASSERT_ERRNO(ioctl(self->fd, VFIO_DEVICE_SET_IRQS, &set), EINVAL);
	/* no such index; MSI-X has no vectors */
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_NUM_IRQS, set.flags, 0, NULL, 0), EINVAL);
	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_MSIX_IRQ_INDEX, self->efd),
		  -EINVAL);
	/* more vectors than there are */
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			     2, fds, sizeof(fds)), EINVAL);
	/* two data types, two actions */
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
			     VFIO_IRQ_SET_ACTION_TRIGGER, 1, fds, 1), EINVAL);
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK |
			     VFIO_IRQ_SET_ACTION_TRIGGER, 1, NULL, 0), EINVAL);
	/* argsz too small for the data */
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			     1, fds, 2), EINVAL);
	/* not an eventfd */
	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, 0), -EINVAL);
	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_INTX_IRQ_INDEX, badfd), -EBADF);
	/* MSI has no masking */
	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_MSI_IRQ_INDEX, self->efd), 0);
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			     1, NULL, 0), EINVAL);
	/* ERR and REQ are triggers only */
	ASSERT_ERRNO(irq_set(self->fd, VFIO_PCI_REQ_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			     1, NULL, 0), EINVAL);
	ASSERT_EQ(vu_irq_disable(self->fd, VFIO_PCI_MSI_IRQ_INDEX), 0);
}

struct remover {
	char uuid[VU_UUID_LEN + 1];
	int ret;
	int done;
};

static void *remove_thread(void *arg)
{
	struct remover *r = arg;

	r->ret = vu_mdev_remove(r->uuid);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(mtty, req_on_remove)
{
	struct remover r;
	pthread_t thread;

	ASSERT_EQ(vu_irq_set_eventfd(self->fd, VFIO_PCI_REQ_IRQ_INDEX, self->efd), 0);
	strcpy(r.uuid, self->uuid);
	r.done = 0;
	ASSERT_EQ(pthread_create(&thread, NULL, remove_thread, &r), 0);

	/* Removal blocks while we hold the device, and asks us to let go. */
	EXPECT_GE(irq_wait(self->efd, 10 * IRQ_MS), 1);
	EXPECT_FALSE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	vu_vfio_close(&self->v);
	self->fd = -1;

	ASSERT_EQ(pthread_join(thread, NULL), 0);
	EXPECT_EQ(r.ret, 0);
	EXPECT_FALSE(vu_mdev_exists(self->uuid));
}

/* ---- several cards, the pool ------------------------------------------- */

static int card_open(const char *type, char *uuid, struct vu_vfio *v)
{
	v->container = v->group = v->device = -1;
	if (vu_mdev_create(PARENT, type, uuid))
		return -1;
	if (vu_vfio_open(v, uuid)) {
		vu_mdev_remove(uuid);
		return -1;
	}
	return 0;
}

static void card_close(char *uuid, struct vu_vfio *v)
{
	vu_vfio_close(v);
	vu_mdev_remove(uuid);
}

static void need_mtty(void)
{
	char path[256];

	vu_type_path(path, sizeof(path), PARENT, "mtty-1");
	if (!vu_path_exists(path))
		SKIP("mtty.ko not loaded");
	if (vu_mdev_available(PARENT, "mtty-1") != POOL_PORTS)
		SKIP("pool not at its default of %d free ports", POOL_PORTS);
}

TEST(type_attributes)
{
	char path[256], buf[256];

	need_mtty();
	vu_type_path(path, sizeof(path), PARENT, "mtty-1");
	strcat(path, "/name");
	ASSERT_GE(vu_sysfs_read(path, buf, sizeof(buf)), 0);
	EXPECT_EQ(strcmp(buf, "Single port serial"), 0);

	vu_type_path(path, sizeof(path), PARENT, "mtty-2");
	strcat(path, "/name");
	ASSERT_GE(vu_sysfs_read(path, buf, sizeof(buf)), 0);
	EXPECT_EQ(strcmp(buf, "Dual port serial"), 0);

	vu_type_path(path, sizeof(path), PARENT, "mtty-2");
	strcat(path, "/device_api");
	ASSERT_GE(vu_sysfs_read(path, buf, sizeof(buf)), 0);
	EXPECT_EQ(strcmp(buf, VFIO_DEVICE_API_PCI_STRING), 0);

	vu_type_path(path, sizeof(path), PARENT, "mtty-2");
	strcat(path, "/description");
	ASSERT_GT(vu_sysfs_read(path, buf, sizeof(buf)), 0);
	TH_LOG("mtty-2: %s", buf);
	EXPECT_TRUE(strstr(buf, "2 16550A ports") != NULL);
}

TEST(two_cards_at_once)
{
	char u1[VU_UUID_LEN + 1], u2[VU_UUID_LEN + 1];
	struct vu_vfio a, b;

	need_mtty();
	ASSERT_EQ(card_open("mtty-1", u1, &a), 0);
	if (card_open("mtty-2", u2, &b)) {
		card_close(u1, &a);
		ASSERT_TRUE(0);
	}

	uart_wr(a.device, 0, UART_FCR, UART_FCR_ENABLE_FIFO);
	uart_wr(b.device, 0, UART_FCR, UART_FCR_ENABLE_FIFO);
	uart_wr(b.device, 1, UART_FCR, UART_FCR_ENABLE_FIFO);
	uart_wr(a.device, 0, UART_TX, 'a');
	uart_wr(b.device, 0, UART_TX, 'b');
	uart_wr(b.device, 1, UART_TX, 'c');
	uart_wr(a.device, 0, UART_SCR, 1);
	uart_wr(b.device, 0, UART_SCR, 2);

	EXPECT_EQ(uart_rd(a.device, 0, UART_RX), 'a');
	EXPECT_EQ(uart_rd(b.device, 0, UART_RX), 'b');
	EXPECT_EQ(uart_rd(b.device, 1, UART_RX), 'c');
	EXPECT_EQ(uart_rd(a.device, 0, UART_LSR) & UART_LSR_DR, 0);
	EXPECT_EQ(uart_rd(a.device, 0, UART_SCR), 1);
	EXPECT_EQ(uart_rd(b.device, 0, UART_SCR), 2);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), POOL_PORTS - 3);

	card_close(u1, &a);
	card_close(u2, &b);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), POOL_PORTS);
}

TEST(create_remove_cycles)
{
	char uuid[VU_UUID_LEN + 1];
	struct vu_vfio v;
	int i;

	need_mtty();
	for (i = 0; i < 20; i++) {
		const char *type = i & 1 ? "mtty-2" : "mtty-1";

		ASSERT_EQ(card_open(type, uuid, &v), 0);
		/* A new card starts from power-on whatever the last one did. */
		EXPECT_EQ(uart_rd(v.device, 0, UART_SCR), 0);
		uart_wr(v.device, 0, UART_SCR, 0xee);
		card_close(uuid, &v);
		EXPECT_FALSE(vu_mdev_exists(uuid));
		ASSERT_EQ(vu_mdev_available(PARENT, "mtty-1"), POOL_PORTS);
	}

	/* Created and removed without ever being opened. */
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(vu_mdev_create(PARENT, "mtty-2", uuid), 0);
		ASSERT_EQ(vu_mdev_remove(uuid), 0);
	}
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), POOL_PORTS / 2);
}

TEST(available_instances_accounting)
{
	char uuid[POOL_PORTS][VU_UUID_LEN + 1];
	char extra[VU_UUID_LEN + 1];
	int n = 0, free_ports = POOL_PORTS, i;

	need_mtty();
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), POOL_PORTS / 2);

	/* Two-port cards take two from the pool that both types share. */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(vu_mdev_create(PARENT, "mtty-2", uuid[n++]), 0);
		free_ports -= 2;
		EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), free_ports);
		EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), free_ports / 2);
	}
	/* Fill the rest with one-port cards; odd counts strand a port for mtty-2. */
	while (free_ports > 0) {
		ASSERT_EQ(vu_mdev_create(PARENT, "mtty-1", uuid[n++]), 0);
		free_ports--;
		EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), free_ports);
		EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), free_ports / 2);
		if (free_ports == 1)
			EXPECT_EQ(vu_mdev_create(PARENT, "mtty-2", extra), -ENOSPC);
	}

	/* The pool is empty: both types refuse cleanly. */
	EXPECT_EQ(vu_mdev_create(PARENT, "mtty-1", extra), -ENOSPC);
	EXPECT_EQ(vu_mdev_create(PARENT, "mtty-2", extra), -ENOSPC);
	EXPECT_FALSE(vu_mdev_exists(extra));
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), 0);

	/* Freeing one one-port card makes room for exactly one again. */
	ASSERT_EQ(vu_mdev_remove(uuid[--n]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), 1);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), 0);

	while (n > 0)
		EXPECT_EQ(vu_mdev_remove(uuid[--n]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), POOL_PORTS);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), POOL_PORTS / 2);
}

/* Hammer one card from several threads: the driver serialises accesses. */
struct hammer {
	int fd;
	int port;
	int loops;
};

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	int i;

	for (i = 0; i < h->loops; i++) {
		uart_wr(h->fd, h->port, UART_TX, i);
		uart_rd(h->fd, h->port, UART_LSR);
		uart_rd(h->fd, h->port, UART_IIR);
		uart_rd(h->fd, h->port, UART_RX);
		if (!(i % 16))
			ioctl(h->fd, VFIO_DEVICE_RESET);
	}
	return NULL;
}

TEST(concurrent_access)
{
	char uuid[VU_UUID_LEN + 1];
	struct hammer h[4];
	pthread_t thread[4];
	struct vu_vfio v;
	int efd, i;

	need_mtty();
	ASSERT_EQ(card_open("mtty-2", uuid, &v), 0);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(v.device, VFIO_PCI_INTX_IRQ_INDEX, efd), 0);
	uart_wr(v.device, 0, UART_IER, 0x0f);
	uart_wr(v.device, 1, UART_IER, 0x0f);

	for (i = 0; i < 4; i++) {
		h[i] = (struct hammer){ .fd = v.device, .port = i & 1, .loops = 2000 };
		ASSERT_EQ(pthread_create(&thread[i], NULL, hammer_thread, &h[i]), 0);
	}
	/* Meanwhile, keep unmasking, as a VMM would after each interrupt. */
	for (i = 0; i < 200; i++) {
		vu_eventfd_wait(efd, 1);
		intx_action(v.device, VFIO_IRQ_SET_ACTION_UNMASK);
	}
	for (i = 0; i < 4; i++)
		pthread_join(thread[i], NULL);

	/* Still a sane UART afterwards. */
	ASSERT_EQ(device_reset(v.device), 0);
	uart_wr(v.device, 1, UART_TX, 'k');
	EXPECT_EQ(uart_rd(v.device, 1, UART_RX), 'k');
	EXPECT_EQ(uart_rd(v.device, 1, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);

	close(efd);
	card_close(uuid, &v);
}

static int run(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret)
		TH_LOG("\"%s\" exited %d", cmd, ret);
	return ret;
}

/*
 * Reload the module with a pool of 3 ports; unloading removes the cards
 * that are left.  The test puts the default module back when it is done.
 */
TEST(module_param_and_unload)
{
	const char *top = getenv("TOP");
	char u[3][VU_UUID_LEN + 1];

	need_mtty();
	if (!top)
		SKIP("TOP is not set");

	/* Unloading the parent takes its (closed) cards with it. */
	ASSERT_EQ(vu_mdev_create(PARENT, "mtty-2", u[0]), 0);
	ASSERT_EQ(vu_mdev_create(PARENT, "mtty-1", u[1]), 0);
	ASSERT_EQ(run("rmmod mtty"), 0);
	EXPECT_FALSE(vu_mdev_exists(u[0]));
	EXPECT_FALSE(vu_mdev_exists(u[1]));
	EXPECT_FALSE(vu_path_exists(VU_MDEV_CLASS "/" PARENT));

	ASSERT_EQ(run("insmod %s/samples/mtty.ko ports=3", top), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), 3);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), 1);
	EXPECT_EQ(vu_mdev_create(PARENT, "mtty-2", u[0]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), 1);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), 0);
	EXPECT_EQ(vu_mdev_create(PARENT, "mtty-2", u[2]), -ENOSPC);
	EXPECT_EQ(vu_mdev_create(PARENT, "mtty-1", u[1]), 0);
	EXPECT_EQ(vu_mdev_create(PARENT, "mtty-1", u[2]), -ENOSPC);
	EXPECT_EQ(vu_mdev_remove(u[0]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-2"), 1);
	EXPECT_EQ(vu_mdev_remove(u[1]), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), 3);

	ASSERT_EQ(run("rmmod mtty"), 0);
	ASSERT_EQ(run("insmod %s/samples/mtty.ko", top), 0);
	EXPECT_EQ(vu_mdev_available(PARENT, "mtty-1"), POOL_PORTS);
}

TEST_HARNESS_MAIN
