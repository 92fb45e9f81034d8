#!/usr/bin/python3
"""PyTorch eager side of the GPT benchmark: nanoGPT's character-level Shakespeare model on a CPU.

The same model as org.jitgrad.nn.Gpt (and nanoGPT's model.py with bias=False): token + position embeddings,
n_layer pre-norm blocks (layer norm, causal self-attention with a fused QKV projection, MLP with 4x expansion
and exact GELU), final layer norm, a head tied to the token embedding; AdamW (lr 1e-3, betas 0.9/0.99, weight
decay 0.1 on rank >= 2 tensors only), gradient clipping at 1.0. Attention is written out (PyTorch 1.13 has no
fused scaled_dot_product_attention), as nanoGPT's own fallback path does.

  gpt_torch.py step  [--threads N] [--rounds 10]   median ms per training step (batch 12, block 64)
  gpt_torch.py train [--threads N] [--max-iters 2000]  the whole default run: warm-up 100, cosine to 1e-4,
                                                       eval every 250 iters on 20 batches, final eval on 200

Run with OpenBLAS at full speed on this machine:
  source benchmarks/openblas-core; env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 ...
"""
import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from median_ci import fmt_interval, median_interval  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


class LayerNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class Attention(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.h = h
        self.c_attn = nn.Linear(c, 3 * c, bias=False)
        self.c_proj = nn.Linear(c, c, bias=False)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        return self.c_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))


class Block(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.ln_1, self.attn, self.ln_2 = LayerNorm(c), Attention(c, h), LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c, bias=False)
        self.c_proj = nn.Linear(4 * c, c, bias=False)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab, block=64, n_layer=4, n_head=4, n_embd=128):
        super().__init__()
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(block, n_embd)
        self.h = nn.ModuleList(Block(n_embd, n_head) for _ in range(n_layer))
        self.ln_f = LayerNorm(n_embd)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith("c_proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.h:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def corpus():
    with gzip.open(os.path.join(ROOT, "data", "tinyshakespeare", "input.txt.gz"), "rt", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    lookup = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([lookup[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(ids))
    return len(chars), ids[:n], ids[n:]


def batch(data, gen, b=12, t=64):
    ix = torch.randint(len(data) - t - 1, (b,), generator=gen)
    return torch.stack([data[i:i + t] for i in ix]), torch.stack([data[i + 1:i + 1 + t] for i in ix])


def optimizer(model, lr):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.99))


def step(model, opt, x, y):
    loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss


def lr_at(it, warmup=100, decay_iters=2000, lr=1e-3, min_lr=1e-4):
    if it < warmup:
        return lr * (it + 1) / (warmup + 1)
    if it > decay_iters:
        return min_lr
    ratio = (it - warmup) / (decay_iters - warmup)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr - min_lr)


@torch.no_grad()
def evaluate(model, data, gen, batches):
    model.eval()
    losses = [float(model(*batch(data, gen))) for _ in range(batches)]
    model.train()
    return sum(losses) / len(losses)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["step", "train"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--steps-per-round", type=int, default=20)
    p.add_argument("--max-iters", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--json", help="step mode: also write the rounds' ms/step to this file")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    vocab, train, val = corpus()
    model = GPT(vocab)
    opt = optimizer(model, 1e-3)
    gen = torch.Generator().manual_seed(a.seed)
    print("torch %s, %d thread(s), %d parameters" % (torch.__version__, torch.get_num_threads(),
                                                      sum(p.numel() for p in model.parameters())))
    if a.mode == "step":
        # as GptStepBenchmark: the steps cycle through 64 batches of the training text, so the model trains as in a
        # real run instead of memorizing one batch
        batches = [batch(train, gen) for _ in range(64)]
        it = 0
        for _ in range(30):
            step(model, opt, *batches[it % 64])
            it += 1
        rounds = []
        for _ in range(a.rounds):
            start = time.perf_counter()
            for _ in range(a.steps_per_round):
                step(model, opt, *batches[it % 64])
                it += 1
            rounds.append((time.perf_counter() - start) / a.steps_per_round * 1e3)
        med, low, high = median_interval(rounds)
        print("gpt step eager: %s ms/step" % fmt_interval(med, low, high, lambda v: "{:.2f}".format(v)))
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"threads": a.threads, "ms_per_step": rounds}, f)
        return
    start = time.perf_counter()
    times = []
    for it in range(a.max_iters + 1):
        if it % 250 == 0 or it == a.max_iters:
            batches = 200 if it == a.max_iters else 20
            print("iter %d: train loss %.4f, val loss %.4f" % (it, evaluate(model, train, gen, batches),
                                                               evaluate(model, val, gen, batches)), flush=True)
        if it == a.max_iters:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(it, decay_iters=a.max_iters)
        t0 = time.perf_counter()
        step(model, opt, *batch(train, gen))
        times.append((time.perf_counter() - t0) * 1e3)
    print("wall time %.1f s, median %.2f ms/step" % (time.perf_counter() - start, statistics.median(times)))


if __name__ == "__main__":
    main()
