#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/arm64/prepare.sh: prepare an arm64 kernel tree to build our modules
# against, and the pieces of a Debian arm64 system to test them in.
#
# One tree serves both jobs: Debian's linux-source-6.1 (the target's own
# patched source) configured with Debian's arm64 config (it has ARM_AMBA,
# OF and FSL_MC_BUS, so every backend builds), Debian's Module.symvers and
# KERNELRELEASE, so the modules load into Debian's arm64 kernel: vermagic
# and the MODVERSIONS CRCs match.
#
# Everything lives in $ARM64_CACHE (~/.cache/mdevfw/arm64), outside the
# checkout; a second run finds the stamp and costs a few checks.  Prints the
# tree's path on its last line.  Needs root only the first time (apt-get).

set -euo pipefail

CACHE=${ARM64_CACHE:-$HOME/.cache/mdevfw/arm64}
# The ABI of the x86 target (the newest 6.1.0-N-amd64 here) names the arm64 one.
if [ -z "${KABI:-}" ]; then
	KABI=$(ls -1d /lib/modules/6.1.0-*-amd64/build 2>/dev/null | sort -V | tail -n1)
	KABI=${KABI#/lib/modules/}
	KABI=${KABI%-amd64/build}
fi
[ -n "$KABI" ] || { echo "prepare: no 6.1.0-N-amd64 target installed (tests/setup.sh)" >&2; exit 1; }
KREL=$KABI-arm64
TREE=$CACHE/linux-$KREL
STAMP=$TREE/.mdevfw-prepared
CROSS=aarch64-linux-gnu-
NICE="nice -n 5"

log() { echo "arm64-prepare: $*" >&2; }

if [ -f "$STAMP" ] && [ -f "$CACHE/debs/$KREL.ok" ]; then
	echo "$TREE"
	exit 0
fi
start=$(date +%s)

# Host tools: the cross compiler, QEMU, the source, what kbuild needs.
need=
for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm \
	 linux-source-6.1 flex bison bc libssl-dev libelf-dev cpio rsync; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		need="$need $p"
done
if [ -n "$need" ]; then
	log "installing$need"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need
fi

# Debian's arm64 kernel, its headers (config, Module.symvers) and busybox,
# downloaded and unpacked, never installed.
mkdir -p "$CACHE/debs"
if [ ! -f "$CACHE/debs/$KREL.ok" ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding the arm64 architecture to dpkg"
		dpkg --add-architecture arm64
	fi
	apt-get update -q
	rm -rf "$CACHE/debs/"*.deb "$CACHE/deb-root"
	(cd "$CACHE/debs" && apt-get download -q "linux-image-$KREL:arm64" \
		"linux-headers-$KREL:arm64" busybox-static:arm64)
	mkdir -p "$CACHE/deb-root"
	for d in "$CACHE/debs/"*.deb; do
		dpkg-deb -x "$d" "$CACHE/deb-root"
	done
	touch "$CACHE/debs/$KREL.ok"
fi
DEBHDR=$CACHE/deb-root/usr/src/linux-headers-$KREL
[ -f "$DEBHDR/.config" ] && [ -f "$DEBHDR/Module.symvers" ] ||
	{ echo "prepare: $DEBHDR lacks .config or Module.symvers" >&2; exit 1; }

# The source, unpacked once.
src=/usr/src/linux-source-6.1.tar.xz
rm -rf "$TREE.tmp"
mkdir -p "$TREE.tmp"
log "unpacking $src"
tar -xf "$src" -C "$TREE.tmp" --strip-components=1
rm -rf "$TREE"
mv "$TREE.tmp" "$TREE"

cp "$DEBHDR/.config" "$TREE/.config"
# Debug info only slows our builds down; no signing keys or BTF (that needs
# vmlinux).  None of these changes a symbol's CRC.
"$TREE/scripts/config" --file "$TREE/.config" \
	--disable DEBUG_INFO --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--enable DEBUG_INFO_NONE --disable DEBUG_INFO_BTF \
	--disable MODULE_SIG_ALL --set-str SYSTEM_TRUSTED_KEYS "" \
	--set-str MODULE_SIG_KEY "" --set-str LOCALVERSION ""
kmake() {
	$NICE make -C "$TREE" -s ARCH=arm64 CROSS_COMPILE=$CROSS \
		KERNELRELEASE="$KREL" -j2 "$@"
}
kmake olddefconfig
for c in ARM_AMBA OF FSL_MC_BUS MODVERSIONS; do
	grep -qx "CONFIG_$c=y" "$TREE/.config" ||
		{ echo "prepare: Debian's arm64 config lacks CONFIG_$c" >&2; exit 1; }
done
log "modules_prepare"
kmake modules_prepare
echo "$KREL" > "$TREE/include/config/kernel.release"
grep -q "\"$KREL\"" "$TREE/include/generated/utsrelease.h" ||
	{ echo "prepare: utsrelease.h does not say $KREL" >&2; exit 1; }
cp "$DEBHDR/Module.symvers" "$TREE/Module.symvers"
touch "$STAMP"
log "prepared $TREE in $(( $(date +%s) - start )) s"
echo "$TREE"
