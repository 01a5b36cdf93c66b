// SPDX-License-Identifier: GPL-2.0-only
/*
 * A read-only view of vfio.ko's state for debugging, in
 * /sys/kernel/debug/vfio/:
 *
 *   groups   one line per VFIO group: its type, whether its fd is open,
 *            its container and backend, and its container users
 *   devices  one line per registered device: its vfioN, group, driver,
 *            open device fds and pages pinned through vfio_pin_pages()
 *
 * Each line is a name followed by key=value pairs.  The format is for
 * people and test scripts, not an ABI (Documentation/observability.rst).
 *
 * Walking takes vfio_group_table_lock (vfio_group_for_each()), so groups
 * can neither appear nor go; inside it each group's group_lock for its
 * container fields and then, alone, its device_lock for the devices.
 * open_count and pinned_pages are read without their locks: a snapshot.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "vfio.h"

/* /sys/kernel/debug/vfio; an ERR_PTR if debugfs is absent, which is fine. */
static struct dentry *vfio_debugfs_root;

static const char *vfio_group_type_name(enum vfio_group_type type)
{
	switch (type) {
	case VFIO_IOMMU:
		return "iommu";
	case VFIO_EMULATED_IOMMU:
		return "emulated";
	case VFIO_NO_IOMMU:
		return "noiommu";
	}
	return "unknown";
}

static void vfio_debugfs_show_group(struct vfio_group *group, void *data)
{
	struct seq_file *s = data;
	const char *backend = NULL;

	mutex_lock(&group->group_lock);
	seq_printf(s, "%s type=%s fd=%s", dev_name(&group->dev),
		   vfio_group_type_name(group->type),
		   group->opened_file ? "open" : "closed");
	if (group->container) {
		backend = vfio_container_iommu_name(group->container);
		/* Hashed: enough to see which groups share a container. */
		seq_printf(s, " container=%p iommu=%s", group->container,
			   backend ?: "none");
	} else {
		seq_puts(s, " container=none iommu=none");
	}
	seq_printf(s, " container_users=%u kvm=%s",
		   group->container_users, group->kvm ? "yes" : "no");
	mutex_unlock(&group->group_lock);

	mutex_lock(&group->device_lock);
	seq_printf(s, " devices=%u\n", group->dev_counter);
	mutex_unlock(&group->device_lock);
}

static int groups_show(struct seq_file *s, void *unused)
{
	vfio_group_for_each(vfio_debugfs_show_group, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(groups);

static void vfio_debugfs_show_devices(struct vfio_group *group, void *data)
{
	struct seq_file *s = data;
	struct vfio_device *device;

	mutex_lock(&group->device_lock);
	list_for_each_entry(device, &group->device_list, group_next)
		seq_printf(s, "%s vfio=%s group=%s driver=%s open_count=%u pinned_pages=%d\n",
			   dev_name(device->dev), dev_name(&device->device),
			   dev_name(&group->dev), device->ops->name ?: "-",
			   READ_ONCE(device->open_count),
			   atomic_read(&device->pinned_pages));
	mutex_unlock(&group->device_lock);
}

static int devices_show(struct seq_file *s, void *unused)
{
	vfio_group_for_each(vfio_debugfs_show_devices, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devices);

/* Errors are not fatal: debugfs is an aid, and may be disabled. */
void vfio_debugfs_init(void)
{
	vfio_debugfs_root = debugfs_create_dir("vfio", NULL);
	debugfs_create_file("groups", 0400, vfio_debugfs_root, NULL,
			    &groups_fops);
	debugfs_create_file("devices", 0400, vfio_debugfs_root, NULL,
			    &devices_fops);
}

void vfio_debugfs_exit(void)
{
	debugfs_remove_recursive(vfio_debugfs_root);
}
