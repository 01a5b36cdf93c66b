// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capabilities of a device owned by vfio-pci, as its user sees them:
 * for each capability id, which registers are virtualised or writable and
 * what writing them does (vfio_pci_config.c has the access path, the
 * standard header and the chain walk), and how long each capability is.
 * Capabilities not listed here are read-only, or hidden when we cannot
 * tell their length; what is exposed follows Linux 6.1.
 */

#include <linux/pci.h>
#include <linux/vfio.h>

#include "vfio_pci_priv.h"
#include "vfio_pci_config.h"

/* ---- power management ------------------------------------------------ */

static int vfio_pm_write(struct vfio_pci_core_device *vdev,
			 const struct vfio_cfg_access *acc, u32 val)
{
	pci_power_t state;
	int ret;

	ret = vfio_cfg_default_write(vdev, acc, val);
	if (ret || acc->offset != PCI_PM_CTRL)
		return ret;

	/* The state field is read-only to the user; we make the change. */
	switch (val & PCI_PM_CTRL_STATE_MASK) {
	case 0:
		state = PCI_D0;
		break;
	case 1:
		state = PCI_D1;
		break;
	case 2:
		state = PCI_D2;
		break;
	default:
		state = PCI_D3hot;
		break;
	}

	/* the BARs stop decoding in D3hot: no user mapping may touch them */
	if (state == PCI_D3hot)
		vfio_pci_zap_and_down_write_memory_lock(vdev);
	else
		down_write(&vdev->memory_lock);
	vfio_pci_set_power_state(vdev, state);
	up_write(&vdev->memory_lock);
	return 0;
}

/*
 * PME status is RW1C in the device: a write of the power state or data
 * select must not clear it by writing back the 1 it read (the user sees
 * PME status as 0 and cannot clear it).
 */
static const struct vfio_cfg_reg pm_regs[] = {
	{ PCI_PM_PMC,	2, PCI_PM_CAP_PME_MASK, 0 },
	{ PCI_PM_CTRL,	4, VFIO_PM_CTRL_PME,
			   ~(VFIO_PM_CTRL_PME | PCI_PM_CTRL_STATE_MASK),
			   PCI_PM_CTRL_PME_STATUS },
};

/* ---- vital product data ---------------------------------------------- */

/*
 * Address and data are virtual; writing the address (its flag byte) runs
 * the transfer through the PCI core, which serialises VPD access, and then
 * flips the flag to say it completed.
 */
static int vfio_vpd_write(struct vfio_pci_core_device *vdev,
			  const struct vfio_cfg_access *acc, u32 val)
{
	unsigned int addr_pos = acc->start + PCI_VPD_ADDR;
	unsigned int data_pos = acc->start + PCI_VPD_DATA;
	u8 data[4];
	u16 addr;
	int ret;

	ret = vfio_cfg_default_write(vdev, acc, val);
	if (ret || acc->offset > PCI_VPD_ADDR + 1 ||
	    acc->offset + acc->count <= PCI_VPD_ADDR + 1)
		return ret;

	addr = vconfig_get(vdev, addr_pos, 2);
	if (addr & PCI_VPD_ADDR_F) {
		put_unaligned_le32(vconfig_get(vdev, data_pos, 4), data);
		if (pci_write_vpd(vdev->pdev, addr & PCI_VPD_ADDR_MASK, 4,
				  data) != 4)
			return 0;	/* never completing times the user out */
	} else {
		memset(data, 0, sizeof(data));
		if (pci_read_vpd(vdev->pdev, addr, 4, data) < 0)
			return 0;
		vconfig_put(vdev, data_pos, 4, get_unaligned_le32(data));
	}
	vconfig_put(vdev, addr_pos, 2, addr ^ PCI_VPD_ADDR_F);
	return 0;
}

static const struct vfio_cfg_reg vpd_regs[] = {
	{ PCI_VPD_ADDR,	2, 0xffff, 0xffff },
	{ PCI_VPD_DATA,	4, ~0U, ~0U },
};

/* ---- PCI-X ----------------------------------------------------------- */

