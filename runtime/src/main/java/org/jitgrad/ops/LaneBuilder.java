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
    enum Comparison {
        /** {@code a == b}. */
        EQ,
        /** {@code a != b}. */
        NE,
        /** {@code a < b}. */
        LT,
        /** {@code a <= b}. */
        LE,
        /** {@code a > b}. */
        GT,
        /** {@code a >= b}. */
        GE
    }

    /** {@code c} in every lane. */
    V constant(float c);

    /** {@code a + b}. */
    V add(V a, V b);

    /** {@code a - b}. */
    V sub(V a, V b);

    /** {@code a·b}. */
    V mul(V a, V b);

    /** {@code a / b}. */
    V div(V a, V b);

    /** {@code a·b + c} with one rounding (a fused multiply-add). */
    V fma(V a, V b, V c);

    /** The larger of {@code a} and {@code b}, lane by lane (the Vector API's {@code max}). */
    V max(V a, V b);

    /** The smaller of {@code a} and {@code b}, lane by lane (the Vector API's {@code min}). */
    V min(V a, V b);

    /** {@code -a}. */
    V neg(V a);

    /** {@code |a|}. */
    V abs(V a);

    /** The square root of {@code a}. */
    V sqrt(V a);

    /** {@code e^a}, the Vector API's {@code EXP}. */
    V exp(V a);

    /** The natural logarithm of {@code a}, the Vector API's {@code LOG}. */
    V log(V a);

    /** {@code a^p} for a constant exponent. */
    V pow(V a, float p);

    /** Lane by lane: {@code (a cmp b) ? ifTrue : ifFalse}. */
    V select(Comparison cmp, V a, V b, V ifTrue, V ifFalse);
}
