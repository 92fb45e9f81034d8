package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/**
 * A matrix product with its bias add and activation fused into the GEMM epilogue:
 * {@code act(op(A)·op(B) + bias)}, computed block by block while the product is still in cache.
 * {@code biasAdd} and {@code activation} may be null; only the last node's value is stored.
 */
public record MatmulStep(IrNode matmul, IrNode biasAdd, IrNode bias, IrNode activation) implements Step {
    /** The node whose value this step stores. */
    public IrNode result() {
        return activation != null ? activation : biasAdd != null ? biasAdd : matmul;
    }

    @Override
    public List<IrNode> outputs() { return List.of(result()); }

    @Override
    public List<IrNode> reads() {
        List<IrNode> r = new ArrayList<>(matmul.inputs());
        if (bias != null) r.add(bias);
        return r;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("matmul ").append(result().ref()).append(" = ");
        if (activation != null) sb.append(activation.op().name().toLowerCase()).append('(');
        sb.append(matmul.input(0).ref()).append(((org.jitgrad.ops.OpParams.Transposes) matmul.params()).transA() ? "ᵀ" : "").append(" · ")
                .append(matmul.input(1).ref()).append(((org.jitgrad.ops.OpParams.Transposes) matmul.params()).transB() ? "ᵀ" : "");
        if (bias != null) sb.append(" + ").append(bias.ref());
        if (activation != null) sb.append(')');
        return sb.append(" : ").append(result().shape()).toString();
    }
}
