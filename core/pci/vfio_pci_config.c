// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space of a device owned by vfio-pci, as its user sees it.
 *
 * Every bit the user can address is one of three kinds:
 *  - read-only: reads come from the device, writes are dropped;
 *  - virtualised: reads and writes go to vdev->vconfig, a shadow copy
 *    filled from the device when it is opened;
 *  - write-through: writes reach the device.
 * Bits may be virtualised and writable (BARs) or virtualised and read-only
 * (the capability chain pointers, so we can hide capabilities).
 *
 * vdev->pci_config_map says, byte by byte, which capability owns a byte:
 * 0 for the standard header, the capability id in 0x40-0xff, the extended
 * capability id from 0x100 on, or VFIO_CFG_UNASSIGNED for bytes in no
 * capability (passed to the device unchanged, like its BARs: some devices
 * keep registers there).  Each capability id has a struct perm_bits: a
 * short table of the registers that differ from read-only, and optional
 * hooks for registers with side effects (COMMAND, power state, FLR...).
 *
 * Capabilities we do not know the size of, or do not want the user to
 * touch, are unlinked from the chain in vconfig; known ones we have no
 * table for are read-only.  The layout follows what Linux 6.1 exposes,
 * since QEMU and other users rely on it.
 *
 * No lock covers vconfig: concurrent accesses by one user to the same
 * register can only garble that user's own view of it.  Registers with an
 * effect on the device take memory_lock where memory decode is involved.
 */

#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <asm/unaligned.h>

#include "vfio_pci_priv.h"
#include "vfio_pci_config.h"

/* ---- access to the device and to vconfig ----------------------------- */

static int vfio_cfg_hw_read(struct pci_dev *pdev, unsigned int pos,
			    unsigned int count, u32 *val)
{
	int ret;

	if (count == 1) {
		u8 b;

		ret = pci_user_read_config_byte(pdev, pos, &b);
		*val = b;
	} else if (count == 2) {
		u16 w;

		ret = pci_user_read_config_word(pdev, pos, &w);
		*val = w;
	} else {
		ret = pci_user_read_config_dword(pdev, pos, val);
	}
	return pcibios_err_to_errno(ret);
}

static int vfio_cfg_hw_write(struct pci_dev *pdev, unsigned int pos,
			     unsigned int count, u32 val)
{
	int ret;

	if (count == 1)
		ret = pci_user_write_config_byte(pdev, pos, val);
	else if (count == 2)
		ret = pci_user_write_config_word(pdev, pos, val);
	else
		ret = pci_user_write_config_dword(pdev, pos, val);
	return pcibios_err_to_errno(ret);
}

/*
 * Change the @mask bits of the device's register at @pos to those of @val.
 * The write is narrowed to the aligned half (or byte) holding all of @mask,
 * so that registers beside the one the user wrote are not written at all.
 *
 * Write-one-to-clear (RW1C) status bits need care in what remains of the
 * read-modify-write: writing back a 1 read from such a bit would clear a
 * status the user never asked to clear.  So the rule is: bits in @rw1c
 * (the RW1C bits of the register, from its table) that the user may not
 * write go to the device as 0, which leaves them as they are; those in
 * @mask carry the user's value, so writing 1 clears that bit and no other.
 */
static int vfio_cfg_hw_update(struct pci_dev *pdev, unsigned int pos,
			      unsigned int count, u32 mask, u32 rw1c, u32 val)
{
	u32 cur;
	int ret;

	while (count > 1) {
		unsigned int half = count / 2;
		u32 low = vfio_cfg_bytes_mask(half);

		if (!(mask & ~low)) {
			mask &= low;
			rw1c &= low;
		} else if (!(mask & low)) {
			pos += half;
			mask >>= 8 * half;
			rw1c >>= 8 * half;
			val >>= 8 * half;
		} else {
			break;
		}
		count = half;
	}

	val &= mask;
	if (mask != vfio_cfg_bytes_mask(count)) {
		ret = vfio_cfg_hw_read(pdev, pos, count, &cur);
		if (ret)
			return ret;
		val |= cur & ~mask & ~rw1c;
	}
	return vfio_cfg_hw_write(pdev, pos, count, val);
}

