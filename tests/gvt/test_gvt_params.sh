#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# gvt_stub's module parameters size the parent GPU's pool: reload the
# module with a smaller pool and check what the types offer, that a pool
# that cannot be split eight ways is refused, and that max_vgpus caps the
# count across types.  Leaves gvt_stub loaded with its defaults.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KO=$TOP/vendor-gvt-stub/gvt_stub.ko
TYPES=/sys/class/mdev_bus/gvt_stub/mdev_supported_types
DEVICES=/sys/bus/mdev/devices
NTESTS=7

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
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

[ -f "$KO" ] || skip_all "no $KO"
[ -d "$TYPES" ] || skip_all "gvt_stub.ko not loaded"

uuids=()
cleanup() {
	local u
	for u in "${uuids[@]}"; do
		[ -e "$DEVICES/$u/remove" ] && echo 1 > "$DEVICES/$u/remove"
	done
	uuids=()
}
reload() {
	cleanup
	rmmod gvt_stub 2>/dev/null
	insmod "$KO" "$@"
}
restore() {
	cleanup
	lsmod | grep -q '^gvt_stub ' && rmmod gvt_stub
	insmod "$KO"
}
trap restore EXIT

avail() { cat "$TYPES/gvt_stub-V5_$1/available_instances"; }
create() {
	local u
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" > "$TYPES/gvt_stub-V5_$1/create" 2>/dev/null || return 1
	uuids+=("$u")
}
desc_has() { grep -qx "$2" "$TYPES/gvt_stub-V5_$1/description"; }

echo "1..$NTESTS"

check "load with a small pool" reload aperture_mb=16 hidden_mb=64 fences=16 max_vgpus=3
check "_8 of the small pool" eval 'desc_has 8 "low_gm_size: 2MB" && desc_has 8 "high_gm_size: 8MB" && desc_has 8 "fence: 2"'
check "max_vgpus caps every type" eval '[ "$(avail 8)" = 3 ] && [ "$(avail 4)" = 3 ] && [ "$(avail 2)" = 2 ] && [ "$(avail 1)" = 1 ]'
create 8; create 8; create 8
check "the fourth vGPU is refused" eval '! create 8 && [ "$(avail 8)" = 0 ] && [ "$(avail 1)" = 0 ]'
cleanup
check "aperture not a power of two is refused" eval '! reload aperture_mb=12 2>/dev/null'
check "fences not divisible by 8 are refused" eval '! reload fences=12 2>/dev/null'
restore
check "defaults back" eval '[ "$(avail 1)" = 1 ] && [ "$(avail 8)" = 8 ]'
trap - EXIT
exit $failed
