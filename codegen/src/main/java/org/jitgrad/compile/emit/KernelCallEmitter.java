package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.KERNELS;

import net.bytebuddy.jar.asm.Opcodes;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CrossEntropyStep;
import org.jitgrad.compile.passes.MatmulStep;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.LossOp;
import org.jitgrad.ops.ReduceOp;
import org.jitgrad.ops.ReshapeOp;
import org.jitgrad.ops.SoftmaxOp;
import org.jitgrad.ops.UnaryOp;
import org.jitgrad.tensor.Shape;

/** Emits a call to the shared runtime kernel of a non-elementwise op, with every size a constant. */
final class KernelCallEmitter implements Opcodes {
    private static final String GEMM = KERNELS + "Gemm";
    private static final String EPILOGUE = KERNELS + "Epilogue";
    private static final String REDUCE = KERNELS + "ReduceKernels";
    private static final String SOFTMAX = KERNELS + "SoftmaxKernels";
    private static final String LOSS = KERNELS + "LossKernels";
    private static final String TRANSPOSE = KERNELS + "TransposeKernel";
    private static final String AXIS_DESC = "([FIII[F)V";

    private final MethodWriter w;
    private final BufferPlan plan;

    KernelCallEmitter(MethodWriter w, BufferPlan plan) {
        this.w = w;
        this.plan = plan;
    }

    private void array(IrNode n) { w.loadArrayField(plan.of(n).name()); }

    void emit(IrNode n) {
        Shape in = n.input(0).shape();
        if (n.is(LinalgOp.MATMUL)) {
            matmulArguments(n, n);
            w.invokeStatic(GEMM, "matmul", "([FIZ[FIZ[FIIIIZ)V");
        } else if (n.is(LinalgOp.TRANSPOSE)) {
            array(n.input(0));
            w.pushInt(in.dim(0));
            w.pushInt(in.dim(1));
            array(n);
            w.invokeStatic(TRANSPOSE, "transpose", "([FII[F)V");
        } else if (n.is(ReshapeOp.RESHAPE)) {
            array(n.input(0));
            w.pushInt(0);
            array(n);
            w.pushInt(0);
            w.pushInt(n.shape().size());
            w.invokeStatic("java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V");
        } else if (n.is(ReduceOp.SUM) || (n.is(ReduceOp.SUM_TO) && n.shape().size() == 1)) {
            array(n);
            w.pushInt(0);
            array(n.input(0));
            w.pushInt(in.size());
            w.invokeStatic(REDUCE, "sum", "([FI)F");
            w.mv.visitInsn(FASTORE);
        } else if (n.is(ReduceOp.SUM_TO)) {
            int c = n.shape().lastDim();
            axisCall(REDUCE, "sumAxis", n.input(0), 1, in.size() / c, c, n);
        } else if (n.is(ReduceOp.SUM_AXIS)) {
            axisCall(REDUCE, "sumAxis", n.input(0), in, n.attrs().axis(), n);
        } else if (n.is(ReduceOp.MAX_AXIS)) {
            axisCall(REDUCE, "maxAxis", n.input(0), in, n.attrs().axis(), n);
        } else if (n.is(ReduceOp.MAX_AXIS_GRAD)) {
            int ax = n.attrs().axis();
            array(n.input(0));
            array(n.input(1));
            w.pushInt(in.outer(ax));
            w.pushInt(in.dim(ax));
            w.pushInt(in.inner(ax));
            array(n);
            w.invokeStatic(REDUCE, "maxAxisGrad", "([F[FIII[F)V");
        } else if (n.is(ReduceOp.EXPAND)) {
            Shape t = n.shape();
            int ax = n.attrs().axis();
            if (ax == -1) {
                array(n);
                w.pushInt(0);
                w.pushInt(t.size());
                array(n.input(0));
                w.pushInt(0);
                w.mv.visitInsn(FALOAD);
                w.invokeStatic("java/util/Arrays", "fill", "([FIIF)V");
            } else if (ax == -2) {
                axisCall(REDUCE, "expandAxis", n.input(0), 1, t.size() / t.lastDim(), t.lastDim(), n);
            } else {
                axisCall(REDUCE, "expandAxis", n.input(0), t.outer(ax), t.dim(ax), t.inner(ax), n);
            }
        } else if (n.is(SoftmaxOp.SOFTMAX)) {
            axisCall(SOFTMAX, "softmax", n.input(0), in, n.attrs().axis(), n);
        } else if (n.is(SoftmaxOp.LOG_SOFTMAX)) {
            axisCall(SOFTMAX, "logSoftmax", n.input(0), in, n.attrs().axis(), n);
        } else if (n.is(SoftmaxOp.SOFTMAX_GRAD) || n.is(SoftmaxOp.LOG_SOFTMAX_GRAD)) {
            int ax = n.attrs().axis();
            array(n.input(0));
            array(n.input(1));
            w.pushInt(in.outer(ax));
            w.pushInt(in.dim(ax));
            w.pushInt(in.inner(ax));
            array(n);
            w.invokeStatic(SOFTMAX, n.is(SoftmaxOp.SOFTMAX_GRAD) ? "softmaxGrad" : "logSoftmaxGrad", "([F[FIII[F)V");
        } else if (n.is(LossOp.CROSS_ENTROPY)) {
            array(n.input(1));
            w.pushInt(in.dim(0));
            w.pushInt(in.dim(1));
            w.invokeStatic(LOSS, "checkLabels", "([FII)V");
            array(n);
            w.pushInt(0);
            array(n.input(0));
            array(n.input(1));
            w.pushInt(in.dim(0));
            w.pushInt(in.dim(1));
            w.invokeStatic(LOSS, "crossEntropy", "([F[FII)F");
            w.mv.visitInsn(FASTORE);
        } else if (n.is(LossOp.CROSS_ENTROPY_GRAD)) {
            crossEntropyGradArguments(n);
            w.invokeStatic(LOSS, "crossEntropyGrad", "([F[FFII[F)V");
        } else {
            throw new IllegalStateException("no kernel lowering for " + n);
        }
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
        Shape logits = grad.input(0).shape();
        array(grad.input(0));
        array(grad.input(1));
        array(grad.input(2));
        w.pushInt(0);
        w.mv.visitInsn(FALOAD);
        w.pushInt(logits.dim(0));
        w.pushInt(logits.dim(1));
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

    /** Pushes {@code a, 0, transA, b, 0, transB, c, 0, m, k, n, false} for {@code mm}, writing into {@code out}. */
    private void matmulArguments(IrNode mm, IrNode out) {
        boolean ta = mm.attrs().transA(), tb = mm.attrs().transB();
        Shape in = mm.input(0).shape();
        array(mm.input(0));
        w.pushInt(0);
        w.pushBoolean(ta);
        array(mm.input(1));
        w.pushInt(0);
        w.pushBoolean(tb);
        array(out);
        w.pushInt(0);
        w.pushInt(mm.shape().dim(0));
        w.pushInt(ta ? in.dim(0) : in.dim(1));
        w.pushInt(mm.shape().dim(1));
        w.pushBoolean(false);
    }

    private void axisCall(String owner, String name, IrNode x, Shape s, int axis, IrNode out) {
        axisCall(owner, name, x, s.outer(axis), s.dim(axis), s.inner(axis), out);
    }

    private void axisCall(String owner, String name, IrNode x, int outer, int len, int inner, IrNode out) {
        array(x);
        w.pushInt(outer);
        w.pushInt(len);
        w.pushInt(inner);
        array(out);
        w.invokeStatic(owner, name, AXIS_DESC);
    }
}
