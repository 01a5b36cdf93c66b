#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Binding devices to vfio-pci the three upstream ways (driver_override,
# new_id, the ids= parameter) and giving them back, on QEMU's pci-testdev.
# Each bound device gets its IOMMU group's /dev/vfio/N; unbinding takes it
# away.  The test VM binds nothing at boot: we leave it that way.
set -u
N=10
echo "1..$N"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
skip_all() { for ((i = n + 1; i <= N; i++)); do echo "ok $i - # SKIP $*"; done; exit 0; }

dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x1b36:0x0005" ] && dev=${d##*/} && break
done
[ -n "$dev" ] || skip_all "no pci-testdev in this VM"
[ -d /sys/module/vfio_pci ] && skip_all "vfio-pci is loaded already"
sysdev=/sys/bus/pci/devices/$dev
drv=/sys/bus/pci/drivers/vfio-pci
[ -e "$sysdev/driver" ] && skip_all "$dev has a driver"
group=$(basename "$(readlink "$sysdev/iommu_group")")

driver_is() { [ "$(basename "$(readlink "$sysdev/driver" 2>/dev/null)")" = "$1" ]; }
unbound() { [ ! -e "$sysdev/driver" ]; }
load() { insmod "$TOP/core/pci/vfio-pci-core.ko" && insmod "$TOP/core/pci/vfio-pci.ko" "$@"; }
unload() { rmmod vfio_pci && rmmod vfio_pci_core; }
trap 'echo > "$sysdev/driver_override"; [ -e "$drv" ] && { driver_is vfio-pci && echo "$dev" > "$drv/unbind"; unload; } 2>/dev/null' EXIT

check "vfio-pci loads and binds nothing by itself" load
check "$dev is still unbound" unbound

# driver_override
echo vfio-pci > "$sysdev/driver_override"
echo "$dev" > /sys/bus/pci/drivers_probe
check "driver_override + drivers_probe bind $dev" driver_is vfio-pci
check "its group /dev/vfio/$group appears" test -c "/dev/vfio/$group"
echo "$dev" > "$drv/unbind"
echo > "$sysdev/driver_override"
check "unbind gives it back (no driver)" unbound
check "and /dev/vfio/$group goes away" test ! -e "/dev/vfio/$group"

# new_id
echo "1b36 0005" > "$drv/new_id"
check "new_id binds every unbound 1b36:0005" driver_is vfio-pci
echo "1b36 0005" > "$drv/remove_id"
echo "$dev" > "$drv/unbind"
check "remove_id, unbind: no driver again" unbound

# ids=
unload
load ids=1b36:0005
check "ids=1b36:0005 binds it at load" driver_is vfio-pci
echo "$dev" > "$drv/unbind"
unload
check "unbound and unloaded" unbound
trap - EXIT
exit $failed
