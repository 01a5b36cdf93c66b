/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config space a vfio-pci user sees (vfio_pci_config.c): a shadow copy
 * in vdev->vconfig, a per-byte map of which capability owns each byte in
 * vdev->pci_config_map, and the read/write path of the config region.
 */
#ifndef _CORE_PCI_VFIO_PCI_CONFIG_H
#define _CORE_PCI_VFIO_PCI_CONFIG_H

#include <linux/vfio_pci_core.h>
#include <asm/unaligned.h>

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

/*
 * Shared by vfio_pci_config.c (the access path, the standard header, the
 * chain walk) and vfio_pci_caps.c (the capabilities); nothing else in
 * vfio-pci-core needs what follows.
 */

/* One register of a capability whose bits are not plain read-only. */
struct vfio_cfg_reg {
	u16 off;	/* offset in the capability */
	u8 size;	/* 1, 2 or 4 bytes */
	u32 virt;	/* bits kept in vconfig */
	u32 write;	/* bits the user may change */
	u32 rw1c;	/* bits the device clears when written with 1 */
};

struct vfio_cfg_access;

/**
 * struct perm_bits - what the user may do with one capability
 * @regs: registers that are virtualised or writable; the rest is read-only
 * @nregs: entries in @regs
 * @raw_write: every byte but the chain header is written to the device
 * @read: optional hook; otherwise vfio_cfg_default_read()
 * @write: optional hook; otherwise vfio_cfg_default_write()
 */
struct perm_bits {
	const struct vfio_cfg_reg *regs;
	unsigned int nregs;
	bool raw_write;
	int (*read)(struct vfio_pci_core_device *vdev,
		    const struct vfio_cfg_access *acc, u32 *val);
	int (*write)(struct vfio_pci_core_device *vdev,
		     const struct vfio_cfg_access *acc, u32 val);
};

/* One naturally aligned access of 1, 2 or 4 bytes inside one capability. */
struct vfio_cfg_access {
	unsigned int pos;	/* in config space */
	unsigned int start;	/* where the owning capability begins */
	unsigned int offset;	/* pos - start */
	unsigned int count;
	u32 virt;		/* of the accessed bytes: kept in vconfig */
	u32 write;		/* of the accessed bytes: user-writable */
	u32 rw1c;		/* of the accessed bytes: write-1-to-clear */
};

#define VFIO_CFG_REGS(r)	.regs = (r), .nregs = ARRAY_SIZE(r)

static inline u32 vfio_cfg_bytes_mask(unsigned int count)
{
	return count == 4 ? ~0U : (1U << (8 * count)) - 1;
}

/* The user cannot take PME events: PME support, enable and status read 0. */
#define VFIO_PM_CTRL_PME	(PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS)

static inline u32 vconfig_get(struct vfio_pci_core_device *vdev,
			       unsigned int pos, unsigned int count)
{
	u8 *p = vdev->vconfig + pos;

	if (count == 1)
		return *p;
	if (count == 2)
		return get_unaligned_le16(p);
	return get_unaligned_le32(p);
}

static inline void vconfig_put(struct vfio_pci_core_device *vdev,
			       unsigned int pos, unsigned int count, u32 val)
{
	u8 *p = vdev->vconfig + pos;

	if (count == 1)
		*p = val;
	else if (count == 2)
		put_unaligned_le16(val, p);
	else
		put_unaligned_le32(val, p);
}

int vfio_cfg_default_read(struct vfio_pci_core_device *vdev,
			  const struct vfio_cfg_access *acc, u32 *val);
int vfio_cfg_default_write(struct vfio_pci_core_device *vdev,
			   const struct vfio_cfg_access *acc, u32 val);

/* vfio_pci_caps.c */
struct perm_bits *vfio_cap_perm(struct vfio_pci_core_device *vdev,
				unsigned int pos, u8 id);
int vfio_cap_length(struct vfio_pci_core_device *vdev, u8 id, u8 pos);
int vfio_ecap_length(struct vfio_pci_core_device *vdev, u16 id, u16 pos);

#endif /* _CORE_PCI_VFIO_PCI_CONFIG_H */
