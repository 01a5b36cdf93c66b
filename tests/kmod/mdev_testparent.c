// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_testparent - a mediated-device parent that exists to test the VFIO
 * core, the type1 IOMMU backend and the mdev bus from userspace.
 *
 * Two parents under the class "mdev_testparent":
 *
 *   mdev_testparent      types "small" (one unit of a pool of pool_units)
 *                        and "exclusive" (the whole pool); the driver
 *                        counts with get_available() and refuses a probe
 *                        with -ENOSPC when the pool is short.
 *   mdev_testparent_max  types "counted_a" and "counted_b"; the driver sets
 *                        max_instances and the mdev core counts.
 *
 * Each device is a vfio-pci API device (see mdev_testparent.h for the
 * layout): a small config space, a RAM BAR that can be mmap()ed, INTx, MSI,
 * ERR and REQ interrupts on eventfds, and a control region through which a
 * test makes the driver call vfio_pin_pages(), vfio_unpin_pages() and
 * vfio_dma_rw() and reads back what happened, including the dma_unmap()
 * and request() callbacks it received.
 */
#include <asm/unaligned.h>
#include <linux/eventfd.h>
#include <linux/highmem.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vmalloc.h>
#include <compat/kcompat.h>

#include "mdev_testparent.h"

#define TP_OFFSET_SHIFT		40	/* region index in bits 40+ of the offset */
#define TP_OFFSET_MASK		((1ULL << TP_OFFSET_SHIFT) - 1)
#define TP_CFG_SIZE		256

static unsigned int pool_units = 4;
module_param(pool_units, uint, 0444);
MODULE_PARM_DESC(pool_units, "units shared by the small and exclusive types (1-64)");

static unsigned int max_instances = 2;
module_param(max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances, "devices of mdev_testparent_max, counted by the mdev core");

static int fail_open_errno;
module_param(fail_open_errno, int, 0644);
MODULE_PARM_DESC(fail_open_errno, "if 1-4095, open_device() fails with minus this");

/**
 * struct tp_type - a type of ours
 * @type: the mdev core's part
 * @exclusive: takes the whole pool rather than one unit
 * @pooled: counted by us in the pool (else by the core, max_instances)
 */
struct tp_type {
	struct mdev_type type;
	bool exclusive;
	bool pooled;
};

static inline struct tp_type *to_tp_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct tp_type, type);
}

/**
 * struct tp_parent - one of our two parent devices
 * @dev: the class device the types hang off
 * @parent: the mdev core's part
 */
struct tp_parent {
	struct device dev;
	struct mdev_parent parent;
};

/**
 * struct tp_pin - the pages of one successful TP_OP_PIN
 * @next: in tp_device.pins
 * @iova: first IOVA, as given to vfio_pin_pages()
 * @npage: pages pinned
 * @pages: what vfio_pin_pages() returned
 */
struct tp_pin {
	struct list_head next;
	dma_addr_t iova;
	int npage;
	struct page *pages[];
};

/**
 * struct tp_device - one mediated device
 * @vdev: the VFIO core's part; first, as vfio_alloc_device() needs
 * @units: pool units this device holds (0 when the core counts)
 * @lock: protects every field below
 * @config: emulated PCI config space
 * @bar0: BAR0 memory (vmalloc_user(), so it can be mapped to userspace)
 * @data: the DATA window of the control region
 * @last_cmd: the last command written, readable back
 * @status: counters and the last result, see struct tp_status
 * @pins: struct tp_pin list, what we hold pinned
 * @trigger: eventfd per irq index (one vector each), or NULL
 * @intx_masked: INTx masked (automasked when delivered)
 * @intx_pending: INTx raised while masked, delivered on unmask
 */
struct tp_device {
	struct vfio_device vdev;
	unsigned int units;
	struct mutex lock;
	u8 config[TP_CFG_SIZE];
	void *bar0;
	u8 *data;
	struct tp_cmd last_cmd;
	struct tp_status status;
	struct list_head pins;
	struct eventfd_ctx *trigger[VFIO_PCI_NUM_IRQS];
	bool intx_masked;
	bool intx_pending;
};

