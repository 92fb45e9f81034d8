package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.nn.Losses;
import org.jitgrad.ops.BinaryOp;
import org.jitgrad.ops.BroadcastOp;
import org.jitgrad.ops.ConvOp;
import org.jitgrad.ops.GradOp;
import org.jitgrad.ops.IndexOp;
import org.jitgrad.ops.LayoutOp;
import org.jitgrad.ops.RandomOp;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.LossOp;
import org.jitgrad.ops.NormOp;
import org.jitgrad.ops.Op;
import org.jitgrad.ops.ReduceOp;
import org.jitgrad.ops.ReshapeOp;
import org.jitgrad.ops.SoftmaxOp;
import org.jitgrad.ops.UnaryOp;
import org.jitgrad.ops.WhereOp;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/**
 * The op-info table: one {@link OpInfo} per op. Sizes are odd (1, 7, 17, 33) so vector tails and
 * broadcast edges are exercised; axes are given negative as well as positive.
 */
final class OpInfoTable {
    private OpInfoTable() {}

    static Tensor randn(long seed, int... shape) { return Tensor.randn(seed, shape); }

    /** Values in [0.5, 2): the domain of log, sqrt and fractional powers. */
    static Tensor positive(long seed, int... shape) { return Tensor.uniform(seed, 0.5f, 2f, shape); }

    /** Integral class labels for cross-entropy. */
    static Tensor labels(int batch, int classes) {
        float[] l = new float[batch];
        for (int i = 0; i < batch; i++) l[i] = (i * 5 + 3) % classes;
        return Tensor.of(l, batch);
    }

