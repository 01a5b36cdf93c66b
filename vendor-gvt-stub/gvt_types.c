// SPDX-License-Identifier: GPL-2.0-only
/*
 * vGPU types and the parent GPU's resource pool.
 *
 * Like GVT-g, the parent has a fixed amount of aperture (low, CPU-mappable
 * graphics memory), hidden (high) graphics memory and fence registers, set
 * by module parameters.  Type _N gets 1/N of each.  Every type draws on the
 * same pool, so creating a vGPU of one type lowers what every other type
 * can still offer; all of that is computed under one lock.
 */
#include <linux/module.h>
#include <linux/sysfs.h>

#include "gvt.h"

static unsigned int aperture_mb = 64;
module_param(aperture_mb, uint, 0444);
MODULE_PARM_DESC(aperture_mb, "Aperture (low GM) of the parent in MiB, a power of two >= 8 (64)");

static unsigned int hidden_mb = 384;
module_param(hidden_mb, uint, 0444);
MODULE_PARM_DESC(hidden_mb, "Hidden (high) GM of the parent in MiB, a multiple of 8 (384)");

static unsigned int fences = 32;
module_param(fences, uint, 0444);
MODULE_PARM_DESC(fences, "Fence registers of the parent, a multiple of 8 up to 512 (32)");

static unsigned int max_vgpus = 8;
module_param(max_vgpus, uint, 0444);
MODULE_PARM_DESC(max_vgpus, "Most vGPUs that may exist at once (8)");

/**
 * struct gvt_pool - what is left of the parent's resources
 * @lock: protects every other member
 * @low_gm: free aperture bytes
 * @high_gm: free hidden GM bytes
 * @fences: free fence registers
 * @vgpus: vGPUs that may still be created
 */
static struct gvt_pool {
	struct mutex lock;
	u64 low_gm;
	u64 high_gm;
	unsigned int fences;
	unsigned int vgpus;
} gvt_pool = {
	.lock = __MUTEX_INITIALIZER(gvt_pool.lock),
};

/* Weights and resolutions follow GVT-g's Skylake-era V5 types. */
#define GVT_TYPE(n, w, x, y) {					\
	.type.sysfs_name = GVT_TYPE_PREFIX "_" #n,		\
	.type.pretty_name = "GVTg_" GVT_TYPE_PREFIX "_" #n,	\
	.divisor = n, .weight = w, .xres = x, .yres = y,	\
}

static struct gvt_type gvt_types[] = {
	GVT_TYPE(1, 16, 1920, 1200),
	GVT_TYPE(2, 8, 1920, 1200),
	GVT_TYPE(4, 4, 1920, 1200),
	GVT_TYPE(8, 2, 1024, 768),
};

struct mdev_type *gvt_mdev_types[] = {
	&gvt_types[0].type,
	&gvt_types[1].type,
	&gvt_types[2].type,
	&gvt_types[3].type,
};

const unsigned int gvt_nr_types = ARRAY_SIZE(gvt_mdev_types);

/**
 * gvt_pool_init - check the module parameters and size the types
 *
 * Return: 0, or -EINVAL for parameters that cannot be split eight ways.
 */
int gvt_pool_init(void)
{
	unsigned int i;

	if (aperture_mb < 8 || !is_power_of_2(aperture_mb) ||
	    hidden_mb % 8 || fences < 8 || fences % 8 || fences > 8 * GVT_FENCE_MAX ||
	    !max_vgpus || (u64)(aperture_mb + hidden_mb) * SZ_1M / GVT_GM_PAGE_SIZE >
	    GVT_GTT_MAX_ENTRIES) {
		pr_err(GVT_NAME ": bad pool: aperture_mb=%u hidden_mb=%u fences=%u max_vgpus=%u\n",
		       aperture_mb, hidden_mb, fences, max_vgpus);
		return -EINVAL;
	}

	for (i = 0; i < ARRAY_SIZE(gvt_types); i++) {
		struct gvt_type *t = &gvt_types[i];

		t->low_gm = (u64)aperture_mb * SZ_1M / t->divisor;
		t->high_gm = (u64)hidden_mb * SZ_1M / t->divisor;
		t->fences = fences / t->divisor;
	}

	mutex_lock(&gvt_pool.lock);
	gvt_pool.low_gm = (u64)aperture_mb * SZ_1M;
	gvt_pool.high_gm = (u64)hidden_mb * SZ_1M;
	gvt_pool.fences = fences;
	gvt_pool.vgpus = max_vgpus;
	mutex_unlock(&gvt_pool.lock);
	return 0;
}

static unsigned int gvt_pool_fits(struct gvt_type *t)
{
	u64 n;

	lockdep_assert_held(&gvt_pool.lock);
	n = min(div64_u64(gvt_pool.low_gm, t->low_gm),
		div64_u64(gvt_pool.high_gm, t->high_gm));
	n = min_t(u64, n, gvt_pool.fences / t->fences);
	return min_t(u64, n, gvt_pool.vgpus);
}

/**
 * gvt_pool_reserve - take one vGPU's resources of @type from the pool
 * @type: the type being created
 *
 * Return: 0, or -ENOSPC when the pool cannot hold another one.
 */
int gvt_pool_reserve(struct gvt_type *type)
{
	int ret = 0;

	mutex_lock(&gvt_pool.lock);
	if (!gvt_pool_fits(type)) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	gvt_pool.low_gm -= type->low_gm;
	gvt_pool.high_gm -= type->high_gm;
	gvt_pool.fences -= type->fences;
	gvt_pool.vgpus--;
out_unlock:
	mutex_unlock(&gvt_pool.lock);
	return ret;
}

/**
 * gvt_pool_release - give one vGPU's resources of @type back
 * @type: the type of the vGPU going away
 */
void gvt_pool_release(struct gvt_type *type)
{
	mutex_lock(&gvt_pool.lock);
	gvt_pool.low_gm += type->low_gm;
	gvt_pool.high_gm += type->high_gm;
	gvt_pool.fences += type->fences;
	gvt_pool.vgpus++;
	mutex_unlock(&gvt_pool.lock);
}

/**
 * gvt_get_available - the mdev driver's get_available callback
 * @mtype: the type asked about
 *
 * Return: how many vGPUs of @mtype fit in what is left of the pool.
 */
unsigned int gvt_get_available(struct mdev_type *mtype)
{
	unsigned int n;

	mutex_lock(&gvt_pool.lock);
	n = gvt_pool_fits(to_gvt_type(mtype));
	mutex_unlock(&gvt_pool.lock);
	return n;
}

/**
 * gvt_show_description - the mdev driver's show_description callback
 * @mtype: the type asked about
 * @buf: a sysfs page
 *
 * Return: bytes written, in the format GVT-g uses.
 */
ssize_t gvt_show_description(struct mdev_type *mtype, char *buf)
{
	struct gvt_type *t = to_gvt_type(mtype);

	return sysfs_emit(buf,
			  "low_gm_size: %lluMB\nhigh_gm_size: %lluMB\n"
			  "fence: %u\nresolution: %ux%u\nweight: %u\n",
			  t->low_gm >> 20, t->high_gm >> 20, t->fences,
			  t->xres, t->yres, t->weight);
}
