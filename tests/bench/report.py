#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Side-by-side table of two vfio_bench runs (in-tree stack, ours).

usage: report.py INTREE.txt OURS.txt [OUT.json]

Each input line is "<name> <median> <min> <max> <reps> <iters> <rep...>"
in ns per operation, or "<name> error <errno>".  Two kinds of line describe
a figure: "<name> unit B" (its values are bytes, not ns) and
"<name> per <n> <what>" (one operation moves n <what>: a rate is shown).
A figure may appear once per round (run.sh alternates the stacks): the
repetitions of all rounds are pooled.  Prints a table: in-tree median, ours,
ratio ours/in-tree of the medians (above 1 means ours is slower, or uses
more memory), the same ratio of the minima (the repetition least disturbed
by the shared host's load) and each side's interquartile range, then the
rates; writes the same, with min
and max, as JSON if OUT.json is given.
"""
import json
import sys


def quantile(s, q):
    """Linear interpolation between the closest ranks of sorted @s."""
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


UNITS, PER = {}, {}


def load(path):
    rows, samples, iters = {}, {}, {}
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) == 3 and w[1] == "unit":
                    UNITS[w[0]] = w[2]
                elif len(w) == 4 and w[1] == "per":
                    PER[w[0]] = (float(w[2]), w[3])
                elif len(w) >= 6 and w[1] != "error":
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


def fmt(ns, unit=None):
    if unit == "B":
        return "%.0f B" % ns if abs(ns) < 1e4 else "%.1f KiB" % (ns / 1024)
    if ns >= 1e9:
        return "%.2f s" % (ns / 1e9)
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f us" % (ns / 1e3)
    return "%.0f ns" % ns


def cell(r, unit=None):
    if r is None:
        return "-", "-"
    if "error" in r:
        return "errno %d" % r["error"], "-"
    return fmt(r["median_ns"], unit), "%s-%s" % (fmt(r["q1_ns"], unit),
                                                 fmt(r["q3_ns"], unit))


def rate(r, per):
    """Throughput of one side from its median, as text."""
    if not r or "median_ns" not in r or r["median_ns"] <= 0:
        return "-"
    n, what = per
    v = n / (r["median_ns"] / 1e9)
    if what == "B":
        return "%.0f MiB/s" % (v / (1 << 20))
    return "%.0f %s/s" % (v, what)


def main():
    intree, ours = load(sys.argv[1]), load(sys.argv[2])
    names = list(intree) + [n for n in ours if n not in intree]
    out = []
    hdr = ("figure", "in-tree", "ours", "ours/in-tree", "min o/i",
           "IQR in-tree", "IQR ours")
    table = [hdr]
    for n in names:
        a, b = intree.get(n), ours.get(n)
        ratio = mratio = None
        if a and b and "median_ns" in a and "median_ns" in b and a["median_ns"] > 0:
            ratio = b["median_ns"] / a["median_ns"]
            if a["min_ns"] > 0 and UNITS.get(n) != "B":
                mratio = b["min_ns"] / a["min_ns"]
        out.append({"figure": n, "intree": a, "ours": b, "ratio": ratio,
                    "min_ratio": mratio})
        ca, sa = cell(a, UNITS.get(n))
        cb, sb = cell(b, UNITS.get(n))
        table.append((n, ca, cb, "%.2f" % ratio if ratio is not None else "-",
                      "%.2f" % mratio if mratio is not None else "-", sa, sb))
    w = [max(len(r[i]) for r in table) for i in range(len(hdr))]
    for i, r in enumerate(table):
        print("  ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j])
                        for j, c in enumerate(r)).rstrip())
        if i == 0:
            print("  ".join("-" * x for x in w))
    rates = [(n, rate(intree.get(n), PER[n]), rate(ours.get(n), PER[n]))
             for n in names if n in PER]
    if rates:
        w = [max(len(r[i]) for r in rates + [("rate", "in-tree", "ours")])
             for i in range(3)]
        print()
        for r in [("rate", "in-tree", "ours")] + rates:
            print("  ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j])
                            for j, c in enumerate(r)).rstrip())
    for o in out:
        if o["figure"] in UNITS:
            o["unit"] = UNITS[o["figure"]]
        if o["figure"] in PER:
            o["per_op"] = {"count": PER[o["figure"]][0], "of": PER[o["figure"]][1]}
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            json.dump({"unit": "ns per operation unless the figure says",
                       "statistic": "median of the pooled repetitions, IQR q1-q3, min, max",
                       "figures": out}, f, indent=1)
            f.write("\n")


main()
