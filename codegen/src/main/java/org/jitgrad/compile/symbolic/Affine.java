package org.jitgrad.compile.symbolic;

/**
 * An integer that depends on the dynamic size {@code s} as {@code coefficient·s + constant}: a
 * dimension such as the batch {@code s}, a flattened {@code 64·s}, or a constant {@code 784}.
 */
public record Affine(int coefficient, int constant) {
    /** {@code s} itself. */
    public static final Affine SYMBOL = new Affine(1, 0);

    /** A value that does not depend on {@code s}. */
    public static Affine of(int constant) {
        return new Affine(0, constant);
    }

    /** Whether the value is the same for every {@code s}. */
    public boolean isConstant() { return coefficient == 0; }

    /**
     * The value at {@code s}.
     *
     * @throws ArithmeticException if it does not fit an int
     */
    public int at(int s) {
        return Math.toIntExact((long) coefficient * s + constant);
    }

    @Override
    public String toString() {
        if (coefficient == 0) return Integer.toString(constant);
        String term = coefficient == 1 ? "s" : coefficient + "·s";
        if (constant == 0) return term;
        return term + (constant > 0 ? "+" : "") + constant;
    }
}
