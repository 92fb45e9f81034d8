package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.*;

import org.jitgrad.ops.LaneBuilder;

/**
 * Lane rules turned into Vector API bytecode: each primitive loads its operands from locals, calls the
 * {@code FloatVector} method the runtime's {@code VectorLanes} calls, and stores the result in a new
 * local, whose index is the value. So a fused loop computes exactly the formula the op's kernel does.
 */
final class EmittingLanes implements LaneBuilder<Integer> {
    private static final String V_TO_FV = "(" + D_V + ")" + D_FV;
    private static final String TO_FV = "()" + D_FV;

    private final MethodWriter w;

    EmittingLanes(MethodWriter w) {
        this.w = w;
    }

    private Integer store() {
        int local = w.newLocal();
        w.astore(local);
        return local;
    }

    private Integer binary(String method, Integer a, Integer b) {
        w.aload(a);
        w.aload(b);
        w.vector(method, V_TO_FV);
        return store();
    }

    private Integer unary(String method, Integer a) {
        w.aload(a);
        w.vector(method, TO_FV);
        return store();
    }

    private Integer lanewise(String operator, Integer a) {
        w.aload(a);
        w.operator(operator, D_UNARY);
        w.vector("lanewise", "(" + D_UNARY + ")" + D_FV);
        return store();
    }

    @Override
    public Integer constant(float c) {
        w.species();
        w.pushFloat(c);
        w.invokeStatic(FLOAT_VECTOR, "broadcast", "(" + D_SPECIES + "F)" + D_FV);
        return store();
    }

    @Override public Integer add(Integer a, Integer b) { return binary("add", a, b); }
    @Override public Integer sub(Integer a, Integer b) { return binary("sub", a, b); }
    @Override public Integer mul(Integer a, Integer b) { return binary("mul", a, b); }
    @Override public Integer div(Integer a, Integer b) { return binary("div", a, b); }

    @Override
    public Integer fma(Integer a, Integer b, Integer c) {
        w.aload(a);
        w.aload(b);
        w.aload(c);
        w.vector("fma", "(" + D_V + D_V + ")" + D_FV);
        return store();
    }

    @Override public Integer max(Integer a, Integer b) { return binary("max", a, b); }
    @Override public Integer min(Integer a, Integer b) { return binary("min", a, b); }
    @Override public Integer neg(Integer a) { return unary("neg", a); }
    @Override public Integer abs(Integer a) { return unary("abs", a); }
    @Override public Integer sqrt(Integer a) { return unary("sqrt", a); }
    @Override public Integer exp(Integer a) { return lanewise("EXP", a); }
    @Override public Integer log(Integer a) { return lanewise("LOG", a); }

    @Override
    public Integer pow(Integer a, float p) {
        w.aload(a);
        w.operator("POW", D_BINARY);
        w.pushFloat(p);
        w.vector("lanewise", "(" + D_BINARY + "F)" + D_FV);
        return store();
    }

    @Override
    public Integer select(Comparison cmp, Integer a, Integer b, Integer ifTrue, Integer ifFalse) {
        w.aload(ifFalse);
        w.aload(ifTrue);
        w.aload(a);
        w.operator(cmp.name(), D_COMPARISON);
        w.aload(b);
        w.vector("compare", "(" + D_COMPARISON + D_V + ")" + D_MASK);
        w.vector("blend", "(" + D_V + D_MASK + ")" + D_FV);
        return store();
    }
}
