package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.*;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
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
 * row, column or tile broadcast or a column sum is fused), and inside it a vector loop over columns with one
 * masked iteration for the tail. Each member's lane rule is emitted by {@link EmittingLanes}; every value
 * lives in a local and only the root, the extra outputs (and the column sum) are stored. The bounds are
 * constants, or, for a loop whose shape depends on a dynamic dimension, the method's two trailing {@code int}
 * parameters (rows, columns).
 */
final class FusedLoopEmitter implements Opcodes {
    private final MethodWriter w;
    private final FusedLoop loop;
    private final boolean runtimeBounds;
    private final boolean rowLoop;
    private final int rows;
    private final int cols;
    private final Map<IrNode, Load> loads = new IdentityHashMap<>();
    private final Map<IrNode, Integer> arrays = new IdentityHashMap<>();
    private final Map<IrNode, Integer> vectors = new IdentityHashMap<>();
    /** For each {@link Load#TILE} leaf, the local holding where the current row starts in it. */
    private final Map<IrNode, Integer> tileRows = new IdentityHashMap<>();
    private int out;
    private int columnSum = -1;
    private final Map<IrNode, Integer> extraArrays = new IdentityHashMap<>();
    private int base;
    private int col;
    private int mask = -1;
    private int rowsLocal = -1;
    private int colsLocal = -1;
    private int boundLocal = -1;

    /**
     * Emits into a static method whose parameters are the leaves' arrays (in {@link FusedLoop#leaves()}
     * order), then the output array, then the column-sum array if any, then the extra outputs' arrays (in
     * {@link FusedLoop#extraOutputs()} order), then with {@code runtimeBounds}
     * the rows and columns: see {@link #methodType}.
     */
    FusedLoopEmitter(MethodWriter w, FusedLoop loop, boolean runtimeBounds) {
        this.w = w;
        this.loop = loop;
        this.runtimeBounds = runtimeBounds;
        int size = loop.root().shape().size();
        for (IrNode leaf : loop.leaves()) loads.put(leaf, loop.loadOf(leaf));
        this.rowLoop = loop.rowLoop();
        this.cols = rowLoop ? loop.root().shape().lastDim() : size;
        this.rows = cols == 0 ? 0 : size / cols;
    }

    /** The static method's type for {@code loop}: its arrays, then with {@code runtimeBounds} the rows and columns. */
    static MethodType methodType(FusedLoop loop, boolean runtimeBounds) {
        int arrays = arrayCount(loop);
        Class<?>[] types = new Class<?>[arrays + (runtimeBounds ? 2 : 0)];
        Arrays.fill(types, float[].class);
        if (runtimeBounds) types[arrays] = types[arrays + 1] = int.class;
        return MethodType.methodType(void.class, types);
    }

    /** The number of array parameters of the loop's method. */
    static int arrayCount(FusedLoop loop) {
        return loop.leaves().size() + 1 + (loop.columnSum() != null ? 1 : 0) + loop.extraOutputs().size();
    }

    /** The number of local slots the method's parameters take. */
    static int parameterSlots(FusedLoop loop, boolean runtimeBounds) {
        return arrayCount(loop) + (runtimeBounds ? 2 : 0);
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
        if (loop.columnSum() != null) columnSum = parameter++;
        for (IrNode e : loop.extraOutputs()) extraArrays.put(e, parameter++);
        if (runtimeBounds) {
            rowsLocal = parameter++;
            colsLocal = parameter++;
        }
        if (columnSum >= 0) {
            w.aload(columnSum);
            w.pushInt(0);
            pushCols();
            w.pushFloat(0f);
            w.invokeStatic("java/util/Arrays", "fill", "([FIIF)V");
        }
        base = w.newLocal();
        col = w.newLocal();
        if (runtimeBounds) {
            boundLocal = w.newLocal();  // cols - cols % lanes
            w.iload(colsLocal);
            w.iload(colsLocal);
            w.pushInt(Lanes.LENGTH);
            w.mv.visitInsn(IREM);
            w.mv.visitInsn(ISUB);
            w.istore(boundLocal);
        }
        if (runtimeBounds && !rowLoop) {
            w.pushInt(0);
            w.istore(base);
            columns();
        } else if (runtimeBounds) {
            rowsLoop(true);
        } else if (rows == 1) {
            w.pushInt(0);
            w.istore(base);
            w.pushInt(0);
            int r = w.newLocal();
            w.istore(r);
            loadColumns(r);
            columns();
        } else if (rows > 1) {
            rowsLoop(false);
        }
        w.mv.visitInsn(RETURN);
    }

