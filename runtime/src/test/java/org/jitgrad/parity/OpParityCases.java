package org.jitgrad.parity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.jitgrad.nn.Losses;
import org.jitgrad.tensor.Tensor;

/**
 * JitGrad's counterpart of each op of {@code benchmarks/pytorch/op_reference.py}, by the name before the case's first
 * dot, and the cases that differ from PyTorch as the README documents.
 */
public final class OpParityCases {
    private OpParityCases() {}

    /** Which part of a case is not compared, because the README documents that it differs from PyTorch. */
    public enum Skip { NOTHING, FORWARD, GRADIENTS }

    public static final Map<String, ParityOp> OPS = Map.ofEntries(
            binary("add", Tensor::add), binary("sub", Tensor::sub), binary("mul", Tensor::mul), binary("div", Tensor::div),
            binary("maximum", Tensor::maximum), binary("minimum", Tensor::minimum),
            unary("neg", Tensor::neg), unary("exp", Tensor::exp), unary("log", Tensor::log), unary("sqrt", Tensor::sqrt),
            unary("tanh", Tensor::tanh), unary("sigmoid", Tensor::sigmoid), unary("relu", Tensor::relu),
            unary("erf", Tensor::erf), unary("gelu", Tensor::gelu), unary("gelu_tanh", Tensor::geluTanh),
            Map.entry("pow", a -> a.get(0).pow(a.c().floatParam("exponent"))),
            comparison("gt", Tensor::gt), comparison("lt", Tensor::lt), comparison("ge", Tensor::ge),
            comparison("le", Tensor::le), comparison("eq", Tensor::eq),
            Map.entry("where", a -> Tensor.where(a.get(0), a.get(1), a.get(2))),
            Map.entry("masked_fill", a -> a.get(0).maskedFill(a.get(1), a.c().floatParam("value"))),
            Map.entry("broadcast_to", a -> a.get(0).broadcastTo(a.c().intsParam("shape"))),
            Map.entry("reshape", a -> a.get(0).reshape(a.c().intsParam("shape"))),
            Map.entry("permute", a -> a.get(0).permute(a.c().intsParam("dims"))),
            Map.entry("transpose", a -> a.c().has("dim0")
                    ? a.get(0).transpose(a.c().intParam("dim0"), a.c().intParam("dim1")) : a.get(0).transpose()),
            Map.entry("slice", a -> a.get(0).slice(a.c().intParam("dim"), a.c().intParam("start"), a.c().intParam("end"))),
            Map.entry("cat", a -> Tensor.cat(a.c().intParam("dim"), a.tensors().toArray(Tensor[]::new))),
            Map.entry("split", OpParityCases::splitJoinedInReverse),
            binary("matmul", Tensor::matmul),
            Map.entry("sum", a -> a.c().has("dim")
                    ? a.get(0).sum(a.c().intParam("dim"), a.c().intParam("keepdim") != 0) : a.get(0).sum()),
            Map.entry("mean", a -> a.c().has("dim")
                    ? a.get(0).mean(a.c().intParam("dim"), a.c().intParam("keepdim") != 0) : a.get(0).mean()),
            Map.entry("max", a -> a.get(0).max(a.c().intParam("dim"), a.c().intParam("keepdim") != 0)),
            Map.entry("softmax", a -> a.get(0).softmax(a.c().intParam("dim"))),
            Map.entry("log_softmax", a -> a.get(0).logSoftmax(a.c().intParam("dim"))),
            Map.entry("masked_softmax", a -> a.get(0).maskedFill(a.get(1), Float.NEGATIVE_INFINITY).softmax(a.c().intParam("dim"))),
            Map.entry("embedding", a -> Tensor.embedding(a.named("table"), a.named("ids"))),
            Map.entry("conv2d", a -> a.named("x").conv2d(a.named("weight"), a.named("bias"),
                    a.c().intParam("stride"), a.c().intParam("padding"))),
            Map.entry("max_pool2d", a -> a.get(0).maxPool2d(a.c().intParam("kernel_size"), a.c().intParam("stride"))),
            Map.entry("avg_pool2d", a -> a.get(0).avgPool2d(a.c().intParam("kernel_size"), a.c().intParam("stride"))),
            Map.entry("layer_norm", a -> a.named("x").layerNorm(a.named("weight"), a.named("bias"), a.c().floatParam("eps"))),
            Map.entry("mse", a -> Losses.mse(a.named("pred"), a.named("target"))),
            Map.entry("cross_entropy", a -> Losses.crossEntropy(a.named("logits"), a.named("labels"))));

    /** What not to compare in {@code c}, with the README's reason next to each entry. */
    public static Skip skip(OpParityCase c) {
        return switch (c.name()) {
            // README, API: "The softmax of a row that is entirely -Infinity ... is 0, with gradient 0 (PyTorch gives NaN)";
            // PyTorch's gradient there is 0 too, so the gradients are compared
            case "masked_softmax.row_fully_masked" -> Skip.FORWARD;
            // README, API: "`maximum` (`minimum`) sends the gradient to the larger (smaller) input and, on a tie, all of
            // it to the first input (PyTorch splits a tie's gradient in halves)"
            case "maximum.ties", "minimum.ties" -> Skip.GRADIENTS;
            default -> Skip.NOTHING;
        };
    }

    /** {@code c}'s op applied to {@code inputs} (in the order of the case's inputs). */
    public static Tensor apply(OpParityCase c, List<Tensor> inputs) {
        ParityOp op = OPS.get(c.op());
        if (op == null) throw new IllegalStateException("no JitGrad op for case " + c.name());
        return op.apply(new ParityOp.Args(c, inputs));
    }

    /** The chunks of {@code split} joined in reverse order, as the script does: a wrong chunk boundary shows. */
    private static Tensor splitJoinedInReverse(ParityOp.Args a) {
        int axis = a.c().intParam("dim");
        List<Tensor> chunks = new ArrayList<>(a.get(0).split(a.c().intParam("size"), axis));
        Collections.reverse(chunks);
        return Tensor.cat(axis, chunks.toArray(Tensor[]::new));
    }

    private static Map.Entry<String, ParityOp> unary(String name, UnaryOperator<Tensor> op) {
        return Map.entry(name, a -> op.apply(a.get(0)));
    }

    private static Map.Entry<String, ParityOp> binary(String name, BinaryOperator<Tensor> op) {
        return Map.entry(name, a -> op.apply(a.get(0), a.get(1)));
    }

    /** A comparison with a second tensor, or with the case's {@code value}. */
    private static Map.Entry<String, ParityOp> comparison(String name, BinaryOperator<Tensor> op) {
        return Map.entry(name, a -> op.apply(a.get(0), a.tensors().size() > 1 ? a.get(1) : Tensor.scalar(a.c().floatParam("value"))));
    }
}
