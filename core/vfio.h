/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio.ko and the IOMMU backend modules built beside it
 * (vfio_iommu_type1.ko): how the core and a backend talk.  Drivers never
 * include this; they use <linux/vfio.h>.
 */
#ifndef _CORE_VFIO_H
#define _CORE_VFIO_H

#include <linux/vfio.h>

struct iommu_group;
struct vfio_device;

/**
 * enum vfio_group_type - where a group's isolation comes from
 * @VFIO_IOMMU: a hardware IOMMU group of physical devices
 * @VFIO_EMULATED_IOMMU: a one-device group made up for a device whose DMA
 *	the driver does in software, through vfio_pin_pages()/vfio_dma_rw()
 *	(mediated devices)
 * @VFIO_NO_IOMMU: no isolation at all (the unsafe noiommu mode)
 */
enum vfio_group_type {
	VFIO_IOMMU,
	VFIO_EMULATED_IOMMU,
	VFIO_NO_IOMMU,
};

/**
 * enum vfio_iommu_notify_type - events the core reports to a backend
 * @VFIO_IOMMU_CONTAINER_CLOSE: the container fd was closed while groups
 *	still hold the backend; stop work that needs the user's mm
 */
enum vfio_iommu_notify_type {
	VFIO_IOMMU_CONTAINER_CLOSE = 0,
};

/**
 * struct vfio_iommu_driver_ops - an IOMMU backend, selected by VFIO_SET_IOMMU
 * @owner: the module; the core pins it while a container uses the backend
 * @name: for messages
 * @open: create the backend's state for one container; @arg is the
 *	VFIO_SET_IOMMU argument (VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU, ...).
 *	Return the state or an ERR_PTR()
 * @release: free the state made by @open
 * @notify: see enum vfio_iommu_notify_type
 * @ioctl: container ioctls the core does not handle itself, including
 *	VFIO_CHECK_EXTENSION (with a NULL @iommu_data before @open)
 * @attach_group: a group joins the container
 * @detach_group: a group leaves the container
 * @group_iommu_domain: the domain @group is attached to, for KVM
 * @register_device: @vdev was opened in this container; it will get
 *	dma_unmap() calls from now on
 * @unregister_device: undo @register_device
 * @pin_pages: pin @npage pages of user memory at @user_iova for a device of
 *	@group; see vfio_pin_pages()
 * @unpin_pages: undo @pin_pages
 * @dma_rw: copy to or from user memory at @user_iova; see vfio_dma_rw()
 *
 * Grouped by what they concern: the container's state, its groups, its
 * open devices, and the software-DMA path of emulated-IOMMU devices.
 */
struct vfio_iommu_driver_ops {
	struct module	*owner;
	char		*name;

	/* the container */
	void		*(*open)(unsigned long arg);
	void		(*release)(void *iommu_data);
	void		(*notify)(void *iommu_data,
				  enum vfio_iommu_notify_type event);
	long		(*ioctl)(void *iommu_data, unsigned int cmd,
				 unsigned long arg);

	/* its groups */
	int		(*attach_group)(void *iommu_data,
					struct iommu_group *group,
					enum vfio_group_type type);
	void		(*detach_group)(void *iommu_data,
					struct iommu_group *group);
	struct iommu_domain *(*group_iommu_domain)(void *iommu_data,
						   struct iommu_group *group);

	/* its open devices */
	void		(*register_device)(void *iommu_data,
					   struct vfio_device *vdev);
	void		(*unregister_device)(void *iommu_data,
					     struct vfio_device *vdev);

	/* DMA done by the driver in software */
	int		(*pin_pages)(void *iommu_data,
				     struct iommu_group *group,
				     dma_addr_t user_iova, int npage, int prot,
				     struct page **pages);
	void		(*unpin_pages)(void *iommu_data,
				       dma_addr_t user_iova, int npage);
	int		(*dma_rw)(void *iommu_data, dma_addr_t user_iova,
				  void *data, size_t count, bool write);
};

int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops);
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops);

