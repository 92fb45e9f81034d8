package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.KERNELS;

import net.bytebuddy.jar.asm.Opcodes;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CausalSoftmaxGradStep;
import org.jitgrad.compile.passes.CausalSoftmaxStep;
import org.jitgrad.compile.passes.CrossEntropyStep;
import org.jitgrad.compile.passes.MatmulStep;
import org.jitgrad.compile.passes.StridedMatmulStep;
import org.jitgrad.compile.passes.View;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.UnaryOp;
import org.jitgrad.tensor.Shape;

/**
 * Emits kernel steps: by default a call to the op's own {@code forward} (see {@link KernelCall}); the
 * measured fast paths, a GEMM with its bias and activation epilogue and the fused cross-entropy, call
 * their kernels directly with every size a constant (or, with a dynamic dimension, read from the
 * size table: the GEMM and the loss kernel take their sizes at run time).
 */
final class KernelCallEmitter implements Opcodes {
    private static final String GEMM = KERNELS + "Gemm";
    private static final String EPILOGUE = KERNELS + "Epilogue";
    private static final String TRIANGULAR = KERNELS + "Triangular";
    private static final String LOSS = KERNELS + "LossKernels";
    private static final String SOFTMAX = KERNELS + "SoftmaxKernels";
    static final String CALL = KernelCall.class.getName().replace('.', '/');
    static final String D_CALL = "L" + CALL + ";";
    private static final String OP = "org/jitgrad/ops/Op";
    private static final String PARAMS = "org/jitgrad/ops/OpParams";
    private static final String SHAPE = "org/jitgrad/tensor/Shape";

    private final MethodWriter w;
    private final BufferPlan plan;
    private final Extents extents;

    KernelCallEmitter(MethodWriter w, BufferPlan plan, Extents extents) {
        this.w = w;
        this.plan = plan;
        this.extents = extents;
    }

    private void array(IrNode n) { w.loadArrayField(plan.of(n).name()); }

    /**
     * The default lowering: {@code call.op.forward(call.params, call.inShapes, args, call.outShape, out)},
     * with {@code args} (a per-instance array) filled with the inputs' current buffers.
     */
    void emit(IrNode n, int call) {
        String args = ClassEmitter.argsField(call), field = ClassEmitter.callField(call);
        for (int i = 0; i < n.inputs().size(); i++) {
            w.loadField(args, "[[F");
            w.pushInt(i);
            array(n.input(i));
            w.mv.visitInsn(AASTORE);
        }
        w.loadField(field, D_CALL);
        w.mv.visitFieldInsn(GETFIELD, CALL, "op", "L" + OP + ";");
        w.loadField(field, D_CALL);
        w.mv.visitFieldInsn(GETFIELD, CALL, "params", "L" + PARAMS + ";");
        w.loadField(field, D_CALL);
        w.mv.visitFieldInsn(GETFIELD, CALL, "inShapes", "[L" + SHAPE + ";");
        w.loadField(args, "[[F");
        w.loadField(field, D_CALL);
        w.mv.visitFieldInsn(GETFIELD, CALL, "outShape", "L" + SHAPE + ";");
        array(n);
        w.mv.visitMethodInsn(INVOKEINTERFACE, OP, "forward",
                "(L" + PARAMS + ";[L" + SHAPE + ";[[FL" + SHAPE + ";[F)V", true);
    }

    void emit(CrossEntropyStep ce) {
        array(ce.loss());
        w.pushInt(0);
        crossEntropyGradArguments(ce.grad());
        w.invokeStatic(LOSS, "crossEntropyWithGrad", "([F[FFII[F)F");
        w.mv.visitInsn(FASTORE);
    }

    /** Pushes {@code logits, labels, g[0], batch, classes, out} for a cross-entropy gradient node. */
    private void crossEntropyGradArguments(IrNode grad) {
        IrNode logits = grad.input(0);
        array(grad.input(0));
        array(grad.input(1));
        array(grad.input(2));
        w.pushInt(0);
        w.mv.visitInsn(FALOAD);
        w.push(extents.dim(logits, 0));
        w.push(extents.dim(logits, 1));
        array(grad);
    }

