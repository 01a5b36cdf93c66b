// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration space of a vGPU.
 *
 * A VGA-class function shaped like an Intel IGD: BAR0 (64-bit MMIO:
 * registers and GTT), BAR2 (64-bit prefetchable: the aperture), the ASLS
 * register that holds the OpRegion's address, and a capability list of
 * MSI -> power management -> Advanced Features, whose FLR resets the vGPU.
 *
 * A write changes only the bits of gvt_cfg_wmask; BARs then keep their
 * size alignment so that writing all ones reads back the size.
 */
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <asm/unaligned.h>

#include "gvt.h"

#define GVT_CAP_MSI		0x90
#define GVT_CAP_PM		0xd0
#define GVT_CAP_AF		0xa4
#define GVT_CFG_ASLS		0xfc	/* OpRegion address, as on IGDs */

/* Writable bits of each config byte, built at module load by gvt_cfg_setup(). */
static u8 gvt_cfg_wmask[GVT_CFG_SIZE];

static void gvt_wmask_set(unsigned int off, u32 mask, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		gvt_cfg_wmask[off + i] = mask >> (8 * i);
}

/**
 * gvt_cfg_setup - build the config-space write mask shared by all vGPUs
 *
 * Called once from module init, before any vGPU exists.
 */
void gvt_cfg_setup(void)
{
	int i;

	gvt_wmask_set(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		      PCI_COMMAND_INTX_DISABLE, 2);
	gvt_wmask_set(PCI_CACHE_LINE_SIZE, 0xff, 1);
	gvt_wmask_set(PCI_LATENCY_TIMER, 0xff, 1);
	for (i = PCI_BASE_ADDRESS_0; i <= PCI_BASE_ADDRESS_3; i += 4)
		gvt_wmask_set(i, 0xffffffff, 4);	/* sized on write */
	gvt_wmask_set(PCI_INTERRUPT_LINE, 0xff, 1);
	gvt_wmask_set(GVT_CFG_ASLS, 0xffffffff, 4);

	gvt_wmask_set(GVT_CAP_MSI + PCI_MSI_FLAGS,
		      PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 2);
	gvt_wmask_set(GVT_CAP_MSI + PCI_MSI_ADDRESS_LO, 0xfffffffc, 4);
	gvt_wmask_set(GVT_CAP_MSI + PCI_MSI_ADDRESS_HI, 0xffffffff, 4);
	gvt_wmask_set(GVT_CAP_MSI + PCI_MSI_DATA_64, 0xffff, 2);

	gvt_wmask_set(GVT_CAP_PM + PCI_PM_CTRL, PCI_PM_CTRL_STATE_MASK, 2);
	gvt_wmask_set(GVT_CAP_AF + PCI_AF_CTRL, PCI_AF_CTRL_FLR, 1);
}

static void gvt_cfg_put32(struct gvt_vgpu *vgpu, unsigned int off, u32 val)
{
	put_unaligned_le32(val, &vgpu->cfg[off]);
}

/**
 * gvt_cfg_init - fill a vGPU's config space with its power-on values
 * @vgpu: the vGPU; its lock is held, or nobody else can see it yet
 */
