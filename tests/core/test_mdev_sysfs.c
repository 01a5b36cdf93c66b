// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mdev_sysfs - the mdev bus's sysfs interface: parents and types,
 * creating and removing devices, instance accounting, and the links and
 * attributes of a device.
 *
 * Expected behaviour is Linux 6.1's drivers/vfio/mdev/mdev_sysfs.c and
 * mdev_core.c:
 * - create: 36 or 37 bytes (a trailing newline) else -EINVAL, guid_parse()
 *   errors -EINVAL, a UUID that exists under any parent -EEXIST; with
 *   max_instances the core refuses an exhausted parent with -EUSERS, with
 *   get_available() it is the driver's probe that refuses (ours: -ENOSPC);
 * - name shows pretty_name, or sysfs_name without one; description only
 *   exists when the driver has show_description();
 * - remove: kstrtoul() then "if (val && device_remove_file_self())": a
 *   non-number is -EINVAL, "0" is accepted and does nothing, any non-zero
 *   number removes;
 * - the device is named by its UUID in lower case ("%pUl").
 */
#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "testparent.h"

#define TYPES_DIR(parent)	VU_MDEV_CLASS "/" parent "/mdev_supported_types"

FIXTURE(sysfs) {
	char uuids[8][VU_UUID_LEN + 1];
	int n;
	long pool;
	long max;
};

FIXTURE_SETUP(sysfs)
{
	if (!tp_loaded())
		SKIP("mdev_testparent not loaded");
	ASSERT_EQ(vu_sysfs_read_long(TP_SYSFS_PARAM("pool_units"), &self->pool), 0);
	ASSERT_EQ(vu_sysfs_read_long(TP_SYSFS_PARAM("max_instances"), &self->max), 0);
	ASSERT_GE(self->pool, 2);
	ASSERT_GE(self->max, 1);
	ASSERT_LE(self->pool + self->max, 8);
}

FIXTURE_TEARDOWN(sysfs)
{
	int i;

	for (i = 0; i < self->n; i++)
		if (self->uuids[i][0] && vu_mdev_exists(self->uuids[i]))
			EXPECT_EQ(vu_mdev_remove(self->uuids[i]), 0);
}

/* Create a device and remember it for the teardown; returns 0 or -errno. */
static int create(struct th_self_sysfs *self, const char *parent, const char *type,
		  char **uuid)
{
	char *u = self->uuids[self->n];
	int ret = vu_mdev_create(parent, type, u);

	if (ret) {
		u[0] = '\0';
		return ret;
	}
	self->n++;
	if (uuid)
		*uuid = u;
	return 0;
}

static int read_str(const char *path, char *buf, size_t len)
{
	return vu_sysfs_read(path, buf, len) < 0 ? -errno : 0;
}

/* Does @text have @line as one of its lines? */
static int has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, len) && (p[len] == '\n' || !p[len]))
			return 1;
	return 0;
}

/* ---- parents and types ------------------------------------------------ */

TEST_F(sysfs, parents_in_mdev_bus_class)
{
	char target[PATH_MAX], real[PATH_MAX];
	struct stat st;

	ASSERT_EQ(lstat(VU_MDEV_CLASS "/" TP_PARENT, &st), 0);
	EXPECT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_TRUE(realpath(VU_MDEV_CLASS "/" TP_PARENT, target) != NULL);
	/* a link to the parent device itself */
	ASSERT_TRUE(realpath("/sys/class/" TP_CLASS_NAME "/" TP_PARENT, real) != NULL);
	EXPECT_EQ(strcmp(target, real), 0) TH_LOG("%s vs %s", target, real);
	EXPECT_TRUE(vu_path_exists(VU_MDEV_CLASS "/" TP_PARENT_MAX));
}

