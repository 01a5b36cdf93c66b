// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci on QEMU's "edu" device: a teaching device with an ID register,
 * a liveness register that inverts what is written, a factorial unit, an
 * interrupt it raises on demand (INTx or MSI) and a DMA engine with a 4 KiB
 * buffer.  Each case binds edu to vfio-pci, opens it through a type1v2
 * container and gives it back at the end.
 *
 * edu registers (BAR0): 0x00 id 0x010000ed, 0x04 liveness (reads ~value),
 * 0x08 factorial, 0x20 status (bit 0 computing), 0x24 irq status,
 * 0x60 raise irq, 0x64 ack irq, 0x80 DMA src, 0x88 DMA dst, 0x90 DMA count,
 * 0x98 DMA command (bit 0 start, bit 1 edu-to-RAM, bit 2 irq when done);
 * the DMA buffer is at edu address 0x40000.  edu masks DMA addresses to 28
 * bits, so our IOVAs stay below 256 MiB.
 *
 * runner-timeout: 600
 */
#define HARNESS_TIMEOUT 120
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <setjmp.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include "harness.h"
#include "pci_util.h"

#define EDU_ID		0x00
#define EDU_LIVE	0x04
#define EDU_FACT	0x08
#define EDU_STATUS	0x20
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_BUF	0x40000

#define DMA_IOVA	0x100000ULL
#define DMA_BAD_IOVA	0x800000ULL	/* never mapped */

static void __attribute__((constructor)) edu_load(void)
{
	if (pu_load_modules())
		fprintf(stderr, "# cannot load core/pci/vfio-pci*.ko\n");
	atexit(pu_unload_modules);
}

static int irq_set(int fd, unsigned int index, uint32_t flags,
		   unsigned int start, unsigned int count, const void *data,
		   size_t size)
{
	char buf[sizeof(struct vfio_irq_set) + 64];
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

static int intx_action(int fd, uint32_t action)
{
	return irq_set(fd, VFIO_PCI_INTX_IRQ_INDEX,
		       VFIO_IRQ_SET_DATA_NONE | action, 0, 1, NULL, 0);
}

/* Wait for the DMA command register's start bit to clear. */
static int edu_dma_wait(int fd)
{
	long long t0 = vu_now_ms();

	while (vu_now_ms() - t0 < 5000) {
		uint32_t cmd = pu_rd32(fd, PU_BAR0, EDU_DMA_CMD);

		if (!(cmd & 1))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static int edu_dma(int fd, uint64_t src, uint64_t dst, uint64_t cnt, bool to_ram)
{
	if (pu_wr64(fd, PU_BAR0, EDU_DMA_SRC, src) ||
	    pu_wr64(fd, PU_BAR0, EDU_DMA_DST, dst) ||
	    pu_wr64(fd, PU_BAR0, EDU_DMA_CNT, cnt) ||
	    pu_wr64(fd, PU_BAR0, EDU_DMA_CMD, 1 | (to_ram ? 2 : 0)))
		return -EIO;
	return edu_dma_wait(fd);
}

FIXTURE(edu) {
	struct pu_dev dev;
	struct vu_vfio v;
};

FIXTURE_SETUP(edu)
{
	int ret;

	memset(&self->dev, 0, sizeof(self->dev));
	self->v.container = self->v.group = self->v.device = -1;
	if (!pu_module_loaded("vfio_pci"))
		SKIP("vfio-pci is not loaded");
	if (pu_find(PU_EDU, self->dev.bdf, sizeof(self->dev.bdf)))
		SKIP("no edu device in this VM (tests/vm/vm.sh adds one)");
	ASSERT_EQ(pu_bind(&self->dev), 0);
	ret = pu_open(&self->v, self->dev.bdf);
	if (ret && errno == EPERM)
		SKIP("type1 refuses the group: no interrupt remapping in this kernel");
	ASSERT_EQ(ret, 0);
}

FIXTURE_TEARDOWN(edu)
{
	vu_vfio_close(&self->v);
	pu_unbind(&self->dev);
}

TEST_F(edu, group_viable)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	ASSERT_EQ(ioctl(self->v.group, VFIO_GROUP_GET_STATUS, &st), 0);
	EXPECT_TRUE(st.flags & VFIO_GROUP_FLAGS_VIABLE);
	EXPECT_TRUE(st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET);
	/* Not "vfio-noiommu": a real IOMMU group. */
	EXPECT_GE(pu_group(self->dev.bdf), 0);
}

TEST_F(edu, get_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_EQ(info.num_regions, VFIO_PCI_NUM_REGIONS);
	EXPECT_EQ(info.num_irqs, VFIO_PCI_NUM_IRQS);
	/* edu has no FLR, no PM reset and sits on the root bus. */
	EXPECT_FALSE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_RESET), EINVAL);

	info.argsz = 4;
	EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_GET_INFO, &info), EINVAL);
}

