package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.*;

import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.BinaryOp;
import org.jitgrad.ops.GradOp;
import org.jitgrad.ops.UnaryOp;

/**
 * Emits one elementwise op as Vector API calls on operands held in locals; leaves the result on the
 * stack. The same formulas as the runtime's vector kernels, so both engines agree to the last ulp
 * on the main loop.
 */
final class VectorOps {
    private static final String V_TO_FV = "(" + D_V + ")" + D_FV;
    private static final String F_TO_FV = "(F)" + D_FV;

    private VectorOps() {}

    static void emit(MethodWriter w, IrNode node, int[] operands) {
        if (node.op() instanceof UnaryOp u) {
            unary(w, u, node.attrs().value(), operands[0]);
        } else if (node.op() instanceof BinaryOp b) {
            binary(w, b, operands[0], operands[1]);
        } else if (node.op() instanceof GradOp g) {
            grad(w, g, operands[0], operands[1]);
        } else {
            throw new IllegalStateException("not an elementwise op: " + node);
        }
    }

    private static void unary(MethodWriter w, UnaryOp op, float c, int x) {
        w.aload(x);
        switch (op) {
            case NEG -> w.vector("neg", "()" + D_FV);
            case SCALE -> { w.pushFloat(c); w.vector("mul", F_TO_FV); }
            case EXP -> lanewise(w, "EXP");
            case LOG -> lanewise(w, "LOG");
            case TANH -> lanewise(w, "TANH");
            case SQRT -> w.vector("sqrt", "()" + D_FV);
            case RELU -> { w.pushFloat(0f); w.vector("max", F_TO_FV); }
            case SIGMOID -> {
                // 1 / (1 + exp(-x))
                w.vector("neg", "()" + D_FV);
                lanewise(w, "EXP");
                w.pushFloat(1f);
                w.vector("add", F_TO_FV);
                int t = w.newLocal();
                w.astore(t);
                w.species();
                w.pushFloat(1f);
                w.invokeStatic(FLOAT_VECTOR, "broadcast", "(" + D_SPECIES + "F)" + D_FV);
                w.aload(t);
                w.vector("div", V_TO_FV);
            }
            case POW -> {
                if (c == 2f) {
                    w.aload(x);
                    w.vector("mul", V_TO_FV);
                } else {
                    w.operator("POW", D_BINARY);
                    w.pushFloat(c);
                    w.vector("lanewise", "(" + D_BINARY + "F)" + D_FV);
                }
            }
        }
    }

    private static void lanewise(MethodWriter w, String operator) {
        w.operator(operator, D_UNARY);
        w.vector("lanewise", "(" + D_UNARY + ")" + D_FV);
    }

    private static void binary(MethodWriter w, BinaryOp op, int a, int b) {
        switch (op) {
            case ADD -> call2(w, "add", a, b);
            case SUB -> call2(w, "sub", a, b);
            case MUL -> call2(w, "mul", a, b);
            case DIV -> call2(w, "div", a, b);
            case MAXIMUM -> call2(w, "max", a, b);
            case GE_MASK -> {
                // zero.blend(one, a >= b)
                w.aload(a);
                w.operator("GE", D_COMPARISON);
                w.aload(b);
                w.vector("compare", "(" + D_COMPARISON + D_V + ")" + D_MASK);
                blendOneWhere(w);
            }
        }
    }

    private static void call2(MethodWriter w, String method, int a, int b) {
        w.aload(a);
        w.aload(b);
        w.vector(method, V_TO_FV);
    }

    /** With a mask on the stack: {@code zero.blend(one, mask)}. */
    private static void blendOneWhere(MethodWriter w) {
        int mask = w.newLocal();
        w.astore(mask);
        w.species();
        w.invokeStatic(FLOAT_VECTOR, "zero", "(" + D_SPECIES + ")" + D_FV);
        w.pushFloat(1f);
        w.aload(mask);
        w.vector("blend", "(F" + D_MASK + ")" + D_FV);
    }

    private static void grad(MethodWriter w, GradOp op, int g, int y) {
        switch (op) {
            case TANH_GRAD -> {
                // g * (1 - y*y)
                w.aload(g);
                w.aload(y);
                w.aload(y);
                w.vector("mul", V_TO_FV);
                w.vector("neg", "()" + D_FV);
                w.pushFloat(1f);
                w.vector("add", F_TO_FV);
                w.vector("mul", V_TO_FV);
            }
            case SIGMOID_GRAD -> {
                // g * y * (1 - y)
                w.aload(g);
                w.aload(y);
                w.vector("mul", V_TO_FV);
                w.aload(y);
                w.vector("neg", "()" + D_FV);
                w.pushFloat(1f);
                w.vector("add", F_TO_FV);
                w.vector("mul", V_TO_FV);
            }
            case RELU_GRAD -> {
                // zero.blend(g, y > 0)
                w.species();
                w.invokeStatic(FLOAT_VECTOR, "zero", "(" + D_SPECIES + ")" + D_FV);
                w.aload(g);
                w.aload(y);
                w.operator("GT", D_COMPARISON);
                w.pushFloat(0f);
                w.vector("compare", "(" + D_COMPARISON + "F)" + D_MASK);
                w.vector("blend", "(" + D_V + D_MASK + ")" + D_FV);
            }
        }
    }
}