/* ---- the default read and write -------------------------------------- */

int vfio_cfg_default_read(struct vfio_pci_core_device *vdev,
			  const struct vfio_cfg_access *acc, u32 *val)
{
	u32 v = vconfig_get(vdev, acc->pos, acc->count);
	u32 hw;
	int ret;

	if (acc->virt != vfio_cfg_bytes_mask(acc->count)) {
		ret = vfio_cfg_hw_read(vdev->pdev, acc->pos, acc->count, &hw);
		if (ret)
			return ret;
		v = (v & acc->virt) | (hw & ~acc->virt);
	}
	*val = v;
	return 0;
}

int vfio_cfg_default_write(struct vfio_pci_core_device *vdev,
			   const struct vfio_cfg_access *acc, u32 val)
{
	u32 to_virt = acc->write & acc->virt;
	u32 to_hw = acc->write & ~acc->virt;

	if (to_virt) {
		u32 v = vconfig_get(vdev, acc->pos, acc->count);

		vconfig_put(vdev, acc->pos, acc->count,
			    (v & ~to_virt) | (val & to_virt));
	}
	if (to_hw)
		return vfio_cfg_hw_update(vdev->pdev, acc->pos, acc->count,
					  to_hw, acc->rw1c, val);
	return 0;
}

/* ---- standard header ------------------------------------------------- */

static bool is_bar(unsigned int pos)
{
	return (pos >= PCI_BASE_ADDRESS_0 && pos <= PCI_BASE_ADDRESS_5 + 3) ||
	       (pos >= PCI_ROM_ADDRESS && pos < PCI_ROM_ADDRESS + 4);
}

static u32 vfio_bar_flags(struct pci_dev *pdev, int bar)
{
	unsigned long flags = pci_resource_flags(pdev, bar);
	u32 val = PCI_BASE_ADDRESS_SPACE_MEMORY;

	if (flags & IORESOURCE_IO)
		return PCI_BASE_ADDRESS_SPACE_IO;
	if (flags & IORESOURCE_PREFETCH)
		val |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	if (flags & IORESOURCE_MEM_64)
		val |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	return val;
}

/*
 * Turn what the user wrote to the virtual BARs into what a device of this
 * size would hold: the address bits the BAR decodes, its type bits, and
 * zero for BARs the host did not assign (unimplemented, as far as the user
 * can tell).  Writing all-ones and reading back thus gives the size.
 */
static void vfio_bar_fixup(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int pos;
	u64 mask;
	u32 v;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		pos = PCI_BASE_ADDRESS_0 + 4 * i;
		if (!pci_resource_start(pdev, i)) {
			vconfig_put(vdev, pos, 4, 0);
			continue;
		}
		mask = ~(u64)(pci_resource_len(pdev, i) - 1);
		v = vconfig_get(vdev, pos, 4) & (u32)mask;
		v |= vfio_bar_flags(pdev, i);
		vconfig_put(vdev, pos, 4, v);

		if ((v & PCI_BASE_ADDRESS_SPACE_IO) ||
		    !(v & PCI_BASE_ADDRESS_MEM_TYPE_64) ||
		    i + 1 == PCI_STD_NUM_BARS)
			continue;
		/* the upper half of a 64-bit BAR */
		i++;
		pos += 4;
		vconfig_put(vdev, pos, 4,
			    vconfig_get(vdev, pos, 4) & (u32)(mask >> 32));
	}

	/*
	 * The ROM keeps its enable bit and is as large as its region, even
	 * when region info reports 0 because no image could be mapped.
	 */
	pos = PCI_ROM_ADDRESS;
	mask = vfio_pci_rom_bar_size(pdev);
	if (mask)
		mask = ~(mask - 1) | PCI_ROM_ADDRESS_ENABLE;
	vconfig_put(vdev, pos, 4, vconfig_get(vdev, pos, 4) & (u32)mask);

	vdev->bardirty = false;
}

