/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config space a vfio-pci user sees (vfio_pci_config.c): a shadow copy
 * in vdev->vconfig, a per-byte map of which capability owns each byte in
 * vdev->pci_config_map, and the read/write path of the config region.
 */
#ifndef _CORE_PCI_VFIO_PCI_CONFIG_H
#define _CORE_PCI_VFIO_PCI_CONFIG_H

#include <linux/vfio_pci_core.h>

/*
 * Values of vdev->pci_config_map other than capability ids: bytes owned by
 * no capability go to the device as they are (some devices keep registers
 * in the gaps), and bytes that exist only in vconfig (the placeholder
 * header of a hidden extended capability at 0x100).
 */
#define VFIO_CFG_UNASSIGNED	0xff
#define VFIO_CFG_VIRT_ONLY	0xfe

int vfio_config_init(struct vfio_pci_core_device *vdev);
void vfio_config_free(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite);
bool __vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev);

#endif /* _CORE_PCI_VFIO_PCI_CONFIG_H */
