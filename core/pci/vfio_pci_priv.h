/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio-pci-core: what its files (core, rdwr, mmap, intrs and
 * the config-space code) share.  Drivers use <linux/vfio_pci_core.h>.
 */
#ifndef _CORE_PCI_VFIO_PCI_PRIV_H
#define _CORE_PCI_VFIO_PCI_PRIV_H

#include <linux/sizes.h>
#include <linux/vfio_pci_core.h>

/**
 * struct vfio_pci_irq_ctx - one interrupt vector handed to the user
 * @trigger: eventfd signalled when the vector fires
 * @unmask: virqfd whose signal unmasks INTx
 * @mask: virqfd whose signal masks INTx (reserved, unused)
 * @name: name given to request_irq()
 * @masked: INTx is masked (by the user or by the auto-mask on fire)
 * @producer: irq bypass producer, so KVM can post the interrupt
 */
struct vfio_pci_irq_ctx {
	struct eventfd_ctx	*trigger;
	struct virqfd		*unmask;
	struct virqfd		*mask;
	char			*name;
	bool			masked;
	struct irq_bypass_producer	producer;
};

static inline bool is_intx(struct vfio_pci_core_device *vdev)
{
	return vdev->irq_type == VFIO_PCI_INTX_IRQ_INDEX;
}

static inline bool is_msi(struct vfio_pci_core_device *vdev)
{
	return vdev->irq_type == VFIO_PCI_MSI_IRQ_INDEX;
}

static inline bool is_msix(struct vfio_pci_core_device *vdev)
{
	return vdev->irq_type == VFIO_PCI_MSIX_IRQ_INDEX;
}

static inline bool is_irq_none(struct vfio_pci_core_device *vdev)
{
	return !(is_intx(vdev) || is_msi(vdev) || is_msix(vdev));
}

static inline struct vfio_pci_core_device *
to_vfio_pci_core(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_pci_core_device, vdev);
}

/* Interrupts (vfio_pci_intrs.c). */
void vfio_pci_intx_mask(struct vfio_pci_core_device *vdev);
void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev);
int vfio_pci_set_irqs_ioctl(struct vfio_pci_core_device *vdev, u32 flags,
			    unsigned int index, unsigned int start,
			    unsigned int count, void *data);
int vfio_pci_get_irq_count(struct vfio_pci_core_device *vdev, int irq_type);

/* Memory decode, mappings and power (vfio_pci_mmap.c, vfio_pci_core.c). */
void vfio_pci_zap_and_down_write_memory_lock(struct vfio_pci_core_device *vdev);
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd);
bool vfio_pci_zap_and_memory_trylock(struct vfio_pci_core_device *vdev);
void vfio_pci_zap_bars(struct vfio_pci_core_device *vdev);
/*
 * The caller of vfio_pci_set_power_state() on an enabled device holds
 * memory_lock for write (taken with vfio_pci_zap_and_down_write_memory_lock()
 * when going to D3hot, so no mapping survives).
 */
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state);

/*
 * Size of the ROM region and of the virtual ROM BAR: the host's ROM
 * resource when it has an address; 128 KiB for a shadow copy of a boot
 * ROM in RAM (the VGA BIOS on x86) that has none; else 0, no ROM.  Region
 * info, reads and BAR sizing all go by this one value.
 */
static inline resource_size_t vfio_pci_rom_bar_size(struct pci_dev *pdev)
{
	if (pci_resource_start(pdev, PCI_ROM_RESOURCE))
		return pci_resource_len(pdev, PCI_ROM_RESOURCE);
	if (pci_resource_flags(pdev, PCI_ROM_RESOURCE) & IORESOURCE_ROM_SHADOW)
		return SZ_128K;
	return 0;
}

/* BAR, ROM and VGA access (vfio_pci_rdwr.c). */
int vfio_pci_core_setup_barmap(struct vfio_pci_core_device *vdev, int bar);
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite);
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite);

#endif /* _CORE_PCI_VFIO_PCI_PRIV_H */