/* The device lost its BAR addresses behind our back (a reset we did not do). */
static bool vfio_bars_lost(struct vfio_pci_core_device *vdev)
{
	u32 bar;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!vdev->rbar[i])
			continue;
		if (pci_user_read_config_dword(vdev->pdev,
					       PCI_BASE_ADDRESS_0 + 4 * i, &bar) ||
		    bar != vdev->rbar[i])
			return true;
	}
	return false;
}

static void vfio_bars_restore(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd;
	int i;

	/* the caller stopped BAR access: memory_lock for write, maps zapped */
	lockdep_assert_held_write(&vdev->memory_lock);

	if (pdev->is_virtfn)
		return;

	pci_info(pdev, "restoring BARs after a reset\n");
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		pci_user_write_config_dword(pdev, PCI_BASE_ADDRESS_0 + 4 * i,
					    vdev->rbar[i]);
	pci_user_write_config_dword(pdev, PCI_ROM_ADDRESS, vdev->rbar[6]);

	if (vdev->nointx) {
		pci_user_read_config_word(pdev, PCI_COMMAND, &cmd);
		pci_user_write_config_word(pdev, PCI_COMMAND,
					   cmd | PCI_COMMAND_INTX_DISABLE);
	}
}

static int vfio_basic_read(struct vfio_pci_core_device *vdev,
			   const struct vfio_cfg_access *acc, u32 *val)
{
	int ret;

	if (is_bar(acc->pos) && vdev->bardirty)
		vfio_bar_fixup(vdev);

	ret = vfio_cfg_default_read(vdev, acc, val);
	if (ret)
		return ret;

	/* Devices without a memory enable bit show the virtual one. */
	if (acc->pos == PCI_COMMAND && vdev->pdev->no_command_memory)
		*val |= vconfig_get(vdev, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
	return 0;
}

/*
 * COMMAND: memory and I/O decode reach the device with memory_lock held for
 * writing, and with the user's mmaps zapped when memory decode goes off, so
 * no access of the user reaches a device that does not decode it.  The
 * values the user last wrote stay in vconfig for __vfio_pci_memory_enabled().
 */
static int vfio_basic_write(struct vfio_pci_core_device *vdev,
			    const struct vfio_cfg_access *acc, u32 val)
{
	struct pci_dev *pdev = vdev->pdev;
	bool cmd_write = acc->pos == PCI_COMMAND;
	u16 decode = PCI_COMMAND_MEMORY | PCI_COMMAND_IO;
	u16 phys, virt;
	bool intx_off;
	int ret;

	if (cmd_write) {
		ret = pci_user_read_config_word(pdev, PCI_COMMAND, &phys);
		if (ret)
			return pcibios_err_to_errno(ret);
		virt = vconfig_get(vdev, PCI_COMMAND, 2);

		if (val & PCI_COMMAND_MEMORY)
			down_write(&vdev->memory_lock);
		else
			vfio_pci_zap_and_down_write_memory_lock(vdev);

		/*
		 * Decode we think is on but the device shows off, or BARs
		 * that changed: the device was reset under us, so give it
		 * its BARs back before it decodes again.
		 */
		if (((val & PCI_COMMAND_MEMORY) && (virt & PCI_COMMAND_MEMORY) &&
		     !(phys & PCI_COMMAND_MEMORY) && !pdev->no_command_memory) ||
		    ((val & PCI_COMMAND_IO) && (virt & PCI_COMMAND_IO) &&
		     !(phys & PCI_COMMAND_IO)) ||
		    vfio_bars_lost(vdev))
			vfio_bars_restore(vdev);
	}

	ret = vfio_cfg_default_write(vdev, acc, val);

	if (cmd_write) {
		if (!ret) {
			virt = vconfig_get(vdev, PCI_COMMAND, 2) & ~decode;
			vconfig_put(vdev, PCI_COMMAND, 2, virt | (val & decode));
		}
		up_write(&vdev->memory_lock);
	}
	if (ret)
		return ret;

	if (is_bar(acc->pos))
		vdev->bardirty = true;

	/* INTx disable is ours to emulate (bit 10, in byte 5). */
	if (acc->pos <= PCI_COMMAND + 1 &&
	    acc->pos + acc->count > PCI_COMMAND + 1) {
		intx_off = vconfig_get(vdev, PCI_COMMAND, 2) &
			   PCI_COMMAND_INTX_DISABLE;
		if (intx_off && !vdev->virq_disabled) {
			vdev->virq_disabled = true;
			vfio_pci_intx_mask(vdev);
		} else if (!intx_off && vdev->virq_disabled) {
			vdev->virq_disabled = false;
			vfio_pci_intx_unmask(vdev);
		}
	}
	return 0;
}

#define BAR_REG(n)	{ PCI_BASE_ADDRESS_0 + 4 * (n), 4, ~0U, ~0U }
/* error bits of the status register: read-only to the user, kept intact */
#define VFIO_STATUS_RW1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
				 PCI_STATUS_REC_TARGET_ABORT |			 \
				 PCI_STATUS_REC_MASTER_ABORT |			 \
				 PCI_STATUS_SIG_SYSTEM_ERROR |			 \
				 PCI_STATUS_DETECTED_PARITY)