    /** {@code for (r = 0; r < rows; r++) { base = r * cols; ...columns } }, rows constant or from the parameter. */
    private void rowsLoop(boolean runtime) {
        int r = w.newLocal();
        Label top = new Label(), end = new Label();
        w.pushInt(0);
        w.istore(r);
        w.mv.visitLabel(top);
        w.iload(r);
        if (runtime) w.iload(rowsLocal);
        else w.pushInt(rows);
        w.mv.visitJumpInsn(IF_ICMPGE, end);
        w.iload(r);
        pushCols();
        w.mv.visitInsn(IMUL);
        w.istore(base);
        loadColumns(r);
        startTileRows();
        columns();
        w.mv.visitIincInsn(r, 1);
        w.mv.visitJumpInsn(GOTO, top);
        w.mv.visitLabel(end);
    }

    private void pushCols() {
        if (runtimeBounds) w.iload(colsLocal);
        else w.pushInt(cols);
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

    /** At the start of a row: each {@link Load#TILE} leaf's offset of the row, {@code base mod size(leaf)}. */
    private void startTileRows() {
        for (IrNode leaf : loop.leaves()) {
            if (loads.get(leaf) != Load.TILE) continue;
            int t = tileRows.computeIfAbsent(leaf, k -> w.newLocal());
            w.iload(base);
            w.pushInt(leaf.shape().size());
            w.mv.visitInsn(IREM);
            w.istore(t);
        }
    }

    private void columns() {
        if (runtimeBounds) {
            runtimeColumns();
            return;
        }
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

    /** The column loop with the bound and the tail decided at run time. */
    private void runtimeColumns() {
        int lanes = Lanes.LENGTH;
        w.pushInt(0);
        w.istore(col);
        Label top = new Label(), end = new Label(), done = new Label();
        w.mv.visitLabel(top);
        w.iload(col);
        w.iload(boundLocal);
        w.mv.visitJumpInsn(IF_ICMPGE, end);
        body(false);
        w.mv.visitIincInsn(col, lanes);
        w.mv.visitJumpInsn(GOTO, top);
        w.mv.visitLabel(end);
        w.iload(col);
        w.iload(colsLocal);
        w.mv.visitJumpInsn(IF_ICMPGE, done);
        if (mask < 0) mask = w.newLocal();
        w.species();
        w.iload(col);
        w.iload(colsLocal);
        w.mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "indexInRange", "(II)" + D_MASK, true);
        w.astore(mask);
        body(true);
        w.mv.visitLabel(done);
    }

    private void body(boolean masked) {
        for (IrNode leaf : loop.leaves()) {
            Load l = loads.get(leaf);
            if (l == Load.SCALAR || l == Load.COLUMN) continue;
            int v = vectors.computeIfAbsent(leaf, k -> w.newLocal());
            w.species();
            w.aload(arrays.get(leaf));
            if (l == Load.TILE) {
                w.iload(tileRows.get(leaf));
                w.iload(col);
                w.mv.visitInsn(IADD);
            } else {
                pushIndex(l == Load.FULL);
            }
            fromArray(masked);
            w.astore(v);
        }
        EmittingLanes lanes = new EmittingLanes(w);
        for (IrNode m : loop.members()) {
            List<Integer> operands = new ArrayList<>(m.inputs().size());
            for (IrNode in : m.inputs()) operands.add(vectors.get(in));
            vectors.put(m, ((ElementwiseOp) m.op()).lanes(lanes, m.params(), operands));
        }
        for (IrNode e : loop.extraOutputs()) {
            w.aload(vectors.get(e));
            w.aload(extraArrays.get(e));
            pushIndex(true);
            intoArray(masked);
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
