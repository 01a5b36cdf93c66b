#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Side-by-side table of two vfio_bench runs (in-tree stack, ours).

usage: report.py INTREE.txt OURS.txt [OUT.json]

Each input line is "<name> <median> <min> <max> <reps> <iters> <rep...>"
in ns per operation, or "<name> error <errno>".  A figure may appear once
per round (run.sh alternates the stacks): the repetitions of all rounds are
pooled.  Prints a table: in-tree median, ours, ratio ours/in-tree (above 1
means ours is slower) and each side's interquartile range; writes the same,
with min and max, as JSON if OUT.json is given.
"""
import json
import sys


def quantile(s, q):
    """Linear interpolation between the closest ranks of sorted @s."""
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def load(path):
    rows, samples, iters = {}, {}, {}
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 6 and w[1] != "error":
                    samples.setdefault(w[0], []).extend(
                        float(x) for x in (w[6:] or [w[1]]))
                    iters[w[0]] = int(w[5])
                elif len(w) == 3 and w[1] == "error":
                    rows[w[0]] = {"error": int(w[2])}
    except OSError:
        pass
    for n, s in samples.items():
        s.sort()
        rows[n] = {"median_ns": quantile(s, 0.5), "q1_ns": quantile(s, 0.25),
                   "q3_ns": quantile(s, 0.75), "min_ns": s[0], "max_ns": s[-1],
                   "samples": len(s), "iters": iters[n]}
    return rows


def fmt(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f us" % (ns / 1e3)
    return "%.0f ns" % ns


def cell(r):
    if r is None:
        return "-", "-"
    if "error" in r:
        return "errno %d" % r["error"], "-"
    return fmt(r["median_ns"]), "%s-%s" % (fmt(r["q1_ns"]), fmt(r["q3_ns"]))


def main():
    intree, ours = load(sys.argv[1]), load(sys.argv[2])
    names = list(intree) + [n for n in ours if n not in intree]
    out = []
    hdr = ("figure", "in-tree", "ours", "ours/in-tree", "IQR in-tree", "IQR ours")
    table = [hdr]
    for n in names:
        a, b = intree.get(n), ours.get(n)
        ratio = None
        if a and b and "median_ns" in a and "median_ns" in b and a["median_ns"] > 0:
            ratio = b["median_ns"] / a["median_ns"]
        out.append({"figure": n, "intree": a, "ours": b, "ratio": ratio})
        ca, sa = cell(a)
        cb, sb = cell(b)
        table.append((n, ca, cb, "%.2f" % ratio if ratio is not None else "-", sa, sb))
    w = [max(len(r[i]) for r in table) for i in range(len(hdr))]
    for i, r in enumerate(table):
        print("  ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j])
                        for j, c in enumerate(r)).rstrip())
        if i == 0:
            print("  ".join("-" * x for x in w))
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            json.dump({"unit": "ns per operation",
                       "statistic": "median of the pooled repetitions, IQR q1-q3, min, max",
                       "figures": out}, f, indent=1)
            f.write("\n")


main()
