# SPDX-License-Identifier: GPL-2.0-only
# Shared by the display samples' nested-guest tests (test_mdpy_guest.sh,
# test_mbochs_guest.sh): an L2 guest whose /init is
# tests/display/l2-init-display, with one mediated device passed through.
# Source it after tests/guest/lib.sh.

# disp_skip_all N WHY: all N tests of the plan skipped, then exit.
disp_skip_all() {
	local i

	for ((i = 1; i <= $1; i++)); do echo "ok $i - # SKIP $2"; done
	exit 0
}

# disp_initrd DIR MODULE...: DIR/initrd.gz, an initramfs of busybox, our
# /init and the MODULEs, which /lib/modules/order lists in load order.
disp_initrd() {
	local dir=$1 root=$1/root m
	shift

	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
	cp /bin/busybox "$root/bin/"
	cp "$TOP/tests/display/l2-init-display" "$root/init"
	for m in "$@"; do
		cp "$m" "$root/lib/modules/"
		basename "$m" >> "$root/lib/modules/order"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$dir/initrd.gz"
}

# disp_l2_start DIR APPEND QEMU-ARGS...: boots DIR/initrd.gz in the
# background, APPEND added to the kernel command line, with its console in
# DIR/console and QMP at DIR/qmp; sets L2_PID.
disp_l2_start() {
	local dir=$1 append=$2
	shift 2

	qemu-system-x86_64 -accel tcg -m 512M -smp 1 -nodefaults -no-reboot \
		-display none -serial "file:$dir/console" \
		-qmp "unix:$dir/qmp,server=on,wait=off" \
		-kernel "$(l2_kernel)" -initrd "$dir/initrd.gz" \
		-append "console=ttyS0 panic=-1 $append" \
		"$@" > "$dir/qemu.out" 2>&1 &
	L2_PID=$!
}

# disp_clean_log DIR: the nested kernel logged no warnings.
disp_clean_log() {
	! grep -qE "WARNING:|BUG:|Oops|general protection" "$1/console"
}

# disp_finish DIR UUID: the last checks (a clean nested kernel log, the
# device gone once QEMU has exited), the console on failure, then exit.
disp_finish() {
	check "the nested kernel logged no warnings" disp_clean_log "$1"
	if [ $tap_failed -ne 0 ]; then
		echo "# L2 console:"; tail -60 "$1/console" | diag
	fi
	l2_stop
	check "the device is removed after QEMU exits" mdev_remove "$2"
	rm -rf "$1"
	exit $tap_failed
}
