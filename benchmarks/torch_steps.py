#!/usr/bin/env python3
"""PyTorch side of the JitGrad training-step benchmark.

Trains the same four reference workloads as org.jitgrad.bench.Workload (MLP sizes, activation, batch,
loss; SGD lr 0.01 momentum 0.9, one fixed batch) in two modes:

  eager      the nn.Sequential model as is
  jit.trace  the model through torch.jit.trace (the loss and the optimizer stay eager)

A step is zero_grad(set_to_none=True), forward, loss, backward, opt.step(). After a warm-up (at least
--warmup-steps steps and --warmup-seconds seconds) it times --rounds rounds of about --seconds each and
records every round's steps/s. It prints the median over the rounds with its distribution-free 95%
confidence interval (median_ci.py, as benchmarks/table.py reports the JMH figures); the JSON also keeps the
mean and the half-width of its 99.9% Student-t interval. The default 10 rounds are enough for a 95% interval
of the median (6 are the least).

Usage: torch_steps.py [--threads 1] [--json out.json] [--quick] [--workloads tiny,mnist,...]
One line per (workload, mode) on stdout; with --json also a JSON list of results.
For one-thread figures run it with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 (benchmarks/run does).
"""
import argparse
import json
import math
import os
import re
import statistics
import sys
import time

import torch
import torch.nn as nn

from median_ci import fmt_interval, median_interval

# name: (layer sizes, activation, batch, loss) -- must match org.jitgrad.bench.Workload
WORKLOADS = {
    "tiny": ([32, 64, 64, 1], nn.Tanh, 16, "mse"),
    "mnist": ([784, 256, 128, 10], nn.ReLU, 64, "ce"),
    "wide": ([1024, 1024, 1024, 10], nn.ReLU, 256, "ce"),
    "deep": ([64] * 101 + [10], nn.Tanh, 32, "ce"),
}
MODES = ("eager", "jit.trace")
LR, MOMENTUM, SEED = 0.01, 0.9, 42

# Student t quantile for a two-sided 99.9% interval (0.9995), by degrees of freedom.
T_9995 = {1: 636.619, 2: 31.599, 3: 12.924, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781,
          10: 4.587, 11: 4.437, 12: 4.318, 13: 4.221, 14: 4.140, 15: 4.073, 16: 4.015, 17: 3.965, 18: 3.922,
          19: 3.883, 20: 3.850, 25: 3.725, 30: 3.646, 40: 3.551, 60: 3.460, 120: 3.373}


def t_quantile(df):
    if df in T_9995:
        return T_9995[df]
    keys = sorted(k for k in T_9995 if k <= df)
    return T_9995[keys[-1]] if keys else float("nan")


def blas():
    """The BLAS this process loaded (Debian's torch links libblas.so.3, an alternatives link: the
    reference netlib BLAS is many times slower than OpenBLAS)."""
    names = set()
    with open("/proc/self/maps") as f:
        for line in f:
            m = re.search(r"(/\S*(?:blas|lapack|mkl)\S*)", line)
            if m:
                names.add(os.path.realpath(m.group(1)))
    if any("openblas" in n for n in names):
        version = [m.group(1) for n in names for m in [re.search(r"openblas\w*-r([\d.]*\d)", n)] if m]
        kind = "OpenBLAS " + version[0] if version else "OpenBLAS"
        try:
            import ctypes
            lib = ctypes.CDLL(next(n for n in names if "libopenblas" in n))
            lib.openblas_get_corename.restype = ctypes.c_char_p
            kind += " (core " + lib.openblas_get_corename().decode() + ")"
        except (OSError, StopIteration, AttributeError):
            pass
        return kind
    if any("mkl" in n for n in names):
        return "MKL"
    if any("/blas/" in n for n in names):
        return "reference BLAS (netlib; install libopenblas0 for OpenBLAS)"
    return "unknown BLAS"


def build(name):
    sizes, act, batch, loss_kind = WORKLOADS[name]
    torch.manual_seed(SEED)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    model = nn.Sequential(*layers)
    x = torch.randn(batch, sizes[0])
    if loss_kind == "mse":
        y = torch.randn(batch, sizes[-1])
        loss_fn = nn.MSELoss()
    else:
        y = torch.randint(0, sizes[-1], (batch,))
        loss_fn = nn.CrossEntropyLoss()
    return model, x, y, loss_fn


def measure(name, mode, args):
    model, x, y, loss_fn = build(name)
    if mode == "jit.trace":
        model = torch.jit.trace(model, x)
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    n, t0 = 0, time.perf_counter()
    while n < args.warmup_steps or time.perf_counter() - t0 < args.warmup_seconds:
        step()
        n += 1
    rates = []
    loss = None
    for _ in range(args.rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            loss = step()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= args.seconds:
                break
        rates.append(n / dt)
    mean = statistics.fmean(rates)
    err = t_quantile(len(rates) - 1) * statistics.stdev(rates) / math.sqrt(len(rates)) if len(rates) > 1 else float("nan")
    return {"workload": name, "mode": mode, "threads": torch.get_num_threads(), "steps_per_s": mean,
            "error": err, "rounds": rates, "final_loss": float(loss.item()), "torch": torch.__version__,
            "blas": args.blas}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", help="also write the results here as a JSON list")
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--seconds", type=float, default=1.0, help="length of one measured round")
    p.add_argument("--warmup-steps", type=int, default=50)
    p.add_argument("--warmup-seconds", type=float, default=2.0)
    p.add_argument("--quick", action="store_true", help="3 rounds of 0.3 s after a 0.5 s warm-up")
    args = p.parse_args()
    if args.quick:
        args.rounds, args.seconds, args.warmup_steps, args.warmup_seconds = 3, 0.3, 10, 0.5
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    torch.zeros(2, 2) @ torch.zeros(2, 2)  # loads the BLAS
    args.blas = blas()
    print(f"PyTorch {torch.__version__}, {args.blas}, threads={torch.get_num_threads()}", flush=True)
    results = []
    for name in args.workloads.split(","):
        if name not in WORKLOADS:
            sys.exit(f"unknown workload {name!r}; expected one of {', '.join(WORKLOADS)}")
        for mode in MODES:
            r = measure(name, mode, args)
            results.append(r)
            med, low, high = median_interval(r["rounds"])
            print(f"{name:6s} {mode:9s} threads={r['threads']} median "
                  f"{fmt_interval(med, low, high, lambda v: f'{v:.1f}')} steps/s  {1e6 / med:10.1f} us/step",
                  flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
