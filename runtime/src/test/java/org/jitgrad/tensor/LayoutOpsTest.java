package org.jitgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Values of the layout ops on small tensors written out by hand, as PyTorch gives them. */
class LayoutOpsTest {
    /** 0, 1, 2, ... in the given shape. */
    private static Tensor arange(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    @Test
    void permuteMovesAxes() {
        Tensor x = arange(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape().dims());
        // p[c, a, b] = x[a, b, c] = 12a + 4b + c
        assertArrayEquals(new float[] {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23},
                p.toArray());
        assertArrayEquals(p.toArray(), x.permute(-1, -3, -2).toArray(), "negative dims count from the end");
        assertArrayEquals(x.toArray(), p.permute(1, 2, 0).toArray(), "the inverse permutation restores it");
        assertArrayEquals(x.toArray(), x.permute(0, 1, 2).toArray());
        assertNotSame(x.storage(), x.permute(0, 1, 2).storage(), "a new tensor, not a view");
        assertEquals(5f, Tensor.scalar(5f).permute().item(), "a scalar permutes with no dims");
    }

    @Test
    void transposeOfTwoAxes() {
        Tensor x = arange(2, 3);
        assertArrayEquals(x.transpose().toArray(), x.transpose(0, 1).toArray());
        assertArrayEquals(x.transpose().toArray(), x.transpose(-1, -2).toArray());
        Tensor y = arange(2, 2, 3);
        assertArrayEquals(new int[] {2, 3, 2}, y.transpose(-2, -1).shape().dims());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}, y.transpose(-2, -1).toArray());
        assertArrayEquals(y.toArray(), y.transpose(1, 1).toArray());
        Tensor z = arange(2, 1, 3, 2);  // [2,1,3,2] -> transpose(0, 2) -> [3,1,2,2]: z'[c,1,a,d] = z[a,1,c,d]
        assertArrayEquals(new float[] {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11}, z.transpose(0, 2).toArray());
    }

    @Test
    void sliceTakesARange() {
        Tensor x = arange(3, 4);
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, x.slice(1, 1, 3).toArray());
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, x.slice(-1, 1, 3).toArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, x.slice(0, 2, 3).toArray());
        assertArrayEquals(new int[] {3, 0}, x.slice(1, 4, 4).shape().dims(), "an empty range is allowed");
        assertArrayEquals(x.toArray(), x.slice(0, 0, 3).toArray());
    }

    @Test
    void catJoinsAlongAnAxis() {
        Tensor a = arange(2, 2), b = arange(2, 1).add(10f);
        Tensor c = Tensor.cat(-1, a, b, a);
        assertArrayEquals(new int[] {2, 5}, c.shape().dims());
        assertArrayEquals(new float[] {0, 1, 10, 0, 1, 2, 3, 11, 2, 3}, c.toArray());
        Tensor rows = Tensor.cat(0, a, arange(1, 2).add(7f), Tensor.zeros(0, 2));
        assertArrayEquals(new float[] {0, 1, 2, 3, 7, 8}, rows.toArray());
        Tensor one = Tensor.cat(0, a);
        assertArrayEquals(a.toArray(), one.toArray());
        assertNotSame(a, one);
    }

    @Test
    void splitCutsChunksWithAShorterLastOne() {
        Tensor x = arange(2, 7);
        List<Tensor> chunks = x.split(3, -1);
        assertEquals(3, chunks.size());
        assertArrayEquals(new float[] {0, 1, 2, 7, 8, 9}, chunks.get(0).toArray());
        assertArrayEquals(new float[] {3, 4, 5, 10, 11, 12}, chunks.get(1).toArray());
        assertArrayEquals(new float[] {6, 13}, chunks.get(2).toArray());
        assertArrayEquals(new int[] {2, 1}, chunks.get(2).shape().dims());
        assertEquals(1, x.split(7, 1).size());
        assertEquals(1, x.split(100, 1).size());
        assertEquals(2, x.split(1, 0).size());
        List<Tensor> empty = Tensor.zeros(0, 3).split(2, 0);
        assertEquals(1, empty.size(), "an empty axis gives one empty chunk, as PyTorch");
        assertArrayEquals(new int[] {0, 3}, empty.get(0).shape().dims());
        assertThrows(UnsupportedOperationException.class, () -> chunks.add(x), "the list is unmodifiable");
        assertArrayEquals(x.toArray(), Tensor.cat(1, chunks.toArray(Tensor[]::new)).toArray());
    }

    @Test
    void gradientOfSliceIsZeroOutsideTheRange() {
        Tensor x = arange(2, 3).requiresGrad();
        x.slice(1, 1, 2).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0}, x.grad().toArray());
    }
}
