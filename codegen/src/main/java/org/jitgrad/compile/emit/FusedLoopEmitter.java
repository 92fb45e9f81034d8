package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.*;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.FusedLoop;
import org.jitgrad.compile.passes.FusedLoop.Load;
import org.jitgrad.ops.ElementwiseOp;

/**
 * Emits the body of a method that runs one {@link FusedLoop}: a loop over rows (only when a leaf is a
 * row or column broadcast or a column sum is fused), and inside it a vector loop over columns with one
 * masked iteration for the tail. Each member's lane rule is emitted by {@link EmittingLanes}; every value
 * lives in a local and only the root (and the column sum) is stored.
 */
final class FusedLoopEmitter implements Opcodes {
    private final MethodWriter w;
    private final FusedLoop loop;
    private final int rows;
    private final int cols;
    private final Map<IrNode, Load> loads = new IdentityHashMap<>();
    private final Map<IrNode, Integer> arrays = new IdentityHashMap<>();
    private final Map<IrNode, Integer> vectors = new IdentityHashMap<>();
    private int out;
    private int columnSum = -1;
    private int base;
    private int col;
    private int mask = -1;

    /**
     * Emits into a static method whose parameters are the leaves' arrays (in {@link FusedLoop#leaves()}
     * order), then the output array, then the column-sum array if any: see {@link #descriptor}.
     */
    FusedLoopEmitter(MethodWriter w, FusedLoop loop) {
        this.w = w;
        this.loop = loop;
        int size = loop.root().shape().size();
        boolean anyRow = loop.columnSum() != null;
        for (IrNode leaf : loop.leaves()) {
            Load l = loop.loadOf(leaf);
            loads.put(leaf, l);
            anyRow |= l == Load.ROW || l == Load.COLUMN;
        }
        this.cols = anyRow ? loop.root().shape().lastDim() : size;
        this.rows = cols == 0 ? 0 : size / cols;
    }

    /** The static method's descriptor for {@code loop}. */
    static String descriptor(FusedLoop loop) {
        int arrays = loop.leaves().size() + 1 + (loop.columnSum() != null ? 1 : 0);
        return "(" + "[F".repeat(arrays) + ")V";
    }

    void emit() {
        int parameter = 0;
        for (IrNode leaf : loop.leaves()) {
            int a = parameter++;
            arrays.put(leaf, a);
            if (loads.get(leaf) == Load.SCALAR) {
                int v = w.newLocal();
                w.species();
                w.aload(a);
                w.pushInt(0);
                w.mv.visitInsn(FALOAD);
                w.invokeStatic(FLOAT_VECTOR, "broadcast", "(" + D_SPECIES + "F)" + D_FV);
                w.astore(v);
                vectors.put(leaf, v);
            }
        }
        out = parameter++;
        if (loop.columnSum() != null) {
            columnSum = parameter++;
            w.aload(columnSum);
            w.pushInt(0);
            w.pushInt(cols);
            w.pushFloat(0f);
            w.invokeStatic("java/util/Arrays", "fill", "([FIIF)V");
        }
        base = w.newLocal();
        col = w.newLocal();
        if (rows == 1) {
            w.pushInt(0);
            w.istore(base);
            w.pushInt(0);
            int r = w.newLocal();
            w.istore(r);
            loadColumns(r);
            columns();
        } else if (rows > 1) {
            int r = w.newLocal();
            Label top = new Label(), end = new Label();
            w.pushInt(0);
            w.istore(r);
            w.mv.visitLabel(top);
            w.iload(r);
            w.pushInt(rows);
            w.mv.visitJumpInsn(IF_ICMPGE, end);
            w.iload(r);
            w.pushInt(cols);
            w.mv.visitInsn(IMUL);
            w.istore(base);
            loadColumns(r);
            columns();
            w.mv.visitIincInsn(r, 1);
            w.mv.visitJumpInsn(GOTO, top);
            w.mv.visitLabel(end);
        }
        w.mv.visitInsn(RETURN);
    }

    /** At the start of row {@code r}: each {@link Load#COLUMN} leaf's value for the row, in every lane. */
    private void loadColumns(int r) {
        for (IrNode leaf : loop.leaves()) {
            if (loads.get(leaf) != Load.COLUMN) continue;
            int v = vectors.computeIfAbsent(leaf, k -> w.newLocal());
            w.species();
            w.aload(arrays.get(leaf));
            w.iload(r);
            w.mv.visitInsn(FALOAD);
            w.invokeStatic(FLOAT_VECTOR, "broadcast", "(" + D_SPECIES + "F)" + D_FV);
            w.astore(v);
        }
    }

    private void columns() {
        int lanes = Lanes.LENGTH;
        int bound = cols - cols % lanes;
        w.pushInt(0);
        w.istore(col);
        if (bound > 0) {
            Label top = new Label(), end = new Label();
            w.mv.visitLabel(top);
            w.iload(col);
            w.pushInt(bound);
            w.mv.visitJumpInsn(IF_ICMPGE, end);
            body(false);
            w.mv.visitIincInsn(col, lanes);
            w.mv.visitJumpInsn(GOTO, top);
            w.mv.visitLabel(end);
        }
        if (bound < cols) {
            if (mask < 0) mask = w.newLocal();
            w.species();
            w.iload(col);
            w.pushInt(cols);
            w.mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "indexInRange", "(II)" + D_MASK, true);
            w.astore(mask);
            body(true);
        }
    }

    private void body(boolean masked) {
        for (IrNode leaf : loop.leaves()) {
            Load l = loads.get(leaf);
            if (l == Load.SCALAR || l == Load.COLUMN) continue;
            int v = vectors.computeIfAbsent(leaf, k -> w.newLocal());
            w.species();
            w.aload(arrays.get(leaf));
            pushIndex(l == Load.FULL);
            fromArray(masked);
            w.astore(v);
        }
        EmittingLanes lanes = new EmittingLanes(w);
        for (IrNode m : loop.members()) {
            List<Integer> operands = new ArrayList<>(m.inputs().size());
            for (IrNode in : m.inputs()) operands.add(vectors.get(in));
            vectors.put(m, ((ElementwiseOp) m.op()).lanes(lanes, m.params(), operands));
        }
        int root = vectors.get(loop.root());
        w.aload(root);
        w.aload(out);
        pushIndex(true);
        intoArray(masked);
        if (columnSum >= 0) {
            w.species();
            w.aload(columnSum);
            pushIndex(false);
            fromArray(masked);
            w.aload(root);
            w.vector("add", "(" + D_V + ")" + D_FV);
            w.aload(columnSum);
            pushIndex(false);
            intoArray(masked);
        }
    }

    private void pushIndex(boolean full) {
        if (full) {
            w.iload(base);
            w.iload(col);
            w.mv.visitInsn(IADD);
        } else {
            w.iload(col);
        }
    }

    private void fromArray(boolean masked) {
        if (masked) {
            w.aload(mask);
            w.invokeStatic(FLOAT_VECTOR, "fromArray", "(" + D_SPECIES + "[FI" + D_MASK + ")" + D_FV);
        } else {
            w.invokeStatic(FLOAT_VECTOR, "fromArray", "(" + D_SPECIES + "[FI)" + D_FV);
        }
    }

    private void intoArray(boolean masked) {
        if (masked) {
            w.aload(mask);
            w.vector("intoArray", "([FI" + D_MASK + ")V");
        } else {
            w.vector("intoArray", "([FI)V");
        }
    }
}
