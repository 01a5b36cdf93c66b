#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the test VM (tests/vm/run --exec, see `make bench`) with our
# modules loaded.  Benchmarks the distribution's in-tree Linux 6.1 stack
# first, then ours, in the same boot, and leaves ours loaded for the runner.
#
# Needs build/bench/vfio_bench, build/bench-intree/{mtty,mdpy,mdev_testparent}.ko
# (built against the in-tree headers) and ours.
#
# Knobs, from make's environment through build/bench/env (see Makefile):
# BENCH_ROUNDS (turns of each stack, default 2), BENCH_SIZES (existing-device
# counts for the creation-scaling figures, default "10 100 1000 10000"), and
# vfio_bench's own BENCH_REPS, BENCH_SCALE, BENCH_MEM_DEVICES, BENCH_DMA_MAX,
# BENCH_FILL_LIMIT.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -r "$TOP/build/bench/env" ]; then
	set -a
	# shellcheck source=/dev/null
	. "$TOP/build/bench/env"
	set +a
	sed 's/^/# knob: /' "$TOP/build/bench/env"
fi
OUT=/run/mdevfw/artifacts
[ -d /run/mdevfw ] || OUT=${TEST_TMP:-/tmp}/artifacts
mkdir -p "$OUT"
BIN=$TOP/build/bench/vfio_bench
SIZES=${BENCH_SIZES:-10 100 1000 10000}
# mtty-1 takes one port: room for the largest size (or the memory figure's
# device count) plus the one card the scaling figure creates on top.
PORTS=$(printf '%s\n' $SIZES "${BENCH_MEM_DEVICES:-1000}" 24 | sort -n | tail -n1)
PORTS=$((PORTS + 1))
rc=0
fail=

ours=$(sed -e 's|.*/||' -e 's|\.ko$||' "$TOP/tests/modules.load" | tac)

unload_ours() {
	for pass in 1 2 3; do
		for m in $ours; do
			[ -d "/sys/module/$m" ] && rmmod "$m" 2>/dev/null
		done
	done
	for m in $ours; do
		[ -d "/sys/module/$m" ] && { echo "# cannot unload our $m"; return 1; }
	done
	return 0
}

load_ours() {
	local m
	for m in core/vfio.ko core/vfio_virqfd.ko core/vfio_iommu_type1.ko mdev/mdev.ko; do
		insmod "$TOP/$m" || { echo "# insmod $m failed"; return 1; }
	done
	insmod "$TOP/samples/mtty.ko" ports=$PORTS || { echo "# insmod samples/mtty.ko failed"; return 1; }
	insmod "$TOP/samples/mdpy.ko" || echo "# insmod samples/mdpy.ko failed"
	insmod "$TOP/tests/kmod/mdev_testparent.ko" ||
		echo "# insmod tests/kmod/mdev_testparent.ko failed"
}

load_intree() {
	local m
	for m in vfio vfio_virqfd vfio_iommu_type1 mdev; do
		modprobe "$m" || { echo "# modprobe $m failed"; return 1; }
	done
	insmod "$TOP/build/bench-intree/mtty.ko" ports=$PORTS ||
		{ echo "# insmod build/bench-intree/mtty.ko failed"; return 1; }
	insmod "$TOP/build/bench-intree/mdpy.ko" ||
		echo "# insmod build/bench-intree/mdpy.ko failed"
	insmod "$TOP/build/bench-intree/mdev_testparent.ko" ||
		echo "# insmod build/bench-intree/mdev_testparent.ko failed"
}

unload_intree() {
	rmmod mdev_testparent mdpy mtty mdev vfio_iommu_type1 vfio_virqfd vfio 2>/dev/null
	for m in mdev_testparent mdpy mtty mdev vfio_iommu_type1 vfio_virqfd vfio; do
		[ -d "/sys/module/$m" ] && { echo "# cannot unload in-tree $m"; return 1; }
	done
	return 0
}

# Which vfio is live: the in-tree module's srcversion or another one.
origin() {
	local live tree
	live=$(cat /sys/module/vfio/srcversion 2>/dev/null)
	tree=$(modinfo -F srcversion vfio 2>/dev/null)
	if [ -n "$live" ] && [ "$live" = "$tree" ]; then
		echo "# vfio live is the in-tree module (srcversion $live)"
	else
		echo "# vfio live is not the in-tree module (srcversion ${live:-none}, in-tree $tree)"
	fi
	lsmod | grep -E '^(vfio|mdev|mtty|mdpy)' | sed 's/^/#   /'
}

# What the run cost, for the record (the 10,000-device point dominates).
T0=$(date +%s)
elapsed() { echo "# $1 at $(( $(date +%s) - T0 )) s"; }

echo "1..2"
unload_ours || exit 1

# The stacks take turns, ROUNDS times each, so that a change in the load
# of the (shared, emulating) host hits both alike; report.py pools rounds.
ROUNDS=${BENCH_ROUNDS:-2}
: > "$OUT/bench-intree.txt"
: > "$OUT/bench-ours.txt"
for round in $(seq "$ROUNDS"); do
	if load_intree; then
		[ "$round" = 1 ] && origin
		"$BIN" $SIZES >> "$OUT/bench-intree.txt" || fail="$fail intree$round"
		elapsed "in-tree round $round done"
	else
		fail="$fail intree$round(load)"
	fi
	unload_intree || { echo "not ok 1 - in-tree stack stuck"; exit 1; }
	if load_ours; then
		[ "$round" = 1 ] && origin
		"$BIN" $SIZES >> "$OUT/bench-ours.txt" || fail="$fail ours$round"
		elapsed "our round $round done"
	else
		fail="$fail ours$round(load)"
		break
	fi
	# Our stack stays loaded after the last round for the runner to unload.
	[ "$round" = "$ROUNDS" ] || unload_ours || exit 1
done
case "$fail" in
*intree*) echo "not ok 1 - bench on the in-tree stack #$fail"; rc=1 ;;
*) echo "ok 1 - bench on the in-tree stack" ;;
esac
case "$fail" in
*ours*) echo "not ok 2 - bench on our stack #$fail"; rc=1 ;;
*) echo "ok 2 - bench on our stack" ;;
esac
cut -d' ' -f1-6 "$OUT/bench-intree.txt" | sed 's/^/# intree: /'
cut -d' ' -f1-6 "$OUT/bench-ours.txt" | sed 's/^/# ours: /'
# Our stack stays loaded: the runner unloads it and checks it goes.

python3 "$TOP/tests/bench/report.py" "$OUT/bench-intree.txt" "$OUT/bench-ours.txt" \
	"$OUT/bench.json" | sed 's/^/# /'
exit $rc