/*
 * Everything below is private to vfio.ko itself; the backends stop reading
 * here.
 *
 * Lock order, outermost first (each lock's comment says what it protects):
 *
 *   vfio_group_table_lock (group.c)   group creation and teardown
 *   dev_set->lock                     first open / last close of a device
 *   group->group_lock                 a group's container, users, kvm
 *   container->group_lock (rwsem)     a container's groups and backend
 *   vfio_iommu_drivers_lock           the backend list
 *   the backend's own locks
 *
 * group->device_lock nests inside nothing of ours but the group table
 * lock (debugfs.c walks under it) and is taken alone.
 * Backend ioctls run with the container's group_lock held for reading; a
 * backend calling a driver's dma_unmap() from there may have it call
 * vfio_unpin_pages() and vfio_dma_rw(), which take none of our locks.
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/mutex.h>

struct vfio_container;

/**
 * struct vfio_group - the /dev/vfio/<id> node of one IOMMU group
 * @dev: "<id>" in class vfio; its kref is the lifetime of the structure
 * @cdev: the group character device
 * @type: where the isolation comes from
 * @drivers: registered devices; under the global group table lock
 * @group_lock: protects @iommu_group, @container, @container_users,
 *	@opened_file and @kvm
 * @iommu_group: the IOMMU group; NULL once the last device is gone
 * @container: the container the group was added to, or NULL
 * @container_users: 1 for the group fd in a container, plus one per open
 *	device fd; while above 1 the group cannot leave its container
 * @opened_file: the single open group fd, or NULL
 * @kvm: set by KVM through vfio_file_set_kvm(); copied to devices on open
 * @container_next: entry in the container's group list; under the
 *	container's group_lock
 * @device_lock: protects @device_list and @dev_counter
 * @device_list: registered devices, linked through vfio_device.group_next
 * @dev_counter: number of entries in @device_list
 */
struct vfio_group {
	struct device		dev;
	struct cdev		cdev;
	enum vfio_group_type	type;
	unsigned int		drivers;
	struct mutex		group_lock;
	struct iommu_group	*iommu_group;
	struct vfio_container	*container;
	unsigned int		container_users;
	struct file		*opened_file;
	struct kvm		*kvm;
	struct list_head	container_next;
	struct mutex		device_lock;
	struct list_head	device_list;
	unsigned int		dev_counter;
};

/* vfio_main.c */
bool vfio_device_try_get(struct vfio_device *device);
void vfio_device_put(struct vfio_device *device);

/* group.c */
int vfio_group_init(void);
void vfio_group_exit(void);
struct vfio_group *vfio_group_find_or_alloc(struct device *dev);
struct vfio_group *vfio_group_alloc_emulated(struct device *dev);
bool vfio_group_has_device(struct vfio_group *group, struct device *dev);
void vfio_group_add_device(struct vfio_group *group,
			   struct vfio_device *device);
void vfio_group_del_device(struct vfio_device *device);
void vfio_group_put_registration(struct vfio_group *group,
				 struct device *dev);
int vfio_group_use_container(struct vfio_group *group);
void vfio_group_unuse_container(struct vfio_group *group);
void vfio_group_for_each(void (*fn)(struct vfio_group *group, void *data),
			 void *data);

/* noiommu.c: enable_unsafe_noiommu_mode and its backend */
extern bool vfio_noiommu;
int vfio_noiommu_init(void);
void vfio_noiommu_exit(void);

/* container.c */
int vfio_container_init(void);
void vfio_container_exit(void);
struct vfio_container *vfio_container_from_file(struct file *file);
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group);
void vfio_group_detach_container(struct vfio_group *group);
bool vfio_container_has_iommu(struct vfio_container *container);
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long arg);
void vfio_device_container_register(struct vfio_device *device);
void vfio_device_container_unregister(struct vfio_device *device);
const char *vfio_container_iommu_name(struct vfio_container *container);

/* debugfs.c */
void vfio_debugfs_init(void);
void vfio_debugfs_exit(void);

/* device_fd.c */
struct file *vfio_device_open_file(struct vfio_device *device);

/* device_feature.c */
long vfio_ioctl_device_feature(struct vfio_device *device,
			       struct vfio_device_feature __user *arg);

#endif /* _CORE_VFIO_H */