static const struct vfio_cfg_reg basic_regs[] = {
	/* read from the device once; a VF's own read as ffff */
	{ PCI_VENDOR_ID,	2, 0xffff, 0 },
	{ PCI_DEVICE_ID,	2, 0xffff, 0 },
	{ PCI_COMMAND,		2, PCI_COMMAND_INTX_DISABLE, 0xffff },
	{ PCI_STATUS,		2, PCI_STATUS_CAP_LIST, 0, VFIO_STATUS_RW1C },
	{ PCI_CACHE_LINE_SIZE,	1, 0, 0xff },
	{ PCI_LATENCY_TIMER,	1, 0, 0xff },
	{ PCI_BIST,		1, 0, 0xff },
	BAR_REG(0), BAR_REG(1), BAR_REG(2), BAR_REG(3), BAR_REG(4), BAR_REG(5),
	{ PCI_ROM_ADDRESS,	4, ~0U, ~0U },
	{ PCI_CAPABILITY_LIST,	1, 0xff, 0 },
	{ PCI_INTERRUPT_LINE,	1, 0xff, 0xff },
	{ PCI_INTERRUPT_PIN,	1, 0xff, 0 },
};

static struct perm_bits basic_perm = {
	VFIO_CFG_REGS(basic_regs),
	.read = vfio_basic_read,
	.write = vfio_basic_write,
};

/* ---- the access path -------------------------------------------------- */

/* Bytes in no capability: straight to the device. */
static struct perm_bits unassigned_perm = { .raw_write = true };

static struct perm_bits *vfio_cfg_perm(struct vfio_pci_core_device *vdev,
				       unsigned int pos, u8 id)
{
	if (id == VFIO_CFG_UNASSIGNED)
		return &unassigned_perm;
	if (pos < PCI_STD_HEADER_SIZEOF)
		return &basic_perm;
	return vfio_cap_perm(vdev, pos, id);
}

/* First byte of the capability owning @pos (capabilities are dword aligned). */
static unsigned int vfio_cfg_cap_start(struct vfio_pci_core_device *vdev,
				       unsigned int pos)
{
	unsigned int base = pos >= PCI_CFG_SPACE_SIZE ? PCI_CFG_SPACE_SIZE :
			    PCI_STD_HEADER_SIZEOF;
	u8 id = vdev->pci_config_map[pos];

	if (pos < PCI_STD_HEADER_SIZEOF)
		return 0;	/* the header's table uses absolute offsets */
	if (id == VFIO_CFG_UNASSIGNED)
		return pos;

	pos = ALIGN_DOWN(pos, 4);
	while (pos - 4 >= base && vdev->pci_config_map[pos - 4] == id)
		pos -= 4;
	return pos;
}

