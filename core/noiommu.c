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

static void *vfio_noiommu_open(unsigned long arg)
{
	if (arg != VFIO_NOIOMMU_IOMMU)
		return ERR_PTR(-EINVAL);
	if (!capable(CAP_SYS_RAWIO))
		return ERR_PTR(-EPERM);
	return NULL;	/* no state: there is nothing to map */
}

static void vfio_noiommu_release(void *iommu_data)
{
}

static long vfio_noiommu_ioctl(void *iommu_data, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd == VFIO_CHECK_EXTENSION)
		return vfio_noiommu && arg == VFIO_NOIOMMU_IOMMU ? 1 : 0;
	return -ENOTTY;
}

static int vfio_noiommu_attach_group(void *iommu_data,
				     struct iommu_group *group,
				     enum vfio_group_type type)
{
	/* Isolated groups never share a container with these. */
	return type == VFIO_NO_IOMMU ? 0 : -EINVAL;
}

static void vfio_noiommu_detach_group(void *iommu_data,
				      struct iommu_group *group)
{
}

static const struct vfio_iommu_driver_ops vfio_noiommu_ops = {
	.name		= "vfio-noiommu",
	.owner		= THIS_MODULE,
	.open		= vfio_noiommu_open,
	.release	= vfio_noiommu_release,
	.ioctl		= vfio_noiommu_ioctl,
	.attach_group	= vfio_noiommu_attach_group,
	.detach_group	= vfio_noiommu_detach_group,
};

int vfio_noiommu_init(void)
{
	return vfio_register_iommu_driver(&vfio_noiommu_ops);
}

void vfio_noiommu_exit(void)
{
	vfio_unregister_iommu_driver(&vfio_noiommu_ops);
}
