// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci: the plain driver over vfio-pci-core.  It binds whatever PCI
 * device the administrator hands it (driver_override, new_id, or the ids=
 * module parameter) and exposes it through VFIO unchanged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio_pci_core.h>

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "PCI IDs to bind at load, comma separated: vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex");

static bool nointxmask;
module_param_named(nointxmask, nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask, "Never mask INTx with the command register's INTx disable bit; use an exclusive interrupt line instead (for devices whose bit is broken)");

static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Do not expose the legacy VGA region of VGA devices");

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0644);
MODULE_PARM_DESC(disable_idle_d3, "Keep unused devices in D0 (accepted for compatibility: idle devices always stay in D0 here)");

/* The vfio-pci device needs nothing beyond the core's structure. */
static int vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops vfio_pci_ops = {
	.name		= "vfio-pci",
	.init		= vfio_pci_core_init_dev,
	.release	= vfio_pci_core_release_dev,
	.open_device	= vfio_pci_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
};

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev,
				 &vfio_pci_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret)
		goto err_put_vdev;
	return 0;

err_put_vdev:
	dev_set_drvdata(&pdev->dev, NULL);
	vfio_put_device(&vdev->vdev);
	return ret;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

/*
 * Every device, but only for driver_override (override_only): nothing
 * binds by itself.  new_id and ids= add dynamic IDs; new_id accepts them
 * only for a driver whose table has an entry.
 */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

static struct pci_driver vfio_pci_driver = {
	.name			= "vfio-pci",
	.id_table		= vfio_pci_table,
	.probe			= vfio_pci_probe,
	.remove			= vfio_pci_remove,
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
};

/*
 * One ids= entry, "vendor:device[:subvendor[:subdevice[:class[:mask]]]]"
 * in hex, into @id; omitted subsystem fields match anything.
 */
static bool __init vfio_pci_parse_id(const char *str, struct pci_device_id *id)
{
	unsigned int v[6] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0 };

	if (sscanf(str, "%x:%x:%x:%x:%x:%x",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) < 2)
		return false;
	*id = (struct pci_device_id) {
		.vendor = v[0], .device = v[1],
		.subvendor = v[2], .subdevice = v[3],
		.class = v[4], .class_mask = v[5],
	};
	return true;
}

/* Turn the ids= list into dynamic IDs, as if written to new_id. */
static void __init vfio_pci_add_param_ids(void)
{
	struct pci_device_id id;
	char *rest = ids, *tok;
	int err;

	for (tok = strsep(&rest, ","); tok; tok = strsep(&rest, ",")) {
		if (!*tok)
			continue;
		if (!vfio_pci_parse_id(tok, &id)) {
			pr_warn("ids: cannot parse \"%s\", skipped\n", tok);
			continue;
		}
		err = pci_add_dynid(&vfio_pci_driver, id.vendor, id.device,
				    id.subvendor, id.subdevice, id.class,
				    id.class_mask, 0);
		if (err)
			pr_warn("ids: %04x:%04x not added: %d\n",
				id.vendor, id.device, err);
		else
			pr_info("ids: binding %04x:%04x (sub %04x:%04x, class %06x/%06x)\n",
				id.vendor, id.device, id.subvendor,
				id.subdevice, id.class, id.class_mask);
	}
}

static int __init vfio_pci_init(void)
{
	int ret;

	vfio_pci_core_set_params(nointxmask, disable_vga, disable_idle_d3);

	ret = pci_register_driver(&vfio_pci_driver);
	if (ret)
		return ret;

	vfio_pci_add_param_ids();
	return 0;
}
module_init(vfio_pci_init);

static void __exit vfio_pci_cleanup(void)
{
	pci_unregister_driver(&vfio_pci_driver);
}
module_exit(vfio_pci_cleanup);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mdevfw authors");
MODULE_DESCRIPTION("VFIO PCI: bind PCI devices to VFIO for userspace drivers");
