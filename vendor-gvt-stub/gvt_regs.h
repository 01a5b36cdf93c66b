/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gvt_stub virtual GPU as its guest driver sees it: PCI identity, the
 * BAR0 register map, the GTT entry format and the command set of the
 * render engine.  Only macros, so the module, a guest driver and the
 * userspace tests (tests/gvt/) can all include it.
 *
 * All registers are 32 bits wide and little-endian, accessed with aligned
 * 4-byte accesses; GTT entries are 64 bits wide and may be accessed as one
 * 8-byte or two 4-byte accesses.
 */
#ifndef _GVT_REGS_H
#define _GVT_REGS_H

/*
 * PCI identity.  A GVT-g vGPU presents the host IGD's Intel vendor ID, and
 * userspace (QEMU's IGD OpRegion support) keys on it, so we keep 0x8086.
 * The device ID is deliberately one that no i915 of Linux 6.1 claims
 * (include/drm/i915_pciids.h has no 0x1fxx entry): a guest kernel must not
 * bind a real Intel graphics driver to a device that only emulates a tiny
 * subset of a GPU.
 */
#define GVT_PCI_VENDOR_ID	0x8086
#define GVT_PCI_DEVICE_ID	0x1f5b
#define GVT_PCI_SUBSYS_ID	0x5653	/* "VS" */
#define GVT_PCI_REVISION	0x01

/* BAR0: registers in the lower half, the GTT in the upper half. */
#define GVT_MMIO_BAR_SIZE	0x1000000	/* 16 MiB, as on real IGDs */
#define GVT_GTT_OFFSET		0x800000	/* 8 MiB */
#define GVT_GTT_ENTRY_SIZE	8
#define GVT_GTT_MAX_ENTRIES	((GVT_MMIO_BAR_SIZE - GVT_GTT_OFFSET) / GVT_GTT_ENTRY_SIZE)
#define GVT_GM_PAGE_SIZE	4096

/* Identification and the resources of this vGPU (read-only). */
#define GVT_REG_ID		0x0000	/* GVT_ID_MAGIC */
#define GVT_REG_VERSION		0x0004	/* GVT_VERSION */
#define GVT_REG_LOW_GM_BASE	0x0010	/* graphics address of low GM */
#define GVT_REG_LOW_GM_SIZE	0x0014	/* bytes; also the BAR2 size */
#define GVT_REG_HIGH_GM_BASE	0x0018
#define GVT_REG_HIGH_GM_SIZE	0x001c
#define GVT_REG_FENCE_NUM	0x0020
#define GVT_REG_WEIGHT		0x0024
#define GVT_REG_GTT_ENTRIES	0x0028	/* valid GTT entries: GM size / 4 KiB */
#define GVT_ID_MAGIC		0x53545647	/* "GVTS" */
#define GVT_VERSION		0x00010000

/*
 * Interrupts.  An event sets its bit in IIR unless IMR masks it; the
 * device interrupts (MSI, else INTx) while IIR & IER is non-zero and
 * an IIR bit went from 0 to 1.  IIR is write-1-to-clear.
 */
#define GVT_REG_IIR		0x0100
#define GVT_REG_IMR		0x0104
#define GVT_REG_IER		0x0108
#define GVT_IRQ_USER		(1U << 0)	/* USER_INTERRUPT executed */
#define GVT_IRQ_ERROR		(1U << 1)	/* the ring stopped on an error */
#define GVT_IRQ_HOTPLUG		(1U << 2)	/* display link changed */
#define GVT_IRQ_ALL		(GVT_IRQ_USER | GVT_IRQ_ERROR | GVT_IRQ_HOTPLUG)

/*
 * The ring buffer.  START is a page-aligned graphics address; HEAD and
 * TAIL are byte offsets into the ring, multiples of 4.  The guest writes
 * commands at TAIL and advances it; the engine executes from HEAD to TAIL.
 * HEAD is writable only while the ring is disabled.  Clearing
 * GVT_RING_CTL_ENABLE also clears a stopped ring's error.
 */
#define GVT_REG_RING_START	0x0200
#define GVT_REG_RING_HEAD	0x0204
#define GVT_REG_RING_TAIL	0x0208
#define GVT_REG_RING_CTL	0x020c
#define GVT_RING_CTL_ENABLE	(1U << 0)
#define GVT_RING_CTL_PAGES(n)	((((n) - 1U) & 0x1ffU) << 12)	/* 1..512 */
#define GVT_RING_CTL_NPAGES(v)	((((v) >> 12) & 0x1ffU) + 1U)
#define GVT_REG_RING_STATUS	0x0210	/* read-only */
#define GVT_RING_STATUS_IDLE	(1U << 0)	/* HEAD == TAIL, no batch */
#define GVT_RING_STATUS_STOPPED	(1U << 1)	/* stopped on an error */
#define GVT_RING_STATUS_BATCH	(1U << 2)	/* inside a batch buffer */
#define GVT_REG_ERR_CODE	0x0214	/* GVT_ERR_*, read-only */
#define GVT_REG_ERR_ADDR	0x0218	/* graphics address of the culprit */
#define GVT_REG_ACTHD		0x021c	/* address of the last command */
#define GVT_REG_CMD_COUNT	0x0220	/* commands executed, wraps */