static const struct vfio_cfg_reg pcix_regs[] = {
	{ PCI_X_CMD,	 2, 0, 0xffff },
	{ PCI_X_STATUS,	 4, 0, 0, PCI_X_STATUS_SPL_DISC | PCI_X_STATUS_UNX_SPL |
			       PCI_X_STATUS_SPL_ERR },
	{ PCI_X_ECC_CSR, 4, 0, ~0U },
};

/* ---- PCI Express and Advanced Features: FLR -------------------------- */

static void vfio_cfg_flr(struct vfio_pci_core_device *vdev)
{
	vfio_pci_zap_and_down_write_memory_lock(vdev);
	pci_try_reset_function(vdev->pdev);
	up_write(&vdev->memory_lock);
}

/*
 * Device control: FLR is virtual (and always reads 0), carried out as a
 * function reset.  MPS is virtual because only the host can pick one for
 * the whole hierarchy.  MRRS is virtual and passed on, but never below the
 * device's MPS.  Phantom functions would confuse the IOMMU, so they stay
 * off; ARI in control 2 was set up by the host.
 */
static int vfio_exp_write(struct vfio_pci_core_device *vdev,
			  const struct vfio_cfg_access *acc, u32 val)
{
	unsigned int ctl_pos = acc->start + PCI_EXP_DEVCTL;
	u16 ctl = vconfig_get(vdev, ctl_pos, 2);
	u16 old_rrq = ctl & PCI_EXP_DEVCTL_READRQ;
	u32 devcap;
	int ret, rrq;

	ret = vfio_cfg_default_write(vdev, acc, val);
	if (ret)
		return ret;
	ctl = vconfig_get(vdev, ctl_pos, 2);

	if (ctl & PCI_EXP_DEVCTL_BCR_FLR) {
		ctl &= ~PCI_EXP_DEVCTL_BCR_FLR;
		vconfig_put(vdev, ctl_pos, 2, ctl);
		if (!pci_user_read_config_dword(vdev->pdev,
						acc->start + PCI_EXP_DEVCAP,
						&devcap) &&
		    (devcap & PCI_EXP_DEVCAP_FLR))
			vfio_cfg_flr(vdev);
	}

	if ((ctl & PCI_EXP_DEVCTL_READRQ) != old_rrq) {
		rrq = 128 << ((ctl & PCI_EXP_DEVCTL_READRQ) >> 12);
		pcie_set_readrq(vdev->pdev,
				max(rrq, pcie_get_mps(vdev->pdev)));
	}
	return 0;
}

/*
 * The status registers are read-only to the user, as on 6.1; their RW1C
 * bits are listed so that no write of a control register beside them can
 * clear them.
 */
static const struct vfio_cfg_reg exp_regs[] = {
	{ PCI_EXP_DEVCTL,  2, PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_PAYLOAD |
			      PCI_EXP_DEVCTL_READRQ,
			      (u16)~PCI_EXP_DEVCTL_PHANTOM },
	{ PCI_EXP_DEVSTA,  2, 0, 0, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
				    PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD },
	{ PCI_EXP_LNKSTA,  2, 0, 0, PCI_EXP_LNKSTA_LBMS | PCI_EXP_LNKSTA_LABS },
	{ PCI_EXP_SLTSTA,  2, 0, 0, PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD |
				    PCI_EXP_SLTSTA_MRLSC | PCI_EXP_SLTSTA_PDC |
				    PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_DLLSC },
	{ PCI_EXP_RTSTA,   4, 0, 0, PCI_EXP_RTSTA_PME },
	{ PCI_EXP_DEVCTL2, 2, 0, (u16)~PCI_EXP_DEVCTL2_ARI },
};

static int vfio_af_write(struct vfio_pci_core_device *vdev,
			 const struct vfio_cfg_access *acc, u32 val)
{
	unsigned int ctl_pos = acc->start + PCI_AF_CTRL;
	u8 cap;
	int ret;

	ret = vfio_cfg_default_write(vdev, acc, val);
	if (ret || !(vdev->vconfig[ctl_pos] & PCI_AF_CTRL_FLR))
		return ret;

	vdev->vconfig[ctl_pos] &= ~PCI_AF_CTRL_FLR;
	if (!pci_user_read_config_byte(vdev->pdev, acc->start + PCI_AF_CAP,
				       &cap) &&
	    (cap & PCI_AF_CAP_TP) && (cap & PCI_AF_CAP_FLR))
		vfio_cfg_flr(vdev);
	return 0;
}

