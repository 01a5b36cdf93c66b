// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset for the ARM PL031 real-time clock, the smallest example of a
 * vfio-platform-base reset module.  vfio-platform-base finds it by the
 * device's "compatible" string and loads it on demand through the
 * "vfio-reset:arm,pl031" alias.
 *
 * The PL031 has no reset bit: quieting it means masking and clearing its
 * one interrupt and stopping the match.  The counter keeps running, as a
 * clock should.
 */
#include <linux/io.h>
#include <linux/module.h>
#include "../vfio_platform_private.h"

#define PL031_MR	0x04	/* match register */
#define PL031_IMSC	0x10	/* interrupt mask set and clear */
#define PL031_ICR	0x1c	/* interrupt clear */
#define PL031_SIZE	0x1000

static int vfio_platform_pl031_reset(struct vfio_platform_device *vdev)
{
	void __iomem *base;

	if (!vdev->nr_mem || vdev->mem[0].len < PL031_SIZE)
		return -ENODEV;

	/* Our own mapping: the region's one exists only after a read(). */
	base = ioremap(vdev->mem[0].phys, PL031_SIZE);
	if (!base)
		return -ENOMEM;

	writel(0, base + PL031_IMSC);
	writel(1, base + PL031_ICR);
	writel(0, base + PL031_MR);
	iounmap(base);
	return 0;
}

module_vfio_reset_handler("arm,pl031", vfio_platform_pl031_reset);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION("Reset support for the PL031 RTC behind vfio-platform-base");
