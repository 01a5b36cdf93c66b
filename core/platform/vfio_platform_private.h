/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-platform-base: what the vfio-platform and vfio-amba binders and the
 * per-device reset modules share.  The base does the work (regions, IRQs,
 * reset, the device fd ops); a binder only finds the resources of its bus.
 */
#ifndef _VFIO_PLATFORM_PRIVATE_H
#define _VFIO_PLATFORM_PRIVATE_H

#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/types.h>
#include <linux/vfio.h>

/*
 * The device fd is split into one window per region or IRQ index, 2^40
 * bytes apart, as upstream does: the offset of a region is its index
 * shifted up by VFIO_PLATFORM_OFFSET_SHIFT.
 */
#define VFIO_PLATFORM_OFFSET_SHIFT	40
#define VFIO_PLATFORM_OFFSET_MASK	((1ULL << VFIO_PLATFORM_OFFSET_SHIFT) - 1)
#define VFIO_PLATFORM_OFFSET_TO_INDEX(off)	\
	((off) >> VFIO_PLATFORM_OFFSET_SHIFT)
#define VFIO_PLATFORM_INDEX_TO_OFFSET(index)	\
	((u64)(index) << VFIO_PLATFORM_OFFSET_SHIFT)

struct vfio_platform_device;

/**
 * struct vfio_platform_irq - one interrupt of the device, as userspace sees it
 * @flags: VFIO_IRQ_INFO_* flags reported by VFIO_DEVICE_GET_IRQ_INFO
 * @count: number of vectors (always 1 for a platform IRQ)
 * @hwirq: the Linux IRQ number
 * @name: the name under which the handler is requested
 * @trigger: eventfd signalled on each interrupt, or NULL when unused
 * @masked: the line is disabled on our behalf (by userspace or automasking)
 * @lock: protects @masked and the enable state of @hwirq
 * @unmask: virqfd that unmasks on a write to its eventfd
 * @mask: virqfd that masks on a write to its eventfd
 */
struct vfio_platform_irq {
	u32			flags;
	u32			count;
	int			hwirq;
	char			*name;
	struct eventfd_ctx	*trigger;
	bool			masked;
	spinlock_t		lock;
	struct virqfd		*unmask;
	struct virqfd		*mask;
};

/**
 * struct vfio_platform_region - one MMIO (or port) resource of the device
 * @addr: physical start
 * @size: length in bytes
 * @flags: VFIO_REGION_INFO_FLAG_* reported to userspace
 * @type: VFIO_PLATFORM_REGION_TYPE_* below
 * @ioaddr: kernel mapping for read()/write(), made on first use
 */
struct vfio_platform_region {
	u64			addr;
	resource_size_t		size;
	u32			flags;
	u32			type;
#define VFIO_PLATFORM_REGION_TYPE_MMIO	1
#define VFIO_PLATFORM_REGION_TYPE_PIO	2
	void __iomem		*ioaddr;
};

/**
 * typedef vfio_platform_reset_fn_t - a device-specific reset
 * @vdev: the device; its regions are mapped in @vdev->regions[].ioaddr
 *        only if read()/write() mapped them, so a reset maps what it needs
 *
 * Return: 0 or a negative errno.
 */
typedef int (*vfio_platform_reset_fn_t)(struct vfio_platform_device *vdev);

/**
 * struct vfio_platform_device - a platform or AMBA device given to userspace
 * @vdev: the VFIO core's part; must come first
 * @regions: the device's memory resources
 * @num_regions: entries in @regions
 * @irqs: the device's interrupts
 * @num_irqs: entries in @irqs
 * @name: the device's name, for messages and IRQ names
 * @flags: VFIO_DEVICE_FLAGS_PLATFORM or VFIO_DEVICE_FLAGS_AMBA, plus
 *         VFIO_DEVICE_FLAGS_RESET when a reset is known
 * @igate: serialises VFIO_DEVICE_SET_IRQS against open and close
 * @compat: the device's first "compatible" string, the reset registry's key
 * @acpihid: the device's ACPI _HID, when it was found through ACPI
 * @reset_module: the module that provides @of_reset, pinned while used
 * @device: the bus device itself
 * @get_resource: the binder's lookup of memory resource @i
 * @get_irq: the binder's lookup of interrupt @i (negative when none)
 * @of_reset: the reset found in the registry for @compat, or NULL
 * @reset_required: refuse devices without a reset (see the module
 *                  parameter of the same name in the binders)
 *
 * The binder allocates it with vfio_alloc_device() and fills @name,
 * @flags, @get_resource, @get_irq and @reset_required in its probe; the
 * binder's init op then calls vfio_platform_init_common().
 */
