// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gvt_device - a gvt_stub vGPU as a VFIO PCI device: device, region
 * and irq info, config space, BAR0 registers, the BAR2 aperture, the
 * OpRegion and EDID regions, interrupts and reset.
 *
 * The fixture creates one vGPU of the variant's type and opens it.
 *
 * Needs: vfio.ko, vfio_iommu_type1.ko, mdev.ko, vendor-gvt-stub/gvt_stub.ko
 * with its default parameters (tests/modules.load).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "harness.h"
#include "vfio_util.h"
#include "gvt_guest.c"
#include "gvt_test.h"

#define NUM_REGIONS	(VFIO_PCI_NUM_REGIONS + 2)
#define OPREGION_INDEX	VFIO_PCI_NUM_REGIONS
#define EDID_INDEX	(VFIO_PCI_NUM_REGIONS + 1)

FIXTURE(vgpu) {
	struct gg_vgpu g;
};

FIXTURE_VARIANT(vgpu) {
	const char *type;
	uint32_t low_mb, high_mb, fences, weight, xres, yres;
};

FIXTURE_VARIANT_ADD(vgpu, v5_1) {
	.type = GG_TYPE(1), .low_mb = 64, .high_mb = 384, .fences = 32,
	.weight = 16, .xres = 1920, .yres = 1200,
};
FIXTURE_VARIANT_ADD(vgpu, v5_8) {
	.type = GG_TYPE(8), .low_mb = 8, .high_mb = 48, .fences = 4,
	.weight = 2, .xres = 1024, .yres = 768,
};

FIXTURE_SETUP(vgpu)
{
	gg_init(&self->g);
	gg_need_type(variant->type);
	ASSERT_EQ(gg_create(&self->g, variant->type), 0);
}

FIXTURE_TEARDOWN(vgpu)
{
	gg_destroy(&self->g);
}

