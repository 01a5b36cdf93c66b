// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: read(2) and write(2) of the BAR, ROM and VGA regions.
 *
 * Every access goes to the device in naturally aligned pieces of 1, 2, 4
 * or 8 bytes.  Memory BARs are touched only under memory_lock held for
 * read and only while memory decode is on, so an access never races with
 * the user (or a reset) turning decode off.  The user buffer is copied
 * outside that lock: a page fault there must not nest mmap_lock inside it.
 */
#include <linux/pci.h>
#include <linux/io.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#include "vfio_pci_priv.h"
#include "vfio_pci_config.h"

/**
 * vfio_pci_core_setup_barmap - claim and iomap a BAR on first use
 * @vdev: the device
 * @bar: BAR number
 *
 * Return: 0, or -EBUSY if another driver holds the BAR, or -ENOMEM.
 */
int vfio_pci_core_setup_barmap(struct vfio_pci_core_device *vdev, int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	if (vdev->barmap[bar])
		return 0;

	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio");
	if (ret)
		return ret;
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		return -ENOMEM;
	}
	vdev->barmap[bar] = io;
	return 0;
}

/* The largest naturally aligned access at @pos that fits in @count. */
static size_t vfio_pci_access_size(loff_t pos, size_t count, bool allow64)
{
	if (allow64 && count >= 8 && !(pos % 8))
		return 8;
	if (count >= 4 && !(pos % 4))
		return 4;
	if (count >= 2 && !(pos % 2))
		return 2;
	return 1;
}

static void vfio_pci_io_read(void __iomem *io, size_t size, u64 *val,
			     bool mem)
{
	switch (size) {
	case 8:
		*val = readq(io);	/* memory BARs only */
		break;
	case 4:
		*val = ioread32(io);
		break;
	case 2:
		*val = ioread16(io);
		break;
	default:
		*val = ioread8(io);
		break;
	}
}

static void vfio_pci_io_write(void __iomem *io, size_t size, u64 val)
{
	switch (size) {
	case 8:
		writeq(val, io);
		break;
	case 4:
		iowrite32(val, io);
		break;
	case 2:
		iowrite16(val, io);
		break;
	default:
		iowrite8(val, io);
		break;
	}
}

/*
 * Copy @count bytes between @buf and the mapping @io of a region of
 * @size bytes, starting at @pos.  Bytes in [@skip_start, @skip_end) are
 * not touched on the device: they read as 0xff and writes to them are
 * dropped (the MSI-X table, which the kernel owns).  With @mem the
 * region is memory space, accessed under memory_lock.
 */
static ssize_t vfio_pci_do_io_rw(struct vfio_pci_core_device *vdev, bool mem,
				 void __iomem *io, char __user *buf,
				 loff_t pos, size_t count, loff_t skip_start,
				 loff_t skip_end, bool iswrite)
{
	size_t done = 0;

	while (count) {
		size_t size = vfio_pci_access_size(pos, count, mem);
		u64 val = 0;

		/* An access must not straddle the skipped range. */
		if (pos < skip_start && pos + size > skip_start)
			size = 1;
		if (pos >= skip_start && pos < skip_end) {
			size = min_t(size_t, count, skip_end - pos);
			if (!iswrite) {
				u8 ff[8];

				memset(ff, 0xff, sizeof(ff));
				size = min_t(size_t, size, sizeof(ff));
				if (copy_to_user(buf, ff, size))
					return done ? done : -EFAULT;
			}
			goto next;
		}

		/* What reached the device counts, even if the rest faults. */
		if (iswrite && copy_from_user(&val, buf, size))
			return done ? done : -EFAULT;

		if (mem) {
			down_read(&vdev->memory_lock);
			if (!__vfio_pci_memory_enabled(vdev)) {
				up_read(&vdev->memory_lock);
				return done ? done : -EIO;
			}
		}
		if (iswrite)
			vfio_pci_io_write(io + pos, size, val);
		else
			vfio_pci_io_read(io + pos, size, &val, mem);
		if (mem)
			up_read(&vdev->memory_lock);

		if (!iswrite && copy_to_user(buf, &val, size))
			return done ? done : -EFAULT;
next:
		pos += size;
		buf += size;
		count -= size;
		done += size;
	}
	return done;
}

/*
 * The ROM is read into a bounce buffer with memory_lock held for write
 * (its BAR needs memory decode on), and copied out only after the lock is
 * dropped: a fault on the user buffer, perhaps an mmap of this very
 * device, must not happen under memory_lock.  The caller keeps @pos and
 * @count inside vfio_pci_rom_bar_size(); what lies past the image that
 * pci_map_rom() found (often smaller than the BAR) reads as 0xff.
 */
