// SPDX-License-Identifier: GPL-2.0-only
/*
 * runner_selftest - misbehaviour on request, to prove the test runner
 * notices it (tests/vm/selftest).  Never loaded by the normal suite.
 *
 * /sys/kernel/debug/runner_selftest/
 *   warn   write 1: WARN_ON(1) - the runner must fail the test on the log
 *   hold   write 1: take a reference on this module so rmmod fails;
 *          write 0: drop it again
 *   panic  write 1: panic() - the runner must survive a dead guest
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/panic.h>

static struct dentry *rs_dir;

static DEFINE_MUTEX(rs_lock);	/* protects rs_held */
static bool rs_held;		/* we own one reference on THIS_MODULE */

static ssize_t rs_warn_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	bool val;
	int ret = kstrtobool_from_user(buf, count, &val);

	if (ret)
		return ret;
	WARN_ON(val);
	return count;
}

static ssize_t rs_hold_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	bool val;
	int ret = kstrtobool_from_user(buf, count, &val);

	if (ret)
		return ret;

	mutex_lock(&rs_lock);
	if (val && !rs_held) {
		/* this file is open, so the module cannot be going away */
		__module_get(THIS_MODULE);
		rs_held = true;
	} else if (!val && rs_held) {
		module_put(THIS_MODULE);
		rs_held = false;
	}
	mutex_unlock(&rs_lock);
	return count;
}

static ssize_t rs_panic_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	bool val;
	int ret = kstrtobool_from_user(buf, count, &val);

	if (ret)
		return ret;
	if (val)
		panic("runner_selftest: panic on request");
	return count;
}

static const struct file_operations rs_warn_fops = {
	.owner = THIS_MODULE,
	.write = rs_warn_write,
};

static const struct file_operations rs_hold_fops = {
	.owner = THIS_MODULE,
	.write = rs_hold_write,
};

static const struct file_operations rs_panic_fops = {
	.owner = THIS_MODULE,
	.write = rs_panic_write,
};

static int __init rs_init(void)
{
	rs_dir = debugfs_create_dir("runner_selftest", NULL);
	debugfs_create_file("warn", 0200, rs_dir, NULL, &rs_warn_fops);
	debugfs_create_file("hold", 0200, rs_dir, NULL, &rs_hold_fops);
	debugfs_create_file("panic", 0200, rs_dir, NULL, &rs_panic_fops);
	return 0;
}

static void __exit rs_exit(void)
{
	debugfs_remove(rs_dir);
}

module_init(rs_init);
module_exit(rs_exit);
MODULE_DESCRIPTION("Misbehaves on request to test the test runner");
MODULE_LICENSE("GPL");