static int region_rw(int fd, unsigned int index, uint64_t off, void *buf, size_t len, int write)
{
	struct vfio_region_info info;
	ssize_t n;

	if (vu_region_info(fd, index, &info))
		return -errno;
	n = write ? pwrite(fd, buf, len, info.offset + off) :
		    pread(fd, buf, len, info.offset + off);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

static int edid_wr32(int fd, size_t field, uint32_t val)
{
	return region_rw(fd, EDID_INDEX, field, &val, 4, 1);
}

TEST_F(vgpu, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(ioctl(self->g.fd, VFIO_DEVICE_GET_INFO, &info), 0);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(info.num_regions, NUM_REGIONS);
	EXPECT_EQ(info.num_irqs, VFIO_PCI_NUM_IRQS);

	info.argsz = 8;
	EXPECT_ERRNO(ioctl(self->g.fd, VFIO_DEVICE_GET_INFO, &info), EINVAL);
}

TEST_F(vgpu, region_info)
{
	struct vfio_region_info info;
	unsigned int i;

	ASSERT_EQ(vu_region_info(self->g.fd, VFIO_PCI_BAR0_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.size, GVT_MMIO_BAR_SIZE);
	EXPECT_EQ(info.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);

	ASSERT_EQ(vu_region_info(self->g.fd, VFIO_PCI_BAR2_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.size, (uint64_t)variant->low_mb << 20);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);

	ASSERT_EQ(vu_region_info(self->g.fd, VFIO_PCI_CONFIG_REGION_INDEX, &info), 0);
	EXPECT_EQ(info.size, 256);

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		if (i == VFIO_PCI_BAR0_REGION_INDEX || i == VFIO_PCI_BAR2_REGION_INDEX ||
		    i == VFIO_PCI_CONFIG_REGION_INDEX)
			continue;
		ASSERT_EQ(vu_region_info(self->g.fd, i, &info), 0);
		EXPECT_EQ(info.size, 0) TH_LOG("region %u", i);
	}
	/* offsets are distinct */
	EXPECT_NE(self->g.bar0, self->g.bar2);
	EXPECT_EQ(vu_region_info(self->g.fd, NUM_REGIONS, &info), -EINVAL);
}

TEST_F(vgpu, opregion)
{
	struct vfio_region_info_cap_type *cap;
	struct vfio_region_info *info = NULL, small;
	static uint8_t whole[8192];
	uint8_t hdr[0x60];
	uint32_t v;

	/* too small for the chain: told how much is needed */
	memset(&small, 0, sizeof(small));
	small.argsz = sizeof(small);
	small.index = OPREGION_INDEX;
	ASSERT_EQ(ioctl(self->g.fd, VFIO_DEVICE_GET_REGION_INFO, &small), 0);
	EXPECT_TRUE(small.flags & VFIO_REGION_INFO_FLAG_CAPS);
	EXPECT_GT(small.argsz, sizeof(small));
	EXPECT_EQ(small.cap_offset, 0);

	ASSERT_EQ(vu_region_info_caps(self->g.fd, OPREGION_INDEX, &info), 0);
	EXPECT_EQ(info->size, 8192);
	EXPECT_EQ(info->flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
				 VFIO_REGION_INFO_FLAG_MMAP), VFIO_REGION_INFO_FLAG_READ);
	cap = (void *)vu_find_cap(info, info->argsz, info->cap_offset, VFIO_REGION_INFO_CAP_TYPE);
	ASSERT_TRUE(cap != NULL);
	EXPECT_EQ(cap->type, (uint32_t)(VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x8086));
	EXPECT_EQ(cap->subtype, VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION);
	free(info);

	ASSERT_EQ(region_rw(self->g.fd, OPREGION_INDEX, 0, hdr, sizeof(hdr), 0), 0);
	EXPECT_EQ(memcmp(hdr, "IntelGraphicsMem", 16), 0);
	memcpy(&v, hdr + 0x10, 4);
	EXPECT_EQ(v, 8);		/* KiB */
	EXPECT_EQ(hdr[0x17], 2);	/* major version */
	memcpy(&v, hdr + 0x58, 4);
	EXPECT_TRUE(v & (1 << 3));	/* VBT mailbox */
	ASSERT_EQ(region_rw(self->g.fd, OPREGION_INDEX, 0x400, hdr, 4, 0), 0);
	EXPECT_EQ(memcmp(hdr, "$VBT", 4), 0);

	/* QEMU reads it whole, in one pread */
	ASSERT_EQ(region_rw(self->g.fd, OPREGION_INDEX, 0, whole, sizeof(whole), 0), 0);
	EXPECT_EQ(memcmp(whole + 0x400, "$VBT", 4), 0);
	EXPECT_EQ(memcmp(whole, "IntelGraphicsMem", 16), 0);

	/* read-only, and bounded */
	EXPECT_EQ(region_rw(self->g.fd, OPREGION_INDEX, 0, hdr, 4, 1), -EINVAL);
	EXPECT_EQ(region_rw(self->g.fd, OPREGION_INDEX, 8190, hdr, 4, 0), -EINVAL);
}

static int edid_ok(const uint8_t *e)
{
	static const uint8_t magic[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 128; i++)
		sum += e[i];
	return !memcmp(e, magic, 8) && !sum;
}

static void fix_sum(uint8_t *e)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 127; i++)
		sum += e[i];
	e[127] = -sum;
}

