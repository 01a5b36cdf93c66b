#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the test VM (tests/vm/run --exec tests/bench/trace.sh) with our
# modules loaded: one vfio_bench figure under ftrace's function_graph
# tracer, on the in-tree stack and then on ours, to see where a difference
# between them comes from.  Not part of make bench.
#
# Read from build/bench/env (the host's environment does not reach the
# guest): BENCH_TRACE_FIGURE, the figure (a vfio_bench name prefix, default
# device_fd_open_close); BENCH_TRACE_FUNCS, set_graph_function globs
# (default the group ioctl and device fd release paths of both stacks).
# Writes trace-intree.txt and trace-ours.txt to the artifacts, and prints
# the time spent per graph function and per call of its children.
set -u -f	# no pathname expansion: FUNCS holds globs for ftrace
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -r "$TOP/build/bench/env" ] && { set -a; . "$TOP/build/bench/env"; set +a; }
OUT=/run/mdevfw/artifacts
[ -d /run/mdevfw ] || OUT=${TEST_TMP:-/tmp}/artifacts
mkdir -p "$OUT"
FIG=${BENCH_TRACE_FIGURE:-device_fd_open_close}
FUNCS=${BENCH_TRACE_FUNCS:-vfio_group_*ioctl *vfio_device*release}
T=/sys/kernel/tracing
[ -e $T/current_tracer ] || mount -t tracefs nodev $T || exit 1

# load_ours/load_intree/unload_*: the same as run.sh's.
eval "$(sed -n '/^ours=/p; /^unload_ours()/,/^}/p; /^load_ours()/,/^}/p;
	/^load_intree()/,/^}/p; /^unload_intree()/,/^}/p' "$TOP/tests/bench/run.sh")"
PORTS=24

trace_one() {
	local tag=$1
	echo 0 > $T/tracing_on
	echo nop > $T/current_tracer
	: > $T/trace
	echo 20000 > $T/buffer_size_kb
	: > $T/set_graph_function
	# One at a time: a glob that matches nothing must not void the others.
	for f in $FUNCS; do
		echo "$f" >> $T/set_graph_function 2>/dev/null ||
			echo "# no function matches $f"
	done
	# (tracefs files have no size: test the contents)
	if ! grep -q . $T/set_graph_function ||
	   grep -q 'all functions' $T/set_graph_function; then
		echo "# nothing to trace for $tag"
		return 1
	fi
	echo 0 > $T/options/funcgraph-irqs	# interrupts are noise here
	echo "# $tag graph functions: $(tr '\n' ' ' < $T/set_graph_function)"
	echo function_graph > $T/current_tracer
	echo 1 > $T/options/funcgraph-tail
	echo 1 > $T/tracing_on
	BENCH_ONLY=$FIG BENCH_REPS=3 BENCH_SCALE=0.01 "$TOP/build/bench/vfio_bench" |
		sed "s/^/# $tag: /"
	echo 0 > $T/tracing_on
	cp $T/trace "$OUT/trace-$tag.txt"
	echo nop > $T/current_tracer
	# Mean duration of each traced function, over all its calls.
	awk -v tag="$tag" '
		/ us +\|/ {
			d = $0; sub(/ us.*/, "", d); k = split(d, a, " "); d = a[k]
			f = $0; sub(/.*\| */, "", f)
			if (f ~ /\/\*/) { sub(/.*\/\* */, "", f); sub(/ *\*\/.*/, "", f) }
			else sub(/\(.*/, "", f)
			gsub(/ /, "", f)
			if (f == "" || f == "}") next
			n[f]++; t[f] += d
		}
		END { for (f in n) printf "# %s %-44s calls %6d  mean %9.2f us\n", tag, f, n[f], t[f] / n[f] }
	' "$OUT/trace-$tag.txt" | sort -k7 -n -r | head -n 60
}

echo "1..2"
unload_ours || exit 1
if load_intree; then
	trace_one intree
	echo "ok 1 - traced the in-tree stack"
else
	echo "not ok 1 - in-tree stack did not load"
fi
unload_intree || exit 1
if load_ours; then
	trace_one ours
	echo "ok 2 - traced our stack"
else
	echo "not ok 2 - our stack did not load"
fi
