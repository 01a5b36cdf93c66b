# SPDX-License-Identifier: GPL-2.0-only
# Shared by the nested-guest tests: TAP helpers and an L2 QEMU launcher.
# Source it; it expects TOP (repo root) and TEST_TMP (writable dir).

tap_n=0
tap_failed=0
ok()     { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
check()  { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
diag()   { sed 's/^/# /'; }

l2_kernel() { ls /boot/vmlinuz-6.1.0-*-amd64 | sort -V | tail -1; }

# mdev_create TYPE_PATH -> prints the new UUID, or fails
mdev_create() {
	local uuid
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" > "$1/create" || return 1
	echo "$uuid"
}

mdev_remove() {
	[ -e "/sys/bus/mdev/devices/$1" ] || return 0
	echo 1 > "/sys/bus/mdev/devices/$1/remove"
}

# l2_start WORKDIR CHECK QEMU-ARGS...: boots the L2 guest in the background
# with its console in WORKDIR/console and QMP at WORKDIR/qmp; sets L2_PID.
l2_start() {
	local dir=$1 check=$2; shift 2
	"$TOP/tests/guest/mkinitramfs-l2" "$dir/initrd.gz"
	qemu-system-x86_64 -accel tcg -m 512M -smp 1 -nodefaults -no-reboot \
		-display none -serial "file:$dir/console" \
		-qmp "unix:$dir/qmp,server=on,wait=off" \
		-kernel "$(l2_kernel)" -initrd "$dir/initrd.gz" \
		-append "console=ttyS0 8250.nr_uarts=8 panic=-1 l2check=$check" \
		"$@" > "$dir/qemu.out" 2>&1 &
	L2_PID=$!
}

# l2_wait WORKDIR PATTERN SECONDS: wait for a console line matching PATTERN
l2_wait() {
	local i
	for ((i = 0; i < $3; i++)); do
		grep -q "$2" "$1/console" 2>/dev/null && return 0
		kill -0 "$L2_PID" 2>/dev/null || { grep -q "$2" "$1/console" 2>/dev/null; return; }
		sleep 1
	done
	return 1
}

l2_stop() {
	kill "$L2_PID" 2>/dev/null
	wait "$L2_PID" 2>/dev/null
	return 0
}