static inline struct tp_device *to_tp(struct vfio_device *vdev)
{
	return container_of(vdev, struct tp_device, vdev);
}

static struct class *tp_class;
static struct tp_parent tp_pool_parent;
static struct tp_parent tp_max_parent;

static DEFINE_MUTEX(tp_pool_lock);	/* protects tp_pool_free */
static unsigned int tp_pool_free;

/* Writable bits of each config byte; the rest are read-only. */
static u8 tp_cfg_wmask[TP_CFG_SIZE];

/* ---- the pool, for the get_available() path ------------------------- */

static unsigned int tp_type_units(struct tp_type *tt)
{
	if (!tt->pooled)
		return 0;
	return tt->exclusive ? pool_units : 1;
}

static int tp_pool_take(unsigned int units)
{
	int ret = 0;

	mutex_lock(&tp_pool_lock);
	if (tp_pool_free < units)
		ret = -ENOSPC;
	else
		tp_pool_free -= units;
	mutex_unlock(&tp_pool_lock);
	return ret;
}

static void tp_pool_give(unsigned int units)
{
	mutex_lock(&tp_pool_lock);
	tp_pool_free += units;
	mutex_unlock(&tp_pool_lock);
}

/* ---- config space ---------------------------------------------------- */

static void tp_cfg_init_wmask(void)
{
	memset(tp_cfg_wmask, 0, sizeof(tp_cfg_wmask));
	tp_cfg_wmask[PCI_COMMAND] = TP_CMD_MASK;
	/* 32-bit memory BAR of TP_BAR0_SIZE: address bits 15 and up */
	put_unaligned_le32(~(u32)(TP_BAR0_SIZE - 1),
			   &tp_cfg_wmask[PCI_BASE_ADDRESS_0]);
	tp_cfg_wmask[PCI_INTERRUPT_LINE] = 0xff;
	memset(&tp_cfg_wmask[TP_CFG_SCRATCH], 0xff, TP_CFG_SIZE - TP_CFG_SCRATCH);
}

static void tp_cfg_reset(struct tp_device *tp)
{
	u8 *c = tp->config;

	lockdep_assert_held(&tp->lock);
	memset(c, 0, TP_CFG_SIZE);
	put_unaligned_le16(TP_PCI_VENDOR, &c[PCI_VENDOR_ID]);
	put_unaligned_le16(TP_PCI_DEVICE, &c[PCI_DEVICE_ID]);
	put_unaligned_le32(TP_PCI_CLASS << 8 | TP_PCI_REVISION, &c[PCI_CLASS_REVISION]);
	put_unaligned_le16(TP_PCI_SUBVENDOR, &c[PCI_SUBSYSTEM_VENDOR_ID]);
	put_unaligned_le16(TP_PCI_SUBDEVICE, &c[PCI_SUBSYSTEM_ID]);
	c[PCI_INTERRUPT_PIN] = 1;	/* INTA# */
}

static void tp_cfg_write(struct tp_device *tp, loff_t off, const u8 *val, size_t count)
{
	size_t i;

	lockdep_assert_held(&tp->lock);
	for (i = 0; i < count; i++) {
		u8 m = tp_cfg_wmask[off + i];

		tp->config[off + i] = (tp->config[off + i] & ~m) | (val[i] & m);
	}
}

/* ---- interrupts ------------------------------------------------------ */

static unsigned int tp_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

static void tp_irq_release(struct tp_device *tp, unsigned int index)
{
	lockdep_assert_held(&tp->lock);
	if (tp->trigger[index]) {
		eventfd_ctx_put(tp->trigger[index]);
		tp->trigger[index] = NULL;
	}
}

/* Signal irq @index if userspace gave us an eventfd; true if we did. */
static bool tp_irq_signal(struct tp_device *tp, unsigned int index)
{
	lockdep_assert_held(&tp->lock);
	if (!tp->trigger[index])
		return false;
	kc_eventfd_signal(tp->trigger[index]);
	tp->status.irqs_signalled++;
	return true;
}

