#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make install, then modprobe: the modules that load are ours, not the
# in-tree ones of the same names; make uninstall brings the in-tree ones
# back (Documentation/install.rst).
#
# By default (cheap, in the default suite) the install goes to a staging
# root, make install INSTALL_MOD_PATH=$TEST_TMP/root, that holds a copy of
# the kernel's modules.builtin*, modules.order and in-tree vfio/mdev
# modules, and modprobe -d / modinfo -b look there.  With --system
# (tests/install/install_system.sh, make check-install) it is the real
# thing: an overlayfs over /lib/modules/$(uname -r) in a private mount
# namespace, a plain make install, depmod over all 4000 modules (minutes
# under TCG), plain modprobe.  Either way nothing reaches the host.
#
# The runner has loaded our modules from the checkout: they are unloaded
# first, modprobe loads the installed copies, and everything is unloaded
# again at the end.
# runner-timeout: 300
set -u

KVER=$(uname -r)
# The debug kernel (make check-debug) is not installed on this machine:
# there is no /lib/modules tree of its own to install into.
if [ ! -d "/lib/modules/$KVER/kernel" ]; then
	printf '1..1\nok 1 - install # SKIP no /lib/modules/%s here (debug kernel?)\n' "$KVER"
	exit 0
fi
TOP=${TOP:-$(pwd)}
TEST_TMP=${TEST_TMP:-$(mktemp -d)}
MODE=staged
[ "${1:-}" = --system ] && MODE=system
export KVER TOP TEST_TMP MODE