    void emit(MatmulStep step) {
        matmulArguments(step.matmul(), step.result());
        if (step.bias() != null) array(step.bias());
        else w.mv.visitInsn(ACONST_NULL);
        w.pushInt(0);
        String act = step.activation() == null ? "NONE" : step.activation().is(UnaryOp.RELU) ? "RELU" : "TANH";
        w.mv.visitFieldInsn(GETSTATIC, EPILOGUE, act, "L" + EPILOGUE + ";");
        w.invokeStatic(GEMM, "matmul", "([FIZ[FIZ[FIIIIZ[FIL" + EPILOGUE + ";)V");
    }

    /**
     * {@code Gemm.matmulStrided} with every offset, stride and size a constant (strided steps exist only in programs
     * of fixed shapes).
     */
    void emit(StridedMatmulStep step) {
        IrNode mm = step.matmul();
        int rank = mm.shape().rank();
        view(step.a());
        w.pushBoolean(step.transA());
        view(step.b());
        w.pushBoolean(step.transB());
        view(step.c());
        w.pushInt(rank == 4 ? mm.shape().dim(0) : 1);
        w.pushInt(mm.shape().dim(rank - 3));
        w.pushInt(mm.shape().dim(rank - 2));
        w.pushInt(mm.input(0).shape().dim(step.transA() ? rank - 2 : rank - 1));
        w.pushInt(mm.shape().dim(rank - 1));
        w.mv.visitFieldInsn(GETSTATIC, TRIANGULAR, step.structure().name(), "L" + TRIANGULAR + ";");
        w.invokeStatic(GEMM, "matmulStrided", "([FIIIIZ[FIIIIZ[FIIIIIIIIIL" + TRIANGULAR + ";)V");
    }

    void emit(CausalSoftmaxStep step) {
        array(step.scores());
        scaleAndBlocks(step.scale(), step.softmax().shape());
        array(step.softmax());
        w.invokeStatic(SOFTMAX, "causalSoftmax", "([FFII[F)V");
    }

    void emit(CausalSoftmaxGradStep step) {
        array(step.probabilities());
        array(step.grad());
        scaleAndBlocks(step.scale(), step.result().shape());
        array(step.result());
        w.invokeStatic(SOFTMAX, "causalSoftmaxGrad", "([F[FFII[F)V");
    }

    /** Pushes {@code scale, blocks, t} of a causal softmax kernel over {@code shape}: its {@code [t, t]} blocks. */
    private void scaleAndBlocks(float scale, Shape shape) {
        int t = shape.lastDim();
        w.pushFloat(scale);
        w.pushInt(shape.size() / (t * t));
        w.pushInt(t);
    }

    /** Pushes {@code array, offset, batchStride0, batchStride1, rowStride} of a view with one or two batch axes. */
    private void view(View v) {
        int r = v.rank();
        array(v.base());
        w.pushInt(v.offset());
        w.pushInt(r == 4 ? v.strides()[0] : 0);
        w.pushInt(v.strides()[r - 3]);
        w.pushInt(v.strides()[r - 2]);
    }

    /** Pushes {@code a, 0, transA, b, 0, transB, c, 0, m, k, n, false} for {@code mm}, writing into {@code out}. */
    private void matmulArguments(IrNode mm, IrNode out) {
        OpParams.Transposes t = (OpParams.Transposes) mm.params();
        boolean ta = t.transA(), tb = t.transB();
        IrNode in = mm.input(0);
        array(mm.input(0));
        w.pushInt(0);
        w.pushBoolean(ta);
        array(mm.input(1));
        w.pushInt(0);
        w.pushBoolean(tb);
        array(out);
        w.pushInt(0);
        w.push(extents.dim(mm, 0));
        w.push(extents.dim(in, ta ? 0 : 1));
        w.push(extents.dim(mm, 1));
        w.pushBoolean(false);
    }
}