static inline u32 reg_byte(u32 field, unsigned int b)
{
	return (field >> (8 * b)) & 0xff;
}

/*
 * Work out which bits of the accessed bytes are virtual, which writable
 * and which write-one-to-clear in the device.
 */
static void vfio_cfg_masks(struct vfio_pci_core_device *vdev,
			   const struct perm_bits *perm, u8 id,
			   struct vfio_cfg_access *acc)
{
	unsigned int hdr, i, b, o, sh;

	acc->virt = 0;
	acc->rw1c = 0;
	acc->write = perm->raw_write ? vfio_cfg_bytes_mask(acc->count) : 0;
	if (id == VFIO_CFG_UNASSIGNED)
		return;

	for (i = 0; i < perm->nregs; i++) {
		const struct vfio_cfg_reg *r = &perm->regs[i];

		for (b = 0; b < r->size; b++) {
			o = r->off + b;
			if (o < acc->offset || o >= acc->offset + acc->count)
				continue;
			sh = 8 * (o - acc->offset);
			acc->virt |= reg_byte(r->virt, b) << sh;
			acc->write |= reg_byte(r->write, b) << sh;
			acc->rw1c |= reg_byte(r->rw1c, b) << sh;
		}
	}

	/*
	 * The chain header (id and next pointer; all four bytes of an
	 * extended one) always comes from vconfig, where hidden
	 * capabilities are unlinked, and is never writable.
	 */
	if (id == VFIO_CFG_VIRT_ONLY)
		hdr = 4;
	else if (acc->start >= PCI_CFG_SPACE_SIZE)
		hdr = 4;
	else if (acc->start >= PCI_STD_HEADER_SIZEOF)
		hdr = PCI_CAP_FLAGS;
	else
		hdr = 0;
	for (o = acc->offset; o < hdr && o < acc->offset + acc->count; o++) {
		acc->virt |= 0xffU << (8 * (o - acc->offset));
		acc->write &= ~(0xffU << (8 * (o - acc->offset)));
	}
}

/* ---- the config region ----------------------------------------------- */

/*
 * One access of up to four bytes that stays inside one aligned dword and
 * one capability, naturally aligned, as large as possible.
 */
static ssize_t vfio_cfg_rw_one(struct vfio_pci_core_device *vdev,
			       char __user *buf, size_t count,
			       unsigned int pos, bool iswrite)
{
	u8 *map = vdev->pci_config_map;
	struct vfio_cfg_access acc = { .pos = pos };
	struct perm_bits *perm;
	unsigned int same;
	u8 bytes[4];
	u32 val = 0;
	int ret;
	u8 id;

	id = map[pos];
	for (same = 1; (pos + same) % 4 && map[pos + same] == id; same++)
		;
	count = min_t(size_t, count, same);
	if (count >= 4 && !(pos % 4))
		acc.count = 4;
	else if (count >= 2 && !(pos % 2))
		acc.count = 2;
	else
		acc.count = 1;

	perm = vfio_cfg_perm(vdev, pos, id);
	acc.start = vfio_cfg_cap_start(vdev, pos);
	acc.offset = pos - acc.start;
	vfio_cfg_masks(vdev, perm, id, &acc);

	if (iswrite) {
		if (copy_from_user(bytes, buf, acc.count))
			return -EFAULT;
		if (acc.count == 1)
			val = bytes[0];
		else if (acc.count == 2)
			val = get_unaligned_le16(bytes);
		else
			val = get_unaligned_le32(bytes);
		if (!acc.write && !perm->write)
			return acc.count;
		ret = (perm->write ?: vfio_cfg_default_write)(vdev, &acc, val);
	} else {
		ret = (perm->read ?: vfio_cfg_default_read)(vdev, &acc, &val);
		if (!ret) {
			put_unaligned_le32(val, bytes);
			if (copy_to_user(buf, bytes, acc.count))
				return -EFAULT;
		}
	}
	return ret ?: acc.count;
}

