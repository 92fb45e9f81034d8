package org.jitgrad.compile.symbolic;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * The numbers inside an op's {@link OpParams} (axes, sizes, ranges, target shapes, scalar factors), read
 * out in a fixed order and written back into a record of the same kind. What is not a number (flags,
 * the random stream of a mask) comes from the prototype. The switches are over the sealed hierarchy,
 * so a new kind of parameters fails to compile here until it says which of its numbers are which.
 */
final class ParamNumbers {
    private ParamNumbers() {}

    /** The integers of {@code p}, in the order {@link #rebuild} reads them. */
    static int[] ints(OpParams p) {
        List<Integer> out = new ArrayList<>();
        ints(p, out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void ints(OpParams p, List<Integer> out) {
        switch (p) {
            case OpParams.None n -> { }
            case OpParams.Axis a -> out.add(a.axis());
            case OpParams.Scalar s -> { }
            case OpParams.Transposes t -> { }
            case OpParams.Target t -> dims(t.shape(), out);
            case OpParams.Permutation perm -> { for (int d : perm.dims()) out.add(d); }
            case OpParams.Range r -> { out.add(r.axis()); out.add(r.start()); out.add(r.end()); }
            case OpParams.Placement pl -> { out.add(pl.axis()); out.add(pl.start()); out.add(pl.fullLength()); }
            case OpParams.Window w -> { out.add(w.kernel()); out.add(w.stride()); out.add(w.padding()); }
            case OpParams.Conv c -> { out.add(c.stride()); out.add(c.padding()); }
            case OpParams.GradTarget g -> { ints(g.forward(), out); dims(g.shape(), out); }
            case OpParams.BernoulliMask m -> dims(m.shape(), out);
        }
    }

    private static void dims(Shape s, List<Integer> out) {
        out.add(s.rank());
        for (int i = 0; i < s.rank(); i++) out.add(s.dim(i));
    }

    /** The floats of {@code p}, in the order {@link #rebuild} reads them. */
    static float[] floats(OpParams p) {
        return switch (p) {
            case OpParams.Scalar s -> new float[] {s.value()};
            case OpParams.BernoulliMask m -> new float[] {m.p()};
            case OpParams.GradTarget g -> floats(g.forward());
            default -> new float[0];
        };
    }

    /** A record of {@code prototype}'s kind with these numbers (as {@link #ints} and {@link #floats} list them). */
    static OpParams rebuild(OpParams prototype, int[] ints, float[] floats) {
        Cursor c = new Cursor(ints, floats);
        OpParams p = rebuild(prototype, c);
        if (c.i != ints.length || c.f != floats.length) {
            throw new IllegalArgumentException("rebuild " + prototype + ": " + ints.length + " ints and " + floats.length
                    + " floats, used " + c.i + " and " + c.f);
        }
        return p;
    }

    private static OpParams rebuild(OpParams p, Cursor c) {
        return switch (p) {
            case OpParams.None n -> n;
            case OpParams.Axis a -> new OpParams.Axis(c.nextInt(), a.keepDim());
            case OpParams.Scalar s -> new OpParams.Scalar(c.nextFloat());
            case OpParams.Transposes t -> t;
            case OpParams.Target t -> new OpParams.Target(c.nextShape());
            case OpParams.Permutation perm -> {
                int[] dims = new int[perm.rank()];
                for (int i = 0; i < dims.length; i++) dims[i] = c.nextInt();
                yield new OpParams.Permutation(dims);
            }
            case OpParams.Range r -> new OpParams.Range(c.nextInt(), c.nextInt(), c.nextInt());
            case OpParams.Placement pl -> new OpParams.Placement(c.nextInt(), c.nextInt(), c.nextInt());
            case OpParams.Window w -> new OpParams.Window(c.nextInt(), c.nextInt(), c.nextInt());
            case OpParams.Conv cv -> new OpParams.Conv(c.nextInt(), c.nextInt());
            case OpParams.GradTarget g -> {
                OpParams forward = rebuild(g.forward(), c);
                yield new OpParams.GradTarget(forward, c.nextShape());
            }
            case OpParams.BernoulliMask m -> {
                Shape shape = c.nextShape();
                yield new OpParams.BernoulliMask(shape, c.nextFloat(), m.stream());
            }
        };
    }

    private static final class Cursor {
        final int[] ints;
        final float[] floats;
        int i, f;

        Cursor(int[] ints, float[] floats) {
            this.ints = ints;
            this.floats = floats;
        }

        int nextInt() { return ints[i++]; }

        float nextFloat() { return floats[f++]; }

        Shape nextShape() {
            int[] dims = new int[nextInt()];
            for (int k = 0; k < dims.length; k++) dims[k] = nextInt();
            return Shape.of(dims);
        }
    }
}
