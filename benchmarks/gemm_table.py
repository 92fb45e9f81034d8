#!/usr/bin/env python3
"""Prints the Markdown table of benchmarks/gemm: JitGrad's GEMM against OpenBLAS from one JMH JSON result.

  gemm_table.py JMH.json [LOG]

Per shape and thread count: the median of both (µs per product, over every measured iteration of every fork) with
its distribution-free 95% confidence interval (median_ci.py), GFLOP/s at the median, JitGrad's speed relative to
OpenBLAS (above 1: JitGrad is faster), and each library's two-thread speed-up over its own one-thread time, all
from medians.
With JMH's log, a second table lists every two-thread fork: its measured iterations and the two-core check printed
at its end (TwoCoreCheck: the cache-line round trip between the two threads, and the same single-threaded product
timed on both threads at once).
"""
import json
import re
import sys

from median_ci import fmt_interval, jmh_samples, median_interval

SHAPES = {"sq256": (256, 256, 256), "sq512": (512, 512, 512), "sq1024": (1024, 1024, 1024),
          "mnist_fwd": (64, 784, 256), "mnist_dW": (784, 64, 256), "mnist_dX": (64, 256, 784),
          "wide_fwd": (256, 1024, 1024), "wide_dW": (1024, 256, 1024), "wide_dX": (256, 1024, 1024),
          "small16": (16, 32, 64), "small32": (32, 64, 64), "small32_dW": (64, 32, 64), "small32_dX": (32, 64, 64)}


def main(path):
    results = {}
    for r in json.load(open(path)):
        impl = r["benchmark"].rsplit(".", 1)[1]
        p = r["params"]
        results[(impl, p["shape"], int(p["threads"]))] = median_interval(jmh_samples(r))
    shapes = [s for s in SHAPES if any(key[1] == s for key in results)]
    print("| shape | m×k×n | threads | JitGrad median µs [95% CI] | GFLOP/s | OpenBLAS median µs [95% CI] | GFLOP/s "
          "| JitGrad/OpenBLAS speed "
          "| JitGrad 2T/1T | OpenBLAS 2T/1T |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in shapes:
        m, k, n = SHAPES[s]
        flop = 2.0 * m * k * n
        for t in (1, 2):
            j = results.get(("gemm", s, t))
            o = results.get(("openblas", s, t))
            if j is None and o is None:
                continue
            cells = [s, f"{m}×{k}×{n}", str(t)]
            for x in (j, o):
                cells += [fmt_interval(*x, lambda v: f"{v:,.1f}"), f"{flop / x[0] / 1e3:.1f}"] if x else ["n/a", ""]
            cells.append(f"{o[0] / j[0]:.2f}" if j and o else "")
            for impl in ("gemm", "openblas"):
                one, two = results.get((impl, s, 1)), results.get((impl, s, 2))
                cells.append(f"{one[0] / two[0]:.2f}" if t == 2 and one and two else "")
            print("| " + " | ".join(cells) + " |")


def forks(log_path):
    """Yields (impl, shape, fork, [iteration µs], check line or None) for every two-thread fork in JMH's log."""
    impl = shape = fork = None
    threads = 0
    iterations, check = [], None
    pending = False

    def done():
        return (impl, shape, fork, iterations, check) if fork is not None and threads == 2 else None

    for line in open(log_path, encoding="utf-8", errors="replace"):
        bench = re.match(r"# Benchmark: .*\.(\w+)$", line)
        params = re.match(r"# Parameters: \(shape = (\w+), threads = (\d+)\)", line)
        new_fork = re.match(r"# Fork: (\d+) of", line)
        if bench or params or new_fork:
            if done():
                yield done()
            fork, iterations, check = None, [], None
        if bench:
            impl = bench.group(1)
        elif params:
            shape, threads = params.group(1), int(params.group(2))
        elif new_fork:
            fork = int(new_fork.group(1))
        else:
            # The check runs in a trial tear-down, which JMH runs before it prints the last iteration's score: the
            # check's line then sits between "Iteration   5: " and the score.
            found = re.search(r"two-core check: (.*)$", line)
            if found:
                check = found.group(1).strip()
            score = re.match(r"(?:Iteration +\d+: )?([\d.]+) us/op", line)
            if score and (line.startswith("Iteration") or pending):
                iterations.append(float(score.group(1)))
            pending = line.startswith("Iteration") and not score
    if done():
        yield done()


def print_forks(log_path):
    print()
    print("| shape | library | fork | iterations µs | round trip | same product on both threads (µs) |")
    print("|---|---|---:|---|---:|---|")
    for impl, shape, fork, its, check in forks(log_path):
        trip = both = ""
        if check:
            parts = re.match(r"round trip (\S+ ns); same product on both threads at once: (.*) us", check)
            trip, both = (parts.group(1), parts.group(2)) if parts else ("", check)
        name = "JitGrad" if impl == "gemm" else "OpenBLAS"
        print(f"| {shape} | {name} | {fork} | {', '.join(f'{x:,.1f}' for x in its)} | {trip} | {both} |")


if __name__ == "__main__":
    main(sys.argv[1])
    if len(sys.argv) > 2:
        print_forks(sys.argv[2])