/**
 * vfio_pci_config_rw - read or write the config region of a device
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes to transfer
 * @ppos: file offset; its low bits (VFIO_PCI_OFFSET_MASK) are the offset
 *        in config space.  Advanced by the bytes transferred
 * @iswrite: write rather than read
 *
 * The access is split into naturally aligned pieces of 1, 2 or 4 bytes
 * that do not cross a capability, each going through that capability's
 * permissions.  An access that does not fit in config space is -EFAULT, as
 * on Linux 6.1.
 *
 * Return: bytes transferred, or a negative errno.
 */
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	unsigned int size = vdev->pdev->cfg_size;
	size_t done = 0;
	ssize_t ret;

	if (pos >= size || count > size - pos)
		return -EFAULT;

	while (done < count) {
		ret = vfio_cfg_rw_one(vdev, buf + done, count - done,
				      pos + done, iswrite);
		if (ret < 0)
			return ret;
		done += ret;
	}
	*ppos += done;
	return done;
}

/**
 * __vfio_pci_memory_enabled - may the user's accesses reach the BARs now
 * @vdev: the device
 *
 * True when the device is powered up and the user left memory decode on in
 * the virtual COMMAND register (VFs, which have no memory enable bit of
 * their own, follow their PF's SR-IOV control and always count as on).
 * Caller holds memory_lock.
 *
 * Return: whether memory decode is on.
 */
bool __vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd = vconfig_get(vdev, PCI_COMMAND, 2);

	lockdep_assert_held(&vdev->memory_lock);

	/* pci_power_t is ordered: anything from D3hot on does not decode */
	return (__force int)pdev->current_state < (__force int)PCI_D3hot &&
	       (pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY));
}

/* ---- building vconfig and the map ------------------------------------ */

/* Copy [@pos, @pos + @len) of the device's config space into vconfig. */
static int vfio_fill_vconfig(struct vfio_pci_core_device *vdev,
			     unsigned int pos, unsigned int len)
{
	unsigned int end = pos + len, n;
	u32 val;
	int ret;

	while (pos < end) {
		if (!(pos % 4) && end - pos >= 4)
			n = 4;
		else if (!(pos % 2) && end - pos >= 2)
			n = 2;
		else
			n = 1;
		if (n == 4) {
			ret = pci_read_config_dword(vdev->pdev, pos, &val);
		} else if (n == 2) {
			u16 w;

			ret = pci_read_config_word(vdev->pdev, pos, &w);
			val = w;
		} else {
			u8 b;

			ret = pci_read_config_byte(vdev->pdev, pos, &b);
			val = b;
		}
		if (ret)
			return pcibios_err_to_errno(ret);
		vconfig_put(vdev, pos, n, val);
		pos += n;
	}
	return 0;
}

/* Give [@pos, @pos + @len) to capability @id and fill it in vconfig. */
static int vfio_claim(struct vfio_pci_core_device *vdev, unsigned int pos,
		      unsigned int len, u8 id)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (vdev->pci_config_map[pos + i] != VFIO_CFG_UNASSIGNED)
			pci_warn(vdev->pdev,
				 "config space %#x claimed by caps %#x and %#x\n",
				 pos + i, vdev->pci_config_map[pos + i], id);
	memset(vdev->pci_config_map + pos, id, len);
	return vfio_fill_vconfig(vdev, pos, len);
}