TEST_F(edu, region_info)
{
	struct vfio_region_info ri;
	unsigned int i;

	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_CONFIG_REGION_INDEX, &ri), 0);
	EXPECT_EQ(ri.size, 256);	/* conventional PCI: no extended space */
	EXPECT_EQ(ri.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	EXPECT_EQ(ri.offset, PU_OFF(VFIO_PCI_CONFIG_REGION_INDEX));

	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_BAR0_REGION_INDEX, &ri), 0);
	EXPECT_EQ(ri.size, 1 << 20);
	EXPECT_EQ(ri.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			    VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_EQ(ri.offset, PU_OFF(0));

	/* edu has only BAR0. */
	for (i = VFIO_PCI_BAR1_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		ASSERT_EQ(vu_region_info(self->v.device, i, &ri), 0);
		EXPECT_EQ(ri.size, 0);
		EXPECT_EQ(ri.flags, 0);
	}
	ASSERT_EQ(vu_region_info(self->v.device, VFIO_PCI_ROM_REGION_INDEX, &ri), 0);
	EXPECT_EQ(ri.size, 0);
	/* Not a VGA device: no VGA region. */
	EXPECT_EQ(vu_region_info(self->v.device, VFIO_PCI_VGA_REGION_INDEX, &ri), -EINVAL);
	EXPECT_EQ(vu_region_info(self->v.device, VFIO_PCI_NUM_REGIONS, &ri), -EINVAL);
}

TEST_F(edu, irq_info)
{
	struct vfio_irq_info ii;

	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_INTX_IRQ_INDEX, &ii), 0);
	EXPECT_EQ(ii.count, 1);
	EXPECT_EQ(ii.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			    VFIO_IRQ_INFO_AUTOMASKED);
	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSI_IRQ_INDEX, &ii), 0);
	EXPECT_EQ(ii.count, 1);
	EXPECT_EQ(ii.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_MSIX_IRQ_INDEX, &ii), 0);
	EXPECT_EQ(ii.count, 0);
	/* edu is a conventional PCI device: no AER, so no ERR irq. */
	EXPECT_EQ(vu_irq_info(self->v.device, VFIO_PCI_ERR_IRQ_INDEX, &ii), -EINVAL);
	ASSERT_EQ(vu_irq_info(self->v.device, VFIO_PCI_REQ_IRQ_INDEX, &ii), 0);
	EXPECT_EQ(ii.count, 1);
	EXPECT_EQ(vu_irq_info(self->v.device, VFIO_PCI_NUM_IRQS, &ii), -EINVAL);
}