struct vfio_platform_device {
	struct vfio_device		vdev;
	struct vfio_platform_region	*regions;
	u32				num_regions;
	struct vfio_platform_irq	*irqs;
	u32				num_irqs;
	const char			*name;
	u32				flags;
	struct mutex			igate;	/* the irqs' triggers and virqfds */
	const char			*compat;
	const char			*acpihid;
	struct module			*reset_module;
	struct device			*device;

	struct resource *(*get_resource)(struct vfio_platform_device *vdev,
					 int i);
	int	(*get_irq)(struct vfio_platform_device *vdev, int i);

	vfio_platform_reset_fn_t	of_reset;
	bool				reset_required;
};

static inline struct vfio_platform_device *
to_vfio_platform(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_platform_device, vdev);
}

/**
 * struct vfio_platform_reset_node - an entry of the reset registry
 * @link: in the registry's list
 * @compat: the "compatible" string this reset serves
 * @of_reset: the reset
 * @owner: the module that provides it
 */
struct vfio_platform_reset_node {
	struct list_head		link;
	char				*compat;
	vfio_platform_reset_fn_t	of_reset;
	struct module			*owner;
};

int vfio_platform_init_common(struct vfio_platform_device *vdev);
void vfio_platform_release_common(struct vfio_platform_device *vdev);

int vfio_platform_open_device(struct vfio_device *core_vdev);
void vfio_platform_close_device(struct vfio_device *core_vdev);
long vfio_platform_ioctl(struct vfio_device *core_vdev,
			 unsigned int cmd, unsigned long arg);
ssize_t vfio_platform_read(struct vfio_device *core_vdev,
			   char __user *buf, size_t count, loff_t *ppos);
ssize_t vfio_platform_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos);
int vfio_platform_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);

int vfio_platform_irq_init(struct vfio_platform_device *vdev);
void vfio_platform_irq_cleanup(struct vfio_platform_device *vdev);
int vfio_platform_set_irqs_ioctl(struct vfio_platform_device *vdev,
				 u32 flags, unsigned int index,
				 unsigned int start, unsigned int count,
				 void *data);

void __vfio_platform_register_reset(struct vfio_platform_reset_node *node);
void vfio_platform_unregister_reset(const char *compat,
				    vfio_platform_reset_fn_t fn);

/**
 * vfio_platform_register_reset - offer a reset for devices of a compatible
 * @__compat: the "compatible" string
 * @__reset: the vfio_platform_reset_fn_t
 *
 * Defines the registry node next to the call, in the calling module.
 */
#define vfio_platform_register_reset(__compat, __reset)		\
static struct vfio_platform_reset_node __reset ## _node = {	\
	.owner = THIS_MODULE,					\
	.compat = __compat,					\
	.of_reset = __reset,					\
};								\
__vfio_platform_register_reset(&__reset ## _node)

/**
 * module_vfio_reset_handler - a module that only provides one reset
 * @compat: the "compatible" string
 * @reset: the vfio_platform_reset_fn_t
 *
 * The alias lets vfio-platform-base load the module on demand
 * (request_module("vfio-reset:<compat>")).
 */
#define module_vfio_reset_handler(compat, reset)		\
MODULE_ALIAS("vfio-reset:" compat);				\
static int __init reset ## _module_init(void)			\
{								\
	vfio_platform_register_reset(compat, reset);		\
	return 0;						\
}								\
static void __exit reset ## _module_exit(void)			\
{								\
	vfio_platform_unregister_reset(compat, reset);		\
}								\
module_init(reset ## _module_init);				\
module_exit(reset ## _module_exit)

#endif /* _VFIO_PLATFORM_PRIVATE_H */
