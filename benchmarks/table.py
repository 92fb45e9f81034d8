#!/usr/bin/env python3
"""Prints the Markdown tables of benchmarks/run from JMH's JSON result (-rf json) and, if given,
benchmarks/torch_steps.py's JSON.

  table.py training JMH.json [--torch TORCH.json | --torch-missing MESSAGE] [--title TEXT]
  table.py latency JMH.json [--title TEXT]
"""
import argparse
import json
import math

from median_ci import fmt_interval, jmh_samples, median_interval

WORKLOAD_ORDER = ["tiny", "mnist", "wide", "deep"]
MODE_ORDER = ["tape", "compiled", "compiledFused"]


def num(x):
    """JMH writes NaN as the string "NaN"."""
    if x is None:
        return float("nan")
    return float(x)


def order(value, preferred):
    return preferred.index(value) if value in preferred else len(preferred)


def fmt_rate(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_bytes(b):
    if b is None or math.isnan(b):
        return "n/a"
    return f"{b:,.0f}"


def secondary(result, name):
    m = result.get("secondaryMetrics", {}).get(name)
    return None if m is None else num(m["score"])


def training(args):
    with open(args.jmh) as f:
        results = json.load(f)
    rows = {}
    jvm = None
    forks = set()
    for r in results:
        if not r["benchmark"].endswith("TrainingStepBenchmark.step"):
            continue
        p = r["params"]
        rows[(p["workload"], p["mode"])] = r
        jvm = r.get("vmVersion")
        forks.add(r.get("forks"))
        jvm_args = r.get("jvmArgs", [])
    torch = {}
    torch_version = None
    if args.torch:
        with open(args.torch) as f:
            for t in json.load(f):
                torch[(t["workload"], t["mode"])] = t
                torch_version = t["torch"]
                torch_blas = t.get("blas", "unknown BLAS")

    threads = "unknown"
    if rows:
        flags = [a for a in jvm_args if a.startswith("-Djitgrad.threads=")]
        threads = flags[0].split("=", 1)[1] if flags else "default"
    title = args.title or "JitGrad training steps"
    print(f"### {title}")
    print()
    print(f"JitGrad: JDK {jvm}, JMH forks run with `-Djitgrad.threads={threads}` "
          f"({'one thread' if threads == '1' else 'threads: ' + threads}), {'/'.join(str(x) for x in sorted(forks))} fork(s)."
          " Steps/s: median over every measured iteration of every fork, with its distribution-free 95% confidence"
          " interval in brackets (median_ci.py). B/op: `gc.alloc.rate.norm`.")
    if torch:
        print(f"PyTorch {torch_version} with {torch_blas}, one thread (`torch.set_num_threads(1)`, OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1),"
              " steps/s: median [95% CI] over its rounds. Ratio of medians: JitGrad compiledFused / PyTorch eager"
              " (> 1: JitGrad faster).")
    elif args.torch_missing:
        print(args.torch_missing)
    print()
    header = ["workload", "mode", "steps/s [95% CI]", "vs tape", "B/op"]
    if torch:
        header += ["PyTorch eager", "PyTorch jit.trace", "compiledFused / eager"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---"] + ["---:"] * (len(header) - 2)) + "|")
    keys = sorted(rows, key=lambda k: (order(k[0], WORKLOAD_ORDER), k[0], order(k[1], MODE_ORDER), k[1]))
    medians = {key: median_interval(jmh_samples(r)) for key, r in rows.items()}
    for (w, m) in keys:
        r = rows[(w, m)]
        pm = r["primaryMetric"]
        if pm["scoreUnit"] != "ops/s":
            raise SystemExit(f"expected ops/s (Throughput mode), got {pm['scoreUnit']}")
        interval = medians[(w, m)]
        score = interval[0]
        tape = medians.get((w, "tape"))
        speedup = f"{score / tape[0]:.2f}×" if tape else "n/a"
        cells = [w, m, fmt_interval(*interval, fmt_rate), speedup, fmt_bytes(secondary(r, "gc.alloc.rate.norm"))]
        if torch:
            if m == "compiledFused":
                e, j = torch.get((w, "eager")), torch.get((w, "jit.trace"))
                e_interval = median_interval(e["rounds"]) if e else None
                j_interval = median_interval(j["rounds"]) if j else None
                cells += [fmt_interval(*e_interval, fmt_rate) if e else "n/a",
                          fmt_interval(*j_interval, fmt_rate) if j else "n/a",
                          f"{score / e_interval[0]:.2f}" if e else "n/a"]
            else:
                cells += ["", "", ""]
        print("| " + " | ".join(cells) + " |")


def latency(args):
    with open(args.jmh) as f:
        results = json.load(f)
    title = args.title or "JitGrad compile latency"
    print(f"### {title}")
    print()
    print("SingleShotTime of one call, ms: median with its distribution-free 95% confidence interval (n/a below"
          " 6 samples); n = samples (cold: one per fresh JVM fork).")
    print()
    print("| workload | measurement | median ms [95% CI] | n |")
    print("|---|---|---:|---:|")
    rows = []
    for r in results:
        name = r["benchmark"].rsplit(".", 1)[1]
        pm = r["primaryMetric"]
        unit = pm["scoreUnit"]
        scale = {"ms/op": 1.0, "s/op": 1000.0, "us/op": 0.001}.get(unit)
        if scale is None:
            raise SystemExit(f"unexpected unit {unit}")
        samples = [x * scale for x in jmh_samples(r)]
        rows.append((r["params"]["workload"], name, median_interval(samples), len(samples)))
    rows.sort(key=lambda t: (order(t[0], WORKLOAD_ORDER), t[1]))
    for w, name, interval, n in rows:
        print(f"| {w} | {name} | {fmt_interval(*interval, lambda v: f'{v:,.1f}')} | {n} |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["training", "latency"])
    p.add_argument("jmh")
    p.add_argument("--torch")
    p.add_argument("--torch-missing")
    p.add_argument("--title")
    args = p.parse_args()
    training(args) if args.kind == "training" else latency(args)


if __name__ == "__main__":
    main()