TEST_F(sysfs, types_layout)
{
	static const char *const attrs[] = {
		"create", "device_api", "name", "available_instances", "devices",
	};
	static const char *const types[] = { TP_TYPE_SMALL, TP_TYPE_EXCLUSIVE };
	char path[PATH_MAX], buf[256];
	struct dirent *de;
	unsigned int i, j;
	int seen = 0;
	DIR *d;

	d = opendir(TYPES_DIR(TP_PARENT));
	ASSERT_TRUE(d != NULL);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!strcmp(de->d_name, TP_TYPE_SMALL) || !strcmp(de->d_name, TP_TYPE_EXCLUSIVE))
			seen++;
		else
			EXPECT_TRUE(0) TH_LOG("unexpected entry %s", de->d_name);
	}
	closedir(d);
	EXPECT_EQ(seen, 2);

	for (i = 0; i < 2; i++) {
		for (j = 0; j < sizeof(attrs) / sizeof(attrs[0]); j++) {
			snprintf(path, sizeof(path), TYPES_DIR(TP_PARENT) "/%s/%s",
				 types[i], attrs[j]);
			EXPECT_TRUE(vu_path_exists(path)) TH_LOG("%s", path);
		}
		snprintf(path, sizeof(path), TYPES_DIR(TP_PARENT) "/%s/device_api", types[i]);
		ASSERT_EQ(read_str(path, buf, sizeof(buf)), 0);
		EXPECT_EQ(strcmp(buf, VFIO_DEVICE_API_PCI_STRING), 0) TH_LOG("%s", buf);
		/* this driver has show_description() */
		snprintf(path, sizeof(path), TYPES_DIR(TP_PARENT) "/%s/description", types[i]);
		EXPECT_EQ(read_str(path, buf, sizeof(buf)), 0);
		/* create is write-only */
		snprintf(path, sizeof(path), TYPES_DIR(TP_PARENT) "/%s/create", types[i]);
		EXPECT_ERRNO(open(path, O_RDONLY), EACCES);
	}
	/* pretty_name, or the sysfs name when there is none */
	ASSERT_EQ(read_str(TYPES_DIR(TP_PARENT) "/" TP_TYPE_SMALL "/name", buf, sizeof(buf)), 0);
	EXPECT_EQ(strcmp(buf, "one pool unit"), 0) TH_LOG("%s", buf);
	ASSERT_EQ(read_str(TYPES_DIR(TP_PARENT) "/" TP_TYPE_EXCLUSIVE "/name", buf,
			   sizeof(buf)), 0);
	EXPECT_EQ(strcmp(buf, "exclusive"), 0) TH_LOG("%s", buf);
	/* the other driver has no show_description(): no attribute */
	EXPECT_TRUE(vu_path_exists(TYPES_DIR(TP_PARENT_MAX) "/" TP_TYPE_COUNTED_A "/name"));
	EXPECT_FALSE(vu_path_exists(TYPES_DIR(TP_PARENT_MAX) "/" TP_TYPE_COUNTED_A
				    "/description"));
}

/* ---- create and remove --------------------------------------------------- */

TEST_F(sysfs, create_and_remove)
{
	char path[PATH_MAX], target[PATH_MAX], want[PATH_MAX], *uuid;
	int nr;

	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &uuid), 0);
	EXPECT_TRUE(vu_mdev_exists(uuid));
	/* listed under its type */
	snprintf(path, sizeof(path), TYPES_DIR(TP_PARENT) "/" TP_TYPE_SMALL "/devices/%s", uuid);
	EXPECT_TRUE(vu_path_exists(path));
	/* a child of the parent device */
	snprintf(path, sizeof(path), "/sys/class/" TP_CLASS_NAME "/" TP_PARENT "/%s", uuid);
	EXPECT_TRUE(vu_path_exists(path));
	/* mdev_type points back at the type */
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/mdev_type", uuid);
	ASSERT_TRUE(realpath(path, target) != NULL);
	ASSERT_TRUE(realpath(TYPES_DIR(TP_PARENT) "/" TP_TYPE_SMALL, want) != NULL);
	EXPECT_EQ(strcmp(target, want), 0) TH_LOG("%s vs %s", target, want);
	/* bound to the parent's driver */
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/driver", uuid);
	ASSERT_TRUE(realpath(path, target) != NULL);
	EXPECT_EQ(strcmp(target, "/sys/bus/mdev/drivers/" TP_DRIVER), 0) TH_LOG("%s", target);
	/* registered with VFIO: a group, a group file, a vfio-dev node */
	nr = vu_mdev_group(uuid);
	ASSERT_GE(nr, 0);
	snprintf(path, sizeof(path), "/dev/vfio/%d", nr);
	EXPECT_TRUE(vu_path_exists(path));
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices/%s", nr, uuid);
	EXPECT_TRUE(vu_path_exists(path));
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/vfio-dev", uuid);
	EXPECT_TRUE(vu_path_exists(path));

	ASSERT_EQ(vu_mdev_remove(uuid), 0);
	EXPECT_FALSE(vu_mdev_exists(uuid));
	snprintf(path, sizeof(path), TYPES_DIR(TP_PARENT) "/" TP_TYPE_SMALL "/devices/%s", uuid);
	EXPECT_FALSE(vu_path_exists(path));
	snprintf(path, sizeof(path), "/dev/vfio/%d", nr);
	EXPECT_EQ(vu_wait_path_gone(path, 5000), 0);
}

