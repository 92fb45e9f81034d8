package org.jitgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** n examples of 2 features; example i has features (i, -i) and label i % classes. */
    static Dataset numbered(int n, int classes) {
        float[] f = new float[2 * n];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            f[2 * i] = i;
            f[2 * i + 1] = -i;
            l[i] = i % classes;
        }
        return Dataset.of(f, l, 2, classes);
    }

    @Test
    void accessors() {
        Dataset d = numbered(5, 3);
        assertEquals(5, d.size());
        assertEquals(2, d.featureCount());
        assertEquals(3, d.classCount());
        assertEquals(-4f, d.feature(4, 1));
        assertEquals(1, d.label(4));
        assertArrayEquals(new int[] {2, 2, 1}, d.classCounts());
        assertThrows(IndexOutOfBoundsException.class, () -> d.label(5));
        assertThrows(IndexOutOfBoundsException.class, () -> d.feature(0, 2));
    }

    @Test
    void factoryCopiesAndValidates() {
        float[] f = {1, 2, 3, 4};
        int[] l = {0, 1};
        Dataset d = Dataset.of(f, l, 2, 2);
        f[0] = 99;
        l[0] = 1;
        assertEquals(1f, d.feature(0, 0));
        assertEquals(0, d.label(0));

        assertEquals(4, Dataset.of(new float[] {0, 0}, new int[] {0, 3}, 1).classCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[5], new int[2], 2, 2));
        assertTrue(e.getMessage().contains("features.length is 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[4], new int[] {0, 2}, 2, 2));
        assertTrue(e.getMessage().contains("label 2 of example 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[4], new int[] {0, -1}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[0], new int[0], 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[0], new int[0], 1, 0));
    }

    @Test
    void splitIsAPartitionKeepingRowsIntact() {
        Dataset d = numbered(101, 10);
        Dataset.Split split = d.split(0.8, 7);
        assertEquals(81, split.train().size());
        assertEquals(20, split.test().size());
        Set<Integer> seen = new HashSet<>();
        for (Dataset part : new Dataset[] {split.train(), split.test()}) {
            assertEquals(10, part.classCount());
            for (int i = 0; i < part.size(); i++) {
                int id = (int) part.feature(i, 0);
                assertEquals(-id, part.feature(i, 1));
                assertEquals(id % 10, part.label(i));
                assertTrue(seen.add(id), "example " + id + " appears twice");
            }
        }
        assertEquals(101, seen.size());
    }

    @Test
    void splitIsDeterministicPerSeed() {
        Dataset d = numbered(200, 10);
        Dataset.Split a = d.split(0.5, 42);
        Dataset.Split b = d.split(0.5, 42);
        Dataset.Split c = d.split(0.5, 43);
        assertArrayEquals(a.train().features(), b.train().features());
        assertArrayEquals(a.test().labels(), b.test().labels());
        assertFalse(Arrays.equals(a.train().features(), c.train().features()));
        // Shuffled, not the original order.
        assertFalse(Arrays.equals(Arrays.copyOf(d.features(), 200), a.train().features()));
    }

    @Test
    void splitEdgeFractions() {
        Dataset d = numbered(10, 2);
        assertEquals(10, d.split(1.0, 1).train().size());
        assertEquals(0, d.split(1.0, 1).test().size());
        assertEquals(0, d.split(0.0, 1).train().size());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> d.split(Double.NaN, 1));
    }

    @Test
    void selectSliceAndScale() {
        Dataset d = numbered(6, 3);
        Dataset s = d.select(new int[] {5, 0, 5});
        assertArrayEquals(new float[] {5, -5, 0, 0, 5, -5}, s.features());
        assertArrayEquals(new int[] {2, 0, 2}, s.labels());
        Dataset slice = d.slice(2, 4);
        assertArrayEquals(new float[] {2, -2, 3, -3}, slice.features());
        assertArrayEquals(new int[] {2, 0}, slice.labels());
        Dataset scaled = d.scaled(0.5f);
        assertEquals(2.5f, scaled.feature(5, 0));
        assertEquals(5f, d.feature(5, 0));
        assertArrayEquals(d.labels(), scaled.labels());
    }
}
