// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-fsl-mc: NXP Management Complex objects behind a VFIO device fd.
 *
 * Userspace first binds a DPRC (a container) with driver_override; from
 * then on every object the container holds or gains is claimed for us by
 * the DPRC's bus notifier, so the container and its objects end up in
 * vfio-fsl-mc together.  They form one device set, keyed on the DPRC, so
 * the core serialises their open and close and we can tell when the last
 * of them closes.
 *
 * The regions are MC portals (and, for DPIO, QBMan software portals).  A
 * portal is driven with 64-byte commands: read() and write() move exactly
 * one, and mmap() gives the page to userspace.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vfio_fsl_mc_private.h"

#define DRIVER_DESC	"VFIO for FSL-MC devices"

/* ------------------------------------------------------------------ */
/* The container's bus notifier                                        */

static int vfio_fsl_mc_bus_notifier(struct notifier_block *nb,
				    unsigned long action, void *data)
{
	struct vfio_fsl_mc_device *vdev =
		container_of(nb, struct vfio_fsl_mc_device, claim_nb);
	struct device *dev = data;
	struct fsl_mc_device *mc_dev = to_fsl_mc_device(dev);

	/* Only objects of our own container concern us. */
	if (dev->parent != &vdev->mc_dev->dev)
		return NOTIFY_DONE;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (driver_set_override(dev, &mc_dev->driver_override,
					"vfio-fsl-mc", strlen("vfio-fsl-mc")))
			dev_warn(dev, "cannot claim %s for vfio-fsl-mc\n",
				 dev_name(dev));
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		if (dev->driver && strcmp(dev->driver->name, "vfio-fsl-mc"))
			dev_warn(dev, "%s of a vfio-fsl-mc container is bound to %s\n",
				 dev_name(dev), dev->driver->name);
		break;
	}
	return NOTIFY_OK;
}

/* A DPRC: watch the bus for its objects, then open it in the MC. */
static int vfio_fsl_mc_init_dprc(struct vfio_fsl_mc_device *vdev)
{
	int ret;

	vdev->claim_nb.notifier_call = vfio_fsl_mc_bus_notifier;
	ret = bus_register_notifier(&fsl_mc_bus_type, &vdev->claim_nb);
	if (ret)
		return ret;

	ret = dprc_setup(vdev->mc_dev);
	if (ret) {
		dev_err(&vdev->mc_dev->dev, "DPRC setup failed: %d\n", ret);
		goto err_unregister_notifier;
	}
	return 0;

err_unregister_notifier:
	bus_unregister_notifier(&fsl_mc_bus_type, &vdev->claim_nb);
	return ret;
}

