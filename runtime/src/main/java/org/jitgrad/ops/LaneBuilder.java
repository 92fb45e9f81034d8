package org.jitgrad.ops;

/**
 * What an elementwise op's lane rule is written with: the arithmetic of one vector of lanes. The
 * compiler's builder emits Vector API bytecode into a fused loop; every rule uses only these
 * primitives, so a new elementwise op needs no change in the compiler.
 *
 * @param <V> a vector value (in the compiler: the local variable that holds it)
 */
public interface LaneBuilder<V> {
    /** Comparisons for {@link #select}. */
    enum Comparison { EQ, NE, LT, LE, GT, GE }

    /** {@code c} in every lane. */
    V constant(float c);

    V add(V a, V b);

    V sub(V a, V b);

    V mul(V a, V b);

    V div(V a, V b);

    /** {@code a·b + c} with one rounding (a fused multiply-add). */
    V fma(V a, V b, V c);

    V max(V a, V b);

    V min(V a, V b);

    V neg(V a);

    V abs(V a);

    V sqrt(V a);

    V exp(V a);

    V log(V a);

    /** {@code a^p} for a constant exponent. */
    V pow(V a, float p);

    /** Lane by lane: {@code (a cmp b) ? ifTrue : ifFalse}. */
    V select(Comparison cmp, V a, V b, V ifTrue, V ifFalse);
}
