package org.jitgrad.compile.symbolic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.compile.emit.Extent;
import org.jitgrad.compile.emit.Extents;
import org.jitgrad.compile.ir.IrNode;

/**
 * The sizes of a program with a dynamic dimension: those that do not depend on it are constants, the
 * others become entries of the size table (one per distinct {@link SizeTerm}), filled per size at run
 * time. The emitter asks for sizes while it writes the class; {@link #terms()} then lists the table.
 */
public final class SymbolicExtents implements Extents {
    private final ShapeModel model;
    private final Map<SizeTerm, Integer> slots = new LinkedHashMap<>();

    public SymbolicExtents(ShapeModel model) {
        this.model = model;
    }

    @Override
    public Extent dim(IrNode n, int axis) {
        return extent(List.of(model.shape(n).dim(axis)));
    }

    @Override
    public Extent rows(IrNode n) {
        SymbolicShape s = model.shape(n);
        List<Affine> f = new ArrayList<>();
        for (int i = 0; i < s.rank() - 1; i++) f.add(s.dim(i));
        return extent(f);
    }

    @Override
    public Extent size(IrNode n) {
        SymbolicShape s = model.shape(n);
        List<Affine> f = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) f.add(s.dim(i));
        return extent(f);
    }

    @Override
    public boolean isFixed(IrNode n) {
        return model.shape(n).isFixed();
    }

    private synchronized Extent extent(List<Affine> factors) {
        SizeTerm t = new SizeTerm(factors);
        if (t.isConstant()) return Extent.of(t.at(0));
        return Extent.table(slots.computeIfAbsent(t, k -> slots.size()));
    }

    /** The size table's entries, by slot. */
    public synchronized List<SizeTerm> terms() {
        return List.copyOf(slots.keySet());
    }
}