static int vfio_cap_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u8 *prev = &vdev->vconfig[PCI_CAPABILITY_LIST];
	int loops = (PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / 4;
	int len, ret, shown = 0;
	u8 pos, id, next;
	u16 status;

	if (pci_read_config_word(pdev, PCI_STATUS, &status) ||
	    !(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos))
		return -EIO;

	for (pos &= ~3; pos >= PCI_STD_HEADER_SIZEOF && loops--; pos = next) {
		if (pci_read_config_byte(pdev, pos + PCI_CAP_LIST_ID, &id) ||
		    pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT, &next))
			return -EIO;
		next &= ~3;

		/* id 0 (a null capability) would clash with the header's 0 */
		len = vfio_cap_length(vdev, id, pos);
		if (len < 0)
			return len;
		len = min_t(int, len, PCI_CFG_SPACE_SIZE - pos);

		if (!len) {
			pci_dbg(pdev, "hiding capability %#x at %#x\n", id, pos);
			*prev = next;
			continue;
		}

		ret = vfio_claim(vdev, pos, len, id);
		if (ret)
			return ret;
		prev = &vdev->vconfig[pos + PCI_CAP_LIST_NEXT];
		*prev = next;
		shown++;
	}
	*prev = 0;	/* a loop or a bad pointer ends the chain here */

	if (!shown)
		vdev->vconfig[PCI_STATUS] &= ~PCI_STATUS_CAP_LIST;
	return 0;
}

static int vfio_ecap_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int loops = (pdev->cfg_size - PCI_CFG_SPACE_SIZE) / 4;
	unsigned int pos = PCI_CFG_SPACE_SIZE, prev = 0, next;
	int len, shown = 0, ret;
	u32 hdr;
	u16 id;

	if (!vdev->extended_caps)
		return 0;

	for (; pos >= PCI_CFG_SPACE_SIZE && loops--; pos = next) {
		if (pci_read_config_dword(pdev, pos, &hdr))
			return -EIO;
		id = PCI_EXT_CAP_ID(hdr);
		next = PCI_EXT_CAP_NEXT(hdr);

		len = vfio_ecap_length(vdev, id, pos);
		if (len < 0)
			return len;
		len = min_t(int, len, pdev->cfg_size - pos);

		if (!len && prev) {
			/* unlink it from the previous one */
			pci_dbg(pdev, "hiding ext capability %#x at %#x\n",
				id, pos);
			put_unaligned_le32((get_unaligned_le32(vdev->vconfig + prev) &
					    ~(0xfffU << 20)) | (next << 20),
					   vdev->vconfig + prev);
			continue;
		}

		if (!len) {
			/*
			 * The chain must start at 0x100: keep a header there
			 * that has id 0, version 0 and only the next pointer.
			 */
			pci_dbg(pdev, "hiding ext capability %#x at %#x\n",
				id, pos);
			ret = vfio_claim(vdev, pos, 4, VFIO_CFG_VIRT_ONLY);
			if (ret)
				return ret;
			put_unaligned_le32(next << 20, vdev->vconfig + pos);
		} else {
			ret = vfio_claim(vdev, pos, len, id);
			if (ret)
				return ret;
			shown++;
		}
		prev = pos;
	}

	if (!shown)
		put_unaligned_le32(0, vdev->vconfig + PCI_CFG_SPACE_SIZE);
	return 0;
}

/**
 * vfio_config_init - build the config space the user will see
 * @vdev: the device, enabled (pci_enable_device()) and with its state saved
 *
 * Allocates vconfig and pci_config_map, fills vconfig from the device,
 * remembers the BARs for recovery after a reset (rbar), walks the
 * capability and extended capability chains, hiding what we do not
 * expose, and records what the rest of vfio-pci-core needs to know: the
 * MSI vectors (msi_qmax), the MSI-X table location (msix_bar, msix_offset,
 * msix_size) and whether there are extended capabilities.
 *
 * Return: 0 or a negative errno; on error nothing stays allocated.
 */
