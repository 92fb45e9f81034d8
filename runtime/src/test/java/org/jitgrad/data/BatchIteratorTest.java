package org.jitgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchIteratorTest {

    private static final Dataset DATA = DatasetTest.numbered(23, 5);

    /** Example indices of each batch of one epoch, checking each batch's content on the way. */
    private static List<int[]> epoch(BatchIterator it, int epoch) {
        List<int[]> batches = new ArrayList<>();
        for (Batch b : it.epoch(epoch)) {
            assertEquals(b.size(), b.labels().length);
            assertEquals(b.size() * 2, b.features().length);
            for (int row = 0; row < b.size(); row++) {
                int example = b.indices()[row];
                assertEquals(example, b.features()[2 * row]);
                assertEquals(-example, b.features()[2 * row + 1]);
                assertEquals(example % 5, b.labels()[row]);
            }
            batches.add(b.indices().clone());
        }
        return batches;
    }

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @ParameterizedTest(name = "batchSize={0} dropLast={1} shuffle={2}")
    @CsvSource({
        "5, false, false, 5, '5,5,5,5,3'",
        "5, true, false, 4, '5,5,5,5'",
        "5, false, true, 5, '5,5,5,5,3'",
        "5, true, true, 4, '5,5,5,5'",
        "23, false, true, 1, '23'",
        "23, true, true, 1, '23'",
        "30, false, true, 1, '23'",
        "30, true, true, 0, ''",
        // a batch size near Integer.MAX_VALUE (one batch of everything) must not overflow ceil(n / batchSize)
        "2147483647, false, true, 1, '23'",
        "2147483647, true, false, 0, ''",
        "2147483640, false, false, 1, '23'",
        "1, true, true, 23, '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1'",
    })
    void batchSizesAndCoverage(int batchSize, boolean dropLast, boolean shuffle, int batches, String sizes) {
        BatchIterator it = shuffle ? BatchIterator.shuffled(DATA, batchSize, 9, dropLast)
                : BatchIterator.sequential(DATA, batchSize, dropLast);
        assertEquals(batches, it.batchesPerEpoch());
        for (int e = 0; e < 3; e++) {
            List<int[]> epoch = epoch(it, e);
            assertEquals(batches, epoch.size());
            int[] expectedSizes = sizes.isEmpty() ? new int[0] : Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(expectedSizes, epoch.stream().mapToInt(b -> b.length).toArray());
            int[] seen = flatten(epoch);
            int[] sorted = seen.clone();
            Arrays.sort(sorted);
            for (int i = 1; i < sorted.length; i++) {
                assertTrue(sorted[i] != sorted[i - 1], "example " + sorted[i] + " seen twice in epoch " + e);
            }
            if (!dropLast) {
                assertEquals(23, seen.length, "every example exactly once");
            } else {
                assertEquals(23 - 23 % batchSize, seen.length);
            }
            if (!shuffle) {
                for (int i = 0; i < seen.length; i++) {
                    assertEquals(i, seen[i]);
                }
            }
        }
    }

    @Test
    void deterministicPerSeedAndEpoch() {
        BatchIterator a = BatchIterator.shuffled(DATA, 4, 123, false);
        BatchIterator b = BatchIterator.shuffled(DATA, 4, 123, false);
        BatchIterator c = BatchIterator.shuffled(DATA, 4, 124, false);
        int[] a0 = flatten(epoch(a, 0));
        int[] a1 = flatten(epoch(a, 1));
        int[] a2 = flatten(epoch(a, 2));
        // b visits epochs in another order: each epoch's order depends only on seed and epoch.
        assertArrayEquals(a2, flatten(epoch(b, 2)));
        assertArrayEquals(a0, flatten(epoch(b, 0)));
        assertArrayEquals(a1, flatten(epoch(b, 1)));
        assertFalse(Arrays.equals(a0, a1), "epochs 0 and 1 have the same order");
        assertFalse(Arrays.equals(a1, a2), "epochs 1 and 2 have the same order");
        assertFalse(Arrays.equals(a0, flatten(epoch(c, 0))), "seeds 123 and 124 give the same order");
    }

    @Test
    void manualIterationAndEpochEnd() {
        BatchIterator it = BatchIterator.sequential(DATA, 10, false);
        assertEquals(0, it.epoch());
        assertEquals(10, it.batchSize());
        assertTrue(it.hasNext());
        assertEquals(10, it.next().size());
        assertEquals(10, it.next().size());
        Batch last = it.next();
        assertEquals(3, last.size());
        assertArrayEquals(new float[] {0, 1, 2}, last.labels());
        assertFalse(it.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("epoch 0"), e.getMessage());
        it.startEpoch(1);
        assertEquals(1, it.epoch());
        assertTrue(it.hasNext());
        assertThrows(IllegalArgumentException.class, () -> it.startEpoch(-1));
        assertThrows(IllegalArgumentException.class, () -> BatchIterator.sequential(DATA, 0, false));
    }

    @Test
    void buffersAreReusedAndCopiesAreIndependent() {
        BatchIterator it = BatchIterator.shuffled(DATA, 5, 1, false);
        Batch first = it.next();
        Batch kept = first.copy();
        Batch second = it.next();
        Batch third = it.next();
        assertNotSame(first, second);
        assertSame(first, third, "full batches alternate between two buffers");
        assertNotSame(first.features(), kept.features());
        it.startEpoch(0);
        Batch again = it.next();
        assertArrayEquals(kept.indices(), again.indices());
        assertArrayEquals(kept.features(), again.features());
        assertArrayEquals(kept.labels(), again.labels());
    }

    @Test
    void emptyDataset() {
        Dataset empty = Dataset.of(new float[0], new int[0], 3, 2);
        BatchIterator it = BatchIterator.shuffled(empty, 4, 0, false);
        assertEquals(0, it.batchesPerEpoch());
        assertFalse(it.hasNext());
    }

    @Test
    void digitsInBatches() throws Exception {
        Dataset digits = DigitsCsvTest.loadBundled();
        BatchIterator it = BatchIterator.shuffled(digits, 64, 2024, true);
        assertEquals(28, it.batchesPerEpoch());
        int[] counts = new int[10];
        int rows = 0;
        for (Batch b : it.epoch(0)) {
            assertEquals(64, b.size());
            assertEquals(64 * 64, b.features().length);
            for (float label : b.labels()) {
                counts[(int) label]++;
            }
            rows += b.size();
        }
        assertEquals(28 * 64, rows);
        assertEquals(rows, Arrays.stream(counts).sum());
    }
}