static const struct vfio_cfg_reg af_regs[] = {
	{ PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR, PCI_AF_CTRL_FLR },
};

/* ---- MSI ------------------------------------------------------------- */

/*
 * The device's MSI address and data are programmed by the host when the
 * user enables MSI with VFIO_DEVICE_SET_IRQS; the user's values stay in
 * vconfig.  The flags are virtual too, then written to the device with
 * enable only while the host has MSI on, and with no more vectors enabled
 * than msi_qmax allows.
 */
static int vfio_msi_write(struct vfio_pci_core_device *vdev,
			  const struct vfio_cfg_access *acc, u32 val)
{
	unsigned int flags_pos = acc->start + PCI_MSI_FLAGS;
	u16 flags;
	int ret;

	ret = vfio_cfg_default_write(vdev, acc, val);
	if (ret || acc->offset > PCI_MSI_FLAGS ||
	    acc->offset + acc->count <= PCI_MSI_FLAGS)
		return ret;

	flags = vconfig_get(vdev, flags_pos, 2);
	if (vdev->irq_type != VFIO_PCI_MSI_IRQ_INDEX)
		flags &= ~PCI_MSI_FLAGS_ENABLE;
	if (((flags & PCI_MSI_FLAGS_QSIZE) >> 4) > vdev->msi_qmax)
		flags = (flags & ~PCI_MSI_FLAGS_QSIZE) | (vdev->msi_qmax << 4);
	vconfig_put(vdev, flags_pos, 2, flags);

	return pcibios_err_to_errno(pci_user_write_config_word(vdev->pdev,
							       flags_pos,
							       flags));
}

#define MSI_REG(off, size)	{ off, size, ~0U, ~0U }
/* the vector count the device supports stays as it is */
#define MSI_FLAGS_REG	{ PCI_MSI_FLAGS, 1, 0xff, (u8)~PCI_MSI_FLAGS_QMASK }
#define MSI_MASK_REGS(mask, pend) \
	{ mask, 4, 0, ~0U }, { pend, 4, 0, ~0U }

static const struct vfio_cfg_reg msi32_regs[] = {
	MSI_FLAGS_REG, MSI_REG(PCI_MSI_ADDRESS_LO, 4),
	MSI_REG(PCI_MSI_DATA_32, 2),
};

static const struct vfio_cfg_reg msi32_mask_regs[] = {
	MSI_FLAGS_REG, MSI_REG(PCI_MSI_ADDRESS_LO, 4),
	MSI_REG(PCI_MSI_DATA_32, 2),
	MSI_MASK_REGS(PCI_MSI_MASK_32, PCI_MSI_MASK_32 + 4),
};

static const struct vfio_cfg_reg msi64_regs[] = {
	MSI_FLAGS_REG, MSI_REG(PCI_MSI_ADDRESS_LO, 4),
	MSI_REG(PCI_MSI_ADDRESS_HI, 4), MSI_REG(PCI_MSI_DATA_64, 2),
};

static const struct vfio_cfg_reg msi64_mask_regs[] = {
	MSI_FLAGS_REG, MSI_REG(PCI_MSI_ADDRESS_LO, 4),
	MSI_REG(PCI_MSI_ADDRESS_HI, 4), MSI_REG(PCI_MSI_DATA_64, 2),
	MSI_MASK_REGS(PCI_MSI_MASK_64, PCI_MSI_PENDING_64),
};

/* The MSI layout depends on the flags: [64-bit][per-vector masking]. */
static struct perm_bits msi_perms[2][2] = {
	{ { VFIO_CFG_REGS(msi32_regs), .write = vfio_msi_write },
	  { VFIO_CFG_REGS(msi32_mask_regs), .write = vfio_msi_write } },
	{ { VFIO_CFG_REGS(msi64_regs), .write = vfio_msi_write },
	  { VFIO_CFG_REGS(msi64_mask_regs), .write = vfio_msi_write } },
};

