// SPDX-License-Identifier: GPL-2.0-only
/*
 * gvt_guest.c - the userspace guest driver of gvt_guest.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "gvt_guest.h"

void gg_init(struct gg_vgpu *g)
{
	memset(g, 0, sizeof(*g));
	g->v.container = g->v.group = g->v.device = -1;
	g->fd = -1;
	g->msi = -1;
}

static uint64_t gg_region_offset(int fd, unsigned int index)
{
	struct vfio_region_info info;

	if (vu_region_info(fd, index, &info))
		return ~0ULL;
	return info.offset;
}

int gg_open(struct gg_vgpu *g, const char *uuid)
{
	int ret;

	ret = vu_vfio_open(&g->v, uuid);
	if (ret)
		return ret;
	g->fd = g->v.device;
	g->bar0 = gg_region_offset(g->fd, VFIO_PCI_BAR0_REGION_INDEX);
	g->bar2 = gg_region_offset(g->fd, VFIO_PCI_BAR2_REGION_INDEX);
	g->cfg = gg_region_offset(g->fd, VFIO_PCI_CONFIG_REGION_INDEX);
	return 0;
}

int gg_create(struct gg_vgpu *g, const char *type)
{
	int ret;

	ret = vu_mdev_create(GG_PARENT, type, g->uuid);
	if (ret) {
		g->uuid[0] = '\0';
		return ret;
	}
	return gg_open(g, g->uuid);
}

void gg_close(struct gg_vgpu *g)
{
	if (g->fd >= 0)
		vu_irq_disable(g->fd, VFIO_PCI_MSI_IRQ_INDEX);
	if (g->msi >= 0)
		close(g->msi);
	g->msi = -1;
	vu_vfio_close(&g->v);	/* closing the container unmaps the memory */
	g->fd = -1;
	if (g->mem)
		munmap(g->mem, g->mem_size);
	g->mem = NULL;
}

void gg_destroy(struct gg_vgpu *g)
{
	gg_close(g);
	if (g->uuid[0] && vu_mdev_exists(g->uuid))
		vu_mdev_remove(g->uuid);
	g->uuid[0] = '\0';
}

int gg_remove_all(void)
{
	char path[512], link[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(VU_MDEV_BUS);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), VU_MDEV_BUS "/%s/mdev_type", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (strstr(link, "/" GG_PARENT "-") && !vu_mdev_remove(de->d_name))
			n++;
	}
	closedir(d);
	return n;
}

uint32_t gg_rd(struct gg_vgpu *g, uint32_t reg)
{
	uint32_t val = ~0U;

	if (pread(g->fd, &val, 4, g->bar0 + reg) != 4)
		return ~0U;
	return val;
}

int gg_wr(struct gg_vgpu *g, uint32_t reg, uint32_t val)
{
	return pwrite(g->fd, &val, 4, g->bar0 + reg) == 4 ? 0 : -errno;
}

uint64_t gg_gtt_get(struct gg_vgpu *g, uint32_t idx)
{
	uint64_t pte = ~0ULL;

	if (pread(g->fd, &pte, 8, g->bar0 + GVT_GTT_OFFSET + 8ULL * idx) != 8)
		return ~0ULL;
	return pte;
}

int gg_gtt_set(struct gg_vgpu *g, uint32_t idx, uint64_t pte)
{
	return pwrite(g->fd, &pte, 8, g->bar0 + GVT_GTT_OFFSET + 8ULL * idx) == 8 ?
	       0 : -errno;
}

uint32_t gg_cfg_rd(struct gg_vgpu *g, uint32_t off, int len)
{
	uint32_t val = 0;

	if (pread(g->fd, &val, len, g->cfg + off) != len)
		return ~0U;
	return val;
}

int gg_cfg_wr(struct gg_vgpu *g, uint32_t off, uint32_t val, int len)
{
	return pwrite(g->fd, &val, len, g->cfg + off) == len ? 0 : -errno;
}

int gg_setup_mem(struct gg_vgpu *g, size_t size)
{
	uint32_t i, cmd;
	int ret;

	g->mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		return -errno;
	}
	g->mem_size = size;
	ret = vu_dma_map(g->v.container, g->mem, GG_IOVA, size,
			 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	if (ret)
		return ret;
	for (i = 0; i < size / GVT_GM_PAGE_SIZE; i++) {
		ret = gg_gtt_set(g, i, (GG_IOVA + (uint64_t)i * GVT_GM_PAGE_SIZE) |
				 GVT_PTE_VALID);
		if (ret)
			return ret;
	}

	cmd = gg_cfg_rd(g, PCI_COMMAND, 2);
	ret = gg_cfg_wr(g, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	if (ret)
		return ret;

	g->msi = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g->msi < 0)
		return -errno;
	ret = vu_irq_set_eventfd(g->fd, VFIO_PCI_MSI_IRQ_INDEX, g->msi);
	if (ret)
		return ret;
	ret = gg_wr(g, GVT_REG_IMR, 0);
	if (!ret)
		ret = gg_wr(g, GVT_REG_IER, GVT_IRQ_USER | GVT_IRQ_ERROR);
	return ret;
}

int gg_ring_init(struct gg_vgpu *g)
{
	int ret;

	g->ring_size = GG_RING_PAGES * GVT_GM_PAGE_SIZE;
	g->tail = 0;
	memset(gg_ptr(g, 0), 0, g->ring_size);
	ret = gg_wr(g, GVT_REG_RING_CTL, 0);
	if (!ret)
		ret = gg_wr(g, GVT_REG_RING_START, 0);
	if (!ret)
		ret = gg_wr(g, GVT_REG_RING_HEAD, 0);
	if (!ret)
		ret = gg_wr(g, GVT_REG_RING_TAIL, 0);
	if (!ret)
		ret = gg_wr(g, GVT_REG_RING_CTL, GVT_RING_CTL_ENABLE |
			    GVT_RING_CTL_PAGES(GG_RING_PAGES));
	return ret;
}

void *gg_ptr(struct gg_vgpu *g, uint32_t gm)
{
	return g->mem + gm;
}

void gg_emit(struct gg_vgpu *g, const uint32_t *dw, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(gg_ptr(g, g->tail), &dw[i], 4);
		g->tail = (g->tail + 4) % g->ring_size;
	}
}

int gg_submit(struct gg_vgpu *g)
{
	return gg_wr(g, GVT_REG_RING_TAIL, g->tail);
}

int gg_run(struct gg_vgpu *g, const uint32_t *dw, unsigned int n)
{
	gg_emit(g, dw, n);
	return gg_submit(g);
}

uint32_t gg_wait_irq(struct gg_vgpu *g, uint32_t bits, int timeout_ms)
{
	long long end = vu_now_ms() + timeout_ms;
	uint32_t iir;

	for (;;) {
		iir = gg_rd(g, GVT_REG_IIR);
		if (iir != ~0U && (iir & bits)) {
			gg_wr(g, GVT_REG_IIR, iir & bits);
			return iir & bits;
		}
		if (vu_now_ms() >= end)
			return 0;
		/* the eventfd says when to look again; poll IIR anyway */
		vu_eventfd_wait(g->msi, 50);
	}
}

int gg_wait_idle(struct gg_vgpu *g, int timeout_ms)
{
	long long end = vu_now_ms() + timeout_ms;
	uint32_t st;

	for (;;) {
		st = gg_rd(g, GVT_REG_RING_STATUS);
		if (st & (GVT_RING_STATUS_IDLE | GVT_RING_STATUS_STOPPED))
			return 0;
		if (vu_now_ms() >= end)
			return -ETIMEDOUT;
		usleep(1000);
	}
}