static ssize_t vfio_pci_rom_read(struct vfio_pci_core_device *vdev,
				 char __user *buf, size_t count, loff_t pos)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	ssize_t done;
	size_t size, n;
	void *bounce;
	u16 cmd;

	/* Short reads are fine for read(2); keep the buffer modest. */
	count = min_t(size_t, count, SZ_64K);
	bounce = kmalloc(count, GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	io = pci_map_rom(pdev, &size);
	if (!io) {
		done = -ENOMEM;
	} else {
		n = pos < size ? min_t(size_t, count, size - pos) : 0;
		memcpy_fromio(bounce, io + pos, n);
		memset(bounce + n, 0xff, count - n);
		done = count;
		pci_unmap_rom(pdev, io);
	}
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	if (done > 0 && copy_to_user(buf, bounce, done))
		done = -EFAULT;
	kfree(bounce);
	return done;
}

/**
 * vfio_pci_bar_rw - read(2) or write(2) of a BAR or of the ROM
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes
 * @ppos: device fd offset (region index in the high bits)
 * @iswrite: direction
 *
 * Return: bytes done, or -EINVAL past the end, -EIO with memory decode
 * off, -EFAULT.
 */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	int bar = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	loff_t skip_start = 0, skip_end = 0;
	resource_size_t end;
	ssize_t done;
	bool mem;
	int ret;

	if (bar == PCI_ROM_RESOURCE)
		end = vfio_pci_rom_bar_size(pdev);
	else
		end = pci_resource_len(pdev, bar);
	if (!end || pos >= end)
		return -EINVAL;
	count = min_t(size_t, count, end - pos);

	if (bar == PCI_ROM_RESOURCE) {
		done = vfio_pci_rom_read(vdev, buf, count, pos);
		goto out;
	}

	ret = vfio_pci_core_setup_barmap(vdev, bar);
	if (ret)
		return ret;

	mem = pci_resource_flags(pdev, bar) & IORESOURCE_MEM;
	if (bar == vdev->msix_bar) {
		skip_start = vdev->msix_offset;
		skip_end = skip_start + vdev->msix_size;
	}
	done = vfio_pci_do_io_rw(vdev, mem, vdev->barmap[bar], buf, pos, count,
				 skip_start, skip_end, iswrite);
out:
	if (done > 0)
		*ppos += done;
	return done;
}

/**
 * vfio_pci_vga_rw - read(2) or write(2) of the legacy VGA region
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes
 * @ppos: device fd offset; the low bits are the legacy address
 *        (0xa0000-0xbffff memory, 0x3b0-0x3bb and 0x3c0-0x3df I/O ports)
 * @iswrite: direction
 *
 * Return: bytes done or a negative errno.
 */
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	void __iomem *io;
	unsigned int rsrc;
	bool is_ioport;
	loff_t base;
	ssize_t done;
	size_t len;

	if (!vdev->has_vga)
		return -EINVAL;

	if (pos >= 0xa0000 && pos < 0xc0000) {
		base = 0xa0000;
		len = 0x20000;
		is_ioport = false;
	} else if (pos >= 0x3b0 && pos < 0x3bc) {
		base = 0x3b0;
		len = 0xc;
		is_ioport = true;
	} else if (pos >= 0x3c0 && pos < 0x3e0) {
		base = 0x3c0;
		len = 0x20;
		is_ioport = true;
	} else {
		return -EINVAL;
	}
	count = min_t(size_t, count, base + len - pos);

	io = is_ioport ? ioport_map(base, len) : ioremap(base, len);
	if (!io)
		return -ENOMEM;
	/*
	 * Legacy ranges reach whichever device decodes VGA: the arbiter
	 * routes them to ours for the access (no memory_lock needed).
	 */
	rsrc = is_ioport ? VGA_RSRC_LEGACY_IO : VGA_RSRC_LEGACY_MEM;
	done = vga_get_interruptible(vdev->pdev, rsrc);
	if (!done) {
		done = vfio_pci_do_io_rw(vdev, false, io, buf, pos - base,
					 count, 0, 0, iswrite);
		vga_put(vdev->pdev, rsrc);
	}
	if (is_ioport)
		ioport_unmap(io);
	else
		iounmap(io);

	if (done > 0)
		*ppos += done;
	return done;
}
