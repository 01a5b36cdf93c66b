/* SPDX-License-Identifier: GPL-2.0-only */
/* vgem, the kernel's virtual GEM driver, as a real dma-buf importer for tests. */
#ifndef _VGEM_UTIL_H
#define _VGEM_UTIL_H

/*
 * Open vgem's DRM card, loading vgem.ko first if it is not loaded; then
 * *@loaded is 1 and the caller unloads it when done.  Returns the fd, or -1
 * (also when the DRM headers were missing at build time).
 */
int vu_vgem_open(int *loaded);

#endif /* _VGEM_UTIL_H */
