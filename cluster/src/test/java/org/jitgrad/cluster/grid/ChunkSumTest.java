package org.jitgrad.cluster.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChunkSumTest {
    private final UUID a = new UUID(1, 1), b = new UUID(1, 2);

    @Test
    void averagesWeightedContributionsOnceEach() {
        ChunkSum s = new ChunkSum(4, 2);
        assertEquals(ChunkSum.ADDED, s.add(4, a, 1, new float[] {1, 10}));
        assertEquals(ChunkSum.ADDED, s.add(4, b, 3, new float[] {5, 2}));
        assertEquals(ChunkSum.ALREADY, s.add(4, b, 3, new float[] {5, 2}));
        assertEquals(ChunkSum.STALE, s.add(3, b, 3, new float[] {5, 2}));
        assertArrayEquals(new float[] {4f, 4f}, s.freezeAndAverage());
        assertEquals(ChunkSum.FROZEN, s.add(4, new UUID(9, 9), 1, new float[2]), "a late contribution after the first read");
        assertEquals(2, s.contributorCount());
    }

    @Test
    void zeroWeightGivesNothingToAdopt() {
        ChunkSum s = new ChunkSum(0, 3);
        s.add(0, a, 0, new float[] {1, 2, 3});
        assertEquals(0, s.freezeAndAverage().length);
    }

    @Test
    void aContributionOfAnotherLengthIsRefused() {
        ChunkSum s = new ChunkSum(0, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.add(0, a, 1, new float[2]));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
    }
}
