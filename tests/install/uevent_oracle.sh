#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Not a test: prints the uevents that Linux 6.1's own vfio/mdev and ours
# send for a parent that loads, a device created and removed, and the
# parent unloading, side by side (Documentation/install.rst, "uevents").
# The in-tree mtty is built by make bench (build/bench-intree/mtty.ko):
#
#   make bench   # or only its in-tree build step
#   tests/vm/run --live --exec tests/install/uevent_oracle.sh
set -u
TOP=${TOP:-$(pwd)}
names=$(sed -e 's|.*/||' -e 's|\.ko$||' -e 's|-|_|g' "$TOP/tests/modules.load" | tac)
unload() { local m; for m in $names mdev vfio_iommu_type1 vfio_virqfd vfio; do
	[ -e /sys/module/$m/initstate ] && rmmod "$m"; done; }

# round NAME LOAD...: record the uevents of one round.
round() {
	local name=$1 u mon
	shift
	u=$(cat /proc/sys/kernel/random/uuid)
	udevadm monitor --kernel --property > /tmp/uevents.$name 2>&1 &
	mon=$!
	sleep 2
	"$@"
	echo "$u" > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create
	sleep 1
	echo 1 > "/sys/bus/mdev/devices/$u/remove"
	sleep 1
	rmmod mtty
	sleep 2
	kill $mon; wait $mon 2>/dev/null
	# drop what differs by run: sequence numbers, UUIDs, times
	sed -E -e "s/$u/UUID/g" -e '/^SEQNUM=|^USEC_INITIALIZED=/d' \
	       -e 's/^KERNEL\[[0-9.]+\]/KERNEL/' /tmp/uevents.$name |
		grep -v -E '^monitor will|^UDEV|^$' | grep -E -v 'module/|^(MAJOR|MINOR|DEVNAME)=' > /tmp/ev.$name
	echo "==== $name"; cat /tmp/ev.$name
}
unload
round intree bash -c "modprobe mdev && modprobe vfio_iommu_type1 && insmod $TOP/build/bench-intree/mtty.ko"
unload
round ours bash -c "cd $TOP && insmod core/vfio.ko && insmod core/vfio_iommu_type1.ko && insmod mdev/mdev.ko && insmod samples/mtty.ko"
unload
echo "==== diff in-tree -> ours"
diff -u /tmp/ev.intree /tmp/ev.ours && echo "(none)"
exit 0
