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
            boolean ta = n.attrs().transA(), tb = n.attrs().transB();
            int k = ta ? in.dim(0) : in.dim(1);
            array(n.input(0));
            w.pushInt(0);
            w.pushBoolean(ta);
            array(n.input(1));
            w.pushInt(0);
            w.pushBoolean(tb);
            array(n);
            w.pushInt(0);
            w.pushInt(n.shape().dim(0));
            w.pushInt(k);
            w.pushInt(n.shape().dim(1));
            w.pushBoolean(false);
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
            array(n.input(0));
            array(n.input(1));
            array(n.input(2));
            w.pushInt(0);
            w.mv.visitInsn(FALOAD);
            w.pushInt(in.dim(0));
            w.pushInt(in.dim(1));
            array(n);
            w.invokeStatic(LOSS, "crossEntropyGrad", "([F[FFII[F)V");
        } else {
            throw new IllegalStateException("no kernel lowering for " + n);
        }
    }

    void emit(CrossEntropyStep ce) {
        IrNode g = ce.grad();
        Shape logits = g.input(0).shape();
        array(ce.loss());
        w.pushInt(0);
        array(g.input(0));
        array(g.input(1));
        array(g.input(2));
        w.pushInt(0);
        w.mv.visitInsn(FALOAD);
        w.pushInt(logits.dim(0));
        w.pushInt(logits.dim(1));
        array(g);
        w.invokeStatic(LOSS, "crossEntropyWithGrad", "([F[FFII[F)F");
        w.mv.visitInsn(FASTORE);
    }

    void emit(MatmulStep step) {
        IrNode n = step.matmul();
        Shape in = n.input(0).shape();
        boolean ta = n.attrs().transA(), tb = n.attrs().transB();
        array(n.input(0));
        w.pushInt(0);
        w.pushBoolean(ta);
        array(n.input(1));
        w.pushInt(0);
        w.pushBoolean(tb);
        array(step.result());
        w.pushInt(0);
        w.pushInt(n.shape().dim(0));
        w.pushInt(ta ? in.dim(0) : in.dim(1));
        w.pushInt(n.shape().dim(1));
        w.pushBoolean(false);
        if (step.bias() != null) array(step.bias());
        else w.mv.visitInsn(ACONST_NULL);
        w.pushInt(0);
        String act = step.activation() == null ? "NONE" : step.activation().is(UnaryOp.RELU) ? "RELU" : "TANH";
        w.mv.visitFieldInsn(GETSTATIC, EPILOGUE, act, "L" + EPILOGUE + ";");
        w.invokeStatic(GEMM, "matmul", "([FIZ[FIZ[FIIIIZ[FIL" + EPILOGUE + ";)V");
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
