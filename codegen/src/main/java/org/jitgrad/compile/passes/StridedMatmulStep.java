package org.jitgrad.compile.passes;

import java.util.List;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.kernels.Triangular;
import org.jitgrad.ops.OpParams;

/**
 * A batched matrix product whose operands and result are strided views ({@link View}) of other values' buffers,
 * so that the slices, permutations and concatenation around it copy nothing ({@link StridedViews}). The result view
 * lies in {@code c.base()}'s buffer; when several such steps fill one value (the parts of a concatenation), each
 * writes its own part.
 *
 * @param matmul    the product node (when {@code c} lies in another value's buffer, it has none of its own)
 * @param a         the left operand as stored ({@code [.., m, k]}, or {@code [.., k, m]} if transposed)
 * @param b         the right operand as stored
 * @param c         where the result goes
 * @param structure the zeros (or unused part) on one side of the diagonal that the product skips
 */
public record StridedMatmulStep(IrNode matmul, View a, View b, View c, Triangular structure) implements Step {
    @Override
    public List<IrNode> outputs() { return List.of(c.base()); }

    @Override
    public List<IrNode> reads() {
        return a.base() == b.base() ? List.of(a.base()) : List.of(a.base(), b.base());
    }

    /** Whether the left operand is used transposed. */
    public boolean transA() { return ((OpParams.Transposes) matmul.params()).transA(); }

    /** Whether the right operand is used transposed. */
    public boolean transB() { return ((OpParams.Transposes) matmul.params()).transB(); }

    @Override
    public String describe() {
        return "strided matmul " + matmul.ref() + " into " + c + " = " + a + (transA() ? "ᵀ" : "") + " · " + b
                + (transB() ? "ᵀ" : "") + (structure == Triangular.NONE ? "" : " " + structure) + " : " + matmul.shape();
    }
}