/* The device raises irq @index; INTx obeys its mask and automasks. */
static bool tp_irq_raise(struct tp_device *tp, unsigned int index)
{
	lockdep_assert_held(&tp->lock);
	if (index != VFIO_PCI_INTX_IRQ_INDEX)
		return tp_irq_signal(tp, index);
	if (tp->intx_masked) {
		tp->intx_pending = true;
		return false;
	}
	tp->intx_masked = true;
	tp->intx_pending = false;
	return tp_irq_signal(tp, index);
}

static int tp_irq_set_trigger(struct tp_device *tp, struct vfio_irq_set *hdr, u8 *data)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	struct eventfd_ctx *ctx;
	s32 fd;

	lockdep_assert_held(&tp->lock);
	/* one vector per index: validation left start == 0, count <= 1 */
	if (type == VFIO_IRQ_SET_DATA_NONE) {
		if (!hdr->count)
			tp_irq_release(tp, hdr->index);
		else
			tp_irq_raise(tp, hdr->index);
		return 0;
	}
	if (!hdr->count)
		return 0;
	if (type == VFIO_IRQ_SET_DATA_BOOL) {
		if (data[0])
			tp_irq_raise(tp, hdr->index);
		return 0;
	}
	fd = *(s32 *)data;
	if (fd == -1) {
		tp_irq_release(tp, hdr->index);
		return 0;
	}
	if (fd < 0)
		return -EINVAL;
	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	tp_irq_release(tp, hdr->index);
	tp->trigger[hdr->index] = ctx;
	return 0;
}

static int tp_irq_set_mask(struct tp_device *tp, struct vfio_irq_set *hdr, u8 *data)
{
	bool mask = (hdr->flags & VFIO_IRQ_SET_ACTION_MASK);
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	lockdep_assert_held(&tp->lock);
	if (hdr->index != VFIO_PCI_INTX_IRQ_INDEX)
		return -EINVAL;
	if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;	/* no irqfd-driven unmask here */
	if (!hdr->count || (type == VFIO_IRQ_SET_DATA_BOOL && !data[0]))
		return 0;
	if (mask) {
		tp->intx_masked = true;
	} else {
		tp->intx_masked = false;
		if (tp->intx_pending)
			tp_irq_raise(tp, VFIO_PCI_INTX_IRQ_INDEX);
	}
	return 0;
}

/* ---- pinning and DMA, driven through the control region ------------- */

static void tp_unpin_one(struct tp_device *tp, struct tp_pin *pin)
{
	lockdep_assert_held(&tp->lock);
	vfio_unpin_pages(&tp->vdev, pin->iova, pin->npage);
	tp->status.pinned_pages -= pin->npage;
	tp->status.pin_records--;
	list_del(&pin->next);
	kfree(pin);
}

static void tp_unpin_all(struct tp_device *tp)
{
	struct tp_pin *pin, *tmp;

	lockdep_assert_held(&tp->lock);
	list_for_each_entry_safe(pin, tmp, &tp->pins, next)
		tp_unpin_one(tp, pin);
}

static long tp_op_pin(struct tp_device *tp, struct tp_cmd *cmd)
{
	struct tp_pin *pin;
	int npage = (int)cmd->count;
	int ret;

	lockdep_assert_held(&tp->lock);
	if (cmd->count > TP_PIN_MAX)
		return -EINVAL;
	/* npage <= 0 goes through too: the core must refuse it */
	pin = kzalloc(struct_size(pin, pages, max(npage, 1)), GFP_KERNEL);
	if (!pin)
		return -ENOMEM;
	ret = vfio_pin_pages(&tp->vdev, cmd->iova, npage, cmd->prot, pin->pages);
	if (ret <= 0) {
		kfree(pin);
		return ret ? ret : -EIO;
	}
	if (WARN_ON(ret > npage))
		ret = npage;
	/* keep whatever the core says it pinned, so unpinning stays balanced */
	pin->iova = cmd->iova;
	pin->npage = ret;
	list_add_tail(&pin->next, &tp->pins);
	tp->status.pinned_pages += ret;
	tp->status.pin_records++;
	return ret;
}

