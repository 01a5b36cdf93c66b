#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mbochs is bochs-display compatible: QEMU's vfio-pci takes an
# mbochs-small device and the nested guest's unchanged bochs-drm driver
# binds to it, finds the VBE and qext registers, reads the EDID mbochs
# generated (so the preferred mode is the type's largest, 1024x768) and
# sets that mode for its fbdev console.
# The nested guest boots under TCG in TCG: expect a minute or two.
# runner-timeout: 600
set -u
. "$TOP/tests/guest/lib.sh"

N=7
echo "1..$N"
types=/sys/class/mdev_bus/mbochs/mdev_supported_types
kver=$(basename "$(l2_kernel)" | sed 's/^vmlinuz-//')
mods=$(modprobe --show-depends -S "$kver" bochs 2>/dev/null | awk '$1 == "insmod" { print $2 }')
if [ ! -d "$types/mbochs-small" ] || [ -z "$mods" ]; then
	for ((i = 1; i <= N; i++)); do echo "ok $i - # SKIP mbochs.ko not loaded or no bochs.ko for $kver"; done
	exit 0
fi

dir=$(mktemp -d "$TEST_TMP/mbochs-guest.XXXX")
uuid=$(mdev_create "$types/mbochs-small")
check "created an mbochs-small device" test -n "$uuid"

# An initramfs of busybox, our init, and bochs-drm with what it needs.
root=$dir/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$root/bin/"
cp "$TOP/tests/display/l2-init-display" "$root/init"
for m in $mods; do
	cp "$m" "$root/lib/modules/"
	basename "$m" >> "$root/lib/modules/order"
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$dir/initrd.gz"

qemu-system-x86_64 -accel tcg -m 512M -smp 1 -nodefaults -no-reboot \
	-display none -serial "file:$dir/console" \
	-qmp "unix:$dir/qmp,server=on,wait=off" \
	-kernel "$(l2_kernel)" -initrd "$dir/initrd.gz" \
	-append "console=ttyS0 panic=-1 l2check=bochs" \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" \
	> "$dir/qemu.out" 2>&1 &
L2_PID=$!

check "the L2 guest booted" l2_wait "$dir" "L2: booted" 240
l2_wait "$dir" "L2: done" 240
diag < "$dir/qemu.out"
grep -E "^L2:|bochs" "$dir/console" | diag
check "bochs-drm bound and sees a connected monitor with our 128-byte EDID" \
	grep -qE "L2: card[0-9]+-Virtual-1 status=connected edid=128 " "$dir/console"
check "the EDID's preferred mode is the type's largest" \
	grep -qE "L2: card[0-9]+-Virtual-1 .* preferred=1024x768([^0-9]|$)" "$dir/console"
check "bochs-drm's fbdev runs in that mode" \
	grep -qE "L2: fb0 name=bochs.* size=1024,768 bpp=32" "$dir/console"
check "the nested kernel logged no warnings" \
	eval '! grep -qE "WARNING:|BUG:|Oops|general protection" "$dir/console"'
if [ $tap_failed -ne 0 ]; then
	echo "# L2 console:"; tail -60 "$dir/console" | diag
fi
l2_stop
check "the device is removed after QEMU exits" mdev_remove "$uuid"
rm -rf "$dir"
exit $tap_failed
