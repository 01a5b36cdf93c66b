/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-kernel interface of vfio-pci-core: the library that exposes a PCI
 * device through VFIO, used by the vfio-pci driver and by variant drivers
 * that add device-specific regions or features on top.
 *
 * Source-compatible with the interface of Linux 6.1.  A driver embeds a
 * struct vfio_pci_core_device (whose first member is the struct vfio_device)
 * in its own structure, allocates it with vfio_alloc_device(), points its
 * vfio_device_ops at the vfio_pci_core_*() functions below (or at its own
 * wrappers around them) and calls vfio_pci_core_register_device() from its
 * probe.
 */
#ifndef VFIO_PCI_CORE_H
#define VFIO_PCI_CORE_H

#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/irqbypass.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/notifier.h>

/*
 * The device fd's file offset is split: the top bits select the region
 * (VFIO_PCI_BAR0_REGION_INDEX ... and device-specific regions after
 * VFIO_PCI_NUM_REGIONS), the low bits are the offset inside it.
 */
#define VFIO_PCI_OFFSET_SHIFT   40
#define VFIO_PCI_OFFSET_TO_INDEX(off)	(off >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK	(((u64)(1) << VFIO_PCI_OFFSET_SHIFT) - 1)

struct vfio_pci_core_device;
struct vfio_pci_region;

/* Private to vfio-pci-core; only pointers to them appear here. */
struct perm_bits;
struct vfio_pci_irq_ctx;
struct vfio_pci_vf_token;

/**
 * struct vfio_pci_regops - callbacks of a device-specific region
 * @rw: read(2) or write(2) of the region; *@ppos is the device fd offset
 *      (region index in the high bits).  Return bytes done or -errno
 * @release: the device is being closed; free @region->data if needed
 * @mmap: optional; map the region into @vma
 * @add_capability: optional; add capabilities to the region's
 *                  VFIO_DEVICE_GET_REGION_INFO reply
 */
struct vfio_pci_regops {
	ssize_t (*rw)(struct vfio_pci_core_device *vdev, char __user *buf,
		      size_t count, loff_t *ppos, bool iswrite);
	void	(*release)(struct vfio_pci_core_device *vdev,
			   struct vfio_pci_region *region);
	int	(*mmap)(struct vfio_pci_core_device *vdev,
			struct vfio_pci_region *region,
			struct vm_area_struct *vma);
	int	(*add_capability)(struct vfio_pci_core_device *vdev,
				  struct vfio_pci_region *region,
				  struct vfio_info_cap *caps);
};

/**
 * struct vfio_pci_region - a device-specific region after the fixed ones
 * @type: VFIO_REGION_TYPE_* reported in the region's type capability
 * @subtype: VFIO_REGION_SUBTYPE_* reported likewise
 * @ops: its callbacks
 * @data: the driver's own data for @ops
 * @size: size in bytes
 * @flags: VFIO_REGION_INFO_FLAG_*
 */
struct vfio_pci_region {
	u32				type;
	u32				subtype;
	const struct vfio_pci_regops	*ops;
	void				*data;
	size_t				size;
	u32				flags;
};

/**
 * struct vfio_pci_core_device - a PCI device exposed through VFIO
 * @vdev: the VFIO core's part; must be the first member
 * @pdev: the PCI device
 * @barmap: iomap of each standard BAR, made on first use
 * @bar_mmap_supported: the BAR may be mmap()ed (MMIO, page aligned)
 * @virq_disabled: INTx is masked by vfio (see pci_2_3 and nointx)
 * @bardirty: the user wrote a BAR register; re-read them before use
 * @pci_config_map: capability id owning each byte of config space
 * @vconfig: the virtualised config space the user sees
 * @msi_perm: permission bits of the MSI capability (its size varies)
 * @irqlock: protects INTx masking state against the interrupt handler
 * @igate: serialises interrupt setup (SET_IRQS) and teardown
 * @ctx: one context per enabled vector of the current @irq_type
 * @num_ctx: number of entries in @ctx
 * @irq_type: VFIO_PCI_*_IRQ_INDEX in use, or VFIO_PCI_NUM_IRQS for none
 * @num_regions: number of device-specific regions in @region
 * @region: the device-specific regions
 * @msi_qmax: log2 of the MSI vectors the device supports
 * @msix_bar: BAR holding the MSI-X table
 * @msix_size: size of the MSI-X table in bytes
 * @msix_offset: offset of the MSI-X table in @msix_bar
 * @rbar: the real BAR registers (6 BARs and the ROM) saved for restore
 * @pci_2_3: the device supports INTx masking in the command register
 * @reset_works: a function-level reset (or an equivalent) is available
 * @extended_caps: the device has PCIe extended config space
 * @has_vga: the device decodes legacy VGA ranges
 * @nointx: INTx is hidden from the user
 * @needs_pm_restore: a D3hot to D0 transition loses state
 * @disable_idle_d3: do not put the idle device in D3hot
 * @needs_reset: the device must be reset before it is handed out again
 * @pm_intx_masked: INTx was masked for a low-power state
 * @pm_runtime_engaged: runtime PM is being driven by the user
 * @sriov_active: the PF has VFs enabled
 * @pci_saved_state: config state at probe time, restored on release
 * @pm_save: config state saved across a D3 transition
 * @ioeventfds_nr: number of entries in @ioeventfds_list
 * @err_trigger: eventfd of the ERR irq
 * @req_trigger: eventfd of the REQ irq
 * @pm_wake_eventfd_ctx: eventfd signalled on wakeup from low power
 * @dummy_resources_list: resources reserved to pad sub-page BARs
 * @ioeventfds_lock: protects @ioeventfds_list and @ioeventfds_nr
 * @ioeventfds_list: the VFIO_DEVICE_IOEVENTFD registrations
 * @vf_token: the SR-IOV VF token shared between a PF and its VFs
 * @sriov_pfs_item: entry on the list of PFs with VFs
 * @sriov_pf_core_dev: the PF's vfio-pci device when this one is a VF
 * @nb: bus notifier for VFs of this PF
 * @vma_lock: protects @vma_list
 * @vma_list: user mappings of the BARs, zapped when memory goes away
 * @memory_lock: read-held around BAR access, write-held while memory
 *               decode is being turned off, during reset or power changes
 * @enabled: between vfio_pci_core_enable() and vfio_pci_core_disable(),
 *           that is while a user has the device open (not in 6.1)
 */
