package org.jitgrad.compile.symbolic;

import java.util.List;

/**
 * A run-time size of a program with a dynamic dimension: the product of some {@link Affine}
 * dimensions (a GEMM's {@code m = 64·s}, a loop's rows {@code s·12}), evaluated once per size.
 */
public record SizeTerm(List<Affine> factors) {
    public SizeTerm {
        factors = List.copyOf(factors);
    }

    /** Whether the product is the same at every size. */
    public boolean isConstant() {
        for (Affine a : factors) if (!a.isConstant()) return false;
        return true;
    }

    /**
     * The product at {@code s}.
     *
     * @throws ArithmeticException if it does not fit an int
     */
    public int at(int s) {
        long n = 1;
        for (Affine a : factors) n = Math.multiplyExact(n, (long) a.at(s));
        return Math.toIntExact(n);
    }

    @Override
    public String toString() {
        if (factors.isEmpty()) return "1";
        StringBuilder sb = new StringBuilder();
        for (Affine a : factors) sb.append(sb.isEmpty() ? "" : "·").append(a.isConstant() || a.constant() == 0 ? a : "(" + a + ")");
        return sb.toString();
    }
}
