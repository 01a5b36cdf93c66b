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
 * struct vfio_fsl_mc_msi - one MSI of the object (one IRQ index)
 * @signal: eventfd signalled on each interrupt, or NULL when unused
 * @label: the name the handler is requested under, while it is
 *
 * An MSI is an edge with one vector: VFIO_DEVICE_GET_IRQ_INFO always
 * reports EVENTFD and a count of 1, so nothing else needs keeping.
 */
struct vfio_fsl_mc_msi {
	struct eventfd_ctx	*signal;
	char			*label;
};

/**
 * struct vfio_fsl_mc_window - one MC portal or other MMIO region
 * @phys: physical start
 * @len: length in bytes
 * @kva: kernel mapping for read()/write(), made on first use
 * @info_flags: VFIO_REGION_INFO_FLAG_* reported to userspace
 * @cacheable: the MC marks it FSL_MC_REGION_CACHEABLE (a QBMan portal)
 * @shareable: the MC marks it FSL_MC_REGION_SHAREABLE
 */
struct vfio_fsl_mc_window {
	phys_addr_t		phys;
	u64			len;
	void __iomem		*kva;
	u32			info_flags;
	bool			cacheable;
	bool			shareable;
};

/**
 * struct vfio_fsl_mc_device - an fsl-mc object bound to vfio-fsl-mc
 * @vdev: the VFIO core's part; must come first
 * @mc_dev: the object
 * @win: its regions (obj_desc.region_count of them) while it is open
 * @msi_lock: protects @msi and the MSI allocation of @mc_dev
 * @msi: its MSIs (obj_desc.irq_count of them) from the first
 *       VFIO_DEVICE_SET_IRQS that needs them until close, else NULL
 * @claim_nb: a DPRC's bus notifier, which claims the objects the
 *            container gains for vfio-fsl-mc; unused for other objects
 */
struct vfio_fsl_mc_device {
	struct vfio_device		vdev;
	struct fsl_mc_device		*mc_dev;

	struct vfio_fsl_mc_window	*win;

	struct mutex			msi_lock;	/* see above */
	struct vfio_fsl_mc_msi		*msi;

	struct notifier_block		claim_nb;
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

int vfio_fsl_mc_set_irqs(struct vfio_fsl_mc_device *vdev,
			 const struct vfio_irq_set *req, const void *data);
void vfio_fsl_mc_irqs_cleanup(struct vfio_fsl_mc_device *vdev);

#endif /* _VFIO_FSL_MC_PRIVATE_H */
