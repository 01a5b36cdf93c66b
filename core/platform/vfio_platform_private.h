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
 * struct vfio_platform_intr - one interrupt of the device (one IRQ index)
 * @linux_irq: the Linux IRQ number
 * @level: a level interrupt: reported MASKABLE | AUTOMASKED, and its
 *         handler disables the line before signalling
 * @state_lock: protects @disabled, @signal and the enable state of
 *              @linux_irq against the handler
 * @disabled: the line is disabled on our behalf (userspace or automask)
 * @signal: eventfd signalled on each interrupt, or NULL
 * @label: the name the handler is requested under, while it is
 * @mask_fd: virqfd that masks on a write to its eventfd
 * @unmask_fd: virqfd that unmasks on a write to its eventfd
 *
 * Every index has exactly one vector, so VFIO_DEVICE_GET_IRQ_INFO
 * derives its flags from @level and reports a count of 1.
 */
struct vfio_platform_intr {
	int			linux_irq;
	bool			level;

	spinlock_t		state_lock;
	bool			disabled;
	struct eventfd_ctx	*signal;

	/* Under vfio_platform_device.intr_lock. */
	char			*label;
	struct virqfd		*mask_fd;
	struct virqfd		*unmask_fd;
};

/**
 * struct vfio_platform_mem - one memory resource of the device (a region)
 * @phys: physical start
 * @len: length in bytes
 * @kva: kernel mapping for read()/write(), made on first use
 * @info_flags: VFIO_REGION_INFO_FLAG_* reported to userspace
 * @is_pio: a port I/O resource: listed, but neither readable nor mappable
 */
struct vfio_platform_mem {
	phys_addr_t		phys;
	u64			len;
	void __iomem		*kva;
	u32			info_flags;
	bool			is_pio;
};

/**
 * struct vfio_platform_bus - what a binder tells the base about its bus
 * @type_flag: VFIO_DEVICE_FLAGS_PLATFORM or VFIO_DEVICE_FLAGS_AMBA
 * @label: a kmalloc()ed name of @dev for messages and IRQ names
 * @resource: memory resource @index of @dev, or NULL past the last
 * @irq: Linux IRQ of interrupt @index of @dev, negative past the last
 */
struct vfio_platform_bus {
	u32	type_flag;
	char	*(*label)(struct device *dev);
	struct resource *(*resource)(struct device *dev, unsigned int index);
	int	(*irq)(struct device *dev, unsigned int index);
};

/**
 * typedef vfio_platform_reset_fn_t - a device-specific reset
 * @vdev: the device; @vdev->mem[].kva exists only if read()/write()
 *        mapped the region, so a reset maps what it needs itself
 *
 * Return: 0 or a negative errno.
 */
typedef int (*vfio_platform_reset_fn_t)(struct vfio_platform_device *vdev);

/**
 * struct vfio_platform_device - a platform or AMBA device given to userspace
 * @vdev: the VFIO core's part; must come first
 * @dev: the bus device itself
 * @bus: how to find its resources, from the binder
 * @label: its name in messages and IRQ names, from @bus->label
 * @reset_required: refuse the device when it has no reset
 * @mem: its memory resources, from the first open to the last close
 * @nr_mem: entries in @mem
 * @intr: its interrupts, from the first open to the last close
 * @nr_intr: entries in @intr
 * @intr_lock: serialises VFIO_DEVICE_SET_IRQS and the teardown at close
 * @reset: how the device is reset
 * @reset.compat: its first "compatible" string, the registry's key
 * @reset.acpi_hid: its ACPI _HID when found through ACPI (then _RST resets)
 * @reset.fn: the registered reset for @reset.compat, or NULL
 * @reset.owner: the module providing @reset.fn, pinned while we use it
 *
 * vfio_platform_bind() allocates it for a binder's probe.
 */
struct vfio_platform_device {
	struct vfio_device			vdev;
	struct device				*dev;
	const struct vfio_platform_bus		*bus;
	char					*label;
	bool					reset_required;

	struct vfio_platform_mem		*mem;
	unsigned int				nr_mem;
	struct vfio_platform_intr		*intr;
	unsigned int				nr_intr;
	struct mutex				intr_lock; /* see above */

	struct {
		const char			*compat;
		const char			*acpi_hid;
		vfio_platform_reset_fn_t	fn;
		struct module			*owner;
	} reset;
};

static inline struct vfio_platform_device *
to_vfio_platform(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_platform_device, vdev);
}

/* Binding, for the binders' probe and remove. */
int vfio_platform_bind(struct device *dev, const struct vfio_platform_bus *bus,
		       bool reset_required);
void vfio_platform_unbind(struct device *dev);

/*
 * The base's device ops and setup, exported as 6.1 exports them, for a
 * binder that needs a vfio_device_ops table of its own.
 */
int vfio_platform_open_device(struct vfio_device *core_vdev);
void vfio_platform_close_device(struct vfio_device *core_vdev);
ssize_t vfio_platform_read(struct vfio_device *core_vdev,
			   char __user *buf, size_t count, loff_t *ppos);
ssize_t vfio_platform_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos);
int vfio_platform_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
long vfio_platform_ioctl(struct vfio_device *core_vdev,
			 unsigned int cmd, unsigned long arg);
int vfio_platform_init_common(struct vfio_platform_device *vdev);
void vfio_platform_release_common(struct vfio_platform_device *vdev);

/* vfio_platform_irq.c */
int vfio_platform_irq_init(struct vfio_platform_device *vdev);
void vfio_platform_irq_cleanup(struct vfio_platform_device *vdev);
int vfio_platform_set_irqs(struct vfio_platform_device *vdev,
			   const struct vfio_irq_set *req, const void *data);

/**
 * struct vfio_platform_reset_entry - an entry of the reset registry
 * @compat: the "compatible" string the reset serves
 * @fn: the reset
 * @owner: the module that provides it
 * @link: in the registry, while registered
 */
struct vfio_platform_reset_entry {
	const char			*compat;
	vfio_platform_reset_fn_t	fn;
	struct module			*owner;
	struct list_head		link;
};

void __vfio_platform_register_reset(struct vfio_platform_reset_entry *entry);
void vfio_platform_unregister_reset(const char *compat,
				    vfio_platform_reset_fn_t fn);

/**
 * module_vfio_reset_handler - make a module that provides one reset
 * @compat_str: the "compatible" string, a string literal
 * @reset_fn: the vfio_platform_reset_fn_t
 *
 * The module's one registry entry is static data of the module; its init
 * adds it and its exit takes it out again.  The alias lets the base load
 * the module on demand with request_module("vfio-reset:<compat>").
 */
#define module_vfio_reset_handler(compat_str, reset_fn)			\
	static struct vfio_platform_reset_entry vfio_reset_entry = {	\
		.compat	= compat_str,					\
		.fn	= reset_fn,					\
		.owner	= THIS_MODULE,					\
	};								\
	static int __init vfio_reset_entry_add(void)			\
	{								\
		__vfio_platform_register_reset(&vfio_reset_entry);	\
		return 0;						\
	}								\
	module_init(vfio_reset_entry_add);				\
	static void __exit vfio_reset_entry_remove(void)		\
	{								\
		vfio_platform_unregister_reset(vfio_reset_entry.compat,	\
					       vfio_reset_entry.fn);	\
	}								\
	module_exit(vfio_reset_entry_remove);				\
	MODULE_ALIAS("vfio-reset:" compat_str)

#endif /* _VFIO_PLATFORM_PRIVATE_H */
