#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/demo/guest.sh: the part of make demo an administrator wants to see
# first.  Create a two-port mtty card and an mdpy display by writing UUIDs
# into sysfs, show them with sysfs and mdevctl, hand both to a nested QEMU
# guest, let the guest echo a line through each serial port, and save a
# screendump of the display as a PNG.  Runs in the test VM (make demo).

. "$TOP/tests/guest/lib.sh"
say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

mtty=/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2
mdpy=/sys/class/mdev_bus/mdpy/mdev_supported_types/mdpy-xga
out=/run/mdevfw/artifacts	# copied to build/artifacts/ on the host
if [ ! -d "$mtty" ]; then
	echo "mtty is not loaded: nothing to hand to a guest"
	exit 0
fi

say "create a two-port serial card"
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "\$ echo $uuid > $mtty/create"
echo "$uuid" > "$mtty/create" || exit 1
run readlink "/sys/bus/mdev/devices/$uuid/mdev_type"
run readlink "/sys/bus/mdev/devices/$uuid/iommu_group"
devices=(-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid")

if [ -d "$mdpy" ]; then
	say "create a 1024x768 display"
	duuid=$(cat /proc/sys/kernel/random/uuid)
	echo "\$ echo $duuid > $mdpy/create"
	echo "$duuid" > "$mdpy/create" && \
		devices+=(-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$duuid,display=on")
fi
run mdevctl list

say "start a guest with them (nested QEMU under TCG: a minute or two)"
dir=$(mktemp -d)
echo "\$ qemu-system-x86_64 ... ${devices[*]}"
l2_start "$dir" serial "${devices[@]}"
if l2_wait "$dir" "L2: booted" 240; then
	if [ -n "${duuid:-}" ]; then
		python3 - "$dir/qmp" "$dir/screen.ppm" <<'PY'
import json, socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(60)
sock.connect(sys.argv[1])
stream = sock.makefile("rw")
stream.readline()
for cmd, args in (("qmp_capabilities", {}), ("screendump", {"filename": sys.argv[2]})):
    stream.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    stream.flush()
    while "return" not in (msg := json.loads(stream.readline())):
        if "error" in msg:
            sys.exit(f"screendump: {msg['error']}")
PY
		mkdir -p "$out"
		if "$TOP/tests/guest/ppm2png.py" "$dir/screen.ppm" "$out/demo-mdpy.png"; then
			echo "the guest's display (mdpy's colour bars until a driver draws):"
			echo "  build/artifacts/demo-mdpy.png on the host"
		fi
	fi
	l2_wait "$dir" "L2: done" 180
fi
say "what the guest printed"
tr -d '\r' < "$dir/console" | grep -E '^L2:|ttyS[0-9]+ at I/O'
l2_stop

say "remove the devices"
for u in "$uuid" ${duuid:-}; do
	echo "\$ echo 1 > /sys/bus/mdev/devices/$u/remove"
	mdev_remove "$u"
done
run mdevctl list
rm -rf "$dir"
exit 0
