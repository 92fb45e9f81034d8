#!/usr/bin/python3
"""PyTorch's forward values and gradients of single ops on edge cases, for JitGrad's op parity tests.

Every case applies one op (or a composite the README names) to float32-representable inputs, computes in float64
the output and the gradient of sum(out * r), r a fixed random tensor, with respect to every float input, and writes
runtime/src/test/resources/reference/op_parity.txt in the format of reference_values.py, one tensor a line:
`<case>:<role><TAB>d0,d1,..<TAB>v v v ...` where role is `in.<name>` (in the order the op takes them),
`param.<name>` (the op's axes, strides, exponent...), `r`, `out` or `grad.<name>`. Inputs without a gradient entry
(ids, labels, masks, conditions) get none, and ops without a gradient (comparisons) no `r`. The Java side
(org.jitgrad.parity.OpParityCases) applies the same op by the case's name up to its first dot. Seeded and
deterministic.

Run: /usr/bin/python3 benchmarks/pytorch/op_reference.py
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "runtime", "src", "test", "resources", "reference",
                   "op_parity.txt")
GEN = torch.Generator().manual_seed(20240611)
INF = float("inf")
CASES = []


def f32(values):
    """A float64 tensor of float32-representable values: JitGrad sees exactly the numbers PyTorch differentiates."""
    return torch.as_tensor(values, dtype=torch.float32).double()


def randn(*shape, scale=1.0):
    return (torch.randn(shape, generator=GEN, dtype=torch.float64) * scale).float().double()


def uniform(low, high, *shape):
    return (torch.rand(shape, generator=GEN, dtype=torch.float64) * (high - low) + low).float().double()


def integers(low, high, *shape):
    """Small integers as floats: many exact ties, for comparisons, maxima and pooling."""
    return torch.randint(low, high, shape, generator=GEN).double()


class Input:
    def __init__(self, name, value, grad=True):
        self.name, self.value, self.grad = name, value, grad


def case(name, fn, *inputs, **params):
    """
    Records `fn(*inputs, **params)`; `inputs` are Input, or tensors (differentiable, named a, b, c in order). The
    op's parameters (axes, strides, exponents) are written too, as `param.<name>` rows of numbers.
    """
    ins = [x if isinstance(x, Input) else Input("abc"[i], x) for i, x in enumerate(inputs)]
    leaves = [x.value.clone().requires_grad_(x.grad) for x in ins]
    out = fn(*leaves, **params)
    rows = [("in." + x.name, x.value) for x in ins]
    rows += [("param." + k, torch.tensor(v, dtype=torch.float64)) for k, v in params.items()]
    if out.requires_grad:
        r = randn(*out.shape)
        (out * r).sum().backward()
        rows.append(("r", r))
        rows.append(("out", out))
        rows += [("grad." + x.name, leaf.grad) for x, leaf in zip(ins, leaves) if x.grad]
    else:
        rows.append(("out", out))
    assert name not in [c[0] for c in CASES], name
    CASES.append((name, rows))


def number(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return "%.12g" % v


def write():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("# written by benchmarks/pytorch/op_reference.py with torch %s in float64\n" % torch.__version__)
        for name, rows in CASES:
            for role, t in rows:
                t = t.detach()
                dims = ",".join(str(d) for d in t.shape)
                # inputs and r are float32 values: their shortest float32 form is exact; results to 12 digits
                if role.startswith(("in.", "param.")) or role == "r":
                    values = " ".join(number(float(np.float32(v))) if math.isinf(v) or math.isnan(v)
                                      else str(np.float32(v)) for v in t.flatten().tolist())
                else:
                    values = " ".join(number(v) for v in t.flatten().tolist())
                f.write("%s:%s\t%s\t%s\n" % (name, role, dims, values))
    print(len(CASES), "cases,", os.path.getsize(OUT), "bytes:", os.path.normpath(OUT))


def elementwise():
    case("add.same", torch.add, randn(3, 4), randn(3, 4))
    case("add.row", torch.add, randn(2, 3, 4), randn(4))
    case("add.both_broadcast", torch.add, randn(2, 3, 1), randn(1, 4))
    case("add.rank4_broadcast", torch.add, randn(2, 1, 3, 1), randn(1, 4, 1, 5))
    case("add.scalar_tensor", torch.add, randn(3, 4), randn())
    case("sub.both_broadcast", torch.sub, randn(3, 1), randn(1, 4))
    case("sub.lower_rank_first", torch.sub, randn(4), randn(2, 3, 4))
    case("mul.column", torch.mul, randn(2, 3, 4), randn(3, 1))
    case("mul.scalar_first", torch.mul, randn(1), randn(2, 3))
    sign = torch.where(randn(2, 3, 4) < 0, -1.0, 1.0)
    case("div.same", torch.div, randn(2, 3, 4), sign * uniform(0.5, 2.0, 2, 3, 4))
    case("div.column", torch.div, randn(2, 3, 4), f32([[-0.5], [1.5], [3.0]]))
    case("div.numerator_broadcast", torch.div, randn(1, 4), uniform(0.25, 4.0, 3, 1))
    case("div.small_denominators", torch.div, randn(5), f32([1e-3, -1e-4, 1e-6, 3e-8, -1e-10]))
    case("neg", torch.neg, randn(2, 5))
    case("div.by_zero", torch.div, f32([1.0, -1.0, 0.0, 2.0, -3.0]), f32([0.0, 0.0, 0.0, -0.0, -0.0]))
    case("exp.range", torch.exp, f32([-100, -20, -1, -1e-3, 0, 1e-3, 1, 10, 40, 80, 85, 89, 100]))
    # subnormal inputs: a gradient beyond float32's range is compared as float32's infinity
    case("log.near_zero", torch.log, f32([1e-45, 1e-40, 1e-38, 1e-30, 1e-7, 0.5, 1, 2, 1e10, 3e38]))
    case("log.zero_and_negative", torch.log, f32([0.0, -0.0, -1.0, 1.0]))
    case("sqrt.near_zero", torch.sqrt, f32([1e-44, 1e-38, 1e-30, 1e-12, 1e-6, 0.25, 2, 1e30]))
    case("sqrt.zero_and_negative", torch.sqrt, f32([0.0, -1.0, 4.0]))
    mixed = f32([-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3])
    for p in [2, 3, 1, 0, -1, -2, -3]:
        case("pow.negative_base_%d" % p, torch.pow, mixed, exponent=float(p))
    positive = uniform(0.05, 4.0, 2, 5)
    for i, p in enumerate([0.5, -0.5, 1.5, -1.5, 2.5, 1 / 3, -0.25, 0.1]):
        case("pow.fractional_%d" % i, torch.pow, positive, exponent=float(np.float32(p)))   # JitGrad's is a float
    for i, p in enumerate([0.5, 1.5, 1 / 3, -0.5]):
        case("pow.fractional_negative_base_%d" % i, torch.pow, f32([-2.0, -0.5, 1.0]), exponent=float(np.float32(p)))
    for p in [0, 1, 2, 3, 0.5]:
        case("pow.at_zero_%s" % p, torch.pow, f32([0.0, -2.0 if p in (2, 3) else 2.0]), exponent=float(p))
    spread = f32([-20, -9, -5, -2, -1, -0.5, -1e-3, 0, 1e-4, 0.3, 1, 2, 4.5, 8.9, 9.5, 30])
    case("tanh.range", torch.tanh, spread)
    case("sigmoid.range", torch.sigmoid, f32([-100, -30, -10, -1, -1e-3, 0, 1e-3, 1, 10, 17, 30, 100]))
    case("relu.with_zeros", torch.relu, f32([-2, -1e-30, -0.0, 0.0, 1e-30, 0.5, 3]))
    case("erf.range", torch.erf, f32([-6, -3.9, -3, -2, -1, -0.5, -1e-3, 0, 1e-4, 0.3, 0.9, 1.5, 2.5, 3.8, 5]))
    case("gelu.range", F.gelu, spread)
    case("gelu_tanh.range", lambda x: F.gelu(x, approximate="tanh"), spread)
    case("maximum.broadcast", torch.maximum, randn(2, 3, 4), randn(3, 1))
    case("minimum.broadcast", torch.minimum, randn(4), randn(3, 4))
    case("maximum.ties", torch.maximum, integers(-2, 3, 3, 4), integers(-2, 3, 3, 4))
    case("minimum.ties", torch.minimum, integers(-2, 3, 3, 4), integers(-2, 3, 3, 4))
    # NaN propagates in PyTorch's forward; its gradients at a NaN are not compared (forward only)
    nan = Input("a", f32([float("nan"), -1.0, 2.0, float("nan")]), False)
    case("relu.nan", torch.relu, nan)
    case("maximum.nan", torch.maximum, nan, Input("b", f32([1.0, float("nan"), 0.0, float("nan")]), False))
    case("minimum.nan", torch.minimum, nan, Input("b", f32([1.0, float("nan"), 0.0, float("nan")]), False))


def comparisons():
    a, b = integers(-2, 3, 3, 4), integers(-2, 3, 3, 1)
    for op in ["gt", "lt", "ge", "le", "eq"]:
        fn = getattr(torch, op)
        case(op + ".broadcast", lambda x, y, fn=fn: fn(x, y).double(), Input("a", a, False), Input("b", b, False))
        case(op + ".scalar", lambda x, value, fn=fn: fn(x, value).double(), Input("a", a, False), value=1.0)
        case(op + ".nan", lambda x, y, fn=fn: fn(x, y).double(), Input("a", f32([float("nan"), 1.0, float("nan")]), False),
             Input("b", f32([1.0, float("nan"), float("nan")]), False))


def selection():
    def where(c, x, y):
        return torch.where(c != 0, x, y)

    case("where.broadcast", where, Input("cond", torch.tensor([[1.0], [0.0], [1.0]]), False), Input("a", randn(3, 4)),
         Input("b", randn(4)))
    case("where.scalar_branch", where, Input("cond", integers(0, 2, 2, 3), False), Input("a", randn(2, 3)),
         Input("b", randn(1)))

    def masked_fill(x, m, value):
        return x.masked_fill(m != 0, value)

    case("masked_fill.row_mask", masked_fill, Input("a", randn(3, 4)),
         Input("mask", torch.tensor([[0.0, 1.0, 0.0, 1.0]]), False), value=-7.5)
    case("masked_fill.minus_infinity", masked_fill, Input("a", randn(2, 3, 4)),
         Input("mask", integers(0, 2, 3, 1), False), value=-INF)
    for name, shape, target in [("column", (3, 1), [2, 3, 4]), ("vector", (4,), [3, 4]),
                                ("rank4", (1, 3, 1, 4), [2, 3, 2, 4])]:
        case("broadcast_to." + name, lambda x, shape: x.broadcast_to(shape), randn(*shape), shape=target)


def layout():
    case("reshape.to_matrix", torch.reshape, randn(2, 3, 4), shape=[4, 6])
    case("reshape.to_rank4", torch.reshape, randn(6, 4), shape=[2, 3, 2, 2])
    case("permute.rank4", torch.permute, randn(2, 3, 4, 5), dims=[0, 2, 3, 1])
    case("permute.negative", torch.permute, randn(2, 3, 4), dims=[-1, 0, -2])
    case("transpose.matrix", torch.t, randn(3, 5))
    case("transpose.negative_axis", torch.transpose, randn(2, 3, 4), dim0=0, dim1=-1)
    case("transpose.rank4_middle", torch.transpose, randn(2, 3, 4, 2), dim0=1, dim1=2)

    def slice_(x, dim, start, end):
        return x.narrow(dim, start, end - start)

    x = randn(3, 4, 5)
    case("slice.axis0", slice_, x, dim=0, start=1, end=3)
    case("slice.axis1", slice_, x, dim=1, start=0, end=2)
    case("slice.axis_minus1", slice_, x, dim=-1, start=2, end=5)
    case("slice.rank4_axis2", slice_, randn(2, 2, 3, 3), dim=2, start=1, end=2)
    for axis, shapes in [(0, [(1, 3, 2), (2, 3, 2), (3, 3, 2)]), (1, [(2, 1, 3), (2, 4, 3)]),
                         (-1, [(2, 3, 2), (2, 3, 1), (2, 3, 3)])]:
        parts = [Input("abc"[i], randn(*s)) for i, s in enumerate(shapes)]
        case("cat.axis%d" % axis, lambda *ts, dim: torch.cat(ts, dim), *parts, dim=axis)

    def split_reversed(x, size, dim):
        """The chunks joined in reverse order: a wrong chunk boundary or size changes the result."""
        return torch.cat(x.split(size, dim)[::-1], dim)

    for axis, shape in [(0, (5, 2, 3)), (1, (2, 7, 3)), (2, (2, 3, 5)), (-1, (3, 4))]:
        case("split.axis%d" % axis, split_reversed, randn(*shape), size=2, dim=axis)
    case("split.size_above_axis", split_reversed, randn(2, 3), size=5, dim=1)


def matmul():
    for name, a, b in [("2x2", (3, 4), (4, 5)), ("3x2", (2, 3, 4), (4, 5)), ("2x3", (4, 5), (2, 5, 3)),
                       ("3x3_broadcast", (1, 3, 4), (2, 4, 5)), ("4x4", (2, 2, 3, 4), (2, 2, 4, 3)),
                       ("4x3_broadcast", (2, 1, 3, 4), (3, 4, 2)), ("4x4_broadcast", (2, 1, 3, 4), (1, 2, 4, 5)),
                       ("2x4", (3, 4), (2, 2, 4, 2))]:
        case("matmul." + name, torch.matmul, randn(*a), randn(*b))


def reductions():
    x = randn(2, 3, 4)
    case("sum.all", torch.sum, x)
    case("mean.all", torch.mean, x)

    def max_(t, dim, keepdim):
        return t.max(dim, keepdim)[0]

    for axis in [0, 1, 2, -1]:
        case("sum.axis%d" % axis, torch.sum, x, dim=axis, keepdim=False)
        case("mean.axis%d" % axis, torch.mean, x, dim=axis, keepdim=False)
        case("max.axis%d" % axis, max_, x, dim=axis, keepdim=False)
    case("sum.axis1_keepdim", torch.sum, x, dim=1, keepdim=True)
    case("mean.axis_minus2_keepdim", torch.mean, x, dim=-2, keepdim=True)
    case("max.axis2_keepdim", max_, x, dim=2, keepdim=True)
    # PyTorch's max(dim) on the CPU routes a tie's gradient to the first arg-max, as JitGrad documents
    case("max.ties", max_, integers(0, 3, 3, 5), dim=1, keepdim=False)
    case("max.rank4_axis1", max_, randn(2, 3, 2, 2), dim=1, keepdim=False)
    large = randn(2, 3, 4, scale=300.0)
    for axis in [0, 1, 2, -1]:
        case("softmax.axis%d" % axis, torch.softmax, x, dim=axis)
        case("log_softmax.axis%d" % axis, torch.log_softmax, x, dim=axis)
        case("softmax.large_axis%d" % axis, torch.softmax, large, dim=axis)
        case("log_softmax.large_axis%d" % axis, torch.log_softmax, large, dim=axis)
    case("softmax.rank4_axis1", torch.softmax, randn(2, 3, 2, 2, scale=5.0), dim=1)
    # rows offset far from 0: the results are of order 1, and so must their errors be, not of ulp(1000)
    offset = f32(randn(3, 5) + 1000.0)
    case("log_softmax.offset_rows", torch.log_softmax, offset, dim=-1)
    case("log_softmax.offset_columns", torch.log_softmax, offset, dim=0)
    huge = f32([[1e30, 0.0, -1e30], [3e4, 3e4, -3e4]])
    case("softmax.huge", torch.softmax, huge, dim=1)
    case("log_softmax.huge", torch.log_softmax, huge, dim=1)
    case("max.nan", max_, Input("a", f32([[1.0, float("nan"), 3.0], [float("nan"), 5.0, 2.0]]), False), dim=1,
         keepdim=False)

    def masked_softmax(t, m, dim):
        return t.masked_fill(m != 0, -INF).softmax(dim)

    case("masked_softmax.partly_masked", masked_softmax, Input("a", randn(2, 4)),
         Input("mask", torch.tensor([[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]), False), dim=-1)
    # README, API: "The softmax of a row that is entirely -Infinity ... is 0, with gradient 0 (PyTorch gives NaN)"
    case("masked_softmax.row_fully_masked", masked_softmax, Input("a", randn(2, 3)),
         Input("mask", torch.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 1.0]]), False), dim=-1)


def embedding():
    table = randn(5, 3)
    case("embedding.repeated_ids", F.embedding, Input("ids", torch.tensor([[1, 4, 4, 0], [1, 1, 2, 4]]), False),
         Input("table", table))
    case("embedding.vector_ids", F.embedding, Input("ids", torch.tensor([3, 3, 3, 0, 2, 3, 1]), False),
         Input("table", table))
    case("embedding.rank3_ids", F.embedding, Input("ids", torch.randint(0, 5, (2, 2, 3), generator=GEN), False),
         Input("table", randn(5, 2)))


def convolution():
    for name, x, w, bias, stride, pad in [
            ("nonsquare_kernel_stride2_pad1", (2, 3, 7, 6), (4, 3, 3, 2), True, 2, 1),
            ("plain", (1, 2, 5, 5), (3, 2, 3, 3), False, 1, 0),
            ("stride3_pad2", (1, 1, 6, 8), (2, 1, 2, 4), True, 3, 2),
            ("pointwise_stride2", (2, 2, 5, 4), (1, 2, 1, 1), False, 2, 0),
            ("kernel_wider_than_input", (1, 1, 4, 2), (1, 1, 3, 4), True, 1, 1)]:
        inputs = [Input("x", randn(*x)), Input("weight", randn(*w, scale=0.5))]
        if bias:
            inputs.append(Input("bias", randn(w[0])))
        case("conv2d." + name, F.conv2d, *inputs, stride=stride, padding=pad)


def pooling():
    for name, x, k, s in [("overlapping", randn(2, 2, 6, 7), 3, 2), ("stride_above_kernel", randn(1, 2, 5, 5), 2, 3),
                          ("stride1", randn(1, 1, 5, 4), 2, 1)]:
        case("max_pool2d." + name, F.max_pool2d, Input("x", x), kernel_size=k, stride=s)
        case("avg_pool2d." + name, F.avg_pool2d, Input("x", x), kernel_size=k, stride=s)
    case("avg_pool2d.kernel1_stride2", F.avg_pool2d, Input("x", randn(1, 2, 5, 4)), kernel_size=1, stride=2)
    case("max_pool2d.nan", F.max_pool2d, Input("x", f32([[[[1.0, float("nan"), 0.0, 2.0], [0.5, 3.0, 1.0, 1.5]]]]), False),
         kernel_size=2, stride=2)
    # ties: the gradient goes to the first maximum of each window in row-major order, as PyTorch's CPU kernel
    case("max_pool2d.ties", F.max_pool2d, Input("x", integers(0, 2, 1, 2, 4, 6)), kernel_size=2, stride=2)
    case("max_pool2d.ties_overlapping", F.max_pool2d, Input("x", integers(0, 2, 1, 1, 5, 5)), kernel_size=3, stride=1)


def normalization():
    def layer_norm(x, weight=None, bias=None, eps=1e-5):
        return F.layer_norm(x, x.shape[-1:], weight, bias, eps)

    case("layer_norm.affine", layer_norm, Input("x", randn(2, 3, 8)), Input("weight", randn(8)),
         Input("bias", randn(8)), eps=float(np.float32(1e-5)))
    # a variance near eps: an eps added elsewhere (to the standard deviation, say) shows
    case("layer_norm.tiny_variance", layer_norm, Input("x", randn(3, 6, scale=3e-3)), Input("weight", randn(6)),
         Input("bias", randn(6)), eps=float(np.float32(1e-5)))
    case("layer_norm.large_eps_plain", layer_norm, Input("x", randn(4, 5)), eps=float(np.float32(0.1)))
    case("layer_norm.weight_only", layer_norm, Input("x", randn(2, 2, 2, 4, scale=10.0)), Input("weight", randn(4)),
         eps=float(np.float32(1e-5)))
    case("layer_norm.constant_row", layer_norm, Input("x", f32([[0.75] * 5, [1.0, 2.0, 3.0, 4.0, 5.0]])),
         Input("weight", randn(5)), Input("bias", randn(5)), eps=float(np.float32(1e-5)))
    # rows away from 0, so that a missing mean subtraction shows; at 10, not 50: with rows near 50, the float32 rounding
    # of the mean alone (half an ulp of 50 is 2e-6) is the tolerance's whole 1e-6 + 1e-5 relative
    case("layer_norm.offset_rows", layer_norm, Input("x", f32(randn(3, 7) + 10.0)), Input("weight", randn(7)),
         Input("bias", randn(7)), eps=float(np.float32(1e-5)))


def losses():
    case("mse.matrix", F.mse_loss, Input("pred", randn(3, 4)), Input("target", randn(3, 4)))
    case("mse.rank3", F.mse_loss, Input("pred", randn(2, 3, 2)), Input("target", randn(2, 3, 2)))
    case("cross_entropy.repeated_labels", F.cross_entropy, Input("logits", randn(6, 5)),
         Input("labels", torch.tensor([0, 4, 4, 2, 0, 0]), False))
    case("cross_entropy.large_logits", F.cross_entropy, Input("logits", randn(4, 3, scale=500.0)),
         Input("labels", torch.tensor([2, 0, 1, 1]), False))
    # confident and right: each row's loss is about 1e-4, the logits about 1000
    case("cross_entropy.confident_large_logits", F.cross_entropy,
         Input("logits", f32([[1000.0, 990.0, 991.5], [-1200.0, -1190.0, -1209.0], [50.0, 40.0, 41.0]])),
         Input("labels", torch.tensor([0, 1, 0]), False))
    case("cross_entropy.single_row", F.cross_entropy, Input("logits", randn(1, 7)),
         Input("labels", torch.tensor([6]), False))


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    for group in [elementwise, comparisons, selection, layout, matmul, reductions, embedding, convolution, pooling,
                  normalization, losses]:
        group()
    write()
