package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jitgrad.ops.LaneBuilder;

/**
 * Lane rules evaluated on real vectors, with the {@code FloatVector} calls that the compiler's fused loops emit
 * ({@code EmittingLanes}): what a tape kernel written out by hand is checked against, bit for bit (a rule as large
 * as erf's was not inlined into a kernel's loop through this class, and boxed its vectors there).
 */
public final class VectorLanes implements LaneBuilder<FloatVector> {
    /** The species every kernel and generated loop uses. */
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The one instance. */
    public static final VectorLanes INSTANCE = new VectorLanes();

    private VectorLanes() {}

    @Override public FloatVector constant(float c) { return FloatVector.broadcast(S, c); }
    @Override public FloatVector add(FloatVector a, FloatVector b) { return a.add(b); }
    @Override public FloatVector sub(FloatVector a, FloatVector b) { return a.sub(b); }
    @Override public FloatVector mul(FloatVector a, FloatVector b) { return a.mul(b); }
    @Override public FloatVector div(FloatVector a, FloatVector b) { return a.div(b); }
    @Override public FloatVector fma(FloatVector a, FloatVector b, FloatVector c) { return a.fma(b, c); }
    @Override public FloatVector max(FloatVector a, FloatVector b) { return a.max(b); }
    @Override public FloatVector min(FloatVector a, FloatVector b) { return a.min(b); }
    @Override public FloatVector neg(FloatVector a) { return a.neg(); }
    @Override public FloatVector abs(FloatVector a) { return a.abs(); }
    @Override public FloatVector sqrt(FloatVector a) { return a.sqrt(); }
    @Override public FloatVector exp(FloatVector a) { return a.lanewise(VectorOperators.EXP); }
    @Override public FloatVector log(FloatVector a) { return a.lanewise(VectorOperators.LOG); }
    @Override public FloatVector pow(FloatVector a, float p) { return a.lanewise(VectorOperators.POW, p); }

    @Override
    public FloatVector select(Comparison cmp, FloatVector a, FloatVector b, FloatVector ifTrue, FloatVector ifFalse) {
        return ifFalse.blend(ifTrue, a.compare(operator(cmp), b));
    }

    /** The Vector API's comparison for {@code cmp}. */
    public static VectorOperators.Comparison operator(Comparison cmp) {
        return switch (cmp) {
            case EQ -> VectorOperators.EQ;
            case NE -> VectorOperators.NE;
            case LT -> VectorOperators.LT;
            case LE -> VectorOperators.LE;
            case GT -> VectorOperators.GT;
            case GE -> VectorOperators.GE;
        };
    }
}