static long tp_op_unpin(struct tp_device *tp, struct tp_cmd *cmd)
{
	struct tp_pin *pin;

	lockdep_assert_held(&tp->lock);
	list_for_each_entry(pin, &tp->pins, next) {
		if (pin->iova == cmd->iova && pin->npage == cmd->count) {
			tp_unpin_one(tp, pin);
			return 0;
		}
	}
	return -ENOENT;
}

static long tp_op_peek(struct tp_device *tp, struct tp_cmd *cmd)
{
	u64 off = cmd->iova & ~PAGE_MASK;
	struct tp_pin *pin;
	void *va;

	lockdep_assert_held(&tp->lock);
	if (!cmd->count || cmd->count > PAGE_SIZE - off)
		return -EINVAL;
	list_for_each_entry(pin, &tp->pins, next) {
		u64 first = pin->iova & PAGE_MASK;
		u64 idx;

		if (cmd->iova < first)
			continue;
		idx = (cmd->iova - first) >> PAGE_SHIFT;
		if (idx >= pin->npage)
			continue;
		va = kmap_local_page(pin->pages[idx]);
		memcpy(tp->data, va + off, cmd->count);
		kunmap_local(va);
		return cmd->count;
	}
	return -ENOENT;
}

static long tp_op_dma_rw(struct tp_device *tp, struct tp_cmd *cmd, bool write)
{
	lockdep_assert_held(&tp->lock);
	if (cmd->count > TP_DATA_SIZE)
		return -EINVAL;
	/* a zero length goes through: the core must refuse it */
	return vfio_dma_rw(&tp->vdev, cmd->iova, tp->data, cmd->count, write);
}

static long tp_run_cmd(struct tp_device *tp, struct tp_cmd *cmd)
{
	lockdep_assert_held(&tp->lock);
	switch (cmd->op) {
	case TP_OP_NOP:
		return 0;
	case TP_OP_PIN:
		return tp_op_pin(tp, cmd);
	case TP_OP_UNPIN:
		return tp_op_unpin(tp, cmd);
	case TP_OP_UNPIN_ALL:
		tp_unpin_all(tp);
		return 0;
	case TP_OP_DMA_READ:
		return tp_op_dma_rw(tp, cmd, false);
	case TP_OP_DMA_WRITE:
		return tp_op_dma_rw(tp, cmd, true);
	case TP_OP_PEEK_PINNED:
		return tp_op_peek(tp, cmd);
	case TP_OP_IRQ:
		if (cmd->count >= VFIO_PCI_NUM_IRQS || !tp_irq_count(cmd->count))
			return -EINVAL;
		return tp_irq_raise(tp, cmd->count);
	default:
		return -EINVAL;
	}
}

/* ---- regions --------------------------------------------------------- */

static u64 tp_region_size(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return TP_CFG_SIZE;
	case VFIO_PCI_BAR0_REGION_INDEX:
		return TP_BAR0_SIZE;
	case TP_CTL_INDEX:
		return TP_CTL_SIZE;
	default:
		return 0;
	}
}

/* Split *@ppos into index and offset; -EINVAL unless all of it fits. */
static int tp_decode(loff_t pos, size_t count, unsigned int *index, u64 *off)
{
	u64 size;

	if (pos < 0)
		return -EINVAL;
	*index = pos >> TP_OFFSET_SHIFT;
	*off = pos & TP_OFFSET_MASK;
	if (*index >= TP_NUM_REGIONS)
		return -EINVAL;
	size = tp_region_size(*index);
	if (*off >= size || count > size - *off)
		return -EINVAL;
	return 0;
}

/* Copy the part of [@src_off, @src_off + @len) that [@off, @off + @count) covers. */
static void tp_copy_overlap(void *buf, u64 off, size_t count, const void *src,
			    u64 src_off, size_t len)
{
	u64 start = max(off, src_off);
	u64 end = min(off + count, src_off + len);

	if (start < end)
		memcpy(buf + (start - off), src + (start - src_off), end - start);
}

