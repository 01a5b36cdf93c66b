/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mdpy display device as its guest driver (mdpy-fb) and the tests see
 * it.  Only macros, so the device, the guest driver and userspace tests
 * can all include it.
 *
 * The device is a PCI display controller of class "other display" (0x0380,
 * so neither vgacon nor a VGA driver claims it) with one BAR:
 *
 *   BAR0  32-bit prefetchable memory: the framebuffer, a power of two in
 *         size, at least MDPY_CFG_STRIDE * MDPY_CFG_HEIGHT bytes.
 *
 * The geometry is fixed by the mdev type and published in a vendor-specific
 * PCI capability (PCI_CAP_ID_VNDR) that the capability pointer leads to.
 * All fields are little-endian and read-only except MDPY_CFG_CTRL.
 */
#ifndef _MDPY_DEFS_H
#define _MDPY_DEFS_H

/*
 * PCI IDs.  There is no PCI-SIG vendor ID this project owns and no ID is
 * reserved for experiments.  0x1234 is the de-facto home of emulated
 * devices that are not real products (QEMU's stdvga 0x1111 and edu
 * 0x11e8 live there), so we take a device ID there that spells "MD" and
 * that no emulator we know of uses.  A real product must use its own
 * vendor ID instead.
 */
#define MDPY_PCI_VENDOR_ID	0x1234
#define MDPY_PCI_DEVICE_ID	0x4d44
#define MDPY_PCI_SUBVENDOR_ID	MDPY_PCI_VENDOR_ID
#define MDPY_PCI_SUBDEVICE_ID	MDPY_PCI_DEVICE_ID

/* The vendor-specific capability, at a fixed offset for simplicity. */
#define MDPY_CAP_OFFSET		0x40
#define MDPY_CAP_VERSION	1

/* Offsets in config space; u8 fields first, then u32 fields. */
#define MDPY_CFG_CAP_ID		(MDPY_CAP_OFFSET + 0x00) /* PCI_CAP_ID_VNDR */
#define MDPY_CFG_CAP_NEXT	(MDPY_CAP_OFFSET + 0x01) /* 0: last */
#define MDPY_CFG_CAP_LEN	(MDPY_CAP_OFFSET + 0x02) /* MDPY_CAP_LEN */
#define MDPY_CFG_CAP_VERSION	(MDPY_CAP_OFFSET + 0x03) /* MDPY_CAP_VERSION */
#define MDPY_CFG_FORMAT		(MDPY_CAP_OFFSET + 0x04) /* DRM fourcc */
#define MDPY_CFG_WIDTH		(MDPY_CAP_OFFSET + 0x08) /* pixels */
#define MDPY_CFG_HEIGHT		(MDPY_CAP_OFFSET + 0x0c) /* lines */
#define MDPY_CFG_STRIDE		(MDPY_CAP_OFFSET + 0x10) /* bytes per line */
#define MDPY_CFG_CTRL		(MDPY_CAP_OFFSET + 0x14) /* read/write */
#define MDPY_CAP_LEN		0x18

/*
 * MDPY_CFG_CTRL: the guest driver sets MDPY_CTRL_OWNED when it takes the
 * framebuffer over; the device then clears it to black.  Until then, and
 * again after a reset, the framebuffer shows the colour bars below.
 */
#define MDPY_CTRL_OWNED		0x00000001

/*
 * Colour bars: MDPY_BARS vertical bars of equal width.  Pixel (x, y) has
 * colour MDPY_BAR_COLOUR(x * MDPY_BARS / width) for every y, where the
 * value is the XRGB8888 pixel as a little-endian u32 (X byte is 0).
 */
#define MDPY_BARS		8
#define MDPY_BAR_COLOUR(i)				\
	((i) == 0 ? 0x00ffffff :	/* white */	\
	 (i) == 1 ? 0x00ffff00 :	/* yellow */	\
	 (i) == 2 ? 0x0000ffff :	/* cyan */	\
	 (i) == 3 ? 0x0000ff00 :	/* green */	\
	 (i) == 4 ? 0x00ff00ff :	/* magenta */	\
	 (i) == 5 ? 0x00ff0000 :	/* red */	\
	 (i) == 6 ? 0x000000ff :	/* blue */	\
		    0x00000000)		/* black */

#endif /* _MDPY_DEFS_H */