TEST_F(edu, bar_read_write)
{
	int fd = self->v.device;
	uint32_t v;
	long long t0;

	EXPECT_EQ(pu_rd32(fd, PU_BAR0, EDU_ID), 0x010000ed);

	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_LIVE, 0x12345678), 0);
	EXPECT_EQ(pu_rd32(fd, PU_BAR0, EDU_LIVE), ~0x12345678u);

	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_FACT, 10), 0);
	t0 = vu_now_ms();
	while ((pu_rd32(fd, PU_BAR0, EDU_STATUS) & 1) && vu_now_ms() - t0 < 5000)
		usleep(1000);
	EXPECT_EQ(pu_rd32(fd, PU_BAR0, EDU_FACT), 3628800);

	/* Past the end of the BAR, and a region that is not there. */
	EXPECT_EQ(pu_rd(fd, PU_BAR0, 1 << 20, &v, 4), -EINVAL);
	EXPECT_EQ(pu_rd(fd, VFIO_PCI_BAR1_REGION_INDEX, 0, &v, 4), -EINVAL);
	EXPECT_EQ(pu_wr(fd, VFIO_PCI_ROM_REGION_INDEX, 0, &v, 4), -EINVAL);
	EXPECT_EQ(pu_rd(fd, VFIO_PCI_NUM_REGIONS + 1, 0, &v, 4), -EINVAL);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

TEST_F(edu, bar_mmap)
{
	int fd = self->v.device;
	volatile uint32_t *bar;
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	uint32_t v;
	int faulted;

	bar = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PU_OFF(0));
	ASSERT_NE(bar, MAP_FAILED);
	EXPECT_EQ(bar[EDU_ID / 4], 0x010000ed);
	bar[EDU_LIVE / 4] = 0xa5a5f00f;
	EXPECT_EQ(bar[EDU_LIVE / 4], ~0xa5a5f00fu);
	/* read(2) and the mapping see the same register. */
	EXPECT_EQ(pu_rd32(fd, PU_BAR0, EDU_LIVE), ~0xa5a5f00fu);

	/* Memory decode off: the mapping is zapped and faults with SIGBUS. */
	ASSERT_EQ(pu_cmd_update(fd, 0, PCI_COMMAND_MEMORY), 0);
	EXPECT_EQ(pu_rd(fd, PU_BAR0, EDU_ID, &v, 4), -EIO);
	sigaction(SIGBUS, &sa, &old);
	faulted = 0;
	if (sigsetjmp(bus_jmp, 1) == 0)
		v = bar[EDU_ID / 4];
	else
		faulted = 1;
	sigaction(SIGBUS, &old, NULL);
	EXPECT_TRUE(faulted);

	/* Decode on again: the next access faults the BAR back in. */
	ASSERT_EQ(pu_cmd_update(fd, PCI_COMMAND_MEMORY, 0), 0);
	EXPECT_EQ(bar[EDU_ID / 4], 0x010000ed);
	munmap((void *)bar, 1 << 20);

	/* Private, past the end, and BARs that are not there. */
	EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, PU_OFF(0)), MAP_FAILED);
	EXPECT_EQ(mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, PU_OFF(0) + (1 << 20) - 4096),
		  MAP_FAILED);
	EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, PU_OFF(1)), MAP_FAILED);
	EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		       PU_OFF(VFIO_PCI_CONFIG_REGION_INDEX)), MAP_FAILED);
}

