// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdpy-fb - guest framebuffer driver for the mdpy display (samples/mdpy.c).
 *
 * The device has a fixed mode, published in a vendor-specific PCI
 * capability (mdpy_defs.h), and a linear framebuffer in BAR0.  This driver
 * reads the mode, maps the BAR, tells the device it owns the framebuffer
 * now (which ends the colour bars) and registers an fbdev for it, so the
 * console or any fbdev client can draw.  There is no mode setting.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/fb.h>
#include <linux/io.h>
#include <drm/drm_fourcc.h>

#include "mdpy_defs.h"

#define MDPY_FB_NAME	"mdpy-fb"
#define MDPY_FB_BPP	32
#define MDPY_FB_PALETTE	16	/* console colours */

/**
 * struct mdpy_fb_par - driver part of the fb_info
 * @pseudo_palette: the 16 console colours as pixel values, for fbcon
 */
struct mdpy_fb_par {
	u32 pseudo_palette[MDPY_FB_PALETTE];
};

static int mdpy_fb_setcolreg(unsigned int regno, unsigned int red,
			     unsigned int green, unsigned int blue,
			     unsigned int transp, struct fb_info *info)
{
	u32 *palette = info->pseudo_palette;

	if (regno >= MDPY_FB_PALETTE)
		return -EINVAL;

	/* The colour values are 16 bits wide; keep the top 8 of each. */
	palette[regno] = ((red >> 8) << info->var.red.offset) |
			 ((green >> 8) << info->var.green.offset) |
			 ((blue >> 8) << info->var.blue.offset);
	return 0;
}

/* Runs when the last user of the fb_info is gone, after remove(). */
static void mdpy_fb_destroy(struct fb_info *info)
{
	iounmap(info->screen_base);
	framebuffer_release(info);
}

/**
 * struct mdpy_fb_mode - what the device's capability says
 * @format: DRM fourcc of the pixels
 * @width: visible pixels per line
 * @height: lines
 * @stride: bytes per line
 */
struct mdpy_fb_mode {
	u32 format;
	u32 width;
	u32 height;
	u32 stride;
};

static int mdpy_fb_read_mode(struct pci_dev *pdev, struct mdpy_fb_mode *mode)
{
	u8 version;

	if (pci_find_capability(pdev, PCI_CAP_ID_VNDR) != MDPY_CAP_OFFSET)
		return -ENODEV;
	pci_read_config_byte(pdev, MDPY_CFG_CAP_VERSION, &version);
	if (version != MDPY_CAP_VERSION) {
		pci_err(pdev, "unknown capability version %u\n", version);
		return -ENODEV;
	}

	pci_read_config_dword(pdev, MDPY_CFG_FORMAT, &mode->format);
	pci_read_config_dword(pdev, MDPY_CFG_WIDTH, &mode->width);
	pci_read_config_dword(pdev, MDPY_CFG_HEIGHT, &mode->height);
	pci_read_config_dword(pdev, MDPY_CFG_STRIDE, &mode->stride);

	if (mode->format != DRM_FORMAT_XRGB8888) {
		pci_err(pdev, "unsupported format %p4cc\n", &mode->format);
		return -EINVAL;
	}
	if (!mode->width || !mode->height ||
	    mode->stride < mode->width * (MDPY_FB_BPP / 8) ||
	    (u64)mode->stride * mode->height > pci_resource_len(pdev, 0)) {
		pci_err(pdev, "bad mode %ux%u stride %u for a %llu byte BAR\n",
			mode->width, mode->height, mode->stride,
			(u64)pci_resource_len(pdev, 0));
		return -EINVAL;
	}
	return 0;
}

