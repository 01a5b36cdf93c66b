#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds, once, the debug test kernel for make check-debug from Debian's
# linux-source-6.1: x86_64_defconfig + kvm_guest.config + debug.config
# (KASAN, lockdep, kmemleak, fault injection, 9p and virtio built in, no
# in-tree VFIO).  The tree lives outside the checkout, in
# $MDEVFW_CACHE/debug-kernel (default ~/.cache/mdevfw); the image is kept
# under a key made of the fragment, the source package version and the
# compiler, and reused while the key is the same.  ccache makes a rebuild
# after a small fragment change cheap.
#
#   build-kernel.sh            build if needed; print the image's path
#   build-kernel.sh --cached   print the image's path if it is built, else
#                              exit 1 (CI uses this to decide)
#   build-kernel.sh --kdir     print the build tree (KDIR for our modules)
#
# The build runs under nice -n 10 with -j${DEBUG_JOBS:-2}: the machine is
# shared.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAG=$HERE/debug.config
TARBALL=${DEBUG_KSRC:-/usr/src/linux-source-6.1.tar.xz}
CACHE=${MDEVFW_CACHE:-$HOME/.cache/mdevfw}/debug-kernel
SRC=$CACHE/src
OBJ=$CACHE/obj

die() { echo "build-kernel: $*" >&2; exit 2; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
[ -n "$srcver" ] || srcver=$(stat -c '%s %Y' "$TARBALL" 2>/dev/null || true)
key=$( { echo "$srcver"; cat "$FRAG"; gcc --version | head -n1; } | md5sum | cut -c1-12)
IMAGE=$CACHE/bzImage-$key

case "${1:-}" in
--cached)
	[ -s "$IMAGE" ] && [ -s "$OBJ/Module.symvers" ] && [ "$(cat "$CACHE/key" 2>/dev/null)" = "$key" ] ||
		exit 1
	echo "$IMAGE"; exit 0 ;;
--kdir)
	echo "$OBJ"; exit 0 ;;
"") ;;
*)	die "usage: $0 [--cached|--kdir]" ;;
esac

if [ -s "$IMAGE" ] && [ "$(cat "$CACHE/key" 2>/dev/null)" = "$key" ]; then
	echo "$IMAGE"
	exit 0
fi

[ -r "$TARBALL" ] || die "no $TARBALL: apt-get install linux-source-6.1 (tests/setup.sh)"
for t in gcc make flex bison bc ccache; do
	command -v $t >/dev/null || die "$t is not installed (tests/setup.sh)"
done
mkdir -p "$CACHE"
# one build at a time; a second caller waits, then finds the image
exec {lockfd}>>"$CACHE/lock"
flock "$lockfd"
if [ -s "$IMAGE" ] && [ "$(cat "$CACHE/key" 2>/dev/null)" = "$key" ]; then
	echo "$IMAGE"
	exit 0
fi

t0=$SECONDS
if [ "$(cat "$SRC/.mdevfw-srcver" 2>/dev/null)" != "$srcver" ]; then
	echo "build-kernel: unpacking $TARBALL" >&2
	rm -rf "$SRC" "$OBJ"
	mkdir -p "$SRC"
	tar -xf "$TARBALL" -C "$SRC" --strip-components=1
	echo "$srcver" > "$SRC/.mdevfw-srcver"
fi

mkdir -p "$OBJ"
echo "build-kernel: configuring $OBJ" >&2
(cd "$SRC" && KCONFIG_CONFIG="$OBJ/.config" scripts/kconfig/merge_config.sh -m -O "$OBJ" \
	arch/x86/configs/x86_64_defconfig kernel/configs/kvm_guest.config "$FRAG" >/dev/null)
make -s -C "$SRC" O="$OBJ" olddefconfig >/dev/null
"$HERE/check-config" "$FRAG" "$OBJ/.config" >&2

echo "build-kernel: building (nice -n 10, -j${DEBUG_JOBS:-2}, ccache); log in $CACHE/build.log" >&2
# a fixed user/host/timestamp keep init/version.o a ccache hit too
if ! nice -n 10 make -C "$SRC" O="$OBJ" -j"${DEBUG_JOBS:-2}" CC="ccache gcc" \
	KBUILD_BUILD_USER=mdevfw KBUILD_BUILD_HOST=debug \
	KBUILD_BUILD_TIMESTAMP="$srcver" >"$CACHE/build.log" 2>&1; then
	tail -n 30 "$CACHE/build.log" >&2
	die "kernel build failed (whole log: $CACHE/build.log)"
fi
cp "$OBJ/arch/x86/boot/bzImage" "$IMAGE.tmp"
mv "$IMAGE.tmp" "$IMAGE"
echo "$key" > "$CACHE/key"
echo "$((SECONDS - t0)) s, $(date -u '+%F %R') UTC, key $key" > "$CACHE/build-time"
find "$CACHE" -maxdepth 1 -name 'bzImage-*' ! -name "${IMAGE##*/}" -delete
echo "build-kernel: built in $((SECONDS - t0)) s: $IMAGE" >&2
echo "$IMAGE"