TEST_F(vgpu, edid_region)
{
	struct vfio_region_gfx_edid r;
	struct vfio_region_info_cap_type *cap;
	struct vfio_region_info *info = NULL;
	uint8_t blob[128], shown[128];
	unsigned int i;

	ASSERT_EQ(vu_region_info_caps(self->g.fd, EDID_INDEX, &info), 0);
	cap = (void *)vu_find_cap(info, info->argsz, info->cap_offset, VFIO_REGION_INFO_CAP_TYPE);
	ASSERT_TRUE(cap != NULL);
	EXPECT_EQ(cap->type, VFIO_REGION_TYPE_GFX);
	EXPECT_EQ(cap->subtype, VFIO_REGION_SUBTYPE_GFX_EDID);
	EXPECT_GE(info->size, sizeof(r) + 512);
	free(info);

	ASSERT_EQ(region_rw(self->g.fd, EDID_INDEX, 0, &r, sizeof(r), 0), 0);
	EXPECT_GE(r.edid_offset, sizeof(r));
	EXPECT_EQ(r.edid_max_size, 512);
	EXPECT_EQ(r.edid_size, 128);
	EXPECT_EQ(r.max_xres, variant->xres);
	EXPECT_EQ(r.max_yres, variant->yres);
	EXPECT_EQ(r.link_state, VFIO_DEVICE_GFX_LINK_STATE_UP);

	/* the default monitor's EDID is valid and prefers the type's mode */
	ASSERT_EQ(region_rw(self->g.fd, EDID_INDEX, r.edid_offset, blob, 128, 0), 0);
	EXPECT_TRUE(edid_ok(blob));
	EXPECT_EQ(blob[54 + 2] | (blob[54 + 4] >> 4) << 8, variant->xres);
	EXPECT_EQ(blob[54 + 5] | (blob[54 + 7] >> 4) << 8, variant->yres);

	/* the guest sees the same monitor */
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_DISP_LINK), 1);
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_EDID_SIZE), 128);
	for (i = 0; i < 128; i += 4) {
		uint32_t v = gg_rd(&self->g, GVT_REG_EDID_BASE + i);

		memcpy(shown + i, &v, 4);
	}
	EXPECT_EQ(memcmp(shown, blob, 128), 0);

	/* the update protocol: down, blob, size, up; hotplug each time */
	ASSERT_EQ(gg_wr(&self->g, GVT_REG_IMR, 0), 0);
	ASSERT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, link_state),
			    VFIO_DEVICE_GFX_LINK_STATE_DOWN), 0);
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_DISP_LINK), 0);
	EXPECT_TRUE(gg_rd(&self->g, GVT_REG_IIR) & GVT_IRQ_HOTPLUG);
	ASSERT_EQ(gg_wr(&self->g, GVT_REG_IIR, GVT_IRQ_ALL), 0);
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_IIR), 0);

	blob[12] ^= 0x5a;	/* another serial number */
	fix_sum(blob);
	ASSERT_EQ(region_rw(self->g.fd, EDID_INDEX, r.edid_offset, blob, 128, 1), 0);
	ASSERT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, edid_size), 128), 0);
	ASSERT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, link_state),
			    VFIO_DEVICE_GFX_LINK_STATE_UP), 0);
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_DISP_LINK), 1);
	EXPECT_TRUE(gg_rd(&self->g, GVT_REG_IIR) & GVT_IRQ_HOTPLUG);
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_EDID_BASE + 12) & 0xff, blob[12]);

	/* errors */
	EXPECT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, edid_size), 513),
		  -EINVAL);
	EXPECT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, link_state), 3),
		  -EINVAL);
	EXPECT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, edid_offset), 0),
		  -EPERM);
	EXPECT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, max_xres), 1),
		  -EPERM);
	/* a blob with a bad checksum does not come up */
	blob[127] ^= 1;
	ASSERT_EQ(region_rw(self->g.fd, EDID_INDEX, r.edid_offset, blob, 128, 1), 0);
	EXPECT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, link_state),
			    VFIO_DEVICE_GFX_LINK_STATE_UP), -EINVAL);
	/* nor does a size that is not whole blocks */
	blob[127] ^= 1;
	ASSERT_EQ(region_rw(self->g.fd, EDID_INDEX, r.edid_offset, blob, 128, 1), 0);
	ASSERT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, edid_size), 100), 0);
	EXPECT_EQ(edid_wr32(self->g.fd, offsetof(struct vfio_region_gfx_edid, link_state),
			    VFIO_DEVICE_GFX_LINK_STATE_UP), -EINVAL);
}

/* Walk the capability list; returns the offset of @id or 0. */
static uint32_t find_pci_cap(struct gg_vgpu *g, uint8_t id)
{
	uint32_t pos = gg_cfg_rd(g, PCI_CAPABILITY_LIST, 1);
	int n = 0;

	while (pos && n++ < 48) {
		if (gg_cfg_rd(g, pos, 1) == id)
			return pos;
		pos = gg_cfg_rd(g, pos + 1, 1);
	}
	return 0;
}

