/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-kernel interface of the VFIO core: what a bus driver (vfio-pci,
 * vfio-platform) or a mediated-device vendor driver uses to expose a device
 * to userspace through /dev/vfio.
 *
 * Source-compatible with the interface of Linux 6.1.  A driver embeds a
 * struct vfio_device in its own per-device structure, allocates both at once
 * with vfio_alloc_device(), registers, and gets its callbacks with a pointer
 * to the embedded vfio_device, from which container_of() leads back.
 */
#ifndef _OUR_LINUX_VFIO_H
#define _OUR_LINUX_VFIO_H

#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <linux/poll.h>
#include <linux/completion.h>
#include <linux/refcount.h>
#include <uapi/linux/vfio.h>
#include <linux/iova_bitmap.h>

struct kvm;
struct vfio_group;

/**
 * struct vfio_device_set - devices that must be opened and reset together
 * @set_id: key shared by the members (for example a PCI slot or bus)
 * @lock: held by the core around open_device() and close_device() of every
 *        member, so a driver can look at the whole set safely
 * @device_list: the members, linked through vfio_device.dev_set_list
 * @device_count: number of members
 *
 * A device that is not put in a set explicitly gets a set of its own.
 */
struct vfio_device_set {
	void *set_id;
	struct mutex lock;
	struct list_head device_list;
	unsigned int device_count;
};

/**
 * struct vfio_device - the VFIO core's part of a driver's device
 * @dev: the physical or mediated device this one exposes
 * @ops: the driver's callbacks
 * @mig_ops: migration callbacks, or NULL; fixed before registration
 * @log_ops: dirty-page logging callbacks, or NULL; fixed before registration
 * @group: the VFIO group the device belongs to once registered
 * @dev_set: the device set (see vfio_assign_device_set())
 * @dev_set_list: entry in @dev_set->device_list
 * @migration_flags: VFIO_MIGRATION_* flags the driver supports
 * @kvm: the KVM instance of the user; valid from open_device() to
 *       close_device() only, and the driver must take its own reference
 *
 * Embed it in the driver's structure and allocate both with
 * vfio_alloc_device(); the structure then lives until the last
 * vfio_put_device(), and its ops->release() runs just before it is freed.
 */
struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	const struct vfio_migration_ops *mig_ops;
	const struct vfio_log_ops *log_ops;
	struct vfio_group *group;
	struct vfio_device_set *dev_set;
	struct list_head dev_set_list;
	unsigned int migration_flags;
	struct kvm *kvm;

	/* private: the VFIO core's alone from here on; drivers keep out */
	unsigned int index;		/* the N of "vfioN" */
	struct device device;		/* its kref is the object's lifetime */
	refcount_t refcount;		/* registration plus open device fds */
	unsigned int open_count;	/* open fds; under dev_set->lock */
	struct completion comp;		/* last user gone, for unregister */
	struct list_head group_next;	/* in the group; under group->device_lock */
	struct list_head iommu_entry;	/* in the IOMMU backend's device list */
	atomic_t pinned_pages;		/* pinned minus unpinned, for debugfs */
};

/**
 * struct vfio_device_ops - a driver's callbacks for one vfio_device
 * @name: driver name, for messages
 * @init: called by vfio_alloc_device() to set up the driver's own fields;
 *        an error frees the allocation again
 * @release: undo @init; called once, when the last reference is put
 * @open_device: the first device fd is being opened
 * @close_device: the last device fd was closed
 * @read: read(2) on the device fd, at a region offset in *@ppos
 * @write: write(2) on the device fd, at a region offset in *@ppos
 * @ioctl: VFIO_DEVICE_* ioctls other than VFIO_DEVICE_FEATURE
 * @mmap: mmap(2) of a region of the device fd
 * @request: unregistration waits for userspace to close the device; ask it
 *           to do so (usually by signalling the REQ irq).  @count is how
 *           many times it has been asked already
 * @match: optional; decide whether the string given to
 *         VFIO_GROUP_GET_DEVICE_FD names this device.  Return >0 for a
 *         match, 0 for none, or a negative errno to stop the search
 * @dma_unmap: userspace is unmapping [@iova, @iova + @length) from the
 *             container; drivers that pinned pages there must unpin them
 *             before returning.  Required for vfio_register_emulated_iommu_dev()
 * @device_feature: optional; VFIO_DEVICE_FEATURE requests the core does not
 *                  serve itself (see vfio_check_feature())
 */
struct vfio_device_ops {
	char	*name;
	int	(*init)(struct vfio_device *vdev);
	void	(*release)(struct vfio_device *vdev);
	int	(*open_device)(struct vfio_device *vdev);
	void	(*close_device)(struct vfio_device *vdev);
	ssize_t	(*read)(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos);
	ssize_t	(*write)(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *size);
	long	(*ioctl)(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg);
	int	(*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
	void	(*request)(struct vfio_device *vdev, unsigned int count);
	int	(*match)(struct vfio_device *vdev, char *buf);
	void	(*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
	int	(*device_feature)(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz);
};

/**
 * struct vfio_migration_ops - live migration of a device's state
 * @migration_set_state: move the device to @new_state; for states that
 *                       carry data, return the file that carries it
 * @migration_get_state: report the current state
 *
 * Both are required for VFIO_DEVICE_FEATURE_MIGRATION.
 */
struct vfio_migration_ops {
	struct file *(*migration_set_state)(
		struct vfio_device *device,
		enum vfio_device_mig_state new_state);
	int (*migration_get_state)(struct vfio_device *device,
				   enum vfio_device_mig_state *curr_state);
};

/**
 * struct vfio_log_ops - device-side dirty page tracking
 * @log_start: start tracking DMA writes to @ranges
 * @log_stop: stop tracking
 * @log_read_and_clear: report and clear dirty pages in a range
 *
 * The core keeps no state about logging; the driver rejects calls that do
 * not fit its own state.
 */
struct vfio_log_ops {
	int (*log_start)(struct vfio_device *device,
		struct rb_root_cached *ranges, u32 nnodes, u64 *page_size);
	int (*log_stop)(struct vfio_device *device);
	int (*log_read_and_clear)(struct vfio_device *device,
		unsigned long iova, unsigned long length,
		struct iova_bitmap *dirty);
};

/**
 * vfio_check_feature - common checks for a VFIO_DEVICE_FEATURE request
 * @flags: the flags the device_feature op was given
 * @argsz: the payload size the device_feature op was given
 * @supported_ops: VFIO_DEVICE_FEATURE_GET and/or _SET, as the feature allows
 * @minsz: smallest payload the feature accepts
 *
 * Return: 1 when the driver should carry out the GET or SET, 0 for a PROBE
 * that succeeds, or a negative errno to return to userspace.
 */
static inline int vfio_check_feature(u32 flags, size_t argsz, u32 supported_ops,
				     size_t minsz)
{
	u32 dir = flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET);

	if (dir & ~supported_ops)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!dir)
		return -EINVAL;	/* nothing asked for */
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}

struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops);

/**
 * vfio_alloc_device - allocate a driver structure with its vfio_device
 * @dev_struct: the driver's structure type (without "struct")
 * @member: name of the struct vfio_device member, which must come first
 * @dev: the device being exposed
 * @ops: the driver's callbacks
 *
 * Return: the new structure, or an ERR_PTR().  Free it with
 * vfio_put_device().
 */
#define vfio_alloc_device(dev_struct, member, dev, ops)			\
	container_of(_vfio_alloc_device(sizeof(struct dev_struct) +	\
					BUILD_BUG_ON_ZERO(offsetof(	\
						struct dev_struct, member)), \
					dev, ops),			\
		     struct dev_struct, member)

int vfio_init_device(struct vfio_device *device, struct device *dev,
		     const struct vfio_device_ops *ops);
void vfio_free_device(struct vfio_device *device);

/**
 * vfio_put_device - drop a reference taken by vfio_alloc_device()
 * @device: the device
 *
 * The last put calls ops->release() and frees the driver's structure.
 */
static inline void vfio_put_device(struct vfio_device *device)
{
	put_device(&device->device);
}

int vfio_register_group_dev(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
void vfio_unregister_group_dev(struct vfio_device *device);

int vfio_assign_device_set(struct vfio_device *device, void *set_id);
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set);

int vfio_mig_get_next_state(struct vfio_device *device,
			    enum vfio_device_mig_state cur_fsm,
			    enum vfio_device_mig_state new_fsm,
			    enum vfio_device_mig_state *next_fsm);

/* For KVM and other in-kernel users holding a VFIO group file. */
struct iommu_group *vfio_file_iommu_group(struct file *file);
bool vfio_file_is_group(struct file *file);
bool vfio_file_enforced_coherent(struct file *file);
void vfio_file_set_kvm(struct file *file, struct kvm *kvm);
bool vfio_file_has_dev(struct file *file, struct vfio_device *device);

/* Most pages one vfio_pin_pages() call may pin. */
#define VFIO_PIN_PAGES_MAX_ENTRIES	(PAGE_SIZE/sizeof(unsigned long))

int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova,
		   int npage, int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova,
		void *data, size_t len, bool write);

/**
 * struct vfio_info_cap - a capability chain being built for an ``*_INFO`` ioctl
 * @buf: the chain, grown by vfio_info_cap_add(); kfree() it when done
 * @size: bytes used in @buf
 */
struct vfio_info_cap {
	struct vfio_info_cap_header *buf;
	size_t size;
};
struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version);
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset);

int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size);

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size);

/* EEH is a powerpc feature; on the architectures we build for it is absent. */
struct pci_dev;
static inline void vfio_spapr_pci_eeh_open(struct pci_dev *pdev)
{
}

static inline void vfio_spapr_pci_eeh_release(struct pci_dev *pdev)
{
}

static inline long vfio_spapr_iommu_eeh_ioctl(struct iommu_group *group,
					      unsigned int cmd,
					      unsigned long arg)
{
	return -ENOTTY;
}

/**
 * struct virqfd - an eventfd whose signal runs a driver handler
 * @opaque: the driver's cookie, passed to @handler and @thread
 * @eventfd: the eventfd being watched
 * @handler: runs in the wakeup path (atomic); nonzero asks for @thread
 * @thread: runs from a workqueue when @handler asks for it, or always when
 *          there is no @handler
 * @data: second argument of @handler and @thread
 * @inject: work item that runs @thread
 * @wait: our entry on the eventfd's wait queue
 * @pt: poll table used to get onto that wait queue
 * @shutdown: work item that tears the virqfd down
 * @flush_inject: work item used by vfio_virqfd_flush_thread()
 * @pvirqfd: the driver's pointer to this virqfd, cleared on teardown
 *
 * Used by drivers to unmask level interrupts when userspace signals an
 * eventfd, without a trip through an ioctl.
 */
struct virqfd {
	void			*opaque;
	struct eventfd_ctx	*eventfd;
	int			(*handler)(void *, void *);
	void			(*thread)(void *, void *);
	void			*data;
	struct work_struct	inject;
	wait_queue_entry_t	wait;
	poll_table		pt;
	struct work_struct	shutdown;
	struct work_struct	flush_inject;
	struct virqfd		**pvirqfd;
};

int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd);
void vfio_virqfd_disable(struct virqfd **pvirqfd);
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd);

#endif /* _OUR_LINUX_VFIO_H */
