#!/usr/bin/python3
"""Safetensors files written from PyTorch, with PyTorch's outputs, for JitGrad's interop tests (which never need PyTorch).

Writes interop/src/test/resources/pytorch/:
  mlp.safetensors     the state dict of nn.Sequential(Linear(10, 16), ReLU(), Linear(16, 12), ReLU(), Linear(12, 4)),
                      seed 0, as PyTorch names and lays it out (0.weight [16, 10], 0.bias, 2.weight, ...)
  mlp_io.safetensors  "input" [5, 10] and PyTorch's "output" [5, 4] for it
  gpt.safetensors     the state dict of nanoGPT's GPT (vocab 11, block 8, 2 layers, 2 heads, width 16, bias=True), seed
                      1337, exactly as state_dict() lists it under PyTorch 1.13: both names of the tied head
                      (transformer.wte.weight and lm_head.weight) and each attention's causal-mask buffer attn.bias
  gpt_io.safetensors  "ids" [2, 8] (token ids as floats) and PyTorch's "logits" [2, 8, 11] for them

The `safetensors` Python package is not installed here, so the format is written by hand (it is small): an 8-byte
little-endian header length, the JSON header (tensors sorted by name, __metadata__ {"format": "pt"}) padded with spaces
to a multiple of 8 bytes, then each tensor's float32 values little-endian, in the same order.
Run: /usr/bin/python3 benchmarks/pytorch/safetensors_reference.py
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "interop", "src", "test", "resources", "pytorch")


def save_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        values = t.flatten().tolist()
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print("wrote %s (%d tensors, %d bytes)" % (os.path.relpath(path), len(tensors), 8 + len(text) + offset))


# ---- nanoGPT's model (model.py), as it runs under PyTorch < 2.0: attention written out with a mask buffer ----

class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, bias):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.attn_dropout = nn.Dropout(0.0)
        self.resid_dropout = nn.Dropout(0.0)
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = self.attn_dropout(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, n_embd, bias):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=bias)
        self.dropout = nn.Dropout(0.0)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, bias):
        super().__init__()
        self.ln_1 = LayerNorm(n_embd, bias)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, bias)
        self.ln_2 = LayerNorm(n_embd, bias)
        self.mlp = MLP(n_embd, bias)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, bias):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            drop=nn.Dropout(0.0),
            h=nn.ModuleList([Block(n_embd, n_head, block_size, bias) for _ in range(n_layer)]),
            ln_f=LayerNorm(n_embd, bias),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying, as nanoGPT does
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def forward(self, idx):
        t = idx.size(1)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(torch.arange(t)))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    meta = {"format": "pt"}

    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 4)).eval()
    x = torch.randn(5, 10)
    with torch.no_grad():
        y = mlp(x)
    print("mlp state_dict:", [(k, list(v.shape)) for k, v in mlp.state_dict().items()])
    print("mlp output[0]:", y[0].tolist())
    save_safetensors(os.path.join(OUT, "mlp.safetensors"), mlp.state_dict(), meta)
    save_safetensors(os.path.join(OUT, "mlp_io.safetensors"), {"input": x, "output": y}, meta)

    torch.manual_seed(1337)
    gpt = GPT(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16, bias=True).eval()
    with torch.no_grad():
        # Non-trivial biases and layer-norm parameters (nanoGPT starts them at 0 and 1), so that loading them matters.
        for name, p in gpt.named_parameters():
            if name.endswith(".bias") or ".ln_" in name:
                p.add_(0.1 * torch.randn_like(p))
        ids = torch.randint(0, 11, (2, 8))
        logits = gpt(ids)
    state = gpt.state_dict()
    assert state["lm_head.weight"].data_ptr() == state["transformer.wte.weight"].data_ptr()
    print("gpt state_dict:", list(state.keys()))
    print("gpt logits[0, 0]:", logits[0, 0].tolist())
    save_safetensors(os.path.join(OUT, "gpt.safetensors"), state, meta)
    save_safetensors(os.path.join(OUT, "gpt_io.safetensors"), {"ids": ids.float(), "logits": logits}, meta)


if __name__ == "__main__":
    main()
