#!/usr/bin/env python3
"""The table of benchmarks/roofline-rounds: per round, the GEMM's GFLOP/s at 1024^3 (one thread) and each workload's
compiled fused steps/s with its roofline fraction, steps/s x the step's product FLOPs / the GEMM's FLOP/s; then the
medians of the fractions over the rounds. The FLOPs are Workload.flopsPerStep's: a layer of batch x in x out
multiply-adds counts twice in the first layer (forward, dW) and three times after it (forward, dW, dX).

  roofline_rounds_table.py RESULTS_DIR ROUNDS
"""
import json
import statistics
import sys

SIZES = {
    "tiny": ([32, 64, 64, 1], 16),
    "deep": ([64] * 101 + [10], 32),
    "mnist": ([784, 256, 128, 10], 64),
    "wide": ([1024, 1024, 1024, 10], 256),
}
ORDER = ["tiny", "deep", "mnist", "wide"]


def flops_per_step(workload):
    sizes, batch = SIZES[workload]
    macs = sum((2 if i == 0 else 3) * batch * sizes[i] * sizes[i + 1] for i in range(len(sizes) - 1))
    return 2 * macs


def median_of(benchmark):
    return statistics.median(x for fork in benchmark["primaryMetric"]["rawData"] for x in fork)


def main():
    out, rounds = sys.argv[1], int(sys.argv[2])
    fractions = {w: [] for w in ORDER}
    print("| round | GEMM GFLOP/s | " + " | ".join("%s steps/s (fraction, B/step)" % w for w in ORDER) + " |")
    print("|---:|---:|" + "---:|" * len(ORDER))
    for r in range(1, rounds + 1):
        gemm_us = median_of(json.load(open("%s/gemm-%d.json" % (out, r)))[0])
        gflops = 2 * 1024 ** 3 / gemm_us / 1e3
        cells = {}
        for b in json.load(open("%s/steps-%d.json" % (out, r))):
            w = b["params"]["workload"]
            steps = median_of(b)
            fraction = steps * flops_per_step(w) / (gflops * 1e9)
            fractions[w].append(fraction)
            alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
            cells[w] = "%.1f (%.3f, %.0f)" % (steps, fraction, alloc)
        print("| %d | %.1f | %s |" % (r, gflops, " | ".join(cells.get(w, "") for w in ORDER)))
    print("| median | | %s |" % " | ".join("%.3f" % statistics.median(fractions[w]) if fractions[w] else ""
                                           for w in ORDER))


if __name__ == "__main__":
    main()
