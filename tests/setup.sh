#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/setup.sh: install what building and testing need on Debian 12.
# Fast and silent when everything is there (one dpkg-query); otherwise
# apt-get update + install of the missing packages only.  Run as root (or
# through sudo) on a fresh machine; DEBIAN_FRONTEND=noninteractive is set.

set -euo pipefail

# Everything the build, the runner and the tests use, one list.
PACKAGES="
	linux-image-amd64 linux-headers-amd64
	make gcc libc6-dev sparse
	qemu-system-x86 busybox-static kmod cpio gzip util-linux coreutils findutils
	mdevctl python3
	libdrm-dev edid-decode
	python3-sphinx python3-sphinx-rtd-theme
	dkms libvirt-daemon libvirt-clients
"

install() {
	local sudo=
	echo "setup: installing $*"
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "setup: run as root to install $*" >&2; exit 1; }
		sudo="sudo -n"
	fi
	$sudo apt-get update -q
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
export DEBIAN_FRONTEND=noninteractive

# One dpkg-query for all: it prints a line for each package it knows.
# shellcheck disable=SC2086
installed=" $(dpkg-query -W -f='${Package}=${Status}\n' $PACKAGES 2>/dev/null |
	sed -n 's/=install ok installed$//p' | tr '\n' ' ') "
missing=()
for p in $PACKAGES; do
	[[ $installed == *" $p "* ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || install "${missing[@]}"

# The target is the newest Debian 12 (6.1) kernel: its image, headers and
# modules must all be there, whatever kernel this machine runs.
kernel=$(ls -1 /boot/vmlinuz-6.1.0-*-amd64 2>/dev/null | sort -V | tail -n1)
[ -n "$kernel" ] || { echo "setup: no /boot/vmlinuz-6.1.0-*-amd64 after installing linux-image-amd64" >&2; exit 1; }
kver=${kernel#/boot/vmlinuz-}
[ -d "/lib/modules/$kver/build" ] || install "linux-headers-$kver"
[ -r "$kernel" ] || { echo "setup: $kernel is not readable (QEMU boots it)" >&2; exit 1; }
exit 0
