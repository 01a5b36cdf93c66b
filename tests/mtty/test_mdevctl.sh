#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian's mdevctl against the mtty parent: what an administrator sees.
#
# mdevctl reads the mdev sysfs ABI (mdev_bus, mdev_supported_types, create,
# remove), so this checks that ours is the one real tools expect.  Starting
# and stopping a transient device only touches sysfs and works on the
# guest's read-only root.  Persistent definitions are written to
# /etc/mdevctl.d, so that part runs in a private mount namespace with a
# tmpfs over /etc/mdevctl.d: nothing leaks out of the test, and the host's
# directory is never written.
set -u

PARENT=mtty
TYPES=/sys/class/mdev_bus/$PARENT/mdev_supported_types
DEVICES=/sys/bus/mdev/devices
NTESTS=11

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
# check NAME CMD...: one TAP line for a command's exit status.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
skip_all() {
	local i
	echo "1..$NTESTS"
	for i in $(seq $NTESTS); do echo "ok $i - # SKIP $1"; done
	exit 0
}

command -v mdevctl >/dev/null || skip_all "mdevctl not installed"
[ -d "$TYPES/mtty-2" ] || skip_all "mtty.ko not loaded"
command -v python3 >/dev/null || skip_all "python3 not installed"

uuid=$(cat /proc/sys/kernel/random/uuid)
puuid=$(cat /proc/sys/kernel/random/uuid)
cleanup() {
	local u
	for u in "$uuid" "$puuid"; do
		[ -e "$DEVICES/$u/remove" ] && echo 1 > "$DEVICES/$u/remove"
	done
}
trap cleanup EXIT

# available_instances of one type as mdevctl reports it (JSON output).
mdevctl_available() {
	mdevctl types --dumpjson | python3 -c '
import json, sys
parent, mtype = sys.argv[1], sys.argv[2]
for entry in json.load(sys.stdin):
    for t in entry.get(parent, []):
        if mtype in t:
            print(t[mtype]["available_instances"])
' "$PARENT" "$1"
}

sysfs_available() { cat "$TYPES/$1/available_instances"; }

# Both of mdevctl's views agree with sysfs for both types.
counts_match() {
	local t got want
	for t in mtty-1 mtty-2; do
		got=$(mdevctl_available "$t")
		want=$(sysfs_available "$t")
		echo "$t: mdevctl $got, sysfs $want" | diag
		[ -n "$got" ] && [ "$got" = "$want" ] || return 1
	done
	mdevctl types | grep -q "Available instances: $(sysfs_available mtty-2)"
}

listed() { mdevctl list | grep -q "^$1 $PARENT $2"; }

echo "1..$NTESTS"

mdevctl types | diag
types_listed() {
	mdevctl types | grep -qx "$PARENT" &&
	mdevctl types | grep -qx '  mtty-1' &&
	mdevctl types | grep -qx '  mtty-2' &&
	mdevctl types | grep -q 'Name: Single port serial' &&
	mdevctl types | grep -q 'Name: Dual port serial' &&
	mdevctl types | grep -q 'Device API: vfio-pci'
}
check "mdevctl types lists parent $PARENT with mtty-1 and mtty-2" types_listed

pool=$(sysfs_available mtty-1)
check "available instances match sysfs ($pool ports free)" counts_match

check "mdevctl start -p $PARENT -t mtty-2 -u $uuid" \
	mdevctl start -p "$PARENT" -t mtty-2 -u "$uuid"
mdevctl list | diag
check "mdevctl list shows the started device" listed "$uuid" mtty-2

taken() {
	[ "$(mdevctl_available mtty-1)" = $((pool - 2)) ] &&
	[ "$(mdevctl_available mtty-2)" = $(((pool - 2) / 2)) ]
}
check "the device took two ports from both types' counts" taken

check "mdevctl stop -u $uuid" mdevctl stop -u "$uuid"
gone() { [ ! -e "$DEVICES/$1" ] && ! mdevctl list | grep -q "^$1"; }
check "the device is gone from sysfs and from mdevctl list" gone "$uuid"
check "the ports went back to the pool" counts_match

check "mdevctl start of an unknown type fails" \
	bash -c "! mdevctl start -p $PARENT -t mtty-9 -u $uuid 2>/dev/null"

# Persistent devices: define, start, stop and undefine, with
# /etc/mdevctl.d on a tmpfs of a private mount namespace.
persistent() {
	unshare -m --propagation private bash -c '
		set -e
		# keep the installed callout and notifier scripts visible
		saved=$(mktemp -d "${TEST_TMP:-/tmp}/mdevctl.XXXX")
		cp -a /etc/mdevctl.d/. "$saved"
		mount -t tmpfs mdevctl /etc/mdevctl.d
		cp -a "$saved/." /etc/mdevctl.d
		rm -rf "$saved"
		mdevctl define -p "$1" -t mtty-1 -u "$2"
		mdevctl list --defined | grep -q "^$2 $1 mtty-1"
		test ! -e "/sys/bus/mdev/devices/$2"
		mdevctl start -u "$2"
		test -e "/sys/bus/mdev/devices/$2"
		mdevctl stop -u "$2"
		test ! -e "/sys/bus/mdev/devices/$2"
		mdevctl undefine -u "$2"
		! mdevctl list --defined | grep -q "^$2"
	' persistent "$PARENT" "$puuid" 2>&1 | diag
	return "${PIPESTATUS[0]}"
}
check "define/start/stop/undefine a persistent device (tmpfs /etc/mdevctl.d)" persistent
check "nothing was written to the real /etc/mdevctl.d" \
	bash -c "! ls /etc/mdevctl.d/$PARENT >/dev/null 2>&1"

exit $failed
