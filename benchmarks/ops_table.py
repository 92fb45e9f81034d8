#!/usr/bin/env python3
"""Prints the layer benchmark table: JitGrad tape and compiled (JMH, us/op) and PyTorch eager, medians [95% CI]."""
import json
import sys

from median_ci import fmt_interval, jmh_samples, median_interval


def main(jmh_path, torch_path):
    jmh = json.load(open(jmh_path))
    torch = {r["op"]: r for r in json.load(open(torch_path))}
    rows = {}
    for r in jmh:
        p = r["params"]
        med, lo, hi = median_interval(jmh_samples(r))
        alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        rows.setdefault(p["op"], {})[p["mode"]] = (med, lo, hi, alloc)
    f = lambda v: "{:,.1f}".format(v)  # noqa: E731
    print("| layer | tape µs [95% CI] | compiled µs [95% CI] | compiled B/op | PyTorch eager µs [95% CI] | eager / compiled |")
    print("|---|---:|---:|---:|---:|---:|")
    for op, m in rows.items():
        t, c = m.get("tape"), m.get("compiled")
        tr = torch.get(op)
        ratio = "{:.2f}".format(tr["median"] / c[0]) if tr and c else ""
        print("| %s | %s | %s | %s | %s | %s |" % (
            op, fmt_interval(*t[:3], f) if t else "", fmt_interval(*c[:3], f) if c else "",
            "{:,.0f}".format(c[3]) if c else "",
            fmt_interval(tr["median"], tr["low"], tr["high"], f) if tr else "", ratio))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
