#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# libvirt's node device driver on our mdev bus (Documentation/install.rst):
# virsh lists the mtty parent and its types, and creates, defines, starts
# and destroys mediated devices through it (libvirt 9.0 does that by
# running mdevctl).
#
# Started by the test, in a private mount namespace (tmpfs over /run/udev,
# /run/libvirt and /etc/mdevctl.d): systemd-udevd, which libvirt's nodedev
# driver reads devices from, and libvirtd with its nodedev driver only
# (LIBVIRT_DRIVER_DIR), connected to as nodedev:///system.  The QEMU
# driver is left out: it would probe QEMU binaries at startup, which costs
# minutes under TCG and tells nothing about mdev.
#
# The guest's /dev (a bare devtmpfs) has no /dev/stdin, which libvirt hands
# to mdevctl as --jsonfile; the test adds the usual /dev/fd links while it
# runs and removes them again.
# runner-timeout: 600
set -u

TOP=${TOP:-$(pwd)}
DRIVERS=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
NTESTS=12
. "$TOP/tests/install/lib.sh"

command -v libvirtd >/dev/null && command -v virsh >/dev/null ||
	skip_all "libvirt not installed (libvirt-daemon, libvirt-clients)"
[ -e "$DRIVERS/libvirt_driver_nodedev.so" ] || skip_all "no libvirt nodedev driver"
skip_unless_udev

export TOP TEST_TMP TYPES UDEVD DRIVERS NTESTS
# The body runs in a private mount namespace, as bash -c: its stdin stays
# the runner's /dev/null.
body=$(cat <<'BODY'
set -u
. "$TOP/tests/install/lib.sh"

V=(virsh -q -c nodedev:///system)
PARENT=mtty_mtty			# libvirt's name for /sys/devices/virtual/mtty/mtty
U=$(cat /proc/sys/kernel/random/uuid)	# nodedev-create
D=$(cat /proc/sys/kernel/random/uuid)	# nodedev-define
LOG=$TEST_TMP/libvirtd.log
links=()
running() { pgrep -x libvirtd >/dev/null || udevd_running; }
cleanup() {
	local u l
	for u in "$U" "$D"; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 > "/sys/bus/mdev/devices/$u/remove"
	done
	[ -s "$TEST_TMP/libvirtd.pid" ] && kill "$(cat "$TEST_TMP/libvirtd.pid")" 2>/dev/null
	udevadm control --exit 2>/dev/null
	for l in "${links[@]}"; do rm -f "$l"; done
	for i in $(seq 20); do running || break; sleep 0.5; done
	[ "$failed" = 0 ] || { echo "libvirtd log:"; tail -n 20 "$LOG"; } 2>/dev/null | diag
}
trap cleanup EXIT

echo "1..$NTESTS"

for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	[ -e "/dev/${l%%:*}" ] || { ln -s "${l#*:}" "/dev/${l%%:*}" && links+=("/dev/${l%%:*}"); }
done
private_dir /etc/mdevctl.d
mkdir -p /run/libvirt && mount -t tmpfs libvirt /run/libvirt
mkdir -p "$TEST_TMP/drivers"
ln -s "$DRIVERS/libvirt_driver_nodedev.so" "$TEST_TMP/drivers/"

daemons() {
	udevd_start &&
	LIBVIRT_DRIVER_DIR=$TEST_TMP/drivers LIBVIRT_LOG_OUTPUTS="3:file:$LOG" \
		libvirtd --daemon --pid-file "$TEST_TMP/libvirtd.pid" &&
	wait_for 60 test -S /run/libvirt/libvirt-sock &&
	wait_for 30 "${V[@]}" nodedev-list --cap system
}
check "systemd-udevd and libvirtd (nodedev driver) start" daemons

check "virsh nodedev-list --cap mdev_types lists $PARENT" bash -c \
	"${V[*]} nodedev-list --cap mdev_types | tee /dev/stderr | grep -qx $PARENT"

# type_xml TYPE FIELD: one field of a type in nodedev-dumpxml of the parent.
type_xml() {
	"${V[@]}" nodedev-dumpxml "$PARENT" | python3 -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.stdin).getroot().find(".//type[@id=\"%s\"]" % sys.argv[1])
print(t.find(sys.argv[2]).text if t is not None and t.find(sys.argv[2]) is not None else "")
' "$1" "$2"
}
types_match() {
	local t want got
	"${V[@]}" nodedev-dumpxml "$PARENT"
	for t in mtty-1 mtty-2; do
		for f in name deviceAPI availableInstances; do
			case $f in
			name) want=$(cat "$TYPES/$t/name") ;;
			deviceAPI) want=$(cat "$TYPES/$t/device_api") ;;
			availableInstances) want=$(cat "$TYPES/$t/available_instances") ;;
			esac
			got=$(type_xml "$t" "$f")
			[ "$got" = "$want" ] || { echo "$t $f: libvirt '$got', sysfs '$want'"; return 1; }
		done
	done
}
check "nodedev-dumpxml $PARENT: both types, name, deviceAPI, availableInstances as in sysfs" types_match