TEST_F(vgpu, config_space)
{
	struct gg_vgpu *g = &self->g;
	uint64_t bar2_size = (uint64_t)variant->low_mb << 20;
	uint32_t af;

	EXPECT_EQ(gg_cfg_rd(g, PCI_VENDOR_ID, 2), 0x8086);
	EXPECT_EQ(gg_cfg_rd(g, PCI_DEVICE_ID, 2), GVT_PCI_DEVICE_ID);
	EXPECT_EQ(gg_cfg_rd(g, PCI_CLASS_REVISION, 4) >> 8, 0x030000);
	EXPECT_EQ(gg_cfg_rd(g, PCI_HEADER_TYPE, 1), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x8086);
	EXPECT_TRUE(gg_cfg_rd(g, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	EXPECT_EQ(gg_cfg_rd(g, PCI_INTERRUPT_PIN, 1), 1);

	/* read-only fields stay */
	ASSERT_EQ(gg_cfg_wr(g, PCI_VENDOR_ID, 0x1234, 2), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_VENDOR_ID, 2), 0x8086);
	ASSERT_EQ(gg_cfg_wr(g, PCI_COMMAND, 0xffff, 2), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_COMMAND, 2),
		  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);

	/* BAR sizing */
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_0, 4), PCI_BASE_ADDRESS_MEM_TYPE_64);
	ASSERT_EQ(gg_cfg_wr(g, PCI_BASE_ADDRESS_0, 0xffffffff, 4), 0);
	ASSERT_EQ(gg_cfg_wr(g, PCI_BASE_ADDRESS_1, 0xffffffff, 4), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_0, 4),
		  (uint32_t)~(GVT_MMIO_BAR_SIZE - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_1, 4), 0xffffffff);
	ASSERT_EQ(gg_cfg_wr(g, PCI_BASE_ADDRESS_2, 0xffffffff, 4), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_2, 4),
		  (uint32_t)~(bar2_size - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64 |
		  PCI_BASE_ADDRESS_MEM_PREFETCH);
	ASSERT_EQ(gg_cfg_wr(g, PCI_BASE_ADDRESS_2, 0xe0000000, 4), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_2, 4), 0xe0000000 |
		  PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	ASSERT_EQ(gg_cfg_wr(g, PCI_BASE_ADDRESS_4, 0xffffffff, 4), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_4, 4), 0);
	ASSERT_EQ(gg_cfg_wr(g, PCI_ROM_ADDRESS, 0xffffffff, 4), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_ROM_ADDRESS, 4), 0);

	/* capabilities: MSI, PM, AF with FLR */
	EXPECT_NE(find_pci_cap(g, PCI_CAP_ID_MSI), 0);
	EXPECT_NE(find_pci_cap(g, PCI_CAP_ID_PM), 0);
	af = find_pci_cap(g, PCI_CAP_ID_AF);
	ASSERT_NE(af, 0);
	EXPECT_TRUE(gg_cfg_rd(g, af + PCI_AF_CAP, 1) & PCI_AF_CAP_FLR);

	/* the OpRegion address register of IGDs */
	ASSERT_EQ(gg_cfg_wr(g, 0xfc, 0x7f000000, 4), 0);
	EXPECT_EQ(gg_cfg_rd(g, 0xfc, 4), 0x7f000000);

	/* out of range */
	EXPECT_EQ(region_rw(g->fd, VFIO_PCI_CONFIG_REGION_INDEX, 254, &af, 4, 0), -EINVAL);
}