static void vfio_fsl_mc_cleanup_dprc(struct vfio_fsl_mc_device *vdev)
{
	dprc_remove_devices(vdev->mc_dev, NULL, 0);
	dprc_cleanup(vdev->mc_dev);
	bus_unregister_notifier(&fsl_mc_bus_type, &vdev->claim_nb);
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */

/* Describe the MC's resource @res as a window userspace can use. */
static void vfio_fsl_mc_window_describe(struct vfio_fsl_mc_window *win,
					const struct resource *res)
{
	win->phys = res->start;
	win->len = resource_size(res);
	win->cacheable = res->flags & FSL_MC_REGION_CACHEABLE;
	win->shareable = res->flags & FSL_MC_REGION_SHAREABLE;

	win->info_flags = VFIO_REGION_INFO_FLAG_READ;
	if (!(res->flags & IORESOURCE_READONLY))
		win->info_flags |= VFIO_REGION_INFO_FLAG_WRITE;
	/* Only whole pages can be handed to userspace. */
	if (PAGE_ALIGNED(win->phys) && PAGE_ALIGNED(win->len))
		win->info_flags |= VFIO_REGION_INFO_FLAG_MMAP;
}

static int vfio_fsl_mc_regions_init(struct vfio_fsl_mc_device *vdev)
{
	struct fsl_mc_device *mc_dev = vdev->mc_dev;
	unsigned int n = mc_dev->obj_desc.region_count, i;
	struct vfio_fsl_mc_window *win;

	win = kcalloc(n, sizeof(*win), GFP_KERNEL);
	if (n && !win)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		vfio_fsl_mc_window_describe(&win[i], &mc_dev->regions[i]);
	vdev->win = win;
	return 0;
}

static void vfio_fsl_mc_regions_cleanup(struct vfio_fsl_mc_device *vdev)
{
	int i;

	for (i = 0; i < vdev->mc_dev->obj_desc.region_count; i++)
		if (vdev->win[i].kva)
			iounmap(vdev->win[i].kva);
	kfree(vdev->win);
	vdev->win = NULL;
}

/* ------------------------------------------------------------------ */
/* Reset, open and close                                               */

static int vfio_fsl_mc_reset_device(struct vfio_fsl_mc_device *vdev)
{
	struct fsl_mc_device *mc_dev = vdev->mc_dev;
	struct fsl_mc_device *mc_cont;
	u16 token;
	int ret;

	/* A container resets its objects, but not the containers inside it. */
	if (is_fsl_mc_bus_dprc(mc_dev))
		return dprc_reset_container(mc_dev->mc_io, 0, mc_dev->mc_handle,
					    mc_dev->obj_desc.id,
					    DPRC_RESET_OPTION_NON_RECURSIVE);

	/* Another object is reset through its container's portal. */
	mc_cont = vfio_fsl_mc_cont(mc_dev);
	ret = fsl_mc_obj_open(mc_cont->mc_io, 0, mc_dev->obj_desc.id,
			      mc_dev->obj_desc.type, &token);
	if (ret)
		return ret;
	ret = fsl_mc_obj_reset(mc_cont->mc_io, 0, token);
	fsl_mc_obj_close(mc_cont->mc_io, 0, token);
	return ret;
}

static int vfio_fsl_mc_open_device(struct vfio_device *core_vdev)
{
	return vfio_fsl_mc_regions_init(to_vfio_fsl_mc(core_vdev));
}

static void vfio_fsl_mc_close_device(struct vfio_device *core_vdev)
{
	struct vfio_fsl_mc_device *vdev = to_vfio_fsl_mc(core_vdev);
	struct fsl_mc_device *mc_dev = vdev->mc_dev;
	int ret;

	lockdep_assert_held(&core_vdev->dev_set->lock);

	vfio_fsl_mc_regions_cleanup(vdev);

	/* Quiet the object before its interrupts go away. */
	ret = vfio_fsl_mc_reset_device(vdev);
	if (ret)
		dev_warn(&mc_dev->dev, "reset on close failed: %d\n", ret);
	vfio_fsl_mc_irqs_cleanup(vdev);

	/*
	 * The container's IRQ pool serves every object in the set; the last
	 * one to close (this one counts still) gives it back.
	 */
	if (vfio_device_set_open_count(core_vdev->dev_set) == 1)
		fsl_mc_cleanup_irq_pool(vfio_fsl_mc_cont(mc_dev));
}

/* ------------------------------------------------------------------ */
/* The ioctls                                                          */

/* Copy in an ioctl argument's first @minsz bytes; argsz must cover them. */
static int vfio_fsl_mc_copy_arg(void *karg, const void __user *uarg,
				size_t minsz)
{
	u32 argsz;

	if (copy_from_user(karg, uarg, minsz))
		return -EFAULT;
	memcpy(&argsz, karg, sizeof(argsz));
	return argsz < minsz ? -EINVAL : 0;
}

static int vfio_fsl_mc_ioctl_get_info(struct vfio_fsl_mc_device *vdev,
				      struct vfio_device_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret;

	ret = vfio_fsl_mc_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;

	info.flags = VFIO_DEVICE_FLAGS_FSL_MC | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = vdev->mc_dev->obj_desc.region_count;
	info.num_irqs = vdev->mc_dev->obj_desc.irq_count;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_fsl_mc_ioctl_get_region_info(struct vfio_fsl_mc_device *vdev,
					     struct vfio_region_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret;

	ret = vfio_fsl_mc_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= vdev->mc_dev->obj_desc.region_count)
		return -EINVAL;

	info.offset = VFIO_FSL_MC_INDEX_TO_OFFSET(info.index);
	info.size = vdev->win[info.index].len;
	info.flags = vdev->win[info.index].info_flags;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_fsl_mc_ioctl_get_irq_info(struct vfio_fsl_mc_device *vdev,
					  struct vfio_irq_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_fsl_mc_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= vdev->mc_dev->obj_desc.irq_count)
		return -EINVAL;

	/* Every object interrupt is an MSI: an edge, never masked. */
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_fsl_mc_ioctl_set_irqs(struct vfio_fsl_mc_device *vdev,
				      struct vfio_irq_set __user *arg)
{
	unsigned int nr_msi = vdev->mc_dev->obj_desc.irq_count;
	struct vfio_irq_set req;
	/* One vector per MSI: at most one eventfd number or bool. */
	u8 data[sizeof(s32)] = {};
	size_t data_size = 0;
	int ret;

	ret = vfio_fsl_mc_copy_arg(&req, arg,
				   offsetofend(struct vfio_irq_set, count));
	if (ret)
		return ret;

	ret = vfio_set_irqs_validate_and_prepare(&req, 1, nr_msi, &data_size);
	if (ret)
		return ret;
	if (WARN_ON_ONCE(data_size > sizeof(data)))
		return -EINVAL;
	if (data_size && copy_from_user(data, arg->data, data_size))
		return -EFAULT;

	return vfio_fsl_mc_set_irqs(vdev, &req, data);
}

static long vfio_fsl_mc_ioctl(struct vfio_device *core_vdev,
			      unsigned int cmd, unsigned long arg)
{
	struct vfio_fsl_mc_device *vdev = to_vfio_fsl_mc(core_vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_fsl_mc_ioctl_get_info(vdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_fsl_mc_ioctl_get_region_info(vdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_fsl_mc_ioctl_get_irq_info(vdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_fsl_mc_ioctl_set_irqs(vdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_fsl_mc_reset_device(vdev);
	default:
		return -ENOTTY;
	}
}

/* ------------------------------------------------------------------ */
/* read(), write() and mmap() of the portals                           */

/*
 * The region at @index of an open device with a kernel mapping, or an
 * ERR_PTR(); checks that [@off, @off + 64) is one whole command.
 */
static struct vfio_fsl_mc_window *
vfio_fsl_mc_portal(struct vfio_fsl_mc_device *vdev, loff_t pos, size_t count,
		   u32 need)
{
	unsigned int index = VFIO_FSL_MC_OFFSET_TO_INDEX(pos);
	loff_t off = pos & VFIO_FSL_MC_OFFSET_MASK;
	struct vfio_fsl_mc_window *region;
	void __iomem *addr, *old;

	if (index >= vdev->mc_dev->obj_desc.region_count)
		return ERR_PTR(-EINVAL);
	region = &vdev->win[index];
	if (!(region->info_flags & need))
		return ERR_PTR(-EINVAL);
	/* Only a whole command, at the start of the portal. */
	if (off || count != VFIO_FSL_MC_CMD_SIZE ||
	    region->len < VFIO_FSL_MC_CMD_SIZE)
		return ERR_PTR(-EINVAL);

	if (READ_ONCE(region->kva))
		return region;
	addr = ioremap(region->phys, region->len);
	if (!addr)
		return ERR_PTR(-ENOMEM);
	/* Two racing users may both map it; the loser unmaps its copy. */
	old = cmpxchg(&region->kva, NULL, addr);
	if (old)
		iounmap(addr);
	return region;
}

static ssize_t vfio_fsl_mc_read(struct vfio_device *core_vdev,
				char __user *buf, size_t count, loff_t *ppos)
{
	struct vfio_fsl_mc_device *vdev = to_vfio_fsl_mc(core_vdev);
	struct vfio_fsl_mc_window *region;
	__le64 cmd[VFIO_FSL_MC_CMD_WORDS];
	int i;

	region = vfio_fsl_mc_portal(vdev, *ppos, count,
				    VFIO_REGION_INFO_FLAG_READ);
	if (IS_ERR(region))
		return PTR_ERR(region);

	for (i = 0; i < VFIO_FSL_MC_CMD_WORDS; i++)
		cmd[i] = cpu_to_le64(readq(region->kva + i * sizeof(u64)));

	if (copy_to_user(buf, cmd, sizeof(cmd)))
		return -EFAULT;
	*ppos += count;
	return count;
}

/* The header goes last: writing it is what hands the command to the MC. */
static void vfio_fsl_mc_send_command(void __iomem *portal, const __le64 *cmd)
{
	int i;

	for (i = VFIO_FSL_MC_CMD_WORDS - 1; i > 0; i--)
		writeq(le64_to_cpu(cmd[i]), portal + i * sizeof(u64));
	writeq(le64_to_cpu(cmd[0]), portal);
}

static ssize_t vfio_fsl_mc_write(struct vfio_device *core_vdev,
				 const char __user *buf, size_t count,
				 loff_t *ppos)
{
	struct vfio_fsl_mc_device *vdev = to_vfio_fsl_mc(core_vdev);
	struct vfio_fsl_mc_window *region;
	__le64 cmd[VFIO_FSL_MC_CMD_WORDS];

	region = vfio_fsl_mc_portal(vdev, *ppos, count,
				    VFIO_REGION_INFO_FLAG_WRITE);
	if (IS_ERR(region))
		return PTR_ERR(region);

	if (copy_from_user(cmd, buf, sizeof(cmd)))
		return -EFAULT;
	vfio_fsl_mc_send_command(region->kva, cmd);
	*ppos += count;
	return count;
}

static int vfio_fsl_mc_mmap(struct vfio_device *core_vdev,
			    struct vm_area_struct *vma)
{
	struct vfio_fsl_mc_device *vdev = to_vfio_fsl_mc(core_vdev);
	unsigned int shift = VFIO_FSL_MC_OFFSET_SHIFT - PAGE_SHIFT;
	unsigned long index = vma->vm_pgoff >> shift;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << shift) - 1);
	u64 req_len = vma->vm_end - vma->vm_start;
	struct vfio_fsl_mc_window *region;

	if (index >= vdev->mc_dev->obj_desc.region_count)
		return -EINVAL;
	region = &vdev->win[index];
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (!(region->info_flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL;
	if (!(region->info_flags & VFIO_REGION_INFO_FLAG_READ) &&
	    (vma->vm_flags & VM_READ))
		return -EINVAL;
	if (!(region->info_flags & VFIO_REGION_INFO_FLAG_WRITE) &&
	    (vma->vm_flags & VM_WRITE))
		return -EINVAL;
	if ((pgoff << PAGE_SHIFT) + req_len > region->len)
		return -EINVAL;

	/*
	 * MC portals are device memory.  QBMan cache-enabled portals are
	 * meant to be cached; without shareability they must stay out of
	 * the inner shareable domain, which write-combine gives us here.
	 */
	if (region->cacheable) {
		if (!region->shareable)
			vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	} else {
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	}

	vma->vm_private_data = vdev;
	return remap_pfn_range(vma, vma->vm_start,
			       (region->phys >> PAGE_SHIFT) + pgoff,
			       req_len, vma->vm_page_prot);
}

/* ------------------------------------------------------------------ */
/* The device's life: probe and remove                                 */

/* The core frees the structure after this; only our own parts go here. */
static void vfio_fsl_mc_release_dev(struct vfio_device *core_vdev)
{
	mutex_destroy(&to_vfio_fsl_mc(core_vdev)->msi_lock);
}

static const struct vfio_device_ops vfio_fsl_mc_ops = {
	.name		= "vfio-fsl-mc",
	.release	= vfio_fsl_mc_release_dev,
	.open_device	= vfio_fsl_mc_open_device,
	.close_device	= vfio_fsl_mc_close_device,
	.read		= vfio_fsl_mc_read,
	.write		= vfio_fsl_mc_write,
	.mmap		= vfio_fsl_mc_mmap,
	.ioctl		= vfio_fsl_mc_ioctl,
};

/*
 * An object other than a DPRC is only safe with us when its container is
 * ours too: otherwise the container's driver could still reach it.
 */
static bool vfio_fsl_mc_isolated(struct fsl_mc_device *mc_dev)
{
	struct device_driver *drv = mc_dev->dev.parent->driver;

	return is_fsl_mc_bus_dprc(mc_dev) ||
	       (drv && !strcmp(drv->name, "vfio-fsl-mc"));
}

static int vfio_fsl_mc_probe(struct fsl_mc_device *mc_dev)
{
	bool dprc = is_fsl_mc_bus_dprc(mc_dev);
	struct vfio_fsl_mc_device *vdev;
	int ret;

	if (!vfio_fsl_mc_isolated(mc_dev))
		return -EINVAL;

	vdev = vfio_alloc_device(vfio_fsl_mc_device, vdev, &mc_dev->dev,
				 &vfio_fsl_mc_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	/* From here on, the release op and the core undo what is set up. */
	vdev->mc_dev = mc_dev;
	mutex_init(&vdev->msi_lock);

	/* The set is the container: a DPRC keys it with itself. */
	ret = vfio_assign_device_set(&vdev->vdev,
				     &vfio_fsl_mc_cont(mc_dev)->dev);
	if (ret)
		goto err_put_device;

	if (dprc) {
		ret = vfio_fsl_mc_init_dprc(vdev);
		if (ret)
			goto err_put_device;
	}

	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret) {
		dev_err(&mc_dev->dev, "cannot register the VFIO device: %d\n",
			ret);
		goto err_cleanup_dprc;
	}
	dev_set_drvdata(&mc_dev->dev, vdev);

	/*
	 * Only now, with the container registered, bring its objects in:
	 * each probes here and must find its container ours already.
	 */
	if (dprc) {
		ret = dprc_scan_container(mc_dev, false);
		if (ret) {
			dev_err(&mc_dev->dev, "container scan failed: %d\n", ret);
			goto err_unregister;
		}
	}
	return 0;

err_unregister:
	vfio_unregister_group_dev(&vdev->vdev);
	dev_set_drvdata(&mc_dev->dev, NULL);
err_cleanup_dprc:
	if (dprc)
		vfio_fsl_mc_cleanup_dprc(vdev);
err_put_device:
	vfio_put_device(&vdev->vdev);
	return ret;
}

static int vfio_fsl_mc_remove(struct fsl_mc_device *mc_dev)
{
	struct vfio_fsl_mc_device *vdev = dev_get_drvdata(&mc_dev->dev);

	/* Waits until userspace has closed the object. */
	vfio_unregister_group_dev(&vdev->vdev);
	if (is_fsl_mc_bus_dprc(mc_dev))
		vfio_fsl_mc_cleanup_dprc(vdev);
	dev_set_drvdata(&mc_dev->dev, NULL);
	vfio_put_device(&vdev->vdev);
	return 0;
}

/* fsl_mc_driver_register() fills in the owner. */
static struct fsl_mc_driver vfio_fsl_mc_driver = {
	.driver	= {
		.name	= "vfio-fsl-mc",
	},
	.driver_managed_dma = true,	/* the VFIO core claims DMA ownership */
	.probe		= vfio_fsl_mc_probe,
	.remove		= vfio_fsl_mc_remove,
};
module_fsl_mc_driver(vfio_fsl_mc_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw developers");
MODULE_DESCRIPTION(DRIVER_DESC);