static ssize_t tp_ctl_read(struct tp_device *tp, u64 off, void *buf, size_t count)
{
	lockdep_assert_held(&tp->lock);
	if (off >= TP_CTL_DATA) {
		memcpy(buf, tp->data + off - TP_CTL_DATA, count);
		return count;
	}
	/* accesses may not straddle the registers and the data */
	if (count > TP_CTL_DATA - off)
		return -EINVAL;
	memset(buf, 0, count);
	tp_copy_overlap(buf, off, count, &tp->last_cmd, TP_CTL_CMD,
			sizeof(tp->last_cmd));
	tp_copy_overlap(buf, off, count, &tp->status, TP_CTL_STATUS,
			sizeof(tp->status));
	return count;
}

static ssize_t tp_ctl_write(struct tp_device *tp, u64 off, const void *buf, size_t count)
{
	lockdep_assert_held(&tp->lock);
	if (off >= TP_CTL_DATA) {
		memcpy(tp->data + off - TP_CTL_DATA, buf, count);
		return count;
	}
	/* a command is written whole, at its offset; status is read-only */
	if (off != TP_CTL_CMD || count != sizeof(struct tp_cmd))
		return -EINVAL;
	memcpy(&tp->last_cmd, buf, count);
	tp->status.result = tp_run_cmd(tp, &tp->last_cmd);
	dev_dbg(tp->vdev.dev, "op %u iova %#llx count %llu: %lld\n",
		tp->last_cmd.op, tp->last_cmd.iova, tp->last_cmd.count,
		tp->status.result);
	return count;
}

static ssize_t tp_rw(struct tp_device *tp, char __user *ubuf, size_t count,
		     loff_t *ppos, bool write)
{
	unsigned int index;
	ssize_t ret;
	u64 off;
	void *kbuf;

	ret = tp_decode(*ppos, count, &index, &off);
	if (ret)
		return ret;
	kbuf = kvmalloc(max_t(size_t, count, 1), GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	if (write && copy_from_user(kbuf, ubuf, count)) {
		ret = -EFAULT;
		goto out_free;
	}

	mutex_lock(&tp->lock);
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (write)
			tp_cfg_write(tp, off, kbuf, count);
		else
			memcpy(kbuf, tp->config + off, count);
		ret = count;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		if (write)
			memcpy(tp->bar0 + off, kbuf, count);
		else
			memcpy(kbuf, tp->bar0 + off, count);
		ret = count;
		break;
	default:	/* TP_CTL_INDEX: the only other region with a size */
		ret = write ? tp_ctl_write(tp, off, kbuf, count) :
			      tp_ctl_read(tp, off, kbuf, count);
		break;
	}
	mutex_unlock(&tp->lock);

	if (ret > 0 && !write && copy_to_user(ubuf, kbuf, count))
		ret = -EFAULT;
	if (ret > 0)
		*ppos += ret;
out_free:
	kvfree(kbuf);
	return ret;
}

/* ---- vfio_device_ops ------------------------------------------------- */

static int tp_init_dev(struct vfio_device *vdev)
{
	struct tp_device *tp = to_tp(vdev);

	mutex_init(&tp->lock);
	INIT_LIST_HEAD(&tp->pins);
	tp->bar0 = vmalloc_user(TP_BAR0_SIZE);
	if (!tp->bar0)
		goto err_destroy_lock;
	tp->data = kvzalloc(TP_DATA_SIZE, GFP_KERNEL);
	if (!tp->data)
		goto err_free_bar0;
	mutex_lock(&tp->lock);
	tp_cfg_reset(tp);
	mutex_unlock(&tp->lock);
	return 0;

err_free_bar0:
	vfree(tp->bar0);
err_destroy_lock:
	mutex_destroy(&tp->lock);
	return -ENOMEM;
}

static void tp_release_dev(struct vfio_device *vdev)
{
	struct tp_device *tp = to_tp(vdev);

	/* close_device() let go of pins and eventfds already */
	WARN_ON(!list_empty(&tp->pins));
	kvfree(tp->data);
	vfree(tp->bar0);
	mutex_destroy(&tp->lock);
	/*
	 * Linux 6.1's own core wants release() to free the structure; ours
	 * frees it itself and makes this a no-op.  Calling it keeps the module
	 * buildable against the distribution's vfio, which upstream_oracle.sh
	 * uses as a reference.
	 */
	vfio_free_device(vdev);
}