TEST_F(vgpu, mmio_registers)
{
	struct gg_vgpu *g = &self->g;
	uint64_t gm = (uint64_t)(variant->low_mb + variant->high_mb) << 20;
	uint32_t entries = gm / 4096, v;
	uint16_t half;
	void *p;

	EXPECT_EQ(gg_rd(g, GVT_REG_ID), GVT_ID_MAGIC);
	EXPECT_EQ(gg_rd(g, GVT_REG_VERSION), GVT_VERSION);
	EXPECT_EQ(gg_rd(g, GVT_REG_LOW_GM_BASE), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_LOW_GM_SIZE), variant->low_mb << 20);
	EXPECT_EQ(gg_rd(g, GVT_REG_HIGH_GM_BASE), variant->low_mb << 20);
	EXPECT_EQ(gg_rd(g, GVT_REG_HIGH_GM_SIZE), variant->high_mb << 20);
	EXPECT_EQ(gg_rd(g, GVT_REG_FENCE_NUM), variant->fences);
	EXPECT_EQ(gg_rd(g, GVT_REG_WEIGHT), variant->weight);
	EXPECT_EQ(gg_rd(g, GVT_REG_GTT_ENTRIES), entries);
	EXPECT_EQ(gg_rd(g, GVT_REG_IMR), GVT_IRQ_ALL);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_STATUS), GVT_RING_STATUS_IDLE);

	/* read-only stays, read-write keeps its bits */
	ASSERT_EQ(gg_wr(g, GVT_REG_ID, 0), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_ID), GVT_ID_MAGIC);
	ASSERT_EQ(gg_wr(g, GVT_REG_IER, 0xffffffff), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_IER), GVT_IRQ_ALL);
	ASSERT_EQ(gg_wr(g, GVT_REG_PLANE_SURF, 0x12345), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_PLANE_SURF), 0x12000);

	/* fences: only this vGPU's exist */
	ASSERT_EQ(gg_wr(g, GVT_REG_FENCE_BASE + 8 * (variant->fences - 1) + 4, 0xabcd), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_FENCE_BASE + 8 * (variant->fences - 1) + 4), 0xabcd);
	ASSERT_EQ(gg_wr(g, GVT_REG_FENCE_BASE + 8 * variant->fences, 0xabcd), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_FENCE_BASE + 8 * variant->fences), 0);

	/* GTT: 64-bit entries, also in halves; none beyond the GM */
	ASSERT_EQ(gg_gtt_set(g, 5, 0x123456789000ULL | GVT_PTE_VALID), 0);
	EXPECT_EQ(gg_gtt_get(g, 5), 0x123456789000ULL | GVT_PTE_VALID);
	v = 0xabc000 | GVT_PTE_VALID;
	ASSERT_EQ(pwrite(g->fd, &v, 4, g->bar0 + GVT_GTT_OFFSET + 8 * 5), 4);
	EXPECT_EQ(gg_gtt_get(g, 5), 0x123400abc001ULL);
	ASSERT_EQ(gg_gtt_set(g, entries - 1, 0x1000 | GVT_PTE_VALID), 0);
	EXPECT_EQ(gg_gtt_get(g, entries - 1), 0x1000 | GVT_PTE_VALID);
	ASSERT_EQ(gg_gtt_set(g, entries, 0x1000 | GVT_PTE_VALID), 0);
	EXPECT_EQ(gg_gtt_get(g, entries), 0);

	/* only aligned 4-byte register and 8-byte GTT accesses */
	EXPECT_ERRNO(pread(g->fd, &half, 2, g->bar0 + GVT_REG_ID), EINVAL);
	EXPECT_ERRNO(pread(g->fd, &v, 4, g->bar0 + GVT_REG_ID + 2), EINVAL);
	EXPECT_ERRNO(pread(g->fd, &v, 4, g->bar0 + GVT_MMIO_BAR_SIZE), EINVAL);

	/* BAR0 is trapped: no mmap */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, g->fd, g->bar0);
	EXPECT_TRUE(p == MAP_FAILED);
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

TEST_F(vgpu, aperture_mmap)
{
	struct gg_vgpu *g = &self->g;
	uint64_t size = (uint64_t)variant->low_mb << 20;
	uint32_t *ap, v;
	void *p;

	ap = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, g->bar2);
	ASSERT_TRUE(ap != MAP_FAILED);
	/* fresh memory is zero */
	EXPECT_EQ(ap[0], 0);
	EXPECT_EQ(ap[size / 4 - 1], 0);

	ap[0] = 0xcafe0001;
	ap[size / 4 - 1] = 0xcafe0002;
	ASSERT_EQ(pread(g->fd, &v, 4, g->bar2), 4);
	EXPECT_EQ(v, 0xcafe0001);
	ASSERT_EQ(pread(g->fd, &v, 4, g->bar2 + size - 4), 4);
	EXPECT_EQ(v, 0xcafe0002);
	v = 0x5a5a5a5a;
	ASSERT_EQ(pwrite(g->fd, &v, 4, g->bar2 + 4096 + 8), 4);
	EXPECT_EQ(ap[(4096 + 8) / 4], 0x5a5a5a5a);
	munmap(ap, size);

	/* a second mapping sees the same memory */
	ap = mmap(NULL, 4096, PROT_READ, MAP_SHARED, g->fd, g->bar2);
	ASSERT_TRUE(ap != MAP_FAILED);
	EXPECT_EQ(ap[0], 0xcafe0001);
	munmap(ap, 4096);

	/* beyond the BAR, and private mappings, are refused */
	p = mmap(NULL, size + 4096, PROT_READ, MAP_SHARED, g->fd, g->bar2);
	EXPECT_TRUE(p == MAP_FAILED);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, g->fd, g->bar2);
	EXPECT_TRUE(p == MAP_FAILED);
	EXPECT_ERRNO(pread(g->fd, &v, 4, g->bar2 + size), EINVAL);
}