mdev_xml() {
	printf '<device>\n  <parent>%s</parent>\n  <capability type="mdev">\n' "$PARENT"
	printf '    <type id="mtty-2"/>\n    <uuid>%s</uuid>\n  </capability>\n</device>\n' "$1"
}
mdev_xml "$U" > "$TEST_TMP/create.xml"
mdev_xml "$D" > "$TEST_TMP/define.xml"
# name UUID: libvirt's node device name for the mdev of this UUID.
name() { "${V[@]}" nodedev-list --cap mdev --all | grep -m1 "${1//-/_}"; }
before=$(cat "$TYPES/mtty-2/available_instances")

check "nodedev-create of an mtty-2 mdev creates it in sysfs" bash -c \
	"${V[*]} nodedev-create $TEST_TMP/create.xml && test -e /sys/bus/mdev/devices/$U"
listed() {
	local nm
	wait_for 30 bash -c "${V[*]} nodedev-list --cap mdev | grep -q ${U//-/_}" || return 1
	nm=$(name "$U") && echo "$nm" &&
	"${V[@]}" nodedev-dumpxml "$nm" | tee /dev/stderr | grep -q "<type id='mtty-2'/>" &&
	"${V[@]}" nodedev-dumpxml "$nm" | grep -q "<parent>$PARENT</parent>" &&
	"${V[@]}" nodedev-dumpxml "$nm" | grep -q "<iommuGroup number="
}
check "nodedev-list --cap mdev shows it; dumpxml: type, parent, iommuGroup" listed
check "availableInstances of mtty-2 went down by one" bash -c \
	"$(declare -f type_xml); V=(${V[*]}) PARENT=$PARENT; [ \$(type_xml mtty-2 availableInstances) = $((before - 1)) ]"
check "nodedev-destroy removes it" bash -c \
	"${V[*]} nodedev-destroy \$($(declare -f name); V=(${V[*]}); name $U) && ! test -e /sys/bus/mdev/devices/$U"

defined() {
	"${V[@]}" nodedev-define "$TEST_TMP/define.xml" && test -e "/etc/mdevctl.d/mtty/$D" &&
	! test -e "/sys/bus/mdev/devices/$D" &&
	"${V[@]}" nodedev-list --cap mdev --inactive | grep -q "${D//-/_}"
}
check "nodedev-define: persistent (mdevctl), inactive, not in sysfs" defined
check "nodedev-start starts the defined device" bash -c \
	"${V[*]} nodedev-start \$($(declare -f name); V=(${V[*]}); name $D) && test -e /sys/bus/mdev/devices/$D"
check "nodedev-destroy stops it, the definition stays" bash -c \
	"${V[*]} nodedev-destroy \$($(declare -f name); V=(${V[*]}); name $D) && ! test -e /sys/bus/mdev/devices/$D &&
	 test -e /etc/mdevctl.d/mtty/$D"
check "nodedev-undefine removes the definition" bash -c \
	"$(declare -f wait_for); wait_for 20 bash -c '${V[*]} nodedev-list --cap mdev --inactive | grep -q ${D//-/_}' &&
	 ${V[*]} nodedev-undefine \$($(declare -f name); V=(${V[*]}); name $D) && ! test -e /etc/mdevctl.d/mtty/$D"
stopped() {
	kill "$(cat "$TEST_TMP/libvirtd.pid")" && udevadm control --exit &&
	wait_for 20 eval '! running'
}
check "libvirtd and udevd stop" stopped
exit $failed
BODY
)
exec unshare -m --propagation private bash -c "$body"
