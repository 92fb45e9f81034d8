#!/usr/bin/env python3
"""Prints the Markdown table of benchmarks/one-cpu from the JMH JSON files in its results folder.

  one_cpu_table.py RESULTS_DIR

Per JVM configuration: the median [95% CI] of each benchmark over every measured iteration of every fork
(median_ci.py), GFLOP/s for the 1024^3 products, steps/s for the training steps, and B/op (gc.alloc.rate.norm).
"""
import glob
import json
import os
import sys

from median_ci import fmt_interval, jmh_samples, median_interval

FLOP_1024 = 2.0 * 1024 ** 3


def rows(path, config):
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        p = r["params"]
        what = name if name != "step" else "compiled step, " + p["workload"]
        med, lo, hi = median_interval(jmh_samples(r))
        unit = r["primaryMetric"]["scoreUnit"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        rate = ""
        if unit == "us/op" and name in ("gemm", "tensorMatmul", "openblas"):
            rate = "%.1f GFLOP/s" % (FLOP_1024 / (med * 1e3))
        yield config, what, fmt_interval(med, lo, hi, lambda v: "%.1f" % v) + " " + unit, rate, "" if alloc is None else "%.0f" % alloc


def main(folder):
    print("| JVM | benchmark | median [95% CI] | rate | B/op |")
    print("|---|---|---:|---:|---:|")
    for path in sorted(glob.glob(os.path.join(folder, "jmh-*.json"))):
        config = os.path.basename(path)[4:-5]
        for row in rows(path, config):
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
