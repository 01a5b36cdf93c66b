# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared by tests/vm/run, tests/vm/selftest and make demo: find the target
# kernel, build (and cache) the initramfs, pick the accelerator, boot QEMU.
# The guest sees the host's root read-only over 9p and one writable 9p
# share ($VM_SHARE, mounted at /run/mdevfw in the guest).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${TOP:-$(cd "$VM_DIR/../.." && pwd)}
VM_CACHE=${VM_CACHE:-$TOP/build/vm}

# In load order; each needs the ones before it.  Set but empty: the kernel
# has them built in (the debug kernel of tests/debug/check).
VM_INITRD_MODULES=${VM_INITRD_MODULES-"virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
	virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"}

vm_die() { echo "vm: $*" >&2; exit 2; }

# Sets VM_KVER and VM_KERNEL: the newest Debian 12 (6.1) kernel image,
# unless the caller named another (VM_KERNEL, and VM_KVER if its file name
# is not /boot/vmlinuz-VERSION).
vm_find_kernel() {
	VM_KERNEL=${VM_KERNEL:-$(ls -1 /boot/vmlinuz-6.1.0-*-amd64 2>/dev/null | sort -V | tail -n1)}
	[ -n "$VM_KERNEL" ] && [ -r "$VM_KERNEL" ] ||
		vm_die "no /boot/vmlinuz-6.1.0-*-amd64: run tests/setup.sh"
	VM_KVER=${VM_KVER:-${VM_KERNEL#/boot/vmlinuz-}}
	[ -z "$VM_INITRD_MODULES" ] || [ -d "/lib/modules/$VM_KVER/kernel" ] ||
		vm_die "no /lib/modules/$VM_KVER"
}

# Sets VM_INITRD, building it only when its inputs changed.
vm_build_initramfs() {
	local mods=() m f key tmp bb
	bb=$(command -v busybox) || vm_die "busybox-static is not installed"
	for m in $VM_INITRD_MODULES; do
		f=$(find "/lib/modules/$VM_KVER/kernel" -name "$m.ko" -print -quit)
		[ -n "$f" ] || vm_die "module $m.ko not found for $VM_KVER"
		mods+=("$f")
	done
	key=$( { echo "$VM_KVER $VM_INITRD_MODULES"; cat "$VM_DIR/init";
		 stat -c '%n %s %Y' "$bb" "${mods[@]}"; } | md5sum | cut -c1-12)
	VM_INITRD=$VM_CACHE/initramfs-$VM_KVER-$key.cpio.gz
	[ -s "$VM_INITRD" ] && return 0

	mkdir -p "$VM_CACHE"
	tmp=$(mktemp -d "$VM_CACHE/initramfs.XXXXXX")
	mkdir -p "$tmp"/{bin,dev,proc,sys,modules,newroot}
	cp "$bb" "$tmp/bin/busybox"
	cp "$VM_DIR/init" "$tmp/init"
	for f in "${mods[@]}"; do cp "$f" "$tmp/modules/"; done
	echo $VM_INITRD_MODULES > "$tmp/modules.list"
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp.cpio.gz" ||
		vm_die "cannot build the initramfs"
	# rename() is atomic: a concurrent run sees the whole file or none
	mv "$tmp.cpio.gz" "$VM_INITRD"
	rm -rf "$tmp"
	# drop stale images of older inputs
	find "$VM_CACHE" -maxdepth 1 -name "initramfs-$VM_KVER-*.cpio.gz" \
		! -name "${VM_INITRD##*/}" -delete 2>/dev/null
	return 0
}

VM_APPEND="console=ttyS0 rdinit=/init panic=-1 quiet loglevel=4 log_buf_len=8M mitigations=off rcupdate.rcu_cpu_stall_timeout=60"

# A VT-d IOMMU with interrupt remapping (iommu=pt keeps the virtio devices
# in an identity domain, so 9p stays fast) and QEMU's emulated PCI devices
# for the vfio-pci tests (tests/pci/): edu, pci-testdev, e1000e, and an
# nvme behind a root port (a slot to hot reset; x-speed=5 because the
# kernel's link-training wait after a bus reset times out on QEMU's default
# 16 GT/s port).  No guest driver binds them: the guest has no udev.
# (Under KVM, intremap would need kernel-irqchip=split, which breaks the
# IO-APIC timer under TCG; QEMU refuses the KVM probe boot and the runner
# falls back to TCG.)  VM_PCI=0 leaves all of it out.
VM_PCI_DEVICES=()
if [ "${VM_PCI:-1}" != 0 ]; then
	# no_timer_check: with interrupt remapping a failed boot check of the
	# IO-APIC timer panics instead of falling back; a TCG guest on a busy
	# host could fail it.
	VM_APPEND="$VM_APPEND intel_iommu=on iommu=pt no_timer_check"
	VM_PCI_DEVICES=(-device intel-iommu,intremap=on,caching-mode=on
		-device edu -device pci-testdev
		-netdev user,id=n0,restrict=on -device e1000e,netdev=n0
		-blockdev null-co,node-name=nvm0,size=67108864
		-device pcie-root-port,id=rp0,chassis=1,x-speed=5
		-device nvme,drive=nvm0,serial=mdevfw0,bus=rp0)
fi

# qemu command line without accelerator: vm_qemu_cmd SHARE SERIAL_LOG GUEST_SCRIPT
# The checkout is shared once more on its own: the guest puts tmpfs over
# /tmp, /root, ..., where a CI clone may well live.
# (a longer RCU stall timeout: a TCG guest on a busy host is slow, and a
# spurious "INFO: rcu_sched self-detected stall" would fail a test)
vm_qemu_cmd() {
	local share=$1 log=$2 script=$3
	VM_CMD=(qemu-system-x86_64 -machine q35 -smp 2 -m "${VM_MEM:-3G}" -cpu max
		-nographic -monitor none -serial "file:$log" -no-reboot -nic none
		"${VM_PCI_DEVICES[@]}"
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD"
		-fsdev "local,id=root,path=/,readonly=on,security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=root,mount_tag=root
		-fsdev "local,id=results,path=$share,security_model=none"
		-device virtio-9p-pci,fsdev=results,mount_tag=results
		-fsdev "local,id=top,path=$TOP,readonly=on,security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=top,mount_tag=top
		-append "$VM_APPEND mdevfw.top=$TOP mdevfw.run=$script")
}

# Sets VM_ACCEL.  KVM is used only when a probe boot through it powers off
# cleanly (on some hosts QEMU asserts on an MSR under KVM); the verdict is
# cached per kernel and QEMU version.  VM_ACCEL=tcg|kvm forces one.
vm_pick_accel() {
	local tcg="-accel tcg,thread=multi" cache share log qv
	if [ -n "${VM_ACCEL:-}" ]; then
		case "$VM_ACCEL" in
		kvm) VM_ACCEL="-accel kvm" ;;
		tcg) VM_ACCEL=$tcg ;;
		esac
		return 0
	fi
	VM_ACCEL=$tcg
	[ -w /dev/kvm ] || return 0
	qv=$(qemu-system-x86_64 --version | head -n1 | md5sum | cut -c1-8)
	cache=$VM_CACHE/accel-$VM_KVER-$qv
	if [ ! -s "$cache" ]; then
		share=$(mktemp -d "${TMPDIR:-/tmp}/mdevfw-probe.XXXXXX")
		log=$share.log
		vm_qemu_cmd "$share" "$log" /bin/true
		# inside bash -c so that QEMU's abort is not reported on our stderr
		if bash -c '"$@" </dev/null >/dev/null 2>&1; exit $?' _ \
			timeout 30 "${VM_CMD[@]}" -accel kvm 2>/dev/null &&
		   grep -q "guest: powering off" "$log"; then
			echo kvm > "$cache"
		else
			echo tcg > "$cache"
		fi
		rm -rf "$share" "$log"
	fi
	[ "$(cat "$cache")" = kvm ] && VM_ACCEL="-accel kvm"
	return 0
}

# One test VM at a time on this machine: TCG guests on a small host only
# slow each other down (and trip timeouts).  The wait is bounded
# (VM_LOCK_WAIT seconds, default 300) so a queue never stalls a run for
# long; VM_NO_LOCK=1 skips it.
vm_lock() {
	local lock=${VM_LOCK:-/tmp/mdevfw-vm.lock} t0=$SECONDS
	[ -n "${VM_NO_LOCK:-}" ] && return 0
	exec {VM_LOCK_FD}>>"$lock"
	flock -n "$VM_LOCK_FD" && return 0
	echo "vm: another run is using the test VM; waiting up to ${VM_LOCK_WAIT:-300} s ($lock)"
	if flock -w "${VM_LOCK_WAIT:-300}" "$VM_LOCK_FD"; then
		echo "vm: waited $((SECONDS - t0)) s"
	else
		echo "vm: still busy; running alongside it"
	fi
}

vm_prepare() {
	vm_lock
	vm_find_kernel
	vm_build_initramfs
	vm_pick_accel
}

# vm_start SHARE SERIAL_LOG GUEST_SCRIPT: starts QEMU in the background,
# sets VM_PID.
vm_start() {
	vm_qemu_cmd "$@"
	# shellcheck disable=SC2086
	"${VM_CMD[@]}" $VM_ACCEL </dev/null >"$2.qemu" 2>&1 &
	VM_PID=$!
}

vm_kill() {
	[ -n "${VM_PID:-}" ] || return 0
	kill "$VM_PID" 2>/dev/null
	sleep 0.5
	kill -9 "$VM_PID" 2>/dev/null
	wait "$VM_PID" 2>/dev/null
	VM_PID=
}
