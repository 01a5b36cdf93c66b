#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A real client of vfio-pci: a nested QEMU (TCG inside TCG) takes edu and
# e1000e with -device vfio-pci,host=<bdf>.  Its guest sees both on its own
# PCI bus, reads edu's ID register through the passed-through BAR, and its
# own e1000e driver binds the NIC and brings the link up (interrupts and
# MMIO all go through our vfio-pci).  Expect a few minutes.
# runner-timeout: 900
set -u
. "$TOP/tests/guest/lib.sh"

N=8
echo "1..$N"
skip_all() { for ((i = tap_n + 1; i <= N; i++)); do echo "ok $i - # SKIP $*"; done; exit 0; }

find_dev() {	# vendor device -> bdf
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = "$1:$2" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}
driver_of() { local l; l=$(readlink "/sys/bus/pci/devices/$1/driver") && echo "${l##*/}"; }

bind_vfio() {	# bdf: remember the old driver in OLD_<n>, bind vfio-pci
	local old
	old=$(driver_of "$1")
	[ -n "$old" ] && echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo "$old" >> "$dir/old-drivers"
	echo vfio-pci > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(driver_of "$1")" = vfio-pci ]
}

restore() {
	local bdf old
	l2_stop
	for bdf in $edu $nic; do
		[ "$(driver_of "$bdf")" = vfio-pci ] && echo "$bdf" > /sys/bus/pci/drivers/vfio-pci/unbind
		echo > "/sys/bus/pci/devices/$bdf/driver_override"
	done
	# Nothing was bound before in the test VM; rebind if something was.
	paste -d' ' <(echo "$edu"; echo "$nic") "$dir/old-drivers" 2>/dev/null |
	while read -r bdf old; do
		[ -n "$old" ] && echo "$bdf" > "/sys/bus/pci/drivers/$old/bind"
	done
	if [ -n "$loaded" ]; then rmmod vfio_pci vfio_pci_core; fi
}

edu=$(find_dev 0x1234 0x11e8) || skip_all "no edu device in this VM"
nic=$(find_dev 0x8086 0x10d3) || skip_all "no e1000e device in this VM"
loaded=
if [ ! -d /sys/module/vfio_pci ]; then
	insmod "$TOP/core/pci/vfio-pci-core.ko" && insmod "$TOP/core/pci/vfio-pci.ko" ||
		skip_all "cannot load core/pci/vfio-pci*.ko"
	loaded=1
fi
dir=$(mktemp -d "$TEST_TMP/pci-guest.XXXX")
: > "$dir/old-drivers"
L2_PID=
trap restore EXIT

check "edu $edu bound to vfio-pci" bind_vfio "$edu"
check "e1000e $nic bound to vfio-pci" bind_vfio "$nic"

# Our own L2 init, and the guest's e1000e driver.
root=$dir/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/tests/pci/l2-init-pci" "$root/init"
# The L2 kernel's own module (the L1 kernel may be a debug build).
kver=$(basename "$(l2_kernel)")
cp "/lib/modules/${kver#vmlinuz-}/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko" "$root/lib/modules/"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$dir/initrd.gz"

qemu-system-x86_64 -accel tcg -m 256M -smp 1 -nodefaults -no-reboot \
	-display none -serial "file:$dir/console" \
	-qmp "unix:$dir/qmp,server=on,wait=off" \
	-kernel "$(l2_kernel)" -initrd "$dir/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet" \
	-device "vfio-pci,host=$edu" -device "vfio-pci,host=$nic" \
	> "$dir/qemu.out" 2>&1 &
L2_PID=$!
sleep 5
check "QEMU realised vfio-pci for both devices" kill -0 "$L2_PID"
diag < "$dir/qemu.out"

check "the L2 guest booted" l2_wait "$dir" "L2: booted" 300
l2_wait "$dir" "L2: done" 300
tr -d '\r' < "$dir/console" > "$dir/console.txt"
grep "^L2:" "$dir/console.txt" | diag
check "L2 sees edu (1234:11e8) on its PCI bus" grep -q "pci .* 0x1234:0x11e8" "$dir/console.txt"
check "L2 reads edu's ID register through the BAR" grep -qi "edu bar0 .* id 0x010000ED" "$dir/console.txt"
check "L2's e1000e driver bound the NIC" grep -q "eth0 driver e1000e" "$dir/console.txt"
check "the link came up in L2" grep -q "eth0 carrier 1" "$dir/console.txt"
if [ $tap_failed -ne 0 ]; then
	echo "# L2 console:"; tail -40 "$dir/console.txt" | diag
fi
exit $tap_failed
