// SPDX-License-Identifier: GPL-2.0-only
/*
 * The unsafe no-IOMMU mode.  With enable_unsafe_noiommu_mode=1, a device
 * that has no IOMMU group (a platform device on a board without an IOMMU,
 * as in QEMU's arm64 "virt" machine) still gets a VFIO group of its own,
 * /dev/vfio/noiommu-N, usable only with CAP_SYS_RAWIO and only in a
 * container set to VFIO_NOIOMMU_IOMMU.  Nothing stops such a device from
 * DMA anywhere, so the kernel is tainted when the group is made.
 *
 * The backend here offers no DMA mapping at all: userspace programs the
 * device with physical addresses it found by itself, at its own risk.
 */
#include <linux/module.h>
#include "vfio.h"

bool vfio_noiommu __read_mostly;
module_param_named(enable_unsafe_noiommu_mode, vfio_noiommu, bool, 0644);
MODULE_PARM_DESC(enable_unsafe_noiommu_mode,
		 "Give devices without an IOMMU a VFIO group anyway (noiommu-N). UNSAFE: the device can DMA anywhere in memory, so this is for CAP_SYS_RAWIO users only, never for VM assignment, and it taints the kernel (default: off)");

/*
 * VFIO_SET_IOMMU only opens a backend for an extension it claimed, so
 * @type is VFIO_NOIOMMU_IOMMU here; checked anyway.
 */
static void *noiommu_backend_open(unsigned long type)
{
	int err = 0;

	if (type != VFIO_NOIOMMU_IOMMU)
		err = -EINVAL;
	else if (!capable(CAP_SYS_RAWIO))
		err = -EPERM;
	/* No state on success: there is nothing to map. */
	return err ? ERR_PTR(err) : NULL;
}

/* Nothing was allocated by open, nothing is held per group. */
static void noiommu_backend_nop(void *iommu_data)
{
}

static void noiommu_backend_detach(void *iommu_data,
				   struct iommu_group *group)
{
}

static long noiommu_backend_ioctl(void *iommu_data, unsigned int cmd,
				  unsigned long arg)
{
	if (cmd != VFIO_CHECK_EXTENSION)
		return -ENOTTY;
	return vfio_noiommu && arg == VFIO_NOIOMMU_IOMMU;
}

static int noiommu_backend_attach(void *iommu_data,
				  struct iommu_group *group,
				  enum vfio_group_type type)
{
	/* Isolated groups never share a container with these. */
	return type == VFIO_NO_IOMMU ? 0 : -EINVAL;
}

static const struct vfio_iommu_driver_ops vfio_noiommu_ops = {
	.open		= noiommu_backend_open,
	.release	= noiommu_backend_nop,
	.attach_group	= noiommu_backend_attach,
	.detach_group	= noiommu_backend_detach,
	.ioctl		= noiommu_backend_ioctl,
	.name		= "vfio-noiommu",
	.owner		= THIS_MODULE,
};

int vfio_noiommu_init(void)
{
	return vfio_register_iommu_driver(&vfio_noiommu_ops);
}

void vfio_noiommu_exit(void)
{
	vfio_unregister_iommu_driver(&vfio_noiommu_ops);
}
