#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Side-by-side table of two vfio_bench runs (in-tree stack, ours).

usage: report.py INTREE.txt OURS.txt [OUT.json]

Each input line is "<name> <median> <min> <max> <reps> <iters>" in ns per
operation, or "<name> error <errno>".  Prints a table: in-tree median, ours,
ratio ours/in-tree (above 1 means ours is slower) and each side's min-max
spread; writes the same as JSON if OUT.json is given.
"""
import json
import sys


def load(path):
    rows = {}
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 6 and w[1] != "error":
                    rows[w[0]] = {"median_ns": float(w[1]), "min_ns": float(w[2]),
                                  "max_ns": float(w[3]), "reps": int(w[4]),
                                  "iters": int(w[5])}
                elif len(w) == 3 and w[1] == "error":
                    rows[w[0]] = {"error": int(w[2])}
    except OSError:
        pass
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
    return fmt(r["median_ns"]), "%s-%s" % (fmt(r["min_ns"]), fmt(r["max_ns"]))


def main():
    intree, ours = load(sys.argv[1]), load(sys.argv[2])
    names = list(intree) + [n for n in ours if n not in intree]
    out = []
    hdr = ("figure", "in-tree", "ours", "ours/in-tree", "spread in-tree", "spread ours")
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
                       "statistic": "median of repetitions; spread = min-max",
                       "figures": out}, f, indent=1)
            f.write("\n")


main()
