package org.jitgrad.compile.symbolic;

/**
 * Recovers how a number of the traced graph depends on the dynamic size from its values in traces at
 * three sizes: two determine the candidate, the third checks it. A value that is not of a supported
 * form (an affine integer, a constant or reciprocal float) is reported, never guessed.
 */
final class Fit {
    private Fit() {}

    /**
     * The affine function taking {@code values[i]} at {@code sizes[i]}.
     *
     * @param what names the number in the failure message
     * @throws NotSymbolicException if no affine function with integer coefficients fits all three
     */
    static Affine affine(int[] values, int[] sizes, String what) throws NotSymbolicException {
        long dv = (long) values[1] - values[0], ds = (long) sizes[1] - sizes[0];
        if (dv % ds != 0) throw notAffine(values, sizes, what);
        long a = dv / ds, c = values[0] - a * sizes[0];
        for (int i = 0; i < values.length; i++) {
            if (a * sizes[i] + c != values[i]) throw notAffine(values, sizes, what);
        }
        if (a != (int) a || c != (int) c) throw notAffine(values, sizes, what);
        return new Affine((int) a, (int) c);
    }

    private static NotSymbolicException notAffine(int[] values, int[] sizes, String what) {
        StringBuilder sb = new StringBuilder(what).append(" takes the values ");
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ", ").append(values[i]).append(" at s=").append(sizes[i]);
        return new NotSymbolicException(sb.append(", which is not a·s+b").toString());
    }

    /**
     * A float that is either the same in every trace or {@code 1f/n} with {@code n} affine in the size.
     *
     * @throws NotSymbolicException if it is neither
     */
    static SymbolicFloat scalar(float[] values, int[] sizes, String what) throws NotSymbolicException {
        boolean same = true;
        for (float v : values) same &= Float.floatToIntBits(v) == Float.floatToIntBits(values[0]);
        if (same) return new SymbolicFloat.Fixed(values[0]);
        int[] divisors = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double n = Math.rint(1.0 / values[i]);
            if (!(n >= 1 && n <= Integer.MAX_VALUE) || 1f / (int) n != values[i]) {
                throw new NotSymbolicException(what + " is " + values[i] + " at s=" + sizes[i] + " and " + values[0] + " at s="
                        + sizes[0] + ": it depends on the size but is not 1/n");
            }
            divisors[i] = (int) n;
        }
        return new SymbolicFloat.Reciprocal(affine(divisors, sizes, what + " (as 1/n)"));
    }
}
