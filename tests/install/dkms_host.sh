#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# DKMS round trip on the host, without touching the host's /var/lib/dkms,
# /usr/src or /lib/modules (make dkms-check; Documentation/install.rst):
# the source comes from the mdevfw-dkms package (make dkms-deb), and every
# dkms tree is redirected into build/dkms.  Builds the whole tree once
# (a few minutes on two cores).  Loads nothing.  Prints TAP.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KVER=${KVER:-6.1.0-56-amd64}
T=$TOP/build/dkms
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
DEB=$TOP/build/deb/mdevfw-dkms_${VER}_all.deb
# dkms signs with a MOK it generates when missing: keep that one here too.
export mok_signing_key=$T/mok.key mok_certificate=$T/mok.pub
DKMS=(dkms --dkmstree "$T/tree" --sourcetree "$T/root/usr/src" --installtree "$T/lib"
      -m mdevfw -v "$VER" -k "$KVER" --kernelsourcedir "/lib/modules/$KVER/build")
MODULES=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\([^"]*\)".*/\1/p' "$TOP/dkms.conf")

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; fi
	[ -n "$out" ] && tail -n 15 <<< "$out" | diag
	return 0
}

echo "1..8"
rm -rf "$T" && mkdir -p "$T/tree" "$T/lib/$KVER/kernel/drivers/vfio"
# The in-tree vfio.ko and vfio_virqfd.ko in the redirected tree, so that
# dkms's version check meets the modules we replace (same versions: 0.3, 0.1).
cp "/lib/modules/$KVER/kernel/drivers/vfio/"{vfio,vfio_virqfd}.ko "$T/lib/$KVER/kernel/drivers/vfio/"
check "dpkg-deb -x the mdevfw-dkms package" dpkg-deb -x "$DEB" "$T/root"
check "dkms add" "${DKMS[@]}" add
check "dkms build -k $KVER" "${DKMS[@]}" build
# Without the override dkms skips vfio.ko and vfio_virqfd.ko, says so, and
# still succeeds: the in-tree core would then meet our mdev.  The
# mdevfw-dkms package lists mdevfw in modules_to_force_install for that.
skipped() {
	"${DKMS[@]}" install --no-depmod &&
	[ ! -e "$T/lib/$KVER/updates/dkms/vfio.ko" ] && [ ! -e "$T/lib/$KVER/updates/dkms/vfio_virqfd.ko" ] &&
	[ -e "$T/lib/$KVER/updates/dkms/mdev.ko" ] && "${DKMS[@]}" uninstall --no-depmod
}
check "plain dkms install skips vfio, vfio_virqfd (same version in-tree)" skipped
check "dkms install --force-version-override" "${DKMS[@]}" install --no-depmod --force-version-override
installed() {
	local m
	for m in $MODULES; do
		[ -f "$T/lib/$KVER/updates/dkms/$m.ko" ] || { echo "missing $m.ko"; return 1; }
		modinfo -F vermagic "$T/lib/$KVER/updates/dkms/$m.ko" | grep -q "^$KVER " ||
			{ echo "$m.ko: wrong vermagic"; return 1; }
	done
	ls "$T/lib/$KVER/updates/dkms"
}
check "every dkms.conf module is in updates/dkms, built for $KVER" installed
check "dkms status says installed" bash -c '"$@" status | tee /dev/stderr | grep -q "installed"' _ \
	dkms --dkmstree "$T/tree" --sourcetree "$T/root/usr/src" --installtree "$T/lib"
check "dkms remove --all empties updates/dkms" bash -c \
	'"$@" remove --all --no-depmod && ! ls "$0"/*.ko 2>/dev/null' "$T/lib/$KVER/updates/dkms" \
	dkms --dkmstree "$T/tree" --sourcetree "$T/root/usr/src" --installtree "$T/lib" -m mdevfw -v "$VER"
exit $failed
