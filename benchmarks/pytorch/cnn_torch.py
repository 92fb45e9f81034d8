#!/usr/bin/python3
"""PyTorch eager side of the `cnn` workload: one training step of the LeNet-5-style MNIST classifier.

The same model as org.jitgrad.nn.LeNet.classic and `./jitgrad train --model cnn`: conv 5x5 to 6 channels with
padding 2, ReLU, max-pool 2; conv 5x5 to 16, ReLU, max-pool 2; flatten; linear 400-120-84-10 with ReLU between;
cross-entropy; Adam (lr 1e-3, PyTorch's default betas and eps). One fixed batch of 64 standard-normal images
[64, 1, 28, 28] and random labels, trained on for the whole run, as CnnStepBenchmark does.

  cnn_torch.py [--threads N] [--rounds 10] [--steps-per-round 50] [--json FILE]
      median ms per training step [95% CI]; --json also writes {"median", "low", "high", "rounds", ...} (ms)

Run with OpenBLAS at full speed on this machine:
  source benchmarks/openblas-core; env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 ...
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from median_ci import fmt_interval, median_interval  # noqa: E402

BATCH = 64


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def step(model, opt, x, y):
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--steps-per-round", type=int, default=50)
    p.add_argument("--warmup", type=int, default=50, help="untimed steps first")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    a = p.parse_args()
    if a.threads < 1 or a.rounds < 1 or a.steps_per_round < 1 or a.warmup < 0:
        p.error("--threads, --rounds and --steps-per-round must be >= 1, --warmup >= 0")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = LeNet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(BATCH, 1, 28, 28)
    y = torch.randint(10, (BATCH,))
    print("torch %s, %d thread(s), %d parameters, batch %d" % (torch.__version__, torch.get_num_threads(),
                                                               sum(p.numel() for p in model.parameters()), BATCH))
    first = float(step(model, opt, x, y))
    for _ in range(a.warmup):
        step(model, opt, x, y)
    rounds = []
    for _ in range(a.rounds):
        start = time.perf_counter()
        for _ in range(a.steps_per_round):
            loss = step(model, opt, x, y)
        rounds.append((time.perf_counter() - start) / a.steps_per_round * 1e3)
    med, low, high = median_interval(rounds)
    print("cnn step eager: %s ms/step (%d rounds of %d steps; loss %.4f -> %.4f)"
          % (fmt_interval(med, low, high, lambda v: "{:.3f}".format(v)), a.rounds, a.steps_per_round, first, float(loss)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"median": med, "low": low, "high": high, "rounds": rounds, "threads": a.threads,
                       "torch": torch.__version__}, f, indent=2)


if __name__ == "__main__":
    main()
