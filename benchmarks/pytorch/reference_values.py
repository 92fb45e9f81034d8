#!/usr/bin/python3
"""Reference losses and gradients from PyTorch in float64, for JitGrad's tests (which never need PyTorch).

Writes codegen/src/test/resources/reference/<model>.txt: one tensor a line, `name<TAB>d0,d1,..<TAB>v v v ...`,
parameters in PyTorch's names and layouts (an nn.Linear weight is [out, in]), then the inputs, the loss and
`grad.<name>` for every parameter. Run: /usr/bin/python3 benchmarks/pytorch/reference_values.py
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "codegen", "src", "test", "resources", "reference")


class CausalSelfAttention(nn.Module):
    """nanoGPT's attention with bias=False, written out (no fused kernel) so every step is plain."""

    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=False)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=False)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class LayerNorm(nn.Module):
    """nanoGPT's LayerNorm with bias=False (PyTorch 1.13's nn.LayerNorm always has a bias)."""

    def __init__(self, n_embd):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n_embd))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=False)
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=False)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


def randomize(module, gen):
    """Every parameter (layer-norm ones included) from one seeded generator, so the test sees general values."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)


def write(name, tensors):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        f.write("# written by benchmarks/pytorch/reference_values.py with torch %s in float64\n" % torch.__version__)
        for key, t in tensors:
            t = t.detach().reshape(t.shape)
            dims = ",".join(str(d) for d in t.shape)
            values = " ".join(repr(float(v)) for v in t.flatten().tolist())
            f.write("%s\t%s\t%s\n" % (key, dims, values))


def record(name, model, inputs, loss_fn):
    loss = loss_fn()
    loss.backward()
    out = [(k, p) for k, p in model.named_parameters()]
    out += inputs
    out.append(("loss", loss))
    out += [("grad." + k, p.grad) for k, p in model.named_parameters()]
    write(name, out)
    print(name, "loss", float(loss))


def transformer_block():
    gen = torch.Generator().manual_seed(1)
    block = Block(n_embd=8, n_head=2)  # nanoGPT's bias=False: no bias in linear layers or layer norms
    randomize(block, gen)
    x = torch.randn(2, 5, 8, generator=gen)
    r = torch.randn(2, 5, 8, generator=gen)
    record("transformer_block", block, [("x", x), ("r", r)], lambda: (block(x) * r).sum())


class TiedEmbeddingModel(nn.Module):
    """Token plus position embeddings, a layer norm, and a head whose weight is the token embedding's."""

    def __init__(self, vocab, n_embd, block):
        super().__init__()
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(block, n_embd)
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, ids):
        pos = torch.arange(ids.shape[1])
        return self.lm_head(self.ln_f(self.wte(ids) + self.wpe(pos)))


def tied_embedding():
    gen = torch.Generator().manual_seed(2)
    model = TiedEmbeddingModel(vocab=11, n_embd=8, block=5)
    randomize(model, gen)
    ids = torch.tensor([[1, 4, 4, 0, 10], [7, 2, 9, 4, 1]])
    targets = torch.tensor([[4, 4, 0, 10, 3], [2, 9, 4, 1, 1]])
    record("tied_embedding", model, [("ids", ids.double()), ("targets", targets.double())],
           lambda: F.cross_entropy(model(ids).view(-1, 11), targets.view(-1)))


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, stride=1, padding=1)
        self.conv2 = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.avg_pool2d(F.relu(self.conv2(x)), 1)
        return self.fc(x.flatten(1))


def small_cnn():
    gen = torch.Generator().manual_seed(3)
    model = SmallCnn()
    randomize(model, gen)
    x = torch.randn(2, 1, 8, 8, generator=gen)
    targets = torch.tensor([3, 0])
    record("small_cnn", model, [("x", x), ("targets", targets.double())],
           lambda: F.cross_entropy(model(x), targets))


if __name__ == "__main__":
    transformer_block()
    tied_embedding()
    small_cnn()