# The body runs in a private mount namespace, as bash -c: its stdin stays
# the runner's /dev/null.
body=$(cat <<'BODY'
set -u
n=0 failed=0 t0=$SECONDS
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
check() {
	local name=$1 out t=$SECONDS
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; fi
	[ -n "$out" ] && tail -n 20 <<< "$out" | diag
	echo "# ($((SECONDS - t)) s)"
	return 0
}

# Where the modules tree is: ROOT for modprobe -d / modinfo -b / make.
if [ "$MODE" = system ]; then
	ROOT=/ MP=() MAKEROOT=()
else
	ROOT=$TEST_TMP/root MP=(-d "$TEST_TMP/root") MAKEROOT=(INSTALL_MOD_PATH="$TEST_TMP/root")
fi
LIB=${ROOT%/}/lib/modules/$KVER
DIR=$LIB/updates/mdevfw
INTREE=kernel/drivers/vfio

unload_all() {
	local ko m mods=()
	while read -r ko; do
		ko=${ko%%#*}; ko=$(echo $ko)
		[ -n "$ko" ] && mods=("$ko" "${mods[@]}")
	done < "$TOP/tests/modules.load"
	for ko in "${mods[@]}" mdpy-fb mbochs mdpy mtty gvt_stub mdev vfio_iommu_type1 vfio_virqfd vfio; do
		m=${ko##*/}; m=${m%.ko}; m=${m//-/_}
		[ -e "/sys/module/$m/initstate" ] && rmmod "$m"
	done
	! grep -qE '^(vfio|mdev|mtty) ' /proc/modules
}

# same_build MODULE KO: the loaded module is this very file (its GNU
# build-id note, as the kernel shows it, equals the file's), and out of tree.
same_build() {
	local m=$1 ko=$2 f=$TEST_TMP/bid
	objcopy -O binary --only-section=.note.gnu.build-id "$ko" "$f" || return 1
	cmp -s "/sys/module/$m/notes/.note.gnu.build-id" "$f" ||
		{ echo "$m: build-id differs from $ko"; return 1; }
	grep -q O "/sys/module/$m/taint" || { echo "$m: no O (out-of-tree) taint"; return 1; }
}

# modpath NAME: the file modprobe would load (modinfo -b / says "//lib").
modpath() { modinfo -b "$ROOT" -n "$1" | sed 's|^//*|/|'; }

# ours MODULE...: each is loaded, resolves to updates/mdevfw and is our build.
ours() {
	local p m
	for p in "$@"; do
		m=${p##*/}
		[ -e "/sys/module/$m" ] || { echo "$m not loaded"; return 1; }
		[ "$(modpath "$m")" = "$DIR/$p.ko" ] ||
			{ echo "modinfo -n $m: $(modpath "$m"), not $DIR/$p.ko"; return 1; }
		same_build "$m" "$TOP/$p.ko" || return 1
	done
	echo "loaded: $(cut -d' ' -f1 /proc/modules | grep -E '^(vfio|mdev|mtty)' | tr '\n' ' ')"
}

mtty_works() {
	local u
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create &&
	[ -e "/sys/bus/mdev/devices/$u/iommu_group" ] &&
	echo 1 > "/sys/bus/mdev/devices/$u/remove"
}

in_tree_back() {
	local m p
	for m in mdev/mdev vfio vfio_iommu_type1; do
		p=$(modpath "${m##*/}") && echo "${m##*/}: $p" &&
		[ "$p" = "$LIB/$INTREE/$m.ko" ] || return 1
	done
	! modinfo -b "$ROOT" mtty >/dev/null 2>&1 && [ ! -e "$DIR" ]
}

setup_root() {
	if [ "$MODE" = system ]; then
		mkdir -p "$TEST_TMP/ov/upper" "$TEST_TMP/ov/work" &&
		mount -t overlay -o "lowerdir=$LIB,upperdir=$TEST_TMP/ov/upper,workdir=$TEST_TMP/ov/work" \
			overlay "$LIB"
	else
		# what depmod needs to know the kernel, and the in-tree twins
		mkdir -p "$LIB/$INTREE" &&
		cp /lib/modules/"$KVER"/modules.{builtin,builtin.modinfo,order} "$LIB/" &&
		cp -a /lib/modules/"$KVER"/$INTREE/. "$LIB/$INTREE/" &&
		depmod -b "$ROOT" "$KVER" && modinfo -b "$ROOT" -n mdev
	fi
}

echo "1..10"
echo "# mode: $MODE"
check "unload the modules the runner loaded" unload_all
check "a writable modules tree ($MODE) at $LIB" setup_root
check "make install ${MAKEROOT[*]} (updates/mdevfw, then depmod)" \
	make -s -C "$TOP" install KVER="$KVER" "${MAKEROOT[@]}"
check "modules.dep maps mdev and mtty to updates/mdevfw" bash -c \
	"grep -q '^updates/mdevfw/mdev/mdev.ko:' $LIB/modules.dep &&
	 grep -q '^updates/mdevfw/samples/mtty.ko: .*updates/mdevfw/mdev/mdev.ko' $LIB/modules.dep"
check "modprobe mdev loads ours, not the in-tree one" bash -c \
	"modprobe ${MP[*]} mdev && $(declare -f modpath ours same_build); ROOT=$ROOT DIR=$DIR ours mdev/mdev"
check "modprobe mtty vfio_iommu_type1: ours, and their dependencies" bash -c \
	"modprobe ${MP[*]} -a mtty vfio_iommu_type1 && $(declare -f modpath ours same_build);
	 ROOT=$ROOT DIR=$DIR ours core/vfio core/vfio_iommu_type1 mdev/mdev samples/mtty"
check "the modprobed mtty creates and removes an mdev" mtty_works
check "modprobe -r unloads the stack" bash -c \
	"modprobe ${MP[*]} -r mtty vfio_iommu_type1 mdev vfio; ! grep -qE '^(vfio|mdev|mtty) ' /proc/modules"
check "make uninstall ${MAKEROOT[*]}" make -s -C "$TOP" uninstall KVER="$KVER" "${MAKEROOT[@]}"
check "after uninstall the in-tree modules are found again" in_tree_back
unload_all >/dev/null 2>&1
echo "# total $((SECONDS - t0)) s"
exit $failed
BODY
)
exec unshare -m --propagation private bash -c "$body"
