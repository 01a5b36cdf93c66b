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
. "$TOP/tests/display/lib.sh"

N=7
echo "1..$N"
types=/sys/class/mdev_bus/mbochs/mdev_supported_types
kver=$(basename "$(l2_kernel)" | sed 's/^vmlinuz-//')
mods=$(modprobe --show-depends -S "$kver" bochs 2>/dev/null | awk '$1 == "insmod" { print $2 }')
[ -d "$types/mbochs-small" ] && [ -n "$mods" ] ||
	disp_skip_all $N "mbochs.ko not loaded or no bochs.ko for $kver"

dir=$(mktemp -d "$TEST_TMP/mbochs-guest.XXXX")
uuid=$(mdev_create "$types/mbochs-small")
check "created an mbochs-small device" test -n "$uuid"

# The guest's modules: bochs-drm with what it needs.
# shellcheck disable=SC2086
disp_initrd "$dir" $mods
disp_l2_start "$dir" "l2check=bochs" \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid"

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
disp_finish "$dir" "$uuid"
