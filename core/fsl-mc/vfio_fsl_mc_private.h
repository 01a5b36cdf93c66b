/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-fsl-mc: objects of NXP's Management Complex (DPAA2) given to
 * userspace.  A DPRC is a container of objects (DPNI, DPIO, DPBP, DPMCP,
 * ...); userspace takes the container and every object in it, which form
 * one VFIO device set.
 */
#ifndef _VFIO_FSL_MC_PRIVATE_H
#define _VFIO_FSL_MC_PRIVATE_H

#include <linux/fsl/mc.h>
#include <linux/notifier.h>
#include <linux/vfio.h>

/* One window of 2^40 bytes per region in the device fd, as upstream. */
#define VFIO_FSL_MC_OFFSET_SHIFT	40
#define VFIO_FSL_MC_OFFSET_MASK		((1ULL << VFIO_FSL_MC_OFFSET_SHIFT) - 1)
#define VFIO_FSL_MC_OFFSET_TO_INDEX(off)	\
	((off) >> VFIO_FSL_MC_OFFSET_SHIFT)
#define VFIO_FSL_MC_INDEX_TO_OFFSET(index)	\
	((u64)(index) << VFIO_FSL_MC_OFFSET_SHIFT)

/* An MC command is 64 bytes: a header word and seven parameter words. */
#define VFIO_FSL_MC_CMD_SIZE		64
#define VFIO_FSL_MC_CMD_WORDS		(VFIO_FSL_MC_CMD_SIZE / sizeof(u64))

/**
 * struct vfio_fsl_mc_irq - one MSI of the object, as userspace sees it
 * @flags: VFIO_IRQ_INFO_* for VFIO_DEVICE_GET_IRQ_INFO
 * @count: vectors (1)
 * @trigger: eventfd signalled on each interrupt, or NULL
 * @name: name the interrupt is requested under
 */
struct vfio_fsl_mc_irq {
	u32			flags;
	u32			count;
	struct eventfd_ctx	*trigger;
	char			*name;
};

/**
 * struct vfio_fsl_mc_region - one MC portal or other MMIO region
 * @flags: VFIO_REGION_INFO_FLAG_* for userspace
 * @type: the MC's region flags (FSL_MC_REGION_CACHEABLE, _SHAREABLE)
 * @addr: physical start
 * @size: length
 * @ioaddr: kernel mapping for read()/write(), made on first use
 */
struct vfio_fsl_mc_region {
	u32			flags;
	u32			type;
	u64			addr;
	resource_size_t		size;
	void __iomem		*ioaddr;
};

/**
 * struct vfio_fsl_mc_device - an fsl-mc object bound to vfio-fsl-mc
 * @vdev: the VFIO core's part; must come first
 * @mc_dev: the object
 * @nb: bus notifier of a DPRC, which claims the objects the container
 *      gains for vfio-fsl-mc
 * @regions: the object's regions while it is open
 * @mc_irqs: the object's interrupts once userspace set one up
 * @igate: protects @mc_irqs and the MSI allocation of @mc_dev
 */
struct vfio_fsl_mc_device {
	struct vfio_device		vdev;
	struct fsl_mc_device		*mc_dev;
	struct notifier_block		nb;
	struct vfio_fsl_mc_region	*regions;
	struct vfio_fsl_mc_irq		*mc_irqs;
	struct mutex			igate;
};

static inline struct vfio_fsl_mc_device *
to_vfio_fsl_mc(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_fsl_mc_device, vdev);
}

/* The DPRC an object lives in (a DPRC is its own container). */
static inline struct fsl_mc_device *
vfio_fsl_mc_cont(struct fsl_mc_device *mc_dev)
{
	return to_fsl_mc_device(fsl_mc_cont_dev(&mc_dev->dev));
}

int vfio_fsl_mc_set_irqs_ioctl(struct vfio_fsl_mc_device *vdev,
			       u32 flags, unsigned int index,
			       unsigned int start, unsigned int count,
			       void *data);
void vfio_fsl_mc_irqs_cleanup(struct vfio_fsl_mc_device *vdev);

#endif /* _VFIO_FSL_MC_PRIVATE_H */