static int tp_open_device(struct vfio_device *vdev)
{
	struct tp_device *tp = to_tp(vdev);
	int err = READ_ONCE(fail_open_errno);

	if (err > 0 && err < MAX_ERRNO) {
		dev_dbg(vdev->dev, "open_device fails with %d as asked\n", -err);
		return -err;
	}
	mutex_lock(&tp->lock);
	tp->status.open_calls++;
	mutex_unlock(&tp->lock);
	return 0;
}

static void tp_close_device(struct vfio_device *vdev)
{
	struct tp_device *tp = to_tp(vdev);
	unsigned int i;

	mutex_lock(&tp->lock);
	tp_unpin_all(tp);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		tp_irq_release(tp, i);
	tp->intx_masked = false;
	tp->intx_pending = false;
	mutex_unlock(&tp->lock);
}

static ssize_t tp_read(struct vfio_device *vdev, char __user *buf,
		       size_t count, loff_t *ppos)
{
	return tp_rw(to_tp(vdev), buf, count, ppos, false);
}

static ssize_t tp_write(struct vfio_device *vdev, const char __user *buf,
			size_t count, loff_t *ppos)
{
	return tp_rw(to_tp(vdev), (char __user *)buf, count, ppos, true);
}

static int tp_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct tp_device *tp = to_tp(vdev);
	unsigned long shift = TP_OFFSET_SHIFT - PAGE_SHIFT;
	unsigned long index = vma->vm_pgoff >> shift;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << shift) - 1);
	unsigned long npages = TP_BAR0_SIZE >> PAGE_SHIFT;
	unsigned long size = vma->vm_end - vma->vm_start;

	if (index != VFIO_PCI_BAR0_REGION_INDEX)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (pgoff >= npages || size > (npages - pgoff) << PAGE_SHIFT)
		return -EINVAL;
	return remap_vmalloc_range(vma, tp->bar0, pgoff);
}

static void tp_request(struct vfio_device *vdev, unsigned int count)
{
	struct tp_device *tp = to_tp(vdev);

	mutex_lock(&tp->lock);
	tp->status.request_calls++;
	if (!tp_irq_signal(tp, VFIO_PCI_REQ_IRQ_INDEX) && !count)
		dev_notice(vdev->dev, "no REQ eventfd; waiting for the user to close the device\n");
	mutex_unlock(&tp->lock);
}

static void tp_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct tp_device *tp = to_tp(vdev);
	struct tp_pin *pin, *tmp;

	mutex_lock(&tp->lock);
	tp->status.unmap_calls++;
	tp->status.last_unmap_iova = iova;
	tp->status.last_unmap_length = length;
	list_for_each_entry_safe(pin, tmp, &tp->pins, next) {
		u64 end = pin->iova + ((u64)pin->npage << PAGE_SHIFT);

		if (pin->iova < iova + length && end > iova) {
			tp->status.unmap_unpinned += pin->npage;
			tp_unpin_one(tp, pin);
		}
	}
	mutex_unlock(&tp->lock);
}

/* ---- ioctls ---------------------------------------------------------- */

static long tp_ioctl_get_info(struct tp_device *tp, struct vfio_device_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = TP_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int tp_region_caps(unsigned int index, struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type cap_type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = TP_CTL_REGION_TYPE,
		.subtype = TP_CTL_REGION_SUBTYPE,
	};

	if (index != TP_CTL_INDEX)
		return 0;
	return vfio_info_add_capability(caps, &cap_type.header, sizeof(cap_type));
}