    /** Values on a coarse grid, so comparisons meet ties. */
    static Tensor grid(long seed, int... shape) {
        float[] v = Tensor.uniform(seed, -2f, 2f, shape).toArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i] * 2) / 2f;
        return Tensor.of(v, shape);
    }

    /**
     * Multiples of 0.1 plus {@code offset}: two tensors with offsets 0 and 0.05 never come within 0.05 of
     * each other, so a finite difference never crosses the kink of a maximum or minimum.
     */
    static Tensor separated(long seed, float offset, int... shape) {
        float[] v = Tensor.randn(seed, shape).toArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i] * 10) / 10f + offset;
        return Tensor.of(v, shape);
    }

    static final Map<Op, OpInfo> ENTRIES = build();

    /** Composite ops: no op of their own, checked the same way through their primitives. */
    static final List<OpInfo.Sample> COMPOSITES = List.of(
            composite("layerNorm [7,17] with weight and bias", t -> t.get(0).layerNorm(t.get(1), t.get(2), 1e-5f),
                    List.of(randn(1, 7, 17), randn(2, 17), randn(3, 17))),
            composite("layerNorm [2,3,33] without affine", t -> t.get(0).layerNorm(null, null, 1e-5f),
                    List.of(randn(4, 2, 3, 33))),
            composite("geluTanh [7,17]", t -> t.get(0).geluTanh(), List.of(randn(6, 7, 17))),
            composite("maskedFill with a broadcast mask", t -> t.get(0).maskedFill(grid(7, 7, 1).gt(0f), -3f),
                    List.of(randn(8, 7, 17))),
            composite("masked softmax (causal, -inf)", t -> t.get(0).maskedFill(causal(7), Float.NEGATIVE_INFINITY).softmax(-1),
                    List.of(randn(9, 2, 7, 7))),
            composite("mean over axis -2", t -> t.get(0).mean(-2, true), List.of(randn(10, 3, 7, 17))));

    private static OpInfo.Sample composite(String label, java.util.function.Function<List<Tensor>, Tensor> apply, List<Tensor> inputs) {
        return new OpInfo.Sample(label, inputs, apply);
    }

    /** {@code [t, t]} with 1 above the diagonal: the positions a causal mask hides. */
    static Tensor causal(int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) m[i * t + j] = 1f;
        return Tensor.of(m, t, t);
    }

    private static Map<Op, OpInfo> build() {
        List<OpInfo> all = new ArrayList<>();
        for (UnaryOp u : UnaryOp.values()) all.add(unary(u));
        for (BinaryOp b : BinaryOp.values()) all.add(binary(b));
        for (GradOp g : GradOp.values()) {
            UnaryOp parent = switch (g) {
                case TANH_GRAD -> UnaryOp.TANH;
                case SIGMOID_GRAD -> UnaryOp.SIGMOID;
                case RELU_GRAD -> UnaryOp.RELU;
                case GELU_GRAD -> UnaryOp.GELU;
            };
            all.add(new OpInfo(g).backwardOnly().sample("backward of " + parent.name().toLowerCase(),
                    t -> apply(parent, t.get(0)), randn(11, 7, 17)));
        }
        all.add(new OpInfo(BroadcastOp.BROADCAST_TO)
                .sample("[17] to [7,17]", t -> t.get(0).broadcastTo(7, 17), randn(12, 17))
                .sample("[7,1] to [2,7,33]", t -> t.get(0).broadcastTo(2, 7, 33), randn(13, 7, 1))
                .sample("[] to [1,7]", t -> t.get(0).broadcastTo(1, 7), randn(14))
                .rejects("to a smaller shape", () -> randn(1, 7, 17).broadcastTo(17), ShapeException.class, "broadcastTo", "[7, 17]", "[17]")
                .rejects("a dimension that is not 1", () -> randn(1, 2, 3).broadcastTo(4, 3), ShapeException.class, "[2, 3]", "[4, 3]"));
        all.add(new OpInfo(WhereOp.WHERE)
                .sample("same shapes", t -> Tensor.where(grid(15, 7, 17).gt(0f), t.get(0), t.get(1)), randn(16, 7, 17), randn(17, 7, 17))
                .sample("broadcast condition and branches", t -> Tensor.where(grid(18, 7, 1).gt(0f), t.get(0), t.get(1)),
                        randn(19, 1, 17), randn(20, 7, 17))
                .rejects("shapes that do not broadcast", () -> Tensor.where(randn(1, 3), randn(2, 4), randn(3, 4)),
                        ShapeException.class, "where", "[3]", "[4]")
                .rejects("maskedFill with a mask larger than the tensor", () -> randn(1, 7).maskedFill(randn(2, 3, 7), 0f),
                        ShapeException.class, "maskedFill", "[3, 7]", "[7]"));
        all.add(new OpInfo(LinalgOp.MATMUL)
                .sample("[7,33] x [33,17]", t -> t.get(0).matmul(t.get(1)), randn(21, 7, 33), randn(22, 33, 17))
                .sample("[1,1] x [1,7]", t -> t.get(0).matmul(t.get(1)), randn(23, 1, 1), randn(24, 1, 7))
                .sample("[2,7,17] x [17,5] (a weight over a sequence)", t -> t.get(0).matmul(t.get(1)), randn(60, 2, 7, 17), randn(61, 17, 5))
                .sample("[2,3,7,5] x [2,3,5,7] (heads)", t -> t.get(0).matmul(t.get(1)), randn(62, 2, 3, 7, 5), randn(63, 2, 3, 5, 7))
                .sample("[2,1,7,5] x [3,5,7] (broadcast batch)", t -> t.get(0).matmul(t.get(1)), randn(64, 2, 1, 7, 5), randn(65, 3, 5, 7))
                .rejects("inner dimensions differ", () -> randn(1, 2, 3).matmul(randn(2, 4, 5)), ShapeException.class,
                        "matmul", "[2, 3]", "[4, 5]"));
        all.add(new OpInfo(LinalgOp.TRANSPOSE)
                .sample("[7,17]", t -> t.get(0).transpose(), randn(25, 7, 17))
                .rejects("rank 3", () -> randn(1, 2, 3, 4).transpose(), ShapeException.class, "transpose", "[2, 3, 4]"));
        all.add(new OpInfo(LossOp.CROSS_ENTROPY)
                .sample("[7,17]", t -> Losses.crossEntropy(t.get(0), labels(7, 17)), randn(26, 7, 17))
                .rejects("label out of range", () -> Losses.crossEntropy(randn(1, 2, 3), Tensor.of(new float[] {0, 3}, 2)),
                        IllegalArgumentException.class, "3")
                .rejects("labels of another batch", () -> Losses.crossEntropy(randn(1, 2, 3), labels(3, 3)),
                        ShapeException.class, "[2, 3]", "[3]"));
        all.add(new OpInfo(LossOp.CROSS_ENTROPY_GRAD).backwardOnly()
                .sample("backward of crossEntropy", t -> Losses.crossEntropy(t.get(0), labels(7, 17)), randn(27, 7, 17)));
        all.add(new OpInfo(ReduceOp.SUM).sample("[7,17]", t -> t.get(0).sum(), randn(28, 7, 17)));
        all.add(new OpInfo(ReduceOp.SUM_AXIS)
                .sample("axis 0 of [3,5,7]", t -> t.get(0).sum(0, false), randn(29, 3, 5, 7))
                .sample("axis -1 keepDim of [2,3,5,7]", t -> t.get(0).sum(-1, true), randn(30, 2, 3, 5, 7))
                .rejects("axis out of range", () -> randn(1, 3, 5).sum(2, false), ShapeException.class, "sum", "axis 2", "[3, 5]"));
        all.add(new OpInfo(ReduceOp.MAX_AXIS)
                .sample("axis 1 of [3,5,7]", t -> t.get(0).max(1), randn(31, 3, 5, 7))
                .sample("axis -1 keepDim of [7,17]", t -> t.get(0).max(-1, true), randn(32, 7, 17))
                .rejects("axis out of range", () -> randn(1, 3).max(-2), ShapeException.class, "max", "axis -2", "[3]"));
        all.add(new OpInfo(ReduceOp.MAX_AXIS_GRAD).backwardOnly()
                .sample("backward of max", t -> t.get(0).max(0), randn(33, 5, 7)));
        all.add(new OpInfo(ReduceOp.SUM_TO).backwardOnly()
                .sample("backward of a broadcast add [3,1,7] + [5,1]", t -> t.get(0).add(t.get(1)), randn(34, 3, 1, 7), randn(35, 5, 1))
                .sample("backward of a row bias", t -> t.get(0).add(t.get(1)), randn(36, 7, 17), randn(37, 17)));
        all.add(new OpInfo(ReshapeOp.RESHAPE)
                .sample("[3,5,7] to [15,7]", t -> t.get(0).reshape(15, 7), randn(38, 3, 5, 7))
                .rejects("another size", () -> randn(1, 2, 3).reshape(4, 2), ShapeException.class, "reshape", "[2, 3]", "[4, 2]"));
        all.add(new OpInfo(SoftmaxOp.SOFTMAX)
                .sample("last axis of [7,17]", t -> t.get(0).softmax(-1), randn(39, 7, 17))
                .sample("axis 1 of [3,5,7]", t -> t.get(0).softmax(1), randn(40, 3, 5, 7))
                .rejects("axis out of range", () -> randn(1, 3).softmax(1), ShapeException.class, "softmax", "axis 1", "[3]"));
        all.add(new OpInfo(SoftmaxOp.LOG_SOFTMAX)
                .sample("last axis of [2,3,33]", t -> t.get(0).logSoftmax(-1), randn(41, 2, 3, 33))
                .sample("axis 0 of [3,5,7]", t -> t.get(0).logSoftmax(0), randn(42, 3, 5, 7)));
        all.add(new OpInfo(SoftmaxOp.SOFTMAX_GRAD).backwardOnly()
                .sample("backward of softmax", t -> t.get(0).softmax(-1), randn(43, 7, 17)));
        all.add(new OpInfo(SoftmaxOp.LOG_SOFTMAX_GRAD).backwardOnly()
                .sample("backward of logSoftmax", t -> t.get(0).logSoftmax(0), randn(44, 7, 17)));
        all.add(new OpInfo(NormOp.NORMALIZE)
                .sample("rows of 17 (a vector and a tail)", t -> t.get(0).layerNorm(null, null, 1e-5f), randn(160, 7, 17))
                .sample("[2,3,33] with weight and bias", t -> t.get(0).layerNorm(t.get(1), t.get(2), 1e-5f),
                        randn(161, 2, 3, 33), randn(162, 33), randn(163, 33))
                .sample("rows of 48, eps 0.1", t -> t.get(0).layerNorm(null, null, 0.1f), randn(164, 5, 48))
                .rejects("negative eps", () -> randn(1, 2, 3).layerNorm(null, null, -1f), IllegalArgumentException.class,
                        "layerNorm", "eps", "-1.0"));
        all.add(new OpInfo(NormOp.NORMALIZE_GRAD).backwardOnly()
                .sample("backward of layer norm", t -> t.get(0).layerNorm(null, null, 1e-5f), randn(165, 6, 20)));
        Tensor ids = Tensor.of(new float[] {1, 4, 4, 0, 10, 7}, 2, 3);
        all.add(new OpInfo(IndexOp.EMBEDDING)
                .sample("[11,7] table, ids [2,3] with a repeat", t -> Tensor.embedding(t.get(0), ids), randn(45, 11, 7))
                .sample("[33,17] table, ids [5]", t -> Tensor.embedding(t.get(0), Tensor.of(new float[] {32, 0, 5, 5, 1}, 5)),
                        randn(46, 33, 17))
                .rejects("id out of range", () -> Tensor.embedding(randn(1, 4, 3), Tensor.of(new float[] {0, 4}, 2)),
                        IllegalArgumentException.class, "embedding", "4", "[4, 3]")
                .rejects("non-integral id", () -> Tensor.embedding(randn(1, 4, 3), Tensor.of(new float[] {2.5f}, 1)),
                        IllegalArgumentException.class, "2.5"));
        all.add(new OpInfo(IndexOp.EMBEDDING_GRAD).backwardOnly()
                .sample("backward of embedding", t -> Tensor.embedding(t.get(0), ids), randn(47, 11, 7)));
        all.add(new OpInfo(RandomOp.BERNOULLI_MASK).stateful()
                .sample("dropout 0.5 of [7,17]", t -> t.get(0).dropout(0.5f, new RandomStream(7)), randn(48, 7, 17))
                .rejects("p = 1", () -> randn(1, 3).dropout(1f, new RandomStream(1)), IllegalArgumentException.class, "1.0"));
        all.add(new OpInfo(LayoutOp.PERMUTE)
                .sample("[2,3,5,7] to (0,2,1,3)", t -> t.get(0).permute(0, 2, 1, 3), randn(52, 2, 3, 5, 7))
                .sample("[3,5,7] to (-1,0,1)", t -> t.get(0).permute(-1, 0, 1), randn(53, 3, 5, 7))
                .sample("transpose(1, -1) of [2,7,17]", t -> t.get(0).transpose(1, -1), randn(54, 2, 7, 17))
                .rejects("not a permutation", () -> randn(1, 2, 3).permute(0, 0), ShapeException.class, "[0, 0]", "[2, 3]"));
        all.add(new OpInfo(LayoutOp.SLICE)
                .sample("axis -1 [3:10) of [7,17]", t -> t.get(0).slice(-1, 3, 10), randn(55, 7, 17))
                .sample("split 3 along axis 1 of [2,7,5]", t -> t.get(0).split(3, 1).get(2), randn(56, 2, 7, 5))
                .rejects("end past the axis", () -> randn(1, 7, 17).slice(1, 3, 18), ShapeException.class, "18", "[7, 17]"));
        all.add(new OpInfo(LayoutOp.PAD).backwardOnly()
                .sample("backward of a slice", t -> t.get(0).slice(1, 2, 5).exp(), randn(165, 3, 7, 5))
                .sample("backward of two overlapping slices", t -> t.get(0).slice(-1, 0, 10).mul(t.get(0).slice(-1, 4, 14)),
                        randn(164, 7, 17))
                .sample("backward of slices that tile the axis (one concat in the compiled step)", t -> {
                    List<Tensor> qkv = t.get(0).split(6, -1);
                    return qkv.get(0).mul(qkv.get(1)).add(qkv.get(2).tanh());
                }, randn(166, 2, 7, 18)));
        all.add(new OpInfo(LayoutOp.CONCAT)
                .sample("cat along axis 0", t -> Tensor.cat(0, t.get(0), t.get(1)), randn(57, 3, 17), randn(58, 4, 17))
                .sample("cat of three along axis -1", t -> Tensor.cat(-1, t.get(0), t.get(1), t.get(0)), randn(59, 2, 7, 5), randn(66, 2, 7, 1))
                .rejects("cat of mismatched parts", () -> Tensor.cat(0, randn(1, 3, 17), randn(2, 4, 16)), ShapeException.class,
                        "[3, 17]", "[4, 16]"));
        Tensor image = randn(67, 2, 3, 7, 7), kernel = randn(68, 5, 3, 3, 3), channelBias = randn(69, 5);
        Tensor distinctImage = Tensor.of(org.jitgrad.testing.Rand.distinct(70, 294, 0.05f, -7f), 2, 3, 7, 7);
        all.add(new OpInfo(ConvOp.CONV2D)
                .sample("[2,3,7,7] * [5,3,3,3] stride 2 padding 1, bias", t -> t.get(0).conv2d(t.get(1), t.get(2), 2, 1),
                        image, kernel, channelBias)
                .sample("[2,3,7,7] * [5,3,3,3] stride 1 padding 0, bias", t -> t.get(0).conv2d(t.get(1), t.get(2), 1, 0),
                        image, kernel, channelBias)
                .sample("[2,3,7,7] * [5,3,3,3] stride 2 padding 2", t -> t.get(0).conv2d(t.get(1), null, 2, 2), image, kernel)
                .sample("[1,2,7,17] * [3,2,3,5] stride 1 padding 0", t -> t.get(0).conv2d(t.get(1), null, 1, 0),
                        randn(71, 1, 2, 7, 17), randn(72, 3, 2, 3, 5))
                .rejects("channel mismatch", () -> image.conv2d(randn(1, 5, 4, 3, 3), null, 1, 0), ShapeException.class,
                        "conv2d", "[2, 3, 7, 7]", "[5, 4, 3, 3]")
                .rejects("stride 0", () -> image.conv2d(kernel, null, 0, 0), IllegalArgumentException.class, "conv2d", "stride"));
        all.add(new OpInfo(ConvOp.CONV2D_GRAD_INPUT).backwardOnly()
                .sample("backward of conv2d", t -> t.get(0).conv2d(kernel, null, 2, 2), image));
        all.add(new OpInfo(ConvOp.CONV2D_GRAD_WEIGHT).backwardOnly()
                .sample("backward of conv2d", t -> image.conv2d(t.get(0), null, 1, 1), kernel));
        all.add(new OpInfo(ConvOp.MAX_POOL2D)
                .sample("[2,3,7,7] kernel 3 stride 2", t -> t.get(0).maxPool2d(3, 2), distinctImage)
                .rejects("window larger than the input", () -> randn(1, 1, 1, 2, 2).maxPool2d(3, 1), ShapeException.class,
                        "maxPool2d", "[1, 1, 2, 2]"));
        all.add(new OpInfo(ConvOp.MAX_POOL2D_GRAD).backwardOnly()
                .sample("backward of maxPool2d", t -> t.get(0).maxPool2d(2, 2), distinctImage));
        all.add(new OpInfo(ConvOp.AVG_POOL2D)
                .sample("[2,3,7,7] kernel 2 stride 2", t -> t.get(0).avgPool2d(2, 2), image)
                .rejects("rank 3", () -> randn(1, 3, 7, 7).avgPool2d(2, 2), ShapeException.class, "avgPool2d", "[3, 7, 7]"));
        all.add(new OpInfo(ConvOp.AVG_POOL2D_GRAD).backwardOnly()
                .sample("backward of avgPool2d", t -> t.get(0).avgPool2d(3, 1), image));
        Map<Op, OpInfo> byOp = new LinkedHashMap<>();
        for (OpInfo info : all) byOp.put(info.op, info);
        return byOp;
    }

    private static Tensor apply(UnaryOp u, Tensor x) {
        return switch (u) {
            case NEG -> x.neg();
            case SCALE -> x.mul(-2.5f);
            case EXP -> x.exp();
            case LOG -> x.log();
            case SQRT -> x.sqrt();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case RELU -> x.relu();
            case POW -> x.pow(3f);
            case ERF -> x.erf();
            case GELU -> x.gelu();
        };
    }

    private static OpInfo unary(UnaryOp u) {
        boolean positiveDomain = u == UnaryOp.LOG || u == UnaryOp.SQRT || u == UnaryOp.POW;
        OpInfo info = new OpInfo(u);
        for (int[] shape : new int[][] {{7, 17}, {1}, {2, 3, 33}}) {
            Tensor x = positiveDomain ? positive(45 + shape.length, shape) : randn(45 + shape.length, shape);
            info.sample(java.util.Arrays.toString(shape), t -> apply(u, t.get(0)), x);
        }
        if (u == UnaryOp.POW) {
            info.sample("p = -0.5", t -> t.get(0).pow(-0.5f), positive(49, 7, 17));
            info.sample("p = 2 of any sign", t -> t.get(0).pow(2f), randn(50, 7, 17));
            for (float p : new float[] {0.5f, -1f, -1.5f}) info.sample("p = " + p, t -> t.get(0).pow(p), positive(52, 7, 17));
        }
        if (u == UnaryOp.ERF || u == UnaryOp.GELU) info.sample("wide range", t -> apply(u, t.get(0).mul(3f)), randn(51, 33));
        return info;
    }

    private static Tensor apply(BinaryOp b, Tensor x, Tensor y) {
        return switch (b) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            case MAXIMUM -> x.maximum(y);
            case MINIMUM -> x.minimum(y);
            case GT -> x.gt(y);
            case LT -> x.lt(y);
            case GE -> x.ge(y);
            case LE -> x.le(y);
            case EQ -> x.eq(y);
        };
    }

    private static OpInfo binary(BinaryOp b) {
        boolean mask = b.ordinal() >= BinaryOp.GT.ordinal();
        OpInfo info = new OpInfo(b);
        if (mask) info.noGradient();
        int[][][] pairs = {
            {{7, 17}, {7, 17}}, {{7, 17}, {17}}, {{1, 17}, {7, 17}}, {{7, 1}, {1, 17}}, {{3, 1, 7}, {5, 1}},
            {{}, {7, 17}}, {{2, 3, 1, 7}, {3, 5, 1}},
        };
        long seed = 60 + b.ordinal() * 10L;
        boolean kinked = b == BinaryOp.MAXIMUM || b == BinaryOp.MINIMUM;
        for (int[][] p : pairs) {
            Tensor x = mask ? grid(seed++, p[0]) : kinked ? separated(seed++, 0f, p[0]) : randn(seed++, p[0]);
            Tensor y = b == BinaryOp.DIV ? positive(seed++, p[1]) : mask ? grid(seed++, p[1])
                    : kinked ? separated(seed++, 0.05f, p[1]) : randn(seed++, p[1]);
            info.sample(java.util.Arrays.toString(p[0]) + " and " + java.util.Arrays.toString(p[1]),
                    t -> apply(b, t.get(0), t.get(1)), x, y);
        }
        String name = b.name().toLowerCase();
        info.rejects("[2,3] and [3,2]", () -> apply(b, randn(1, 2, 3), randn(2, 3, 2)), ShapeException.class, name, "[2, 3]", "[3, 2]");
        info.rejects("[2,3,4] and [3,1,4]", () -> apply(b, randn(1, 2, 3, 4), randn(2, 3, 1, 4)), ShapeException.class, name,
                "[2, 3, 4]", "[3, 1, 4]");
        return info;
    }
}