TEST_F(vgpu, irq_info)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSI_IRQ_INDEX, .start = 0, .count = 1,
	};
	struct vfio_irq_info info;
	int efd;

	ASSERT_EQ(vu_irq_info(self->g.fd, VFIO_PCI_INTX_IRQ_INDEX, &info), 0);
	EXPECT_EQ(info.count, 1);
	EXPECT_TRUE(info.flags & VFIO_IRQ_INFO_EVENTFD);
	EXPECT_TRUE(info.flags & VFIO_IRQ_INFO_MASKABLE);
	EXPECT_TRUE(info.flags & VFIO_IRQ_INFO_AUTOMASKED);
	ASSERT_EQ(vu_irq_info(self->g.fd, VFIO_PCI_MSI_IRQ_INDEX, &info), 0);
	EXPECT_EQ(info.count, 1);
	ASSERT_EQ(vu_irq_info(self->g.fd, VFIO_PCI_MSIX_IRQ_INDEX, &info), 0);
	EXPECT_EQ(info.count, 0);
	ASSERT_EQ(vu_irq_info(self->g.fd, VFIO_PCI_REQ_IRQ_INDEX, &info), 0);
	EXPECT_EQ(info.count, 1);
	EXPECT_EQ(vu_irq_info(self->g.fd, VFIO_PCI_NUM_IRQS, &info), -EINVAL);

	/* MSI loopback trigger */
	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(self->g.fd, VFIO_PCI_MSI_IRQ_INDEX, efd), 0);
	ASSERT_EQ(ioctl(self->g.fd, VFIO_DEVICE_SET_IRQS, &set), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 1000), 1);
	EXPECT_EQ(vu_irq_disable(self->g.fd, VFIO_PCI_MSI_IRQ_INDEX), 0);
	/* no MSI-X vectors */
	EXPECT_NE(vu_irq_set_eventfd(self->g.fd, VFIO_PCI_MSIX_IRQ_INDEX, efd), 0);
	close(efd);
}

TEST_F(vgpu, intx_hotplug)
{
	struct gg_vgpu *g = &self->g;
	struct vfio_irq_set unmask = {
		.argsz = sizeof(unmask),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX, .start = 0, .count = 1,
	};
	const size_t link = offsetof(struct vfio_region_gfx_edid, link_state);
	int efd;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(g->fd, VFIO_PCI_INTX_IRQ_INDEX, efd), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_IMR, 0), 0);
	ASSERT_EQ(gg_wr(g, GVT_REG_IER, GVT_IRQ_HOTPLUG), 0);

	/* unplug: a level interrupt, automasked */
	ASSERT_EQ(edid_wr32(g->fd, link, VFIO_DEVICE_GFX_LINK_STATE_DOWN), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 1000), 1);
	/* still asserted: unmasking fires again */
	ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_SET_IRQS, &unmask), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 1000), 1);
	/* acknowledged in IIR, then unmasked: quiet */
	ASSERT_EQ(gg_wr(g, GVT_REG_IIR, GVT_IRQ_HOTPLUG), 0);
	ASSERT_EQ(ioctl(g->fd, VFIO_DEVICE_SET_IRQS, &unmask), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 200), 0);
	/* plug back in */
	ASSERT_EQ(edid_wr32(g->fd, link, VFIO_DEVICE_GFX_LINK_STATE_UP), 0);
	EXPECT_EQ(vu_eventfd_wait(efd, 1000), 1);

	EXPECT_EQ(vu_irq_disable(g->fd, VFIO_PCI_INTX_IRQ_INDEX), 0);
	close(efd);
}

