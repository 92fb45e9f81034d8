package org.jitgrad.compile;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jitgrad.autograd.Eager;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layout ops and batched matmul compiled against the tape, as {@link OpCoverageTest} does for the other ops:
 * loss = Σ f(params)·R with a fixed random R. The compiler runs each op's own forward kernel, so this checks the
 * kernels on the compiler's buffers (reused arena slots, gradients written in place) and the gradient rules on IR.
 */
class LayoutOpsCompiledTest {
    private static Tensor param(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad();
    }

    record Case(String name, List<Tensor> params, Function<List<Tensor>, Tensor> op) {
        @Override
        public String toString() { return name; }
    }

    private static Arguments c(String name, List<Tensor> params, Function<List<Tensor>, Tensor> op) {
        return Arguments.of(new Case(name, params, op));
    }

    private static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return Eager.apply(LinalgOp.MATMUL, new OpParams.Transposes(transA, transB), a, b);
    }

    static Stream<Arguments> cases() {
        Tensor m = param(1, 7, 17), r3 = param(2, 3, 5, 7), r4 = param(3, 2, 3, 5, 7), r4b = param(4, 2, 1, 17, 33);
        Tensor x = param(5, 3, 7, 17), w = param(6, 17, 5), wT = param(7, 5, 17), bias = param(8, 5);
        Tensor qb = param(9, 2, 3, 7, 5), kb = param(10, 2, 3, 5, 7), kHeads = param(11, 3, 5, 7), qOne = param(12, 2, 1, 7, 5);
        Tensor a2 = param(13, 7, 5), xT = param(14, 3, 17, 7);
        return Stream.of(
                c("permute 2-D", List.of(m), t -> t.get(0).permute(1, 0)),
                c("permute rank 3 rotate", List.of(r3), t -> t.get(0).permute(2, 0, 1)),
                c("permute rank 3 negative dims", List.of(r3), t -> t.get(0).permute(-2, -3, -1)),
                c("permute rank 4 heads", List.of(r4), t -> t.get(0).permute(0, 2, 1, 3)),
                c("permute rank 4 reverse", List.of(r4), t -> t.get(0).permute(3, 2, 1, 0)),
                c("permute rank 4 with ones", List.of(r4b), t -> t.get(0).permute(0, 3, 1, 2)),
                c("permute of a computed value", List.of(r3), t -> t.get(0).tanh().permute(1, 2, 0).exp()),
                c("transpose(0, -1)", List.of(r3), t -> t.get(0).transpose(0, -1)),
                c("transpose(-2, -1) rank 4", List.of(r4), t -> t.get(0).transpose(-2, -1)),
                c("slice last axis", List.of(m), t -> t.get(0).slice(-1, 3, 10)),
                c("slice first axis", List.of(r3), t -> t.get(0).slice(0, 1, 3)),
                c("slice middle rank 4", List.of(r4), t -> t.get(0).slice(2, 2, 5)),
                c("two overlapping slices", List.of(m), t -> t.get(0).slice(1, 0, 10).mul(t.get(0).slice(1, 7, 17))),
                c("slice then sum", List.of(r3), t -> t.get(0).slice(1, 4, 5).sum()),
                c("cat last axis", List.of(m, a2), t -> Tensor.cat(-1, t.get(0), t.get(1), t.get(0))),
                c("cat first axis of computed parts", List.of(m, a2),
                        t -> Tensor.cat(0, t.get(0).slice(1, 0, 5).tanh(), t.get(1).exp())),
                c("cat rank 4 axis 1", List.of(r4), t -> Tensor.cat(1, t.get(0), t.get(0).mul(2f))),
                c("split and rejoin reversed", List.of(m), t -> {
                    List<Tensor> chunks = t.get(0).split(5, 1);
                    Tensor[] rev = new Tensor[chunks.size()];
                    for (int i = 0; i < rev.length; i++) rev[rev.length - 1 - i] = chunks.get(i).mul(i + 1f);
                    return Tensor.cat(1, rev);
                }),
                c("split one chunk used", List.of(r3), t -> t.get(0).split(2, -1).get(3).sigmoid()),
                c("matmul [B,T,C] x [C,D]", List.of(x, w), t -> t.get(0).matmul(t.get(1))),
                c("matmul [B,T,C] x [D,C]ᵀ", List.of(x, wT), t -> matmul(t.get(0), t.get(1), false, true)),
                c("matmul [B,C,T]ᵀ x [C,D]", List.of(xT, w), t -> matmul(t.get(0), t.get(1), true, false)),
                c("matmul [B,T,C] x [C,D] + bias, relu", List.of(x, w, bias), t -> t.get(0).matmul(t.get(1)).add(t.get(2)).relu()),
                c("matmul batched both", List.of(qb, kb), t -> t.get(0).matmul(t.get(1))),
                c("matmul batched transposes", List.of(qb, kb), t -> matmul(t.get(1), t.get(0), true, true)),
                c("matmul broadcast [B,1,T,d] x [H,d,T]", List.of(qOne, kHeads), t -> t.get(0).matmul(t.get(1))),
                c("matmul [T,d] x [B,H,d,T]", List.of(a2, kb), t -> t.get(0).matmul(t.get(1))),
                c("attention block", List.of(x, param(15, 17, 51), param(16, 17, 17)), LayoutOpsCompiledTest::attention),
                // a reshape of a computed value shares its slot: the value must stay intact while either is read
                c("reshape read after its input's last use", List.of(x, w),
                        t -> reshapeOutlivesItsInput(t.get(0), t.get(1))),
                c("chain of reshapes of a computed value", List.of(r3),
                        t -> t.get(0).tanh().reshape(15, 7).reshape(7, 15).reshape(3, 35).exp().reshape(105)),
                c("reshape of a matmul read by an in-place loop", List.of(x, w),
                        t -> {
                            Tensor h = t.get(0).matmul(t.get(1));               // [3,7,5]
                            return h.tanh().mul(h.reshape(21, 5).reshape(3, 7, 5)).sigmoid();
                        }));
    }

    /** {@code h = x·w}; a loop consumes h itself, and a product then reads h through a reshape. */
    private static Tensor reshapeOutlivesItsInput(Tensor x, Tensor w) {
        Tensor h = x.matmul(w);                          // [3,7,5]
        Tensor flat = h.reshape(21, 5);
        Tensor squashed = h.tanh().mul(2f).exp();         // h's own last read; its slot must not be written over
        Tensor product = flat.matmul(Tensor.randn(5, 5, 4)).reshape(3, 7, 4);
        return squashed.sum(-1, true).mul(product);
    }

    /**
     * Two-head self-attention of {@code x [B,T,C]}, C = 17 split into heads by slicing (17 is odd): project to q, k, v
     * at once, split them, arrange heads with permute, scores q·kᵀ, softmax, weight v, join the heads, project out.
     */
    private static Tensor attention(List<Tensor> t) {
        Tensor x = t.get(0), wQkv = t.get(1), wOut = t.get(2);
        int b = x.shape().dim(0), len = x.shape().dim(1);
        List<Tensor> qkv = x.matmul(wQkv).split(17, -1);
        Tensor[] heads = new Tensor[2];
        for (int h = 0; h < 2; h++) {
            int from = h == 0 ? 0 : 9, to = h == 0 ? 9 : 17;
            Tensor q = qkv.get(0).slice(-1, from, to), k = qkv.get(1).slice(-1, from, to), v = qkv.get(2).slice(-1, from, to);
            Tensor scores = q.matmul(k.transpose(-2, -1)).mul((float) (1 / Math.sqrt(to - from)));
            heads[h] = scores.softmax(-1).matmul(v).reshape(b, len, 1, to - from);
        }
        Tensor joined = Tensor.cat(-1, heads[0].permute(0, 2, 1, 3), heads[1].permute(0, 2, 1, 3));  // [B,1,T,C]
        return joined.permute(0, 2, 1, 3).reshape(b, len, 17).matmul(wOut).tanh();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledMatchesTape(Case c) {
        Tensor x = Tensor.randn(99, 1);  // the function's input is unused: parameters carry the data
        TensorFn fn = in -> {
            Tensor out = c.op().apply(c.params());
            if (out.size() == 1) return out.add(in[0].mul(0f)).sum();
            Tensor weights = Tensor.randn(42, out.shape().dims());
            return out.mul(weights).sum().add(in[0].mul(0f).sum());
        };
        Engines.assertSameLossAndGradients(fn, c.params(), x);
    }
}