struct vfio_pci_core_device {
	struct vfio_device	vdev;
	struct pci_dev		*pdev;
	void __iomem		*barmap[PCI_STD_NUM_BARS];
	bool			bar_mmap_supported[PCI_STD_NUM_BARS];
	/* Flags modified at runtime - dedicated storage unit */
	bool			virq_disabled;
	bool			bardirty;
	u8			*pci_config_map;
	u8			*vconfig;
	struct perm_bits	*msi_perm;
	spinlock_t		irqlock;	/* INTx mask state vs handler */
	struct mutex		igate;		/* ctx, num_ctx, irq_type */
	struct vfio_pci_irq_ctx	*ctx;
	int			num_ctx;
	int			irq_type;
	int			num_regions;
	struct vfio_pci_region	*region;
	u8			msi_qmax;
	u8			msix_bar;
	u16			msix_size;
	u32			msix_offset;
	u32			rbar[7];
	/* Flags only modified on setup/release - bitfield ok */
	bool			pci_2_3:1;
	bool			reset_works:1;
	bool			extended_caps:1;
	bool			has_vga:1;
	bool			nointx:1;
	bool			needs_pm_restore:1;
	bool			disable_idle_d3:1;
	/* Flags modified at runtime - dedicated storage unit */
	bool			needs_reset;
	bool			pm_intx_masked;
	bool			pm_runtime_engaged;
	bool			sriov_active;
	struct pci_saved_state	*pci_saved_state;
	struct pci_saved_state	*pm_save;
	int			ioeventfds_nr;
	struct eventfd_ctx	*err_trigger;	/* under igate */
	struct eventfd_ctx	*req_trigger;	/* under igate */
	struct eventfd_ctx	*pm_wake_eventfd_ctx;
	struct list_head	dummy_resources_list;
	struct mutex		ioeventfds_lock; /* ioeventfds_list, _nr */
	struct list_head	ioeventfds_list;
	struct vfio_pci_vf_token	*vf_token;
	struct list_head		sriov_pfs_item;
	struct vfio_pci_core_device	*sriov_pf_core_dev;
	struct notifier_block	nb;
	struct mutex		vma_lock;	/* vma_list */
	struct list_head	vma_list;
	struct rw_semaphore	memory_lock;	/* BAR access vs decode off */
	/* private: vfio-pci-core's own from here on; drivers keep out */
	bool			enabled;	/* under vdev.dev_set->lock */
};

int vfio_pci_core_register_dev_region(struct vfio_pci_core_device *vdev,
				      unsigned int type, unsigned int subtype,
				      const struct vfio_pci_regops *ops,
				      size_t size, u32 flags, void *data);
void vfio_pci_core_set_params(bool nointxmask, bool is_disable_vga,
			      bool is_disable_idle_d3);
void vfio_pci_core_close_device(struct vfio_device *core_vdev);
int vfio_pci_core_init_dev(struct vfio_device *core_vdev);
void vfio_pci_core_release_dev(struct vfio_device *core_vdev);
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev);
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev);
extern const struct pci_error_handlers vfio_pci_core_err_handlers;
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn);
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg);
int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
				void __user *arg, size_t argsz);
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos);
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count);
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf);
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev);
pci_ers_result_t vfio_pci_core_aer_err_detected(struct pci_dev *pdev,
						pci_channel_state_t state);

#endif /* VFIO_PCI_CORE_H */
