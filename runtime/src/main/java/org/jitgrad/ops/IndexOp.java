package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.IndexKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Integer indexing: an embedding lookup {@code (table [V, D], ids) -> ids.shape + [D]}, whose ids are
 * integral floats in {@code [0, V)}, and its gradient, a scatter-add of the upstream rows into a
 * {@code [V, D]} table (repeated ids accumulate). The ids get no gradient.
 *
 * <p>Both kernels check every id before writing anything: the ids are ordinary tensors (a compiled
 * step's inputs) whose values change from call to call, and may even change between a tape's forward
 * and backward passes.
 */
public enum IndexOp implements Op {
    /** {@code (table [V, D], ids) -> out[..., :] = table[ids[...], :]}. */
    EMBEDDING {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams params, Shape... in) {
            Shape table = in[0], ids = in[1];
            if (table.rank() != 2 || ids.rank() > Shape.MAX_RANK - 1) {
                throw new ShapeException("embedding: expects a table [rows, dim] and ids of rank at most "
                        + (Shape.MAX_RANK - 1) + ", got table " + table + " and ids " + ids);
            }
            return appendDim(ids, table.dim(1));
        }

        @Override
        public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
            int rows = s[0].dim(0), width = s[0].dim(1);
            checkIds("embedding", in[1], s[1], rows, s[0]);
            IndexKernels.gatherRows(in[0], in[1], s[1].size(), width, out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
            T table = x.get(0), ids = x.get(1);
            T dTable = needs[0] ? b.apply(EMBEDDING_GRAD, new OpParams.Target(b.shape(table)), g, ids) : null;
            return Arrays.asList(dTable, null);
        }
    },
    /** {@code (g [ids.shape + D], ids) -> [V, D]} (the table shape, a {@link OpParams.Target}): scatter-add. */
    EMBEDDING_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams params, Shape... in) {
            Shape table = ((OpParams.Target) params).shape(), g = in[0], ids = in[1];
            if (table.rank() != 2 || ids.rank() > Shape.MAX_RANK - 1 || !g.equals(appendDim(ids, table.dim(1)))) {
                throw new ShapeException("embedding backward: expects a gradient of shape ids.shape + [dim] for ids "
                        + ids + " and table " + table + ", got " + g);
            }
            return table;
        }

        @Override
        public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
            // the ids may have been overwritten since the forward pass; an unchecked id would write
            // outside its row (or past the table)
            checkIds("embedding backward", in[1], s[1], os.dim(0), os);
            IndexKernels.scatterAddRows(in[0], in[1], s[1].size(), os.dim(1), os.dim(0), out);
        }

        /** The scatter-add is linear in {@code g}: its gradient gathers the upstream rows back. */
        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
            T dG = needs[0] ? b.apply(EMBEDDING, OpParams.NONE, g, x.get(1)) : null;
            return Arrays.asList(dG, null);
        }
    };

    private static Shape appendDim(Shape s, int last) {
        int[] dims = Arrays.copyOf(s.dims(), s.rank() + 1);
        dims[s.rank()] = last;
        return Shape.of(dims);
    }

    /**
     * Checks that every id is an integral value in {@code [0, rows)}.
     *
     * @throws IllegalArgumentException naming the first bad id's flat and multi-index, its value and the table
     */
    static void checkIds(String op, float[] ids, Shape idsShape, int rows, Shape table) {
        int n = idsShape.size();
        for (int i = 0; i < n; i++) {
            float v = ids[i];
            if (!(v >= 0f && v < rows) || v != (int) v) {
                throw new IllegalArgumentException(op + ": id " + v + " at flat index " + i + " " + multiIndex(i, idsShape)
                        + " of ids " + idsShape + " is not an integral row index in [0, " + rows + ") of the table "
                        + table);
            }
        }
    }

    /** The row-major multi-index of flat index {@code flat} in {@code s}, as {@code [i, j, ...]}. */
    private static String multiIndex(int flat, Shape s) {
        int[] idx = new int[s.rank()];
        for (int a = s.rank() - 1; a >= 0; a--) {
            int d = s.dim(a);
            idx[a] = flat % d;
            flat /= d;
        }
        return Arrays.toString(idx);
    }
}
