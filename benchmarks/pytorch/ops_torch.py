#!/usr/bin/python3
"""PyTorch eager side of org.jitgrad.bench.OpBenchmark: forward plus backward of one layer, one thread.

Same shapes and objective as the JMH benchmark: sum(layer(x) * R), backward seeded by R, the input's gradient
computed too. Each round times about --seconds of passes; prints the median over --rounds rounds, in
microseconds per pass, with its distribution-free 95% interval (median_ci.py).

Run with the BLAS settings that give OpenBLAS its full speed on this machine:
  source benchmarks/openblas-core; env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
      /usr/bin/python3 benchmarks/pytorch/ops_torch.py
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from median_ci import fmt_interval, median_interval  # noqa: E402


def attention(x, w_attn, w_proj, n_head=4):
    B, T, C = x.shape
    q, k, v = (x @ w_attn.t()).split(C, dim=2)
    q = q.view(B, T, n_head, C // n_head).transpose(1, 2)
    k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
    v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
    y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
    return y @ w_proj.t()


def setups():
    g = torch.Generator().manual_seed(0)
    rnd = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    x = rnd(12, 64, 128).requires_grad_()
    w, b = rnd(128).requires_grad_(), rnd(128).requires_grad_()
    r = rnd(12, 64, 128)
    yield "layerNorm", lambda: (F.layer_norm(x, (128,), w, b, 1e-5) * r).sum(), [x, w, b]
    xa = rnd(12, 64, 128).requires_grad_()
    wa = (rnd(384, 128) * 0.05).requires_grad_()
    wp = (rnd(128, 128) * 0.05).requires_grad_()
    ra = rnd(12, 64, 128)
    yield "attention", lambda: (attention(xa, wa, wp) * ra).sum(), [xa, wa, wp]
    xb = rnd(12, 64, 128).requires_grad_()
    ln1, ln2 = torch.ones(128, requires_grad=True), torch.ones(128, requires_grad=True)
    wfc = (rnd(512, 128) * 0.05).requires_grad_()
    wfp = (rnd(128, 512) * 0.05).requires_grad_()
    wba = (rnd(384, 128) * 0.05).requires_grad_()
    wbp = (rnd(128, 128) * 0.05).requires_grad_()
    rb = rnd(12, 64, 128)

    def block(x):
        x = x + attention(F.layer_norm(x, (128,), ln1, None, 1e-5), wba, wbp)
        return x + F.gelu(F.layer_norm(x, (128,), ln2, None, 1e-5) @ wfc.t()) @ wfp.t()
    yield "block", lambda: (block(xb) * rb).sum(), [xb, ln1, ln2, wfc, wfp, wba, wbp]
    xc = rnd(64, 1, 28, 28).requires_grad_()
    wc, bc = (rnd(6, 1, 5, 5) * 0.2).requires_grad_(), rnd(6).requires_grad_()
    rc = rnd(64, 6, 28, 28)
    yield "conv2d", lambda: (F.conv2d(xc, wc, bc, stride=1, padding=2) * rc).sum(), [xc, wc, bc]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--json", help="also write the results to this file")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print("torch %s, %d thread(s)" % (torch.__version__, torch.get_num_threads()))
    results = []
    for name, fn, params in setups():
        def once():
            for t in params:
                t.grad = None
            fn().backward()
        end = time.perf_counter() + 2.0
        while time.perf_counter() < end:
            once()
        rounds = []
        for _ in range(a.rounds):
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < a.seconds:
                once()
                n += 1
            rounds.append((time.perf_counter() - start) / n * 1e6)
        med, low, high = median_interval(rounds)
        print("%-10s eager  %s us/op" % (name, fmt_interval(med, low, high, lambda v: "{:,.1f}".format(v))))
        results.append({"op": name, "median": med, "low": low, "high": high, "rounds": rounds})
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
