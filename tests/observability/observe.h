/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * observe.h - tracefs and debugfs from the tests in tests/observability.
 *
 * obs_mount() mounts tracefs and debugfs where the guest has not; the
 * trace helpers work on the top-level instance.  Every helper returns 0
 * or a negative errno.
 */
#ifndef TESTS_OBSERVE_H
#define TESTS_OBSERVE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_util.h"

#define OBS_TRACEFS	"/sys/kernel/tracing"
#define OBS_DEBUGFS	"/sys/kernel/debug"
#define OBS_VFIO_DEBUG	OBS_DEBUGFS "/vfio"

static inline int obs_mount_one(const char *probe, const char *dir, const char *fs)
{
	if (vu_path_exists(probe))
		return 0;
	if (mount(fs, dir, fs, 0, NULL) && errno != EBUSY)
		return -errno;
	return vu_path_exists(probe) ? 0 : -ENOENT;
}

static inline int obs_mount(void)
{
	int ret = obs_mount_one(OBS_TRACEFS "/trace", OBS_TRACEFS, "tracefs");

	return ret ? ret : obs_mount_one(OBS_DEBUGFS "/vfio", OBS_DEBUGFS, "debugfs");
}

/* Enable (1) or disable (0) every event of trace system @sys. */
static inline int obs_trace_enable(const char *sys, int on)
{
	return vu_sysfs_writef(on ? "1" : "0", OBS_TRACEFS "/events/%s/enable", sys);
}

/* Empty the ring buffer and make sure tracing is on. */
static inline int obs_trace_clear(void)
{
	int fd = open(OBS_TRACEFS "/trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		return -errno;
	close(fd);
	return vu_sysfs_write(OBS_TRACEFS "/tracing_on", "1");
}

/* The whole of @path in a malloc'd, NUL-terminated buffer; NULL on error. */
static inline char *obs_slurp(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * Whether the trace buffer holds an event @event whose printed fields start
 * with @fields and, if @more is not NULL, go on to contain @more further
 * along the line ("mdev_create", "uuid=... parent=...", "ret=0").  Prints
 * the buffer as TAP diagnostics when it does not.
 */
static inline int obs_trace_has(const char *event, const char *fields, const char *more)
{
	char want[512];
	char *buf = obs_slurp(OBS_TRACEFS "/trace");
	char *line, *save = NULL, *p;
	int found = 0;

	if (!buf)
		return 0;
	snprintf(want, sizeof(want), " %s: %s", event, fields);
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, want);
		found = p && (!more || strstr(p + strlen(want), more));
	}
	free(buf);
	if (!found && (buf = obs_slurp(OBS_TRACEFS "/trace"))) {
		printf("# wanted \"%s\" ... \"%s\" in the trace:\n", want + 1, more ?: "");
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (line[0] != '#')
				printf("#   %s\n", line);
		free(buf);
	}
	return found;
}

/*
 * The line of debugfs file @file (under /sys/kernel/debug/vfio) whose first
 * word is @name, into @out.  0, -ENOENT if there is none, or an errno.
 */
static inline int obs_debugfs_line(const char *file, const char *name, char *out, size_t len)
{
	char path[256];
	char *buf, *line, *save = NULL;
	size_t nlen = strlen(name);
	int ret = -ENOENT;

	snprintf(path, sizeof(path), OBS_VFIO_DEBUG "/%s", file);
	buf = obs_slurp(path);
	if (!buf)
		return -errno;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, name, nlen) && line[nlen] == ' ') {
			snprintf(out, len, "%s", line);
			ret = 0;
			break;
		}
	}
	free(buf);
	return ret;
}

/* The value of "key=value" in a debugfs line, into @out. */
static inline int obs_field(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	n = strcspn(p, " ");
	snprintf(out, len, "%.*s", (int)n, p);
	return 0;
}

#endif /* TESTS_OBSERVE_H */
