#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/demo/demo.sh: runs in the test VM (make demo) after the runner
# loaded tests/modules.load.  Shows what our modules provide: the VFIO
# container node, the mdev parents and their types, and one mediated device
# created and removed through sysfs.

say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

say "kernel and our modules"
uname -r
grep -E '^(vfio|vfio_virqfd|vfio_iommu_type1|mdev|mtty|mdpy|mbochs|mdev_testparent|[a-z_]*gvt[a-z_]*) ' /proc/modules |
	awk '{ printf "  %-20s %s bytes, used by %s\n", $1, $2, $3 }'

say "the VFIO container node"
run ls -l /dev/vfio/ 2>&1

say "mdev parents and their types"
parents=$(ls -d /sys/class/mdev_bus/* 2>/dev/null)
if [ -z "$parents" ]; then
	echo "no mdev parent is registered (is mdev.ko and a sample driver built?)"
fi
for p in $parents; do
	echo "parent $(basename "$p") -> $(readlink -f "$p")"
	for t in "$p"/mdev_supported_types/*; do
		[ -d "$t" ] || continue
		printf '  %-24s name=%-16s available_instances=%s device_api=%s\n' \
			"$(basename "$t")" "$(cat "$t/name" 2>/dev/null)" \
			"$(cat "$t/available_instances" 2>/dev/null)" \
			"$(cat "$t/device_api" 2>/dev/null)"
	done
done

# Create and remove one device on the first type that has room, mtty's
# if it is there.
for t in /sys/class/mdev_bus/mtty/mdev_supported_types/* \
	 /sys/class/mdev_bus/*/mdev_supported_types/*; do
	[ -d "$t" ] || continue
	[ "$(cat "$t/available_instances" 2>/dev/null)" -gt 0 ] 2>/dev/null || continue
	uuid=$(cat /proc/sys/kernel/random/uuid)
	say "create a mediated device of type $(basename "$t")"
	echo "\$ echo $uuid > $t/create"
	echo "$uuid" > "$t/create" || break
	run ls -l "/sys/bus/mdev/devices/$uuid" 2>&1
	run readlink "/sys/bus/mdev/devices/$uuid/iommu_group" 2>&1
	echo "available_instances now: $(cat "$t/available_instances")"
	command -v mdevctl >/dev/null && run mdevctl list 2>&1
	say "remove it"
	echo "\$ echo 1 > /sys/bus/mdev/devices/$uuid/remove"
	echo 1 > "/sys/bus/mdev/devices/$uuid/remove"
	echo "available_instances now: $(cat "$t/available_instances")"
	break
done

# A nested guest on an mtty card and an mdpy display.
"$TOP/tests/demo/guest.sh"

say "kernel log of this demo"
dmesg | sed -n '/mdevfw-runner: begin/,$p' | tail -n 30
exit 0
