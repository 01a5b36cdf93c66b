// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_util.h"
#include "vgem_util.h"

/* libdrm-dev, for the DRM ioctl definitions only (nothing is linked). */
#if __has_include(<libdrm/drm.h>)
#include <libdrm/drm.h>

static int vgem_find_card(void)
{
	char path[64], name[16];
	int i, fd;

	for (i = 0; i < 16; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

int vu_vgem_open(int *loaded)
{
	int fd;

	*loaded = 0;
	/* built in (the debug kernel) or already loaded: nothing to undo */
	fd = vgem_find_card();
	if (fd >= 0 || vu_path_exists("/sys/module/vgem"))
		return fd;
	if (system("modprobe vgem 2>/dev/null"))
		return -1;
	*loaded = 1;
	return vgem_find_card();
}
#else
int vu_vgem_open(int *loaded)
{
	*loaded = 0;
	errno = ENOSYS;
	return -1;
}
#endif
