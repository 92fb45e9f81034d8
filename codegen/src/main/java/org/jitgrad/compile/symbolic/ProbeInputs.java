package org.jitgrad.compile.symbolic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * The inputs a function is traced on to learn how its graph depends on the dynamic size: the call's
 * own inputs resized along their dynamic dimensions, the values repeated cyclically (so labels and
 * token ids stay valid). The sizes are primes from 11 up that no fixed dimension of the inputs has, so
 * that no dynamic dimension equals a fixed one by accident (which could change the graph's shape).
 */
public final class ProbeInputs {
    private static final int[] PRIMES = {11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};

    private ProbeInputs() {}

    /** Three sizes to trace at, ascending. */
    public static int[] sizes(Tensor[] inputs, List<DimRef> dims) {
        Set<Integer> fixed = new HashSet<>();
        for (int i = 0; i < inputs.length; i++) {
            Shape s = inputs[i].shape();
            for (int a = 0; a < s.rank(); a++) if (!dims.contains(new DimRef(i, a))) fixed.add(s.dim(a));
        }
        int[] sizes = new int[3];
        int n = 0;
        for (int p : PRIMES) {
            if (n < sizes.length && !fixed.contains(p)) sizes[n++] = p;
        }
        for (int p = PRIMES[PRIMES.length - 1] + 2; n < sizes.length; p += 2) if (!fixed.contains(p)) sizes[n++] = p;
        return sizes;
    }

    /**
     * The inputs with every dynamic dimension set to {@code size}, element {@code i} along it taken
     * from element {@code i mod d} of the original (of length {@code d >= 1}); other inputs unchanged.
     */
    public static Tensor[] at(Tensor[] inputs, List<DimRef> dims, int size) {
        Tensor[] out = inputs.clone();
        for (int i = 0; i < inputs.length; i++) {
            List<Integer> axes = new ArrayList<>();
            for (DimRef d : dims) if (d.input() == i) axes.add(d.axis());
            if (!axes.isEmpty()) out[i] = resized(inputs[i], axes, size);
        }
        return out;
    }

    private static Tensor resized(Tensor t, List<Integer> axes, int size) {
        int[] from = t.shape().dims();
        int[] to = from.clone();
        for (int a : axes) to[a] = size;
        Shape target = Shape.of(to);
        float[] src = t.storage(), dst = new float[target.size()];
        int rank = to.length;
        int[] index = new int[rank];
        for (int flat = 0; flat < dst.length; flat++) {
            int offset = 0;
            for (int a = 0; a < rank; a++) offset = offset * from[a] + index[a] % from[a];
            dst[flat] = src[offset];
            for (int a = rank - 1; a >= 0; a--) {
                if (++index[a] < to[a]) break;
                index[a] = 0;
            }
        }
        return Tensor.wrap(dst, to);
    }
}
