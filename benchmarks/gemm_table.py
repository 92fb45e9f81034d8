#!/usr/bin/env python3
"""Prints the Markdown table of benchmarks/gemm: JitGrad's GEMM against OpenBLAS from one JMH JSON result.

  gemm_table.py JMH.json

Per shape and thread count: the mean ± 99.9% error of both (µs per product), GFLOP/s, JitGrad's speed relative to
OpenBLAS (above 1: JitGrad is faster), and each library's two-thread speed-up over its own one-thread time.
"""
import json
import sys

SHAPES = {"sq256": (256, 256, 256), "sq512": (512, 512, 512), "sq1024": (1024, 1024, 1024),
          "mnist_fwd": (64, 784, 256), "mnist_dW": (784, 64, 256), "mnist_dX": (64, 256, 784),
          "wide_fwd": (256, 1024, 1024), "wide_dW": (1024, 256, 1024), "wide_dX": (256, 1024, 1024),
          "small16": (16, 32, 64), "small32": (32, 64, 64), "small32_dW": (64, 32, 64), "small32_dX": (32, 64, 64)}


def main(path):
    results = {}
    for r in json.load(open(path)):
        impl = r["benchmark"].rsplit(".", 1)[1]
        p = r["params"]
        m = r["primaryMetric"]
        results[(impl, p["shape"], int(p["threads"]))] = (m["score"], m["scoreError"])
    shapes = [s for s in SHAPES if any(key[1] == s for key in results)]
    print("| shape | m×k×n | threads | JitGrad µs ± err | GFLOP/s | OpenBLAS µs ± err | GFLOP/s | JitGrad/OpenBLAS speed "
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
                cells += [f"{x[0]:,.1f} ± {x[1]:,.1f}", f"{flop / x[0] / 1e3:.1f}"] if x else ["n/a", ""]
            cells.append(f"{o[0] / j[0]:.2f}" if j and o else "")
            for impl in ("gemm", "openblas"):
                one, two = results.get((impl, s, 1)), results.get((impl, s, 2))
                cells.append(f"{one[0] / two[0]:.2f}" if t == 2 and one and two else "")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
