package org.jitgrad.ops;

import java.util.ArrayList;
import java.util.List;

/** The whole op vocabulary: every family of ops (an enum each), for coverage tests and listings. */
public final class Ops {
    /** The op families. A test checks that every {@link Op} enum of this package is listed. */
    public static final List<Class<? extends Enum<?>>> FAMILIES = List.of(
            UnaryOp.class, BinaryOp.class, GradOp.class, BroadcastOp.class, WhereOp.class, LinalgOp.class,
            LossOp.class, ReduceOp.class, ReshapeOp.class, SoftmaxOp.class, IndexOp.class, RandomOp.class,
            LayoutOp.class, ConvOp.class, NormOp.class);

    private static final List<Op> ALL;

    static {
        List<Op> all = new ArrayList<>();
        for (Class<? extends Enum<?>> family : FAMILIES) for (Enum<?> c : family.getEnumConstants()) all.add((Op) c);
        ALL = List.copyOf(all);
    }

    private Ops() {}

    /** Every op constant of every family. */
    public static List<Op> all() {
        return ALL;
    }
}
