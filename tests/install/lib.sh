# SPDX-License-Identifier: GPL-2.0-only
# Shared by the install tests that run their own systemd-udevd
# (test_libvirt.sh, test_udev_mdevctl.sh): TAP helpers, polling, private
# writable copies of directories, and udevd's start and exit.  Source it
# (with TOP set) outside and again inside the private mount namespace
# (unshare -m) where the test mounts and starts udevd.

TEST_TMP=${TEST_TMP:-$(mktemp -d)}
# mtty's types, the parent both tests create devices of
TYPES=/sys/class/mdev_bus/mtty/mdev_supported_types
UDEVD=/lib/systemd/systemd-udevd

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }

# check NAME CMD...: one TAP line for CMD's exit status, the end of its
# output as diagnostics.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; fi
	[ -n "$out" ] && tail -n 25 <<< "$out" | diag
	return 0
}

# skip_all WHY: the plan and all NTESTS tests skipped, then exit.
skip_all() {
	local i
	echo "1..$NTESTS"
	for i in $(seq "$NTESTS"); do echo "ok $i - # SKIP $1"; done
	exit 0
}

# skip_unless_udev: skip all without systemd-udevd, mdevctl or mtty.ko.
skip_unless_udev() {
	[ -x "$UDEVD" ] || skip_all "no $UDEVD (systemd)"
	command -v mdevctl >/dev/null || skip_all "mdevctl not installed"
	[ -d "$TYPES/mtty-2" ] || skip_all "mtty.ko not loaded"
}

# wait_for SECONDS CMD...: poll CMD every 0.5 s.
wait_for() {
	local t=$(($1 * 2))
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.5
	done
}

# private_dir DIR: a tmpfs over DIR holding a copy of what was there, so
# the test may write to it and nothing leaks out.
private_dir() {
	local saved

	saved=$(mktemp -d "$TEST_TMP/${1##*/}.XXXX") || return
	cp -a "$1/." "$saved" 2>/dev/null
	mount -t tmpfs "${1##*/}" "$1" && cp -a "$saved/." "$1"
}

# udevd_start: systemd-udevd over an empty, writable /run/udev, once it
# answers.
udevd_start() {
	mkdir -p /run/udev && mount -t tmpfs udev /run/udev &&
	"$UDEVD" --daemon --resolve-names=never 2>&1 &&
	wait_for 30 udevadm control --ping
}

# udevd_running: true while a systemd-udevd (the daemon or a worker) is left.
udevd_running() { pgrep -x systemd-udevd >/dev/null; }

# udevd_exit SECONDS: ask udevd to exit; wait until its workers are gone
# too.
udevd_exit() {
	udevadm control --exit && wait_for "$1" eval '! udevd_running'
}