#define GVT_ERR_NONE		0
#define GVT_ERR_BAD_OPCODE	1	/* unknown opcode */
#define GVT_ERR_BAD_LENGTH	2	/* length field does not fit */
#define GVT_ERR_GTT_FAULT	3	/* GM address with no valid GTT entry */
#define GVT_ERR_DMA_FAULT	4	/* GTT entry points outside the user's IOVAs */
#define GVT_ERR_BAD_ARGS	5	/* alignment, rectangle or range */
#define GVT_ERR_BAD_RING	6	/* ring START outside the GM */

/* Primary display plane; the dma-buf of VFIO_DEVICE_QUERY_GFX_PLANE. */
#define GVT_REG_PLANE_CTL	0x0300
#define GVT_PLANE_CTL_ENABLE	(1U << 31)
#define GVT_PLANE_CTL_FMT_SHIFT	24
#define GVT_PLANE_CTL_FMT_MASK	(0xfU << 24)
#define GVT_PLANE_FMT_XRGB8888	0	/* the only format */
#define GVT_REG_PLANE_SURF	0x0304	/* page-aligned graphics address */
#define GVT_REG_PLANE_STRIDE	0x0308	/* bytes, multiple of 64 */
#define GVT_REG_PLANE_SIZE	0x030c	/* (height - 1) << 16 | (width - 1) */

/* Display link, as set through the EDID region. */
#define GVT_REG_DISP_LINK	0x0400	/* 1: a monitor is connected */
#define GVT_REG_EDID_SIZE	0x0404	/* bytes in the EDID window */
#define GVT_REG_EDID_BASE	0x1000	/* the monitor's EDID, read-only */
#define GVT_EDID_MAX_SIZE	512

/* Fence registers: 64 bits each; GVT_REG_FENCE_NUM of them exist. */
#define GVT_REG_FENCE_BASE	0x2000
#define GVT_FENCE_MAX		64

/*
 * GTT entry: maps the 4 KiB graphics page (entry index * 4 KiB) to a
 * page of guest memory (an IOVA the user mapped in the container), or
 * with GVT_PTE_LOCAL to a page of the vGPU's aperture memory (BAR2).
 */
#define GVT_PTE_VALID		(1ULL << 0)
#define GVT_PTE_LOCAL		(1ULL << 1)
#define GVT_PTE_ADDR_MASK	(~0xfffULL)

/*
 * Commands.  A command is a header dword followed by its operands:
 *	header = opcode << 24 | number of operand dwords
 * The operand count must be the one listed for the opcode.  Graphics
 * addresses are 32-bit, pixels are 32 bits, strides are in bytes.
 */
#define GVT_CMD(op, len)	(((unsigned int)(op) << 24) | (len))
#define GVT_CMD_OPCODE(h)	((h) >> 24)
#define GVT_CMD_LEN(h)		((h) & 0xffU)
#define GVT_CMD_MAX_LEN		5

#define GVT_OP_NOOP		0x00	/* no operands */
#define GVT_OP_STORE_DWORD	0x01	/* addr, value */
#define GVT_OP_FILL_RECT	0x02	/* dst, dst stride, h << 16 | w, colour */
#define GVT_OP_COPY_RECT	0x03	/* src, src stride, dst, dst stride, h << 16 | w */
#define GVT_OP_USER_INTERRUPT	0x04	/* no operands */
#define GVT_OP_BB_START		0x05	/* batch address */
#define GVT_OP_BB_END		0x06	/* no operands; only inside a batch */

#define GVT_CMD_NOOP		GVT_CMD(GVT_OP_NOOP, 0)
#define GVT_CMD_STORE_DWORD	GVT_CMD(GVT_OP_STORE_DWORD, 2)
#define GVT_CMD_FILL_RECT	GVT_CMD(GVT_OP_FILL_RECT, 4)
#define GVT_CMD_COPY_RECT	GVT_CMD(GVT_OP_COPY_RECT, 5)
#define GVT_CMD_USER_INTERRUPT	GVT_CMD(GVT_OP_USER_INTERRUPT, 0)
#define GVT_CMD_BB_START	GVT_CMD(GVT_OP_BB_START, 1)
#define GVT_CMD_BB_END		GVT_CMD(GVT_OP_BB_END, 0)

#define GVT_RECT(w, h)		(((unsigned int)(h) << 16) | ((w) & 0xffffU))
#define GVT_RECT_MAX		4096	/* widest and tallest rectangle */

/* The EDID and OpRegion device-specific regions follow the PCI regions. */
#define GVT_OPREGION_SIZE	0x2000
#define GVT_OPREGION_VERSION	0x0200	/* major 2, minor 0 */

#endif /* _GVT_REGS_H */