/* ---- extended capabilities with writable bits ------------------------ */

#define AER_UNCOR_BITS	(PCI_ERR_UNC_UND | PCI_ERR_UNC_DLP |		\
			 PCI_ERR_UNC_SURPDN | PCI_ERR_UNC_POISON_TLP |	\
			 PCI_ERR_UNC_FCP | PCI_ERR_UNC_COMP_TIME |	\
			 PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP |	\
			 PCI_ERR_UNC_RX_OVER | PCI_ERR_UNC_MALF_TLP |	\
			 PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP |		\
			 PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN |		\
			 PCI_ERR_UNC_MCBTLP | PCI_ERR_UNC_ATOMEG |	\
			 PCI_ERR_UNC_TLPPRE)
#define AER_COR_BITS	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP |	\
			 PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL |	\
			 PCI_ERR_COR_REP_TIMER | PCI_ERR_COR_ADV_NFAT |	\
			 PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)

/*
 * Error status, masks and severities are the user's to manage.  Every bit
 * of the two status registers is RW1C (or reserved, written as 0): the
 * user's 1s clear those errors and nothing else, and errors the user may
 * not write (ones newer than this list) stay set.
 */
static const struct vfio_cfg_reg aer_regs[] = {
	{ PCI_ERR_UNCOR_STATUS,	4, 0, AER_UNCOR_BITS, ~0U },
	{ PCI_ERR_UNCOR_MASK,	4, 0, AER_UNCOR_BITS },
	{ PCI_ERR_UNCOR_SEVER,	4, 0, AER_UNCOR_BITS },
	{ PCI_ERR_COR_STATUS,	4, 0, AER_COR_BITS, ~0U },
	{ PCI_ERR_COR_MASK,	4, 0, AER_COR_BITS },
	{ PCI_ERR_CAP,		4, 0, PCI_ERR_CAP_ECRC_GENE |
				      PCI_ERR_CAP_ECRC_CHKE },
};

/* Power budgeting: the user selects which budget the data register shows. */
static const struct vfio_cfg_reg pwr_regs[] = {
	{ PCI_PWR_DSR, 1, 0, 0xff },
};

/* ---- which capability gets which permissions ------------------------- */

/* Known capabilities without a table: read-only but for the chain header. */
static struct perm_bits ro_perm;
/* Vendor-specific capabilities: their registers are the vendor's business. */
static struct perm_bits vndr_perm = { .raw_write = true };

static struct perm_bits cap_perms[PCI_CAP_ID_MAX + 1] = {
	[PCI_CAP_ID_PM]		= { VFIO_CFG_REGS(pm_regs), .write = vfio_pm_write },
	[PCI_CAP_ID_VPD]	= { VFIO_CFG_REGS(vpd_regs), .write = vfio_vpd_write },
	[PCI_CAP_ID_PCIX]	= { VFIO_CFG_REGS(pcix_regs) },
	[PCI_CAP_ID_VNDR]	= { .raw_write = true },
	[PCI_CAP_ID_EXP]	= { VFIO_CFG_REGS(exp_regs), .write = vfio_exp_write },
	[PCI_CAP_ID_AF]		= { VFIO_CFG_REGS(af_regs), .write = vfio_af_write },
};

static struct perm_bits ecap_perms[PCI_EXT_CAP_ID_MAX + 1] = {
	[PCI_EXT_CAP_ID_ERR]	= { VFIO_CFG_REGS(aer_regs) },
	[PCI_EXT_CAP_ID_PWR]	= { VFIO_CFG_REGS(pwr_regs) },
};

/**
 * vfio_cap_perm - the permissions of a byte owned by a capability
 * @vdev: the device
 * @pos: the byte, at 0x40 or above
 * @id: its owner in pci_config_map
 *
 * Return: the capability's permissions (never NULL).
 */