TEST_F(edu, intx)
{
	int fd = self->v.device, efd, ufd;
	int32_t fdv;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(fd, VFIO_PCI_INTX_IRQ_INDEX, efd), 0);
	/* Another index cannot be enabled meanwhile. */
	fdv = efd;
	EXPECT_ERRNO(irq_set(fd, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			     0, 1, &fdv, 4), EINVAL);

	/* Fire: the eventfd is signalled and the line auto-masked. */
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_RAISE, 1), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 3000), 1);
	EXPECT_EQ(pu_rd32(fd, PU_BAR0, EDU_IRQ_STATUS), 1);

	/* Unmasked while still asserted: signalled again, masked again. */
	ASSERT_EQ(intx_action(fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 3000), 1);

	/* Acked, then unmasked: quiet. */
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_ACK, 1), 0);
	ASSERT_EQ(intx_action(fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 300), 0);

	/* Masked by the user: an interrupt waits until the unmask. */
	ASSERT_EQ(intx_action(fd, VFIO_IRQ_SET_ACTION_MASK), 0);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_RAISE, 2), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 300), 0);
	ASSERT_EQ(intx_action(fd, VFIO_IRQ_SET_ACTION_UNMASK), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 3000), 1);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_ACK, 2), 0);

	/* Unmask by eventfd (virqfd), as KVM's resampler does. */
	ufd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(ufd, 0);
	fdv = ufd;
	ASSERT_EQ(irq_set(fd, VFIO_PCI_INTX_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
			  0, 1, &fdv, 4), 0);
	ASSERT_EQ(eventfd_write(ufd, 1), 0);	/* unmask what the last one masked */
	usleep(200000);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_RAISE, 4), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 3000), 1);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_ACK, 4), 0);
	ASSERT_EQ(eventfd_write(ufd, 1), 0);
	usleep(200000);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_RAISE, 8), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 3000), 1);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_ACK, 8), 0);

	/* Loopback trigger, and bad ranges. */
	ASSERT_EQ(intx_action(fd, VFIO_IRQ_SET_ACTION_TRIGGER), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 1000), 1);
	EXPECT_ERRNO(irq_set(fd, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			     0, 2, NULL, 0), EINVAL);

	ASSERT_EQ(vu_irq_disable(fd, VFIO_PCI_INTX_IRQ_INDEX), 0);
	/* Without INTx enabled, masking is refused. */
	EXPECT_ERRNO(intx_action(fd, VFIO_IRQ_SET_ACTION_MASK), EINVAL);
	close(ufd);
	close(efd);
}

TEST_F(edu, msi)
{
	int fd = self->v.device, efd;
	uint8_t on = 1;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(fd, VFIO_PCI_MSI_IRQ_INDEX, efd), 0);
	/* An MSI is a memory write by the device: bus mastering on. */
	ASSERT_EQ(pu_cmd_update(fd, PCI_COMMAND_MASTER, 0), 0);

	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_RAISE, 0x10), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 3000), 1);
	ASSERT_EQ(pu_wr32(fd, PU_BAR0, EDU_IRQ_ACK, 0x10), 0);
	/* Edge triggered: nothing more comes. */
	EXPECT_EQ(vu_eventfd_wait(efd, 300), 0);

	/* Loopback with DATA_BOOL. */
	ASSERT_EQ(irq_set(fd, VFIO_PCI_MSI_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, 1, &on, 1), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 1000), 1);

	/* MSI has no masking here, and edu has one vector only. */
	EXPECT_ERRNO(irq_set(fd, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			     0, 1, NULL, 0), ENOTTY);
	EXPECT_ERRNO(irq_set(fd, VFIO_PCI_MSI_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			     1, 1, NULL, 0), EINVAL);

	ASSERT_EQ(vu_irq_disable(fd, VFIO_PCI_MSI_IRQ_INDEX), 0);
	ASSERT_EQ(pu_cmd_update(fd, 0, PCI_COMMAND_MASTER), 0);
	close(efd);
}

TEST_F(edu, req_irq)
{
	int fd = self->v.device, efd;
	int32_t fdv;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	fdv = efd;
	ASSERT_EQ(irq_set(fd, VFIO_PCI_REQ_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, 1, &fdv, 4), 0);
	ASSERT_EQ(irq_set(fd, VFIO_PCI_REQ_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, 1, NULL, 0), 0);
	EXPECT_GE(vu_eventfd_wait(efd, 1000), 1);
	/* REQ can only be triggered. */
	EXPECT_ERRNO(irq_set(fd, VFIO_PCI_REQ_IRQ_INDEX,
			     VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			     0, 1, NULL, 0), ENOTTY);
	fdv = -1;
	ASSERT_EQ(irq_set(fd, VFIO_PCI_REQ_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, 1, &fdv, 4), 0);
	close(efd);
}

