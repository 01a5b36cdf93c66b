#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A real VMM and a real guest driver on an mtty device: QEMU's vfio-pci
# takes a two-port mtty card by its sysfs path, the firmware places its
# I/O BARs, the guest kernel's 8250_pci binds both ports as 16550A UARTs,
# and a line written to each port comes back through the loopback.
# The nested guest boots under TCG in TCG: expect a minute or two.
# runner-timeout: 600
set -u
. "$TOP/tests/guest/lib.sh"

echo "1..7"
types=/sys/class/mdev_bus/mtty/mdev_supported_types
if [ ! -d "$types/mtty-2" ]; then
	for i in 1 2 3 4 5 6 7; do echo "ok $i - # SKIP mtty not loaded"; done
	exit 0
fi

dir=$(mktemp -d "$TEST_TMP/mtty-guest.XXXX")
uuid=$(mdev_create "$types/mtty-2")
check "created a two-port mtty device" test -n "$uuid"

l2_start "$dir" serial -device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid"
sleep 5
check "QEMU realised vfio-pci on the mdev" kill -0 "$L2_PID"
diag < "$dir/qemu.out"

"$TOP/tests/guest/hmp.py" "$dir/qmp" "info pci" > "$dir/info-pci" 2>&1
diag < "$dir/info-pci"
# The card: a serial controller with two I/O BARs at real addresses.
bars_placed() {
	grep -A8 -i 'serial' "$dir/info-pci" | grep -E 'BAR[01]: I/O at 0x[0-9a-f]+ ' |
		grep -vc 'I/O at 0xffff' | grep -qx 2
}
check "info pci shows the card with both I/O BARs placed" bars_placed

check "the L2 guest booted" l2_wait "$dir" "L2: booted" 240
l2_wait "$dir" "L2: done" 180
# The guest's console ends its lines with CR LF.
tr -d '\r' < "$dir/console" > "$dir/console.txt"
grep "^L2:" "$dir/console.txt" | diag
ports_16550a() {
	[ "$(grep -c 'uart type 4$' "$dir/console.txt")" -eq 2 ]
}
check "8250_pci bound both ports as 16550A" ports_16550a
echoes() {
	[ "$(grep -c 'echo ok$' "$dir/console.txt")" -eq 2 ]
}
check "a line written to each port came back" echoes
if [ $tap_failed -ne 0 ]; then
	echo "# L2 console:"; tail -40 "$dir/console.txt" | diag
fi
l2_stop
check "the device is removed after QEMU exits" mdev_remove "$uuid"
rm -rf "$dir"
exit $tap_failed