struct perm_bits *vfio_cap_perm(struct vfio_pci_core_device *vdev,
				unsigned int pos, u8 id)
{
	if (id == VFIO_CFG_VIRT_ONLY)
		return &ro_perm;
	if (pos < PCI_CFG_SPACE_SIZE) {
		if (id == PCI_CAP_ID_MSI)
			return vdev->msi_perm ?: &ro_perm;
		return id <= PCI_CAP_ID_MAX ? &cap_perms[id] : &ro_perm;
	}
	if (id == PCI_EXT_CAP_ID_VNDR || id == PCI_EXT_CAP_ID_DVSEC)
		return &vndr_perm;
	return id <= PCI_EXT_CAP_ID_MAX ? &ecap_perms[id] : &ro_perm;
}

/* ---- capability lengths ------------------------------------------------ */

/* Lengths of capabilities: 0 hides one, VAR_LEN asks vfio_cap_len(). */
#define VAR_LEN		0xff

static const u8 cap_len[PCI_CAP_ID_MAX + 1] = {
	[PCI_CAP_ID_PM]		= PCI_PM_SIZEOF,
	[PCI_CAP_ID_AGP]	= PCI_AGP_SIZEOF,
	[PCI_CAP_ID_VPD]	= PCI_CAP_VPD_SIZEOF,
	[PCI_CAP_ID_MSI]	= VAR_LEN,
	[PCI_CAP_ID_PCIX]	= VAR_LEN,
	[PCI_CAP_ID_VNDR]	= VAR_LEN,
	[PCI_CAP_ID_EXP]	= VAR_LEN,
	[PCI_CAP_ID_MSIX]	= PCI_CAP_MSIX_SIZEOF,
	[PCI_CAP_ID_SATA]	= VAR_LEN,
	[PCI_CAP_ID_AF]		= PCI_CAP_AF_SIZEOF,
};

static const u8 ecap_len[PCI_EXT_CAP_ID_MAX + 1] = {
	[PCI_EXT_CAP_ID_ERR]	= PCI_ERR_ROOT_COMMAND,	/* endpoint part */
	[PCI_EXT_CAP_ID_VC]	= VAR_LEN,
	[PCI_EXT_CAP_ID_DSN]	= PCI_EXT_CAP_DSN_SIZEOF,
	[PCI_EXT_CAP_ID_PWR]	= PCI_EXT_CAP_PWR_SIZEOF,
	[PCI_EXT_CAP_ID_MFVC]	= VAR_LEN,
	[PCI_EXT_CAP_ID_VC9]	= VAR_LEN,
	[PCI_EXT_CAP_ID_VNDR]	= VAR_LEN,
	[PCI_EXT_CAP_ID_ACS]	= VAR_LEN,
	[PCI_EXT_CAP_ID_ARI]	= PCI_EXT_CAP_ARI_SIZEOF,
	[PCI_EXT_CAP_ID_ATS]	= PCI_EXT_CAP_ATS_SIZEOF,
	[PCI_EXT_CAP_ID_SRIOV]	= PCI_EXT_CAP_SRIOV_SIZEOF,
	[PCI_EXT_CAP_ID_MCAST]	= PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF,
	[PCI_EXT_CAP_ID_PRI]	= PCI_EXT_CAP_PRI_SIZEOF,
	[PCI_EXT_CAP_ID_REBAR]	= VAR_LEN,
	[PCI_EXT_CAP_ID_DPA]	= VAR_LEN,
	[PCI_EXT_CAP_ID_TPH]	= VAR_LEN,
	[PCI_EXT_CAP_ID_LTR]	= PCI_EXT_CAP_LTR_SIZEOF,
	[PCI_EXT_CAP_ID_DVSEC]	= VAR_LEN,
};

static int vfio_msi_cap_len(struct vfio_pci_core_device *vdev, u8 pos)
{
	u16 flags;
	int is64, maskbit, ret;

	ret = pci_read_config_word(vdev->pdev, pos + PCI_MSI_FLAGS, &flags);
	if (ret)
		return pcibios_err_to_errno(ret);

	is64 = !!(flags & PCI_MSI_FLAGS_64BIT);
	maskbit = !!(flags & PCI_MSI_FLAGS_MASKBIT);
	vdev->msi_perm = &msi_perms[is64][maskbit];
	vdev->msi_qmax = (flags & PCI_MSI_FLAGS_QMASK) >> 1;

	/* flags, address, data; a high address; mask and pending words */
	return 10 + 4 * is64 + 10 * maskbit;
}

