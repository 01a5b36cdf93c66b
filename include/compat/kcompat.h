/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place where kernel version differences live.  Code in this tree
 * calls the kc_*() wrappers below instead of testing LINUX_VERSION_CODE
 * itself.  The target is Linux 6.1; other trees are best effort.
 */
#ifndef _KCOMPAT_H
#define _KCOMPAT_H

#include <linux/version.h>
#include <linux/device/class.h>
#include <linux/eventfd.h>
#include <linux/mm.h>

/* class_create() lost its owner argument in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define kc_class_create(name)	class_create(name)
#else
#define kc_class_create(name)	class_create(THIS_MODULE, name)
#endif

/* eventfd_signal() lost its count argument in 6.8. */
static inline void kc_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* vm_flags became read-only with setters in 6.3. */
static inline void kc_vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* _KCOMPAT_H */
