package org.jitgrad.compile.symbolic;

/**
 * A float parameter of an op as a function of the dynamic size {@code s}: a constant, or the
 * reciprocal {@code 1f / n} of an integer {@code n} that depends on {@code s} (the divisor of a mean,
 * {@code Tensor.mean()}'s {@code 1f / size}), evaluated with the same float arithmetic.
 */
public sealed interface SymbolicFloat {
    /** The value at {@code s}. */
    float at(int s);

    /** Whether the value is the same for every {@code s}. */
    boolean isConstant();

    /** A value independent of {@code s}. */
    record Fixed(float value) implements SymbolicFloat {
        @Override
        public float at(int s) { return value; }

        @Override
        public boolean isConstant() { return true; }

        @Override
        public String toString() { return Float.toString(value); }
    }

    /** {@code 1f / n(s)}. */
    record Reciprocal(Affine n) implements SymbolicFloat {
        @Override
        public float at(int s) { return 1f / n.at(s); }

        @Override
        public boolean isConstant() { return n.isConstant(); }

        @Override
        public String toString() {
            return n.constant() == 0 && n.coefficient() == 1 ? "1/s" : "1/(" + n + ")";
        }
    }
}
