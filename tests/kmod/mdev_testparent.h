/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mdev_testparent.h - what the tests and mdev_testparent.ko agree on.
 *
 * Included by the module and by userspace tests, so only fixed-size types.
 *
 * Each device is a vfio-pci API device with
 *   region 0 (BAR0):   TP_BAR0_SIZE bytes of RAM, read/write/mmap,
 *   region 7 (config): 256 bytes of PCI config space,
 *   regions 1-6, 8:    size 0,
 *   region 9 (control, a device-specific region with a type capability):
 *     TP_CTL_CMD     struct tp_cmd, write-only: writing all of it runs it;
 *     TP_CTL_STATUS  struct tp_status, read-only;
 *     TP_CTL_DATA    TP_DATA_SIZE bytes of buffer for DMA reads and writes.
 *   irqs: INTx (1), MSI (1), MSI-X (0), ERR (1), REQ (1).
 */
#ifndef MDEV_TESTPARENT_H
#define MDEV_TESTPARENT_H

#include <linux/types.h>

#define TP_CLASS_NAME		"mdev_testparent"
/* Parent whose driver counts instances with get_available(). */
#define TP_PARENT		"mdev_testparent"
/* Parent whose driver lets the core count with max_instances. */
#define TP_PARENT_MAX		"mdev_testparent_max"
#define TP_DRIVER		"mdev_testparent"
#define TP_DRIVER_MAX		"mdev_testparent_max"

#define TP_TYPE_SMALL		"mdev_testparent-small"	/* one unit of the pool */
#define TP_TYPE_EXCLUSIVE	"mdev_testparent-exclusive" /* the whole pool */
#define TP_TYPE_COUNTED_A	"mdev_testparent-counted_a" /* max_instances */
#define TP_TYPE_COUNTED_B	"mdev_testparent-counted_b" /* max_instances */

#define TP_PCI_VENDOR		0x1b36
#define TP_PCI_DEVICE		0x10fe
#define TP_PCI_SUBVENDOR	0x1b36
#define TP_PCI_SUBDEVICE	0x0001
#define TP_PCI_CLASS		0xff0000	/* unassigned class */
#define TP_PCI_REVISION		0x01
#define TP_CMD_MASK		0x0007		/* writable bits of COMMAND */
#define TP_CFG_SCRATCH		0x40		/* 0x40..0xff read/write */

#define TP_BAR0_SIZE		0x8000		/* 32 KiB */

#define TP_CTL_INDEX		9		/* VFIO_PCI_NUM_REGIONS */
#define TP_NUM_REGIONS		10
/* VFIO_REGION_TYPE_PCI_VENDOR_TYPE | vendor, subtype */
#define TP_CTL_REGION_TYPE	(0x80000000u | TP_PCI_VENDOR)
#define TP_CTL_REGION_SUBTYPE	0x7e57

#define TP_CTL_CMD		0x0000
#define TP_CTL_STATUS		0x0040
#define TP_CTL_DATA		0x1000
#define TP_DATA_SIZE		0x4000
#define TP_CTL_SIZE		(TP_CTL_DATA + TP_DATA_SIZE)

/* Most pages one TP_OP_PIN may ask for; more: -EINVAL from the driver. */
#define TP_PIN_MAX		1024

enum tp_op {
	TP_OP_NOP = 0,
	/* vfio_pin_pages(iova, count pages, prot); remembered until unpinned */
	TP_OP_PIN = 1,
	/* vfio_unpin_pages() of exactly one earlier TP_OP_PIN (iova, count) */
	TP_OP_UNPIN = 2,
	/* vfio_dma_rw(iova, DATA, count bytes, read) */
	TP_OP_DMA_READ = 3,
	/* vfio_dma_rw(iova, DATA, count bytes, write) */
	TP_OP_DMA_WRITE = 4,
	/* copy count bytes at iova from a page we hold pinned into DATA */
	TP_OP_PEEK_PINNED = 5,
	/* raise irq index count (VFIO_PCI_*_IRQ_INDEX), as the device would */
	TP_OP_IRQ = 6,
	/* unpin everything we hold */
	TP_OP_UNPIN_ALL = 7,
};

/* prot bits of TP_OP_PIN, as the kernel's IOMMU_READ/IOMMU_WRITE */
#define TP_PROT_READ		1
#define TP_PROT_WRITE		2

struct tp_cmd {
	__u32 op;
	__u32 prot;
	__u64 iova;
	__u64 count;
};

struct tp_status {
	__s64 result;		/* of the last command: >= 0, or -errno */
	__u32 pinned_pages;	/* pages we hold pinned now */
	__u32 pin_records;	/* TP_OP_PIN calls not yet undone */
	__u32 unmap_calls;	/* dma_unmap() callbacks received */
	__u32 unmap_unpinned;	/* pages unpinned from dma_unmap() */
	__u64 last_unmap_iova;
	__u64 last_unmap_length;
	__u32 request_calls;	/* request() callbacks received */
	__u32 reset_calls;	/* VFIO_DEVICE_RESET */
	__u32 irqs_signalled;	/* eventfd signals sent */
	__u32 open_calls;	/* open_device() calls that succeeded */
};

#endif /* MDEV_TESTPARENT_H */