static void dirty_vgpu(struct gg_vgpu *g)
{
	gg_wr(g, GVT_REG_IER, GVT_IRQ_ALL);
	gg_wr(g, GVT_REG_IMR, 0);
	gg_wr(g, GVT_REG_RING_START, 0x3000);
	gg_wr(g, GVT_REG_PLANE_CTL, GVT_PLANE_CTL_ENABLE);
	gg_wr(g, GVT_REG_FENCE_BASE, 0x1111);
	gg_gtt_set(g, 3, 0x5000 | GVT_PTE_VALID);
	gg_cfg_wr(g, PCI_COMMAND, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY, 2);
	gg_cfg_wr(g, PCI_BASE_ADDRESS_0, 0xf0000000, 4);
}

static void expect_clean(struct gg_vgpu *g)
{
	EXPECT_EQ(gg_rd(g, GVT_REG_IER), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_IMR), GVT_IRQ_ALL);
	EXPECT_EQ(gg_rd(g, GVT_REG_RING_START), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_PLANE_CTL), 0);
	EXPECT_EQ(gg_rd(g, GVT_REG_FENCE_BASE), 0);
	EXPECT_EQ(gg_gtt_get(g, 3), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_COMMAND, 2), 0);
	EXPECT_EQ(gg_cfg_rd(g, PCI_BASE_ADDRESS_0, 4), PCI_BASE_ADDRESS_MEM_TYPE_64);
	EXPECT_EQ(gg_rd(g, GVT_REG_ID), GVT_ID_MAGIC);
	/* the monitor stays connected */
	EXPECT_EQ(gg_rd(g, GVT_REG_DISP_LINK), 1);
}

TEST_F(vgpu, reset_ioctl)
{
	dirty_vgpu(&self->g);
	EXPECT_EQ(gg_rd(&self->g, GVT_REG_IER), GVT_IRQ_ALL);
	ASSERT_EQ(ioctl(self->g.fd, VFIO_DEVICE_RESET), 0);
	expect_clean(&self->g);
}

TEST_F(vgpu, reset_flr)
{
	uint32_t af = find_pci_cap(&self->g, PCI_CAP_ID_AF);

	ASSERT_NE(af, 0);
	dirty_vgpu(&self->g);
	ASSERT_EQ(gg_cfg_wr(&self->g, af + PCI_AF_CTRL, PCI_AF_CTRL_FLR, 1), 0);
	expect_clean(&self->g);
	EXPECT_EQ(gg_cfg_rd(&self->g, af + PCI_AF_CTRL, 1), 0);
}

TEST_F(vgpu, reopen_is_clean)
{
	char uuid[VU_UUID_LEN + 1];

	dirty_vgpu(&self->g);
	strcpy(uuid, self->g.uuid);
	gg_close(&self->g);
	ASSERT_EQ(gg_open(&self->g, uuid), 0);
	expect_clean(&self->g);
}

static void *remove_thread(void *uuid)
{
	return (void *)(long)vu_mdev_remove(uuid);
}

TEST_F(vgpu, remove_requests_release)
{
	struct gg_vgpu *g = &self->g;
	pthread_t t;
	void *ret;
	int efd;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(vu_irq_set_eventfd(g->fd, VFIO_PCI_REQ_IRQ_INDEX, efd), 0);
	ASSERT_EQ(pthread_create(&t, NULL, remove_thread, g->uuid), 0);
	/* removal waits for us and asks us to let go */
	EXPECT_GT(vu_eventfd_wait(efd, 20000), 0);
	gg_close(g);
	ASSERT_EQ(pthread_join(t, &ret), 0);
	EXPECT_EQ((long)ret, 0);
	EXPECT_FALSE(vu_mdev_exists(g->uuid));
	close(efd);
}

TEST_HARNESS_MAIN
