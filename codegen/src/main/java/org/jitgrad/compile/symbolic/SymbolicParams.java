package org.jitgrad.compile.symbolic;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.jitgrad.ops.OpParams;

/**
 * An op's parameters as a function of the dynamic size: a reshape's target {@code [64·s, 128]}, a
 * mean's factor {@code 1/(10·s)}, a slice's end. Built from the same op's parameters in the traces at
 * three sizes ({@link #fit}); {@link #at} gives the record for one size.
 */
public final class SymbolicParams {
    private final OpParams prototype;
    private final Affine[] ints;
    private final SymbolicFloat[] floats;
    private final boolean fixed;

    private SymbolicParams(OpParams prototype, Affine[] ints, SymbolicFloat[] floats) {
        this.prototype = prototype;
        this.ints = ints;
        this.floats = floats;
        boolean f = true;
        for (Affine a : ints) f &= a.isConstant();
        for (SymbolicFloat x : floats) f &= x.isConstant();
        this.fixed = f;
    }

    /**
     * The parameters that take the value {@code probes.get(i)} at {@code sizes[i]}.
     *
     * @throws NotSymbolicException if the records differ in kind or in anything but their numbers, or a
     *                              number is not of a form {@link Fit} follows
     */
    static SymbolicParams fit(List<OpParams> probes, int[] sizes, String what) throws NotSymbolicException {
        OpParams first = probes.get(0);
        int[][] ints = new int[probes.size()][];
        float[][] floats = new float[probes.size()][];
        for (int k = 0; k < probes.size(); k++) {
            OpParams p = probes.get(k);
            if (p.getClass() != first.getClass()) {
                throw new NotSymbolicException(what + " has parameters " + first + " at s=" + sizes[0] + " but " + p + " at s=" + sizes[k]);
            }
            ints[k] = ParamNumbers.ints(p);
            floats[k] = ParamNumbers.floats(p);
            boolean sameLayout = ints[k].length == ints[0].length && floats[k].length == floats[0].length;
            if (!sameLayout || !ParamNumbers.rebuild(first, ints[k], floats[k]).equals(p)) {
                throw new NotSymbolicException(what + " has parameters " + first + " at s=" + sizes[0] + " but " + p + " at s="
                        + sizes[k] + ", which differ in more than their sizes");
            }
        }
        Affine[] a = new Affine[ints[0].length];
        for (int j = 0; j < a.length; j++) {
            int[] values = new int[probes.size()];
            for (int k = 0; k < values.length; k++) values[k] = ints[k][j];
            a[j] = Fit.affine(values, sizes, what + " parameter " + first);
        }
        SymbolicFloat[] f = new SymbolicFloat[floats[0].length];
        for (int j = 0; j < f.length; j++) {
            float[] values = new float[probes.size()];
            for (int k = 0; k < values.length; k++) values[k] = floats[k][j];
            f[j] = Fit.scalar(values, sizes, what + " parameter " + first);
        }
        return new SymbolicParams(first, a, f);
    }

    /** Whether the parameters are the same at every size. */
    public boolean isFixed() { return fixed; }

    /** The parameters at {@code s} (the prototype itself when they are fixed). */
    public OpParams at(int s) {
        if (fixed) return prototype;
        int[] i = new int[ints.length];
        for (int j = 0; j < i.length; j++) i[j] = ints[j].at(s);
        float[] f = new float[floats.length];
        for (int j = 0; j < f.length; j++) f[j] = floats[j].at(s);
        return ParamNumbers.rebuild(prototype, i, f);
    }

    /** As the record's own listing, with the numbers that depend on the size written in {@code s}. */
    @Override
    public String toString() {
        if (fixed) return prototype.toString();
        return describe(prototype, Arrays.asList(ints).iterator(), Arrays.asList(floats).iterator());
    }

    private static String describe(OpParams p, Iterator<Affine> i, Iterator<SymbolicFloat> f) {
        return switch (p) {
            case OpParams.None n -> "";
            case OpParams.Axis a -> "axis=" + i.next() + (a.keepDim() ? " keepDim" : "");
            case OpParams.Scalar c -> "c=" + f.next();
            case OpParams.Transposes t -> t.toString();
            case OpParams.Target t -> "shape=" + shape(i);
            case OpParams.Permutation perm -> {
                StringBuilder sb = new StringBuilder("dims=[");
                for (int k = 0; k < perm.rank(); k++) sb.append(k == 0 ? "" : ", ").append(i.next());
                yield sb.append(']').toString();
            }
            case OpParams.Range r -> "axis=" + i.next() + " [" + i.next() + ":" + i.next() + ")";
            case OpParams.Placement pl -> "axis=" + i.next() + " at " + i.next() + " of " + i.next();
            case OpParams.Window w -> "kernel=" + i.next() + " stride=" + i.next() + " padding=" + i.next();
            case OpParams.Conv c -> "stride=" + i.next() + " padding=" + i.next();
            case OpParams.GradTarget g -> describe(g.forward(), i, f) + " shape=" + shape(i);
            case OpParams.BernoulliMask m -> "shape=" + shape(i) + " p=" + f.next() + " seed=" + m.stream().seed();
        };
    }

    private static String shape(Iterator<Affine> i) {
        Affine[] dims = new Affine[i.next().constant()];
        for (int k = 0; k < dims.length; k++) dims[k] = i.next();
        return new SymbolicShape(dims).toString();
    }
}