TEST_F(sysfs, create_with_newline_and_upper_case)
{
	char uuid[VU_UUID_LEN + 2], lower[VU_UUID_LEN + 1];
	int i;

	vu_uuid_random(lower);
	snprintf(uuid, sizeof(uuid), "%s\n", lower);
	ASSERT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, uuid), 0);
	memcpy(self->uuids[self->n++], lower, sizeof(lower));
	EXPECT_TRUE(vu_mdev_exists(lower));

	vu_uuid_random(lower);
	for (i = 0; i < VU_UUID_LEN; i++)
		uuid[i] = (char)toupper((unsigned char)lower[i]);
	uuid[VU_UUID_LEN] = '\0';
	ASSERT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, uuid), 0);
	memcpy(self->uuids[self->n++], lower, sizeof(lower));
	/* named in lower case whatever the case it was created with */
	EXPECT_TRUE(vu_mdev_exists(lower));
	/* and it is the same UUID */
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, lower), -EEXIST);
}

TEST_F(sysfs, create_malformed)
{
	char good[VU_UUID_LEN + 1], bad[64];

	vu_uuid_random(good);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, "not-a-uuid"), -EINVAL);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, "\n"), -EINVAL);
	/* right length, wrong characters or dashes */
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL,
				      "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"), -EINVAL);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL,
				      "0123456789abcdef0123456789abcdef0123"), -EINVAL);
	/* one short, and two too many */
	snprintf(bad, sizeof(bad), "%.35s", good);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, bad), -EINVAL);
	snprintf(bad, sizeof(bad), "%s\n\n", good);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, bad), -EINVAL);
	snprintf(bad, sizeof(bad), "%s00", good);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, bad), -EINVAL);
	/* nothing was created by any of it */
	EXPECT_FALSE(vu_mdev_exists(good));
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
}

TEST_F(sysfs, create_duplicate)
{
	char *uuid;

	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &uuid), 0);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_SMALL, uuid), -EEXIST);
	/* UUIDs are unique across types and parents */
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT, TP_TYPE_EXCLUSIVE, uuid), -EEXIST);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT_MAX, TP_TYPE_COUNTED_A, uuid), -EEXIST);
	/* the refused attempts did not use up instances */
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool - 1);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), self->max);
	/* free again after removal */
	ASSERT_EQ(vu_mdev_remove(uuid), 0);
	EXPECT_EQ(vu_mdev_create_uuid(TP_PARENT_MAX, TP_TYPE_COUNTED_A, uuid), 0);
}

TEST_F(sysfs, remove_values)
{
	char path[PATH_MAX], *uuid;

	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &uuid), 0);
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/remove", uuid);
	EXPECT_EQ(vu_sysfs_write(path, "yes"), -EINVAL);
	EXPECT_EQ(vu_sysfs_write(path, "-1"), -EINVAL);
	EXPECT_TRUE(vu_mdev_exists(uuid));
	/* zero is a valid number that asks for nothing */
	EXPECT_EQ(vu_sysfs_write(path, "0"), 0);
	EXPECT_TRUE(vu_mdev_exists(uuid));
	/* any other number removes */
	EXPECT_EQ(vu_sysfs_write(path, "2\n"), 0);
	EXPECT_FALSE(vu_mdev_exists(uuid));
	EXPECT_ERRNO(open(path, O_WRONLY), ENOENT);
	/* remove is write-only */
	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &uuid), 0);
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/remove", uuid);
	EXPECT_ERRNO(open(path, O_RDONLY), EACCES);
}

