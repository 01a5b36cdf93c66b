#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# udev and mdevctl persistence (Documentation/install.rst): with
# systemd-udevd running in the VM, the uevents of a parent and of its
# mediated devices reach udev, and a device defined with
# "mdevctl define --auto" is started by mdevctl's udev rule when its parent
# module is loaded.
#
# Debian 12's mdevctl 1.2.0 ships /usr/bin/mdevctl, but its rule
# (/lib/udev/rules.d/60-mdevctl.rules) runs /usr/sbin/mdevctl, so on a
# stock system the rule never starts anything.  The test shows that, then
# puts a copy of the rule with the right path in /etc/udev/rules.d (which
# overrides the one of the same name) and checks that it works.
#
# Everything runs in a private mount namespace: tmpfs over /etc/mdevctl.d,
# /etc/udev/rules.d and /run/udev, and udevd is started inside it so that it
# sees them.  udevd is stopped and every device removed before the end.
# runner-timeout: 400
set -u

TOP=${TOP:-$(pwd)}
NTESTS=11
. "$TOP/tests/install/lib.sh"
skip_unless_udev

export TOP TEST_TMP TYPES UDEVD NTESTS
# The body runs in a private mount namespace, as bash -c: its stdin stays
# the runner's /dev/null.
body=$(cat <<'BODY'
set -u
. "$TOP/tests/install/lib.sh"

U=$(cat /proc/sys/kernel/random/uuid)	# created through sysfs
P=$(cat /proc/sys/kernel/random/uuid)	# defined persistently
MON=$TEST_TMP/monitor
mon_pid= 
cleanup() {
	local u
	for u in "$U" "$P"; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 > "/sys/bus/mdev/devices/$u/remove"
	done
	[ -e /sys/module/mtty ] || insmod "$TOP/samples/mtty.ko"
	udevadm control --exit 2>/dev/null
	[ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null && wait "$mon_pid" 2>/dev/null
	# udevd's workers may still be on their way out
	for i in 1 2 3 4 5 6 7 8 9 10; do udevd_running || break; sleep 0.5; done
}
trap cleanup EXIT

echo "1..$NTESTS"

# Writable, private copies of what udevd and mdevctl write to or read.
private_dir /etc/mdevctl.d
private_dir /etc/udev/rules.d

check "systemd-udevd starts (writable /run/udev)" udevd_start
udevadm monitor --kernel --udev --property > "$MON" 2>&1 &
mon_pid=$!
sleep 1

# --- uevents of a device created and removed through sysfs
echo "$U" > "$TYPES/mtty-2/create" && udevadm settle -t 60
echo 1 > "/sys/bus/mdev/devices/$U/remove" && udevadm settle -t 60
sleep 0.5
# blocks: the monitor's events, one paragraph each, headed "KERNEL add
# /devices/..." or "UDEV add /devices/..." (timestamps dropped).
blocks() { sed -E 's/^(KERNEL|UDEV) *\[[0-9.]+\]/\1/' "$MON"; }
# event ACTION WHO PROP...: an event of ACTION from WHO (KERNEL or UDEV)
# about the device $U, whose properties include every PROP.
event() {
	blocks | awk -v RS= -v a="$1" -v w="$2" -v u="$U" -v props="${*:3}" '
		$1 == w && $2 == a && index($3, u) {
			n = split(props, p, " "); ok = 1
			for (i = 1; i <= n; i++) if (index("\n" $0 "\n", "\n" p[i] "\n") == 0) ok = 0
			if (ok) found = 1
		}
		END { exit !found }'
}
blocks | grep -F "$U" | grep -E '^(KERNEL|UDEV)' | sed "s/$U/UUID/" | diag
# What Linux 6.1's mdev sends for a device (tests/install/uevent_oracle.sh):
# the driver core's add, bind (DRIVER=mtty), unbind and remove, with no
# MDEV_STATE or MDEV_TYPE of their own.
check "kernel add uevent of the mdev (SUBSYSTEM=mdev), and udev's" bash -c \
	"$(declare -f blocks event); U=$U MON=$MON; event add KERNEL SUBSYSTEM=mdev && event add UDEV SUBSYSTEM=mdev"
check "bind with DRIVER=mtty, from the kernel and from udev" bash -c \
	"$(declare -f blocks event); U=$U MON=$MON; event bind KERNEL DRIVER=mtty && event bind UDEV DRIVER=mtty"
check "unbind and remove, from the kernel and from udev" bash -c \
	"$(declare -f blocks event); U=$U MON=$MON; event unbind KERNEL SUBSYSTEM=mdev && event remove KERNEL SUBSYSTEM=mdev &&
	 event unbind UDEV SUBSYSTEM=mdev && event remove UDEV SUBSYSTEM=mdev"
check "no MDEV_STATE or MDEV_TYPE on the device's own uevents (as 6.1)" bash -c \
	"$(declare -f blocks); MON=$MON; ! blocks | awk -v RS= -v u=$U '\$1 == \"KERNEL\" && index(\$3, u)' | grep -E '^MDEV_(STATE|TYPE)='"

# --- mdevctl define --auto, then the parent module comes back
defined() {
	mdevctl define --auto --uuid "$P" --parent mtty --type mtty-2 &&
	grep -q '"auto"' "/etc/mdevctl.d/mtty/$P" && cat "/etc/mdevctl.d/mtty/$P"
}
check "mdevctl define --auto writes /etc/mdevctl.d/mtty/UUID" defined
reload() {
	rmmod mtty && udevadm settle -t 60 && insmod "$TOP/samples/mtty.ko" && udevadm settle -t 60
}
present() { [ -e "/sys/bus/mdev/devices/$P" ]; }

# Debian's own rule first: what an administrator gets out of the box.
reload
if present; then
	echo "stock 60-mdevctl.rules started the device" | diag
	echo 1 > "/sys/bus/mdev/devices/$P/remove"
else
	echo "stock 60-mdevctl.rules: device not started ($(ls /usr/sbin/mdevctl 2>&1))" | diag
fi
# The parent's own uevents, in order: "add", "change MDEV_STATE=...", ...
parent_events() {
	blocks | awk -v RS= '$1 == "KERNEL" && $3 == "/devices/virtual/mtty/mtty" {
		s = $2; if (match($0, /MDEV_STATE=[a-z]+/)) s = s " " substr($0, RSTART, RLENGTH)
		printf "%s; ", s }'
}
pe=$(parent_events)
check "the parent: change MDEV_STATE=unregistered, remove, add, change MDEV_STATE=registered" bash -c \
	"echo '$pe'; [[ '$pe' == *'change MDEV_STATE=unregistered; remove; add; change MDEV_STATE=registered; '* ]]"

sed 's|/usr/sbin/mdevctl|/usr/bin/mdevctl|g' /lib/udev/rules.d/60-mdevctl.rules > /etc/udev/rules.d/60-mdevctl.rules
udevadm control --reload
check "with the rule fixed: insmod mtty starts the --auto device" bash -c \
	"$(declare -f reload present wait_for); TOP=$TOP P=$P; reload && wait_for 60 present"
check "mdevctl list shows it, with its type" bash -c "mdevctl list | tee /dev/stderr | grep -q '^$P mtty mtty-2'"
stopped() {
	mdevctl stop -u "$P" && ! present && mdevctl undefine -u "$P" &&
	[ ! -e "/etc/mdevctl.d/mtty/$P" ]
}
check "mdevctl stop and undefine" stopped
check "udevd exits" udevd_exit 10
exit $failed
BODY
)
exec unshare -m --propagation private bash -c "$body"