TEST_F(edu, hot_reset_info_root_bus)
{
	struct vfio_pci_hot_reset_info info = { .argsz = sizeof(info) };

	/* A device on the root bus has neither a slot nor a bus to reset. */
	EXPECT_ERRNO(ioctl(self->v.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info),
		     ENODEV);
}

/* edu copies RAM -> its buffer -> RAM, through the IOMMU. */
TEST_F(edu, dma)
{
	int fd = self->v.device;
	uint8_t *buf;
	unsigned int i;

	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(buf, MAP_FAILED);
	for (i = 0; i < 256; i++)
		buf[i] = i ^ 0x5a;
	memset(buf + 1024, 0, 1024);
	ASSERT_EQ(vu_dma_map(self->v.container, buf, DMA_IOVA, 4096,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(pu_cmd_update(fd, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY, 0), 0);

	ASSERT_EQ(edu_dma(fd, DMA_IOVA, EDU_DMA_BUF, 256, false), 0);
	ASSERT_EQ(edu_dma(fd, EDU_DMA_BUF, DMA_IOVA + 1024, 256, true), 0);
	EXPECT_EQ(memcmp(buf, buf + 1024, 256), 0);
	TH_LOG("first bytes back: %02x %02x %02x", buf[1024], buf[1025], buf[1026]);

	ASSERT_EQ(vu_dma_unmap(self->v.container, DMA_IOVA, 4096, 0, NULL), 0);
	ASSERT_EQ(pu_cmd_update(fd, 0, PCI_COMMAND_MASTER), 0);
	munmap(buf, 4096);
}

/* Count kernel log lines after @marker that contain @what. */
static int dmesg_count_after(const char *marker, const char *what)
{
	char line[1024];
	int seen = 0, n = 0;
	FILE *f = popen("dmesg", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, marker))
			seen = 1, n = 0;
		else if (seen && strstr(line, what))
			n++;
	}
	pclose(f);
	return n;
}

/*
 * A DMA to an IOVA nobody mapped must not land anywhere: the IOMMU blocks
 * it and reports a DMAR fault.  The fault is expected: the marker in the
 * log says so, and the runner does not count DMAR lines as failures.
 */
TEST_F(edu, dma_unmapped_faults)
{
	int fd = self->v.device, kmsg;
	char marker[128], fault[64];
	uint8_t *buf;
	unsigned int i;

	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(buf, MAP_FAILED);
	memset(buf, 0xcc, 4096);
	ASSERT_EQ(vu_dma_map(self->v.container, buf, DMA_IOVA, 4096,
			     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	ASSERT_EQ(pu_cmd_update(fd, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY, 0), 0);

	snprintf(marker, sizeof(marker), "test_pci_edu: expect a DMAR fault from %s at 0x%llx",
		 self->dev.bdf + 5, DMA_BAD_IOVA);
	kmsg = open("/dev/kmsg", O_WRONLY);
	ASSERT_GE(kmsg, 0);
	ASSERT_GT(write(kmsg, marker, strlen(marker)), 0);
	close(kmsg);

	for (i = 0; i < 64; i++)
		buf[i] = 0x11;
	ASSERT_EQ(edu_dma(fd, DMA_IOVA, EDU_DMA_BUF, 64, false), 0);
	ASSERT_EQ(edu_dma(fd, EDU_DMA_BUF, DMA_BAD_IOVA, 64, true), 0);
	/* Nothing mapped got written: our buffer beyond byte 64 is intact. */
	for (i = 64; i < 4096; i++)
		if (buf[i] != 0xcc)
			break;
	EXPECT_EQ(i, 4096);

	snprintf(fault, sizeof(fault), "fault addr 0x%llx", DMA_BAD_IOVA);
	for (i = 0; i < 20 && dmesg_count_after(marker, fault) <= 0; i++)
		usleep(100000);
	EXPECT_GT(dmesg_count_after(marker, fault), 0);

	ASSERT_EQ(vu_dma_unmap(self->v.container, DMA_IOVA, 4096, 0, NULL), 0);
	ASSERT_EQ(pu_cmd_update(fd, 0, PCI_COMMAND_MASTER), 0);
	munmap(buf, 4096);
}

/*
 * Unbinding waits for the user: it asks through the REQ irq, and
 * completes once the device fd is closed.
 */
TEST_F(edu, unbind_while_open)
{
	int fd = self->v.device, efd, status;
	char drv[64];
	int32_t fdv;
	pid_t pid;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	fdv = efd;
	ASSERT_EQ(irq_set(fd, VFIO_PCI_REQ_IRQ_INDEX,
			  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			  0, 1, &fdv, 4), 0);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Our copies of the fds would keep the device in use. */
		vu_vfio_close(&self->v);
		close(efd);
		_exit(vu_sysfs_write(PU_VFIO_PCI "/unbind", self->dev.bdf) ? 1 : 0);
	}

	EXPECT_GE(vu_eventfd_wait(efd, 10000), 1);
	/* The unbind is waiting for us. */
	ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0);

	vu_vfio_close(&self->v);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pu_driver(self->dev.bdf, drv, sizeof(drv));
	EXPECT_EQ(drv[0], '\0');
	close(efd);
}