void gvt_cfg_init(struct gvt_vgpu *vgpu)
{
	u8 *cfg = vgpu->cfg;

	memset(cfg, 0, GVT_CFG_SIZE);
	put_unaligned_le16(GVT_PCI_VENDOR_ID, &cfg[PCI_VENDOR_ID]);
	put_unaligned_le16(GVT_PCI_DEVICE_ID, &cfg[PCI_DEVICE_ID]);
	put_unaligned_le16(PCI_STATUS_CAP_LIST, &cfg[PCI_STATUS]);
	cfg[PCI_REVISION_ID] = GVT_PCI_REVISION;
	put_unaligned_le16(PCI_CLASS_DISPLAY_VGA, &cfg[PCI_CLASS_DEVICE]);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;

	gvt_cfg_put32(vgpu, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_TYPE_64);
	gvt_cfg_put32(vgpu, PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_MEM_TYPE_64 |
		      PCI_BASE_ADDRESS_MEM_PREFETCH);

	put_unaligned_le16(GVT_PCI_VENDOR_ID, &cfg[PCI_SUBSYSTEM_VENDOR_ID]);
	put_unaligned_le16(GVT_PCI_SUBSYS_ID, &cfg[PCI_SUBSYSTEM_ID]);
	cfg[PCI_CAPABILITY_LIST] = GVT_CAP_MSI;
	cfg[PCI_INTERRUPT_PIN] = 1;

	/* MSI: one 64-bit vector, no per-vector masking. */
	cfg[GVT_CAP_MSI + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg[GVT_CAP_MSI + PCI_CAP_LIST_NEXT] = GVT_CAP_PM;
	put_unaligned_le16(PCI_MSI_FLAGS_64BIT, &cfg[GVT_CAP_MSI + PCI_MSI_FLAGS]);

	/* PM: version 2, D0 and D3hot only. */
	cfg[GVT_CAP_PM + PCI_CAP_LIST_ID] = PCI_CAP_ID_PM;
	cfg[GVT_CAP_PM + PCI_CAP_LIST_NEXT] = GVT_CAP_AF;
	put_unaligned_le16(2, &cfg[GVT_CAP_PM + PCI_PM_PMC]);

	/* Advanced Features: function-level reset, as IGDs have. */
	cfg[GVT_CAP_AF + PCI_CAP_LIST_ID] = PCI_CAP_ID_AF;
	cfg[GVT_CAP_AF + PCI_CAP_LIST_NEXT] = 0;
	cfg[GVT_CAP_AF + PCI_AF_LENGTH] = 6;
	cfg[GVT_CAP_AF + PCI_AF_CAP] = PCI_AF_CAP_FLR | PCI_AF_CAP_TP;
}

/* Size of a BAR (0 for the upper half of a 64-bit one) and its flag bits. */
static u64 gvt_bar_size(struct gvt_vgpu *vgpu, unsigned int bar)
{
	switch (bar) {
	case 0:
		return GVT_MMIO_BAR_SIZE;
	case 2:
		return vgpu->type->low_gm;
	}
	return 0;
}

/* Keep a BAR's address aligned to its size, and its flag bits intact. */
static void gvt_cfg_fixup_bar(struct gvt_vgpu *vgpu, unsigned int off)
{
	unsigned int bar = (off - PCI_BASE_ADDRESS_0) / 4;
	u32 val = get_unaligned_le32(&vgpu->cfg[off]);
	u64 size;

	if (bar & 1) {
		/* the high dword of a 64-bit BAR below 4 GiB in size */
		size = gvt_bar_size(vgpu, bar - 1);
		val &= ~(u32)((size - 1) >> 32);
	} else {
		size = gvt_bar_size(vgpu, bar);
		val = (val & ~(u32)(size - 1) & PCI_BASE_ADDRESS_MEM_MASK) |
		      (bar ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0) |
		      PCI_BASE_ADDRESS_MEM_TYPE_64;
	}
	gvt_cfg_put32(vgpu, off, val);
}

/**
 * gvt_cfg_read - read from config space
 * @vgpu: the vGPU
 * @off: offset, checked by the caller
 * @buf: where to put the bytes
 * @len: 1, 2 or 4, and @off + @len within config space
 *
 * Return: 0.
 */
int gvt_cfg_read(struct gvt_vgpu *vgpu, unsigned int off, void *buf, size_t len)
{
	mutex_lock(&vgpu->lock);
	memcpy(buf, &vgpu->cfg[off], len);
	mutex_unlock(&vgpu->lock);
	return 0;
}

/**
 * gvt_cfg_write - write to config space
 * @vgpu: the vGPU
 * @off: offset, checked by the caller
 * @buf: the bytes
 * @len: length, @off + @len within config space
 *
 * Setting the FLR bit of the Advanced Features control register resets
 * the vGPU, as VFIO_DEVICE_RESET does.
 *
 * Return: 0.
 */
int gvt_cfg_write(struct gvt_vgpu *vgpu, unsigned int off, const void *buf, size_t len)
{
	const u8 *src = buf;
	bool flr = false;
	unsigned int i;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < len; i++) {
		unsigned int o = off + i;
		u8 m = gvt_cfg_wmask[o];

		vgpu->cfg[o] = (vgpu->cfg[o] & ~m) | (src[i] & m);
	}
	for (i = PCI_BASE_ADDRESS_0; i <= PCI_BASE_ADDRESS_3; i += 4)
		if (off < i + 4 && i < off + len)
			gvt_cfg_fixup_bar(vgpu, i);
	if (vgpu->cfg[GVT_CAP_AF + PCI_AF_CTRL] & PCI_AF_CTRL_FLR) {
		vgpu->cfg[GVT_CAP_AF + PCI_AF_CTRL] &= ~PCI_AF_CTRL_FLR;
		flr = true;
	}
	mutex_unlock(&vgpu->lock);

	if (flr) {
		dev_dbg(&vgpu->mdev->dev, "function-level reset\n");
		gvt_vgpu_reset(vgpu);
	}
	return 0;
}