static void mdpy_fb_fill_info(struct fb_info *info, struct pci_dev *pdev,
			      const struct mdpy_fb_mode *mode)
{
	struct fb_fix_screeninfo *fix = &info->fix;
	struct fb_var_screeninfo *var = &info->var;

	strscpy(fix->id, MDPY_FB_NAME, sizeof(fix->id));
	fix->type = FB_TYPE_PACKED_PIXELS;
	fix->visual = FB_VISUAL_TRUECOLOR;
	fix->accel = FB_ACCEL_NONE;
	fix->line_length = mode->stride;
	fix->smem_start = pci_resource_start(pdev, 0);
	fix->smem_len = mode->stride * mode->height;

	var->xres = mode->width;
	var->yres = mode->height;
	var->xres_virtual = mode->width;
	var->yres_virtual = mode->height;
	var->bits_per_pixel = MDPY_FB_BPP;
	/* XRGB8888: blue in the lowest byte, the top byte unused. */
	var->blue.offset = 0;
	var->blue.length = 8;
	var->green.offset = 8;
	var->green.length = 8;
	var->red.offset = 16;
	var->red.length = 8;
	var->height = -1;
	var->width = -1;
	var->activate = FB_ACTIVATE_NOW;
	var->vmode = FB_VMODE_NONINTERLACED;
}

static const struct fb_ops mdpy_fb_ops;

static int mdpy_fb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mdpy_fb_mode mode;
	struct mdpy_fb_par *par;
	struct fb_info *info;
	int ret;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;

	ret = pci_request_regions(pdev, MDPY_FB_NAME);
	if (ret)
		goto err_disable_device;

	ret = mdpy_fb_read_mode(pdev, &mode);
	if (ret)
		goto err_release_regions;

	info = framebuffer_alloc(sizeof(*par), &pdev->dev);
	if (!info) {
		ret = -ENOMEM;
		goto err_release_regions;
	}
	par = info->par;

	info->screen_base = pci_ioremap_wc_bar(pdev, 0);
	if (!info->screen_base) {
		ret = -EIO;
		goto err_release_framebuffer;
	}
	info->screen_size = mode.stride * mode.height;

	mdpy_fb_fill_info(info, pdev, &mode);
	info->fbops = &mdpy_fb_ops;
	info->flags = FBINFO_DEFAULT;
	info->pseudo_palette = par->pseudo_palette;

	/* From now on the pixels are ours: the colour bars go away. */
	pci_write_config_dword(pdev, MDPY_CFG_CTRL, MDPY_CTRL_OWNED);

	pci_set_drvdata(pdev, info);
	ret = register_framebuffer(info);
	if (ret)
		goto err_disown;

	fb_info(info, "%ux%u, stride %u, on %s\n", mode.width, mode.height,
		mode.stride, pci_name(pdev));
	return 0;

err_disown:
	pci_write_config_dword(pdev, MDPY_CFG_CTRL, 0);
	iounmap(info->screen_base);
err_release_framebuffer:
	framebuffer_release(info);
err_release_regions:
	pci_release_regions(pdev);
err_disable_device:
	pci_disable_device(pdev);
	return ret;
}

static void mdpy_fb_remove(struct pci_dev *pdev)
{
	struct fb_info *info = pci_get_drvdata(pdev);

	/* The mapping and the fb_info go in mdpy_fb_destroy(). */
	unregister_framebuffer(info);
	pci_write_config_dword(pdev, MDPY_CFG_CTRL, 0);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

/* Drawing is the generic one for a linear, CPU-mapped framebuffer. */
static const struct fb_ops mdpy_fb_ops = {
	.fb_fillrect	= cfb_fillrect,
	.fb_copyarea	= cfb_copyarea,
	.fb_imageblit	= cfb_imageblit,
	.fb_setcolreg	= mdpy_fb_setcolreg,
	.fb_destroy	= mdpy_fb_destroy,
	.owner		= THIS_MODULE,
};

static const struct pci_device_id mdpy_fb_pci_ids[] = {
	{ PCI_DEVICE_SUB(MDPY_PCI_VENDOR_ID, MDPY_PCI_DEVICE_ID,
			 MDPY_PCI_SUBVENDOR_ID, MDPY_PCI_SUBDEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mdpy_fb_pci_ids);

static struct pci_driver mdpy_fb_pci_driver = {
	.name		= MDPY_FB_NAME,
	.id_table	= mdpy_fb_pci_ids,
	.probe		= mdpy_fb_probe,
	.remove		= mdpy_fb_remove,
};

module_pci_driver(mdpy_fb_pci_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mdev project");
MODULE_DESCRIPTION("Framebuffer driver for the mdpy mediated display (guest side)");