/*
 * pci-testdev: a memory BAR and an I/O port BAR.  I/O BARs are read and
 * written through the device fd only, never mapped.
 */
FIXTURE(testdev) {
	struct pu_dev dev;
	struct vu_vfio v;
};

FIXTURE_SETUP(testdev)
{
	int ret;

	memset(&self->dev, 0, sizeof(self->dev));
	self->v.container = self->v.group = self->v.device = -1;
	if (!pu_module_loaded("vfio_pci"))
		SKIP("vfio-pci is not loaded");
	if (pu_find(PU_TESTDEV, self->dev.bdf, sizeof(self->dev.bdf)))
		SKIP("no pci-testdev in this VM (tests/vm/vm.sh adds one)");
	ASSERT_EQ(pu_bind(&self->dev), 0);
	ret = pu_open(&self->v, self->dev.bdf);
	if (ret && errno == EPERM)
		SKIP("type1 refuses the group: no interrupt remapping in this kernel");
	ASSERT_EQ(ret, 0);
}

FIXTURE_TEARDOWN(testdev)
{
	vu_vfio_close(&self->v);
	pu_unbind(&self->dev);
}

TEST_F(testdev, io_bar)
{
	struct vfio_region_info ri;
	unsigned int i, io = 0, mem = 0;
	uint8_t a[16], b[16];

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		ASSERT_EQ(vu_region_info(self->v.device, i, &ri), 0);
		if (!ri.size)
			continue;
		TH_LOG("BAR%u: size 0x%llx flags 0x%x", i, (unsigned long long)ri.size, ri.flags);
		if (ri.flags & VFIO_REGION_INFO_FLAG_MMAP) {
			mem++;
			continue;
		}
		/* The I/O BAR: readable and writable, not mappable. */
		EXPECT_EQ(ri.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
		EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->v.device, PU_OFF(i)),
			  MAP_FAILED);
		/* Port reads of 1, 2 and 4 bytes; past the end is refused. */
		ASSERT_EQ(pu_rd(self->v.device, i, 0, a, sizeof(a)), 0);
		ASSERT_EQ(pu_rd(self->v.device, i, 1, b, 1), 0);
		EXPECT_EQ(b[0], a[1]);
		ASSERT_EQ(pu_rd(self->v.device, i, 2, b, 2), 0);
		EXPECT_EQ(memcmp(b, a + 2, 2), 0);
		TH_LOG("I/O BAR header: %02x %02x %02x %02x %02x %02x %02x %02x",
		       a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
		EXPECT_EQ(pu_rd(self->v.device, i, ri.size, b, 1), -EINVAL);
		io++;
	}
	EXPECT_EQ(io, 1);
	EXPECT_EQ(mem, 1);
}

TEST_HARNESS_MAIN