static int vfio_cap_len(struct vfio_pci_core_device *vdev, u8 id, u8 pos)
{
	struct pci_dev *pdev = vdev->pdev;
	bool v1, rc_end;
	u16 word;
	u8 byte;
	int ret = 0;

	switch (id) {
	case PCI_CAP_ID_MSI:
		return vfio_msi_cap_len(vdev, pos);
	case PCI_CAP_ID_PCIX:
		ret = pci_read_config_word(pdev, pos + PCI_X_CMD, &word);
		if (ret)
			break;
		return PCI_X_CMD_VERSION(word) ? PCI_CAP_PCIX_SIZEOF_V2 :
						 PCI_CAP_PCIX_SIZEOF_V0;
	case PCI_CAP_ID_VNDR:
		/* the byte after the next pointer is the length */
		ret = pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &byte);
		if (ret)
			break;
		return byte;
	case PCI_CAP_ID_EXP:
		v1 = (pcie_caps_reg(pdev) & PCI_EXP_FLAGS_VERS) == 1;
		rc_end = pci_pcie_type(pdev) == PCI_EXP_TYPE_RC_END;
		/* integrated endpoints have no link registers */
		if (v1)
			return rc_end ? PCI_EXP_DEVSTA + 2 :
					PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
		return rc_end ? PCI_EXP_DEVSTA2 + 2 :
				PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
	case PCI_CAP_ID_SATA:
		ret = pci_read_config_byte(pdev, pos + PCI_SATA_REGS, &byte);
		if (ret)
			break;
		return (byte & PCI_SATA_REGS_MASK) == PCI_SATA_REGS_INLINE ?
		       PCI_SATA_SIZEOF_LONG : PCI_SATA_SIZEOF_SHORT;
	}
	return ret ? pcibios_err_to_errno(ret) : 0;
}

/* Virtual channel: the base, one resource per VC, and the tables they use. */
static int vfio_vc_cap_len(struct pci_dev *pdev, u16 pos)
{
	u32 cap1, cap2, res;
	int len, end, nvc, i, phases, bits;

	if (pci_read_config_dword(pdev, pos + PCI_VC_PORT_CAP1, &cap1) ||
	    pci_read_config_dword(pdev, pos + PCI_VC_PORT_CAP2, &cap2))
		return -EIO;

	nvc = (cap1 & PCI_VC_CAP1_EVCC) + 1;
	len = PCI_CAP_VC_BASE_SIZEOF + nvc * PCI_CAP_VC_PER_VC_SIZEOF;

	/* VC arbitration table: 4 bits per phase */
	if (cap2 & PCI_VC_CAP2_ARB_OFF) {
		phases = 0;
		if (cap2 & PCI_VC_CAP2_128_PHASE)
			phases = 128;
		else if (cap2 & PCI_VC_CAP2_64_PHASE)
			phases = 64;
		else if (cap2 & PCI_VC_CAP2_32_PHASE)
			phases = 32;
		end = ((cap2 & PCI_VC_CAP2_ARB_OFF) >> 24) * 16 + phases / 2;
		len = max(len, end);
	}

	/* port arbitration tables of each VC: phases * entry bits */
	bits = 1 << ((cap1 & PCI_VC_CAP1_ARB_SIZE) >> 10);
	for (i = 0; i < nvc; i++) {
		if (pci_read_config_dword(pdev, pos + PCI_VC_RES_CAP +
					  i * PCI_CAP_VC_PER_VC_SIZEOF, &res))
			return -EIO;
		if (!(res & PCI_VC_RES_CAP_ARB_OFF))
			continue;
		phases = 0;
		if (res & PCI_VC_RES_CAP_256_PHASE)
			phases = 256;
		else if (res & (PCI_VC_RES_CAP_128_PHASE |
				PCI_VC_RES_CAP_128_PHASE_TB))
			phases = 128;
		else if (res & PCI_VC_RES_CAP_64_PHASE)
			phases = 64;
		else if (res & PCI_VC_RES_CAP_32_PHASE)
			phases = 32;
		end = ((res & PCI_VC_RES_CAP_ARB_OFF) >> 24) * 16 +
		      phases * bits / 8;
		len = max(len, end);
	}
	return len;
}