TEST_F(sysfs, uevent)
{
	char path[PATH_MAX], buf[1024], *uuid;

	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &uuid), 0);
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/uevent", uuid);
	ASSERT_EQ(read_str(path, buf, sizeof(buf)), 0);
	EXPECT_TRUE(has_line(buf, "DRIVER=" TP_DRIVER)) TH_LOG("uevent: %s", buf);
	ASSERT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_B, &uuid), 0);
	snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/uevent", uuid);
	ASSERT_EQ(read_str(path, buf, sizeof(buf)), 0);
	EXPECT_TRUE(has_line(buf, "DRIVER=" TP_DRIVER_MAX)) TH_LOG("uevent: %s", buf);
}

/* ---- instance accounting ------------------------------------------------- */

TEST_F(sysfs, available_instances_driver_counts)
{
	char *uuid, *excl;
	long i;

	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_EXCLUSIVE), 1);
	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &uuid), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool - 1);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_EXCLUSIVE), 0);
	/* the driver's probe refuses; its errno reaches the writer */
	EXPECT_EQ(create(self, TP_PARENT, TP_TYPE_EXCLUSIVE, NULL), -ENOSPC);
	for (i = 1; i < self->pool; i++)
		ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, NULL), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), 0);
	EXPECT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, NULL), -ENOSPC);
	/* the other parent is not affected */
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), self->max);

	/* removing everything gives everything back */
	for (i = 0; i < self->n; i++)
		ASSERT_EQ(vu_mdev_remove(self->uuids[i]), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_EXCLUSIVE), 1);
	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_EXCLUSIVE, &excl), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_EXCLUSIVE), 0);
	EXPECT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, NULL), -ENOSPC);
	ASSERT_EQ(vu_mdev_remove(excl), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
}

TEST_F(sysfs, available_instances_core_counts)
{
	char *a;
	long i;

	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), self->max);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_B), self->max);
	ASSERT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_A, &a), 0);
	/* one count for the whole parent, shared by its types */
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), self->max - 1);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_B), self->max - 1);
	for (i = 1; i < self->max; i++)
		ASSERT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_B, NULL), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), 0);
	/* the core refuses before any probe */
	EXPECT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_A, NULL), -EUSERS);
	EXPECT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_B, NULL), -EUSERS);
	/* the other parent is not affected */
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
	ASSERT_EQ(vu_mdev_remove(a), 0);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_B), 1);
	EXPECT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_B, NULL), 0);
}

/* ---- parent going away ----------------------------------------------------- */

static int module_reload(void)
{
	const char *top = getenv("TOP"), *ko = getenv("TP_KO");
	char path[PATH_MAX];
	int fd, ret;

	if (syscall(SYS_delete_module, "mdev_testparent", O_NONBLOCK))
		return -errno;
	/* TP_KO: another build of it, as upstream_oracle.sh loads */
	if (ko)
		snprintf(path, sizeof(path), "%s", ko);
	else
		snprintf(path, sizeof(path), "%s/tests/kmod/mdev_testparent.ko", top ? top : ".");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

TEST_F(sysfs, unregister_parent_removes_devices)
{
	char *a, *b, *c;
	int nr;

	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &a), 0);
	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &b), 0);
	ASSERT_EQ(create(self, TP_PARENT_MAX, TP_TYPE_COUNTED_A, &c), 0);
	nr = vu_mdev_group(a);
	ASSERT_GE(nr, 0);
	/* unloading the parent driver takes its devices along */
	ASSERT_EQ(module_reload(), 0);
	EXPECT_FALSE(vu_mdev_exists(a));
	EXPECT_FALSE(vu_mdev_exists(b));
	EXPECT_FALSE(vu_mdev_exists(c));
	/* and everything is back after loading it again */
	ASSERT_TRUE(tp_loaded());
	EXPECT_EQ(vu_mdev_available(TP_PARENT, TP_TYPE_SMALL), self->pool);
	EXPECT_EQ(vu_mdev_available(TP_PARENT_MAX, TP_TYPE_COUNTED_A), self->max);
	ASSERT_EQ(create(self, TP_PARENT, TP_TYPE_SMALL, &a), 0);
}

TEST_HARNESS_MAIN
