#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A gvt_stub vGPU in a real VMM: QEMU's vfio-pci takes it (with the IGD
# OpRegion exposed, x-igd-opregion=on), and a nested guest finds it on its
# PCI bus, reads its registers and runs a command through its ring, with
# the GTT pointing into the aperture BAR that QEMU mapped into the guest.
# The nested guest boots under TCG in TCG: expect a minute or two.
# runner-timeout: 600
set -u
. "$TOP/tests/guest/lib.sh"

N=6
echo "1..$N"
types=/sys/class/mdev_bus/gvt_stub/mdev_supported_types
if [ ! -d "$types/gvt_stub-V5_8" ]; then
	for ((i = 1; i <= N; i++)); do echo "ok $i - # SKIP gvt_stub.ko not loaded"; done
	exit 0
fi

dir=$(mktemp -d "$TEST_TMP/gvt-guest.XXXX")
uuid=$(mdev_create "$types/gvt_stub-V5_8")
check "created a gvt_stub-V5_8 vGPU" test -n "$uuid"

root=$dir/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$root/bin/"
cp "$TOP/tests/gvt/l2-init-gvt" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$dir/initrd.gz"

qemu-system-x86_64 -accel tcg -m 256M -smp 1 -nodefaults -no-reboot \
	-display none -serial "file:$dir/console" \
	-kernel "$(l2_kernel)" -initrd "$dir/initrd.gz" \
	-append "console=ttyS0 panic=-1" \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,x-igd-opregion=on" \
	> "$dir/qemu.out" 2>&1 &
L2_PID=$!

check "the L2 guest booted with the vGPU" l2_wait "$dir" "L2: booted" 240
l2_wait "$dir" "L2: done" 120
diag < "$dir/qemu.out"
grep -E "^L2:" "$dir/console" | diag
check "the guest sees an Intel VGA function" \
	grep -qE "L2: vgpu .* class=0x030000" "$dir/console"
check "BAR0 identifies the vGPU and its type" \
	grep -qE "L2: id=0x53545647 low_gm=0x00800000 fences=0x00000004 link=0x00000001 edid=0x00000080" "$dir/console"
check "the ring ran: idle, no error, user interrupt latched" \
	grep -qE "L2: head=0x00000010 status=0x00000001 err=0x00000000 iir=0x00000001" "$dir/console"
check "STORE_DWORD landed in the aperture" grep -q "L2: store=0x00C0FFEE" "$dir/console"
if [ $tap_failed -ne 0 ]; then
	echo "# L2 console:"; tail -40 "$dir/console" | diag
fi
l2_stop
mdev_remove "$uuid"
rm -rf "$dir"
exit $tap_failed