int vfio_config_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u32 dword, table;
	u16 flags;
	int ret, i;

	BUILD_BUG_ON(PCI_EXT_CAP_ID_MAX >= VFIO_CFG_VIRT_ONLY);

	vdev->pci_config_map = kmalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	if (!vdev->pci_config_map)
		return -ENOMEM;
	vdev->vconfig = kzalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	if (!vdev->vconfig) {
		ret = -ENOMEM;
		goto err_free_map;
	}
	memset(vdev->pci_config_map, VFIO_CFG_UNASSIGNED, pdev->cfg_size);
	vdev->msi_perm = NULL;
	vdev->msi_qmax = 0;

	ret = vfio_fill_vconfig(vdev, 0, PCI_STD_HEADER_SIZEOF);
	if (ret)
		goto err_free_vconfig;
	memset(vdev->pci_config_map, 0, PCI_STD_HEADER_SIZEOF);

	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		vdev->rbar[i] = vconfig_get(vdev, PCI_BASE_ADDRESS_0 + 4 * i, 4);
	vdev->rbar[6] = vconfig_get(vdev, PCI_ROM_ADDRESS, 4);
	vdev->bardirty = true;

	if (pdev->is_virtfn) {
		vconfig_put(vdev, PCI_VENDOR_ID, 2, pdev->vendor);
		vconfig_put(vdev, PCI_DEVICE_ID, 2, pdev->device);
	}
	/* VFs have no memory enable bit; show it on, like their PF's */
	if (pdev->no_command_memory)
		vdev->vconfig[PCI_COMMAND] |= PCI_COMMAND_MEMORY;
	/*
	 * INTx disable is emulated, and the real bit is the host's tool for
	 * masking: whatever the host left there, the user starts with INTx
	 * not disabled (and read-modify-write of COMMAND does not mask it).
	 */
	if (vdev->nointx)
		vdev->vconfig[PCI_INTERRUPT_PIN] = 0;
	else if (!vdev->virq_disabled)
		vconfig_put(vdev, PCI_COMMAND, 2,
			    vconfig_get(vdev, PCI_COMMAND, 2) &
			    ~PCI_COMMAND_INTX_DISABLE);

	vdev->extended_caps = false;
	if (pdev->cfg_size > PCI_CFG_SPACE_SIZE &&
	    !pci_read_config_dword(pdev, PCI_CFG_SPACE_SIZE, &dword))
		vdev->extended_caps = dword && dword != ~0U;

	ret = vfio_cap_init(vdev);
	if (ret)
		goto err_free_vconfig;
	ret = vfio_ecap_init(vdev);
	if (ret)
		goto err_free_vconfig;

	if (pdev->pm_cap) {
		u8 *pm = vdev->vconfig + pdev->pm_cap;

		put_unaligned_le16(get_unaligned_le16(pm + PCI_PM_PMC) &
				   ~PCI_PM_CAP_PME_MASK, pm + PCI_PM_PMC);
		put_unaligned_le16(get_unaligned_le16(pm + PCI_PM_CTRL) &
				   ~VFIO_PM_CTRL_PME, pm + PCI_PM_CTRL);
	}

	vdev->msix_bar = 0xff;
	if (pdev->msix_cap &&
	    !pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				  &flags) &&
	    !pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				   &table)) {
		vdev->msix_bar = table & PCI_MSIX_TABLE_BIR;
		vdev->msix_offset = table & PCI_MSIX_TABLE_OFFSET;
		vdev->msix_size = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) *
				  PCI_MSIX_ENTRY_SIZE;
	}
	return 0;

err_free_vconfig:
	kfree(vdev->vconfig);
	vdev->vconfig = NULL;
err_free_map:
	kfree(vdev->pci_config_map);
	vdev->pci_config_map = NULL;
	vdev->msi_perm = NULL;
	return ret;
}

/**
 * vfio_config_free - undo vfio_config_init()
 * @vdev: the device
 */
void vfio_config_free(struct vfio_pci_core_device *vdev)
{
	kfree(vdev->vconfig);
	vdev->vconfig = NULL;
	kfree(vdev->pci_config_map);
	vdev->pci_config_map = NULL;
	vdev->msi_perm = NULL;	/* points at a static table */
}