static long tp_ioctl_get_region_info(struct tp_device *tp,
				     struct vfio_region_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= TP_NUM_REGIONS)
		return -EINVAL;

	info.offset = (u64)info.index << TP_OFFSET_SHIFT;
	info.size = tp_region_size(info.index);
	info.flags = 0;
	info.cap_offset = 0;
	if (info.size)
		info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (info.index == VFIO_PCI_BAR0_REGION_INDEX)
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;

	ret = tp_region_caps(info.index, &caps);
	if (ret)
		return ret;
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* tell userspace how much room the chain needs */
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size)) {
				kfree(caps.buf);
				return -EFAULT;
			}
			info.cap_offset = sizeof(info);
		}
		kfree(caps.buf);
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long tp_ioctl_get_irq_info(struct tp_device *tp, struct vfio_irq_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.count = tp_irq_count(info.index);
	info.flags = info.count ? VFIO_IRQ_INFO_EVENTFD : 0;
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.count)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long tp_ioctl_set_irqs(struct tp_device *tp, struct vfio_irq_set __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, tp_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg->data, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&tp->lock);
	switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = tp_irq_set_trigger(tp, &hdr, data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = tp_irq_set_mask(tp, &hdr, data);
		break;
	default:	/* none or several actions */
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&tp->lock);
	kfree(data);
	return ret;
}

static long tp_ioctl_reset(struct tp_device *tp)
{
	mutex_lock(&tp->lock);
	tp_cfg_reset(tp);
	memset(tp->bar0, 0, TP_BAR0_SIZE);
	tp->intx_masked = false;
	tp->intx_pending = false;
	tp->status.reset_calls++;
	mutex_unlock(&tp->lock);
	return 0;
}

static long tp_ioctl(struct vfio_device *vdev, unsigned int cmd, unsigned long arg)
{
	struct tp_device *tp = to_tp(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return tp_ioctl_get_info(tp, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return tp_ioctl_get_region_info(tp, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return tp_ioctl_get_irq_info(tp, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return tp_ioctl_set_irqs(tp, uarg);
	case VFIO_DEVICE_RESET:
		return tp_ioctl_reset(tp);
	default:
		return -ENOTTY;
	}
}

/* ---- mdev driver ----------------------------------------------------- */

static const struct vfio_device_ops tp_dev_ops;

static int tp_probe(struct mdev_device *mdev)
{
	unsigned int units = tp_type_units(to_tp_type(mdev->type));
	struct tp_device *tp;
	int ret;

	ret = tp_pool_take(units);
	if (ret)
		return ret;

	tp = vfio_alloc_device(tp_device, vdev, &mdev->dev, &tp_dev_ops);
	if (IS_ERR(tp)) {
		ret = PTR_ERR(tp);
		goto err_give_units;
	}
	tp->units = units;

	ret = vfio_register_emulated_iommu_dev(&tp->vdev);
	if (ret)
		goto err_put_device;
	dev_set_drvdata(&mdev->dev, tp);
	return 0;

err_put_device:
	vfio_put_device(&tp->vdev);
err_give_units:
	tp_pool_give(units);
	return ret;
}

static void tp_remove(struct mdev_device *mdev)
{
	struct tp_device *tp = dev_get_drvdata(&mdev->dev);
	unsigned int units = tp->units;

	/* waits for the user to close the device, calling tp_request() */
	vfio_unregister_group_dev(&tp->vdev);
	vfio_put_device(&tp->vdev);
	tp_pool_give(units);
}

static unsigned int tp_get_available(struct mdev_type *mtype)
{
	unsigned int units = tp_type_units(to_tp_type(mtype));
	unsigned int avail;

	mutex_lock(&tp_pool_lock);
	avail = tp_pool_free / units;
	mutex_unlock(&tp_pool_lock);
	return avail;
}

static ssize_t tp_show_description(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "%u of %u pool units\n",
			  tp_type_units(to_tp_type(mtype)), pool_units);
}

/* ---- parents and module ---------------------------------------------- */

static struct tp_type tp_small_type = {
	.type = { .sysfs_name = "small", .pretty_name = "one pool unit" },
	.pooled = true,
};

/* no pretty_name: its name attribute shows the sysfs name */
static struct tp_type tp_exclusive_type = {
	.type = { .sysfs_name = "exclusive" },
	.exclusive = true,
	.pooled = true,
};

static struct tp_type tp_counted_a_type = {
	.type = { .sysfs_name = "counted_a", .pretty_name = "counted by the core, A" },
};

static struct tp_type tp_counted_b_type = {
	.type = { .sysfs_name = "counted_b", .pretty_name = "counted by the core, B" },
};

static struct mdev_type *tp_pool_types[] = {
	&tp_small_type.type,
	&tp_exclusive_type.type,
};

static struct mdev_type *tp_max_types[] = {
	&tp_counted_a_type.type,
	&tp_counted_b_type.type,
};

/* The parents are static; nothing to free when the last reference goes. */
static void tp_parent_release(struct device *dev)
{
}

static int tp_parent_add(struct tp_parent *tpp, const char *name,
			 struct mdev_driver *drv, struct mdev_type **types,
			 unsigned int nr_types)
{
	int ret;

	device_initialize(&tpp->dev);
	tpp->dev.class = tp_class;
	tpp->dev.release = tp_parent_release;
	ret = dev_set_name(&tpp->dev, "%s", name);
	if (ret)
		goto err_put_dev;
	ret = device_add(&tpp->dev);
	if (ret)
		goto err_put_dev;
	ret = mdev_register_parent(&tpp->parent, &tpp->dev, drv, types, nr_types);
	if (ret)
		goto err_del_dev;
	return 0;

err_del_dev:
	device_del(&tpp->dev);
err_put_dev:
	put_device(&tpp->dev);
	return ret;
}

static void tp_parent_del(struct tp_parent *tpp)
{
	/* removes every device of the parent first */
	mdev_unregister_parent(&tpp->parent);
	device_unregister(&tpp->dev);
}

static struct mdev_driver tp_pool_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = TP_DRIVER,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = tp_probe,
	.remove = tp_remove,
	.get_available = tp_get_available,
	.show_description = tp_show_description,
};

static struct mdev_driver tp_max_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = TP_DRIVER_MAX,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = tp_probe,
	.remove = tp_remove,
};