static int vfio_ecap_len(struct vfio_pci_core_device *vdev, u16 id, u16 pos)
{
	struct pci_dev *pdev = vdev->pdev;
	u32 dword;
	u8 byte;
	int n;

	switch (id) {
	case PCI_EXT_CAP_ID_VC:
	case PCI_EXT_CAP_ID_VC9:
	case PCI_EXT_CAP_ID_MFVC:
		return vfio_vc_cap_len(pdev, pos);
	case PCI_EXT_CAP_ID_VNDR:
		if (pci_read_config_dword(pdev, pos + PCI_VSEC_HDR, &dword))
			return -EIO;
		return dword >> PCI_VSEC_HDR_LEN_SHIFT;
	case PCI_EXT_CAP_ID_DVSEC:
		if (pci_read_config_dword(pdev, pos + PCI_DVSEC_HEADER1, &dword))
			return -EIO;
		return PCI_DVSEC_HEADER1_LEN(dword);
	case PCI_EXT_CAP_ID_ACS:
		if (pci_read_config_byte(pdev, pos + PCI_ACS_CAP, &byte))
			return -EIO;
		if (!(byte & PCI_ACS_EC))
			return PCI_ACS_EGRESS_CTL_V;
		/* egress control vector: 0 means 256 bits, padded to dwords */
		if (pci_read_config_byte(pdev, pos + PCI_ACS_EGRESS_BITS, &byte))
			return -EIO;
		n = byte ? round_up(byte, 32) : 256;
		return PCI_ACS_EGRESS_CTL_V + n / 8;
	case PCI_EXT_CAP_ID_REBAR:
		if (pci_read_config_byte(pdev, pos + PCI_REBAR_CTRL, &byte))
			return -EIO;
		n = (byte & PCI_REBAR_CTRL_NBAR_MASK) >>
		    PCI_REBAR_CTRL_NBAR_SHIFT;
		return 4 + 8 * n;
	case PCI_EXT_CAP_ID_DPA:
		if (pci_read_config_byte(pdev, pos + PCI_DPA_CAP, &byte))
			return -EIO;
		return PCI_DPA_BASE_SIZEOF +
		       (byte & PCI_DPA_CAP_SUBSTATE_MASK) + 1;
	case PCI_EXT_CAP_ID_TPH:
		if (pci_read_config_dword(pdev, pos + PCI_TPH_CAP, &dword))
			return -EIO;
		if ((dword & PCI_TPH_CAP_LOC_MASK) != PCI_TPH_LOC_CAP)
			return PCI_TPH_BASE_SIZEOF;
		n = ((dword & PCI_TPH_CAP_ST_MASK) >> PCI_TPH_CAP_ST_SHIFT) + 1;
		return PCI_TPH_BASE_SIZEOF + 2 * n;
	}
	return 0;
}

/**
 * vfio_cap_length - bytes of config space a capability covers
 * @vdev: the device
 * @id: the capability id
 * @pos: where it starts
 *
 * Return: its length, 0 for a capability to hide, or a negative errno.
 */
int vfio_cap_length(struct vfio_pci_core_device *vdev, u8 id, u8 pos)
{
	/* id 0 (a null capability) would clash with the header's 0 */
	if (!id || id > PCI_CAP_ID_MAX)
		return 0;
	if (cap_len[id] == VAR_LEN)
		return vfio_cap_len(vdev, id, pos);
	return cap_len[id];
}

/**
 * vfio_ecap_length - bytes of config space an extended capability covers
 * @vdev: the device
 * @id: the extended capability id
 * @pos: where it starts
 *
 * Return: its length, 0 for one to hide, or a negative errno.
 */
int vfio_ecap_length(struct vfio_pci_core_device *vdev, u16 id, u16 pos)
{
	if (id > PCI_EXT_CAP_ID_MAX)
		return 0;
	if (ecap_len[id] == VAR_LEN)
		return vfio_ecap_len(vdev, id, pos);
	return ecap_len[id];
}
