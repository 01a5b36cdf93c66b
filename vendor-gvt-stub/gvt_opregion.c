// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGPU's OpRegion: the table a system firmware hands an Intel graphics
 * driver (found through the ASLS config register), here a read-only
 * device-specific VFIO region that QEMU copies into guest memory.
 *
 * Only what a guest driver checks first is filled in: the header with its
 * signature, size and version, the mailbox list, and a minimal VBT header
 * in mailbox 4.
 */
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "gvt.h"

#define OPREGION_SIGNATURE	"IntelGraphicsMem"
#define OPREGION_OFF_SIZE	0x10	/* u32, in KiB */
#define OPREGION_OFF_OVER	0x14	/* u32, version: major << 8 | minor, << 16 */
#define OPREGION_OFF_MBOX	0x58	/* u32, supported mailboxes */
#define OPREGION_MBOX_VBT	(1U << 3)
#define OPREGION_OFF_VBT	0x400	/* mailbox 4 */
#define VBT_SIGNATURE		"$VBT GVT-STUB"
#define VBT_OFF_VERSION		0x14	/* u16 */
#define VBT_OFF_HDR_SIZE	0x16	/* u16 */
#define VBT_OFF_VBT_SIZE	0x18	/* u16 */
#define VBT_HDR_SIZE		0x30

/**
 * gvt_opregion_init - allocate and fill a vGPU's OpRegion
 * @vgpu: the vGPU being initialised
 *
 * Return: 0 or -ENOMEM.
 */
int gvt_opregion_init(struct gvt_vgpu *vgpu)
{
	u8 *op;

	op = kzalloc(GVT_OPREGION_SIZE, GFP_KERNEL);
	if (!op)
		return -ENOMEM;

	memcpy(op, OPREGION_SIGNATURE, 16);
	put_unaligned_le32(GVT_OPREGION_SIZE / SZ_1K, op + OPREGION_OFF_SIZE);
	put_unaligned_le32(GVT_OPREGION_VERSION << 16, op + OPREGION_OFF_OVER);
	put_unaligned_le32(OPREGION_MBOX_VBT, op + OPREGION_OFF_MBOX);

	memcpy(op + OPREGION_OFF_VBT, VBT_SIGNATURE, sizeof(VBT_SIGNATURE) - 1);
	put_unaligned_le16(100, op + OPREGION_OFF_VBT + VBT_OFF_VERSION);
	put_unaligned_le16(VBT_HDR_SIZE, op + OPREGION_OFF_VBT + VBT_OFF_HDR_SIZE);
	put_unaligned_le16(VBT_HDR_SIZE, op + OPREGION_OFF_VBT + VBT_OFF_VBT_SIZE);

	vgpu->opregion = op;
	return 0;
}

/**
 * gvt_opregion_free - free what gvt_opregion_init() allocated
 * @vgpu: the vGPU
 */
void gvt_opregion_free(struct gvt_vgpu *vgpu)
{
	kfree(vgpu->opregion);
	vgpu->opregion = NULL;
}

/**
 * gvt_opregion_read - read from the OpRegion region
 * @vgpu: the vGPU
 * @off: offset into the region
 * @buf: destination
 * @len: bytes
 *
 * Return: 0, or -EINVAL beyond the end.  The contents never change, so no
 * lock is needed.
 */
int gvt_opregion_read(struct gvt_vgpu *vgpu, u64 off, void *buf, size_t len)
{
	if (off > GVT_OPREGION_SIZE || len > GVT_OPREGION_SIZE - off)
		return -EINVAL;
	memcpy(buf, vgpu->opregion + off, len);
	return 0;
}