static const struct vfio_device_ops tp_dev_ops = {
	.name = "mdev_testparent",
	.init = tp_init_dev,
	.release = tp_release_dev,
	.open_device = tp_open_device,
	.close_device = tp_close_device,
	.read = tp_read,
	.write = tp_write,
	.mmap = tp_mmap,
	.ioctl = tp_ioctl,
	.request = tp_request,
	.dma_unmap = tp_dma_unmap,
};

static int __init tp_module_init(void)
{
	int ret;

	if (!pool_units || pool_units > 64)
		return -EINVAL;
	tp_pool_free = pool_units;
	tp_max_driver.max_instances = max_instances;
	tp_cfg_init_wmask();

	ret = mdev_register_driver(&tp_pool_driver);
	if (ret)
		return ret;
	ret = mdev_register_driver(&tp_max_driver);
	if (ret)
		goto err_unregister_pool_driver;
	tp_class = kc_class_create(TP_CLASS_NAME);
	if (IS_ERR(tp_class)) {
		ret = PTR_ERR(tp_class);
		goto err_unregister_max_driver;
	}
	ret = tp_parent_add(&tp_pool_parent, TP_PARENT, &tp_pool_driver,
			    tp_pool_types, ARRAY_SIZE(tp_pool_types));
	if (ret)
		goto err_destroy_class;
	ret = tp_parent_add(&tp_max_parent, TP_PARENT_MAX, &tp_max_driver,
			    tp_max_types, ARRAY_SIZE(tp_max_types));
	if (ret)
		goto err_del_pool_parent;
	return 0;

err_del_pool_parent:
	tp_parent_del(&tp_pool_parent);
err_destroy_class:
	class_destroy(tp_class);
err_unregister_max_driver:
	mdev_unregister_driver(&tp_max_driver);
err_unregister_pool_driver:
	mdev_unregister_driver(&tp_pool_driver);
	return ret;
}

static void __exit tp_module_exit(void)
{
	tp_parent_del(&tp_max_parent);
	tp_parent_del(&tp_pool_parent);
	class_destroy(tp_class);
	mdev_unregister_driver(&tp_max_driver);
	mdev_unregister_driver(&tp_pool_driver);
}

module_init(tp_module_init);
module_exit(tp_module_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdev parent for testing the VFIO core, type1 and the mdev bus");
