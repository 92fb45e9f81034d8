package org.jitgrad.data;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CharCorpusTest {
    @Test
    void vocabularyIsTheSortedSetOfCodePoints() {
        CharVocabulary v = CharVocabulary.of("hello, world\n");
        assertArrayEquals("\n ,dehlorw".codePoints().toArray(), v.codePoints());
        assertArrayEquals(new int[] {5, 4, 6, 6, 7}, v.encode("hello"));
        assertEquals("world", v.decode(v.encode("world")));
        // Characters outside the BMP are one token each, not two surrogates.
        CharVocabulary emoji = CharVocabulary.of("a\uD83D\uDE00b");
        assertEquals(3, emoji.size());
        assertArrayEquals(new int[] {0, 2, 1}, emoji.encode("a\uD83D\uDE00b"));
        assertEquals("\uD83D\uDE00", emoji.decode(new int[] {2}));
    }

    @Test
    void encodingAForeignCharacterNamesItAndItsPosition() {
        CharVocabulary v = CharVocabulary.of("abc");
        assertThrowsNaming(IllegalArgumentException.class, () -> v.encode("cab\u00e9"), "'\u00e9' (U+00E9)", "position 3",
                "vocabulary of 3 characters");
        assertThrowsNaming(IllegalArgumentException.class, () -> v.encode("a\n"), "'\\n' (U+000A)", "position 1");
        assertThrowsNaming(IllegalArgumentException.class, () -> v.decode(new int[] {0, 3}), "token id 3", "[0, 3)");
        assertThrows(IndexOutOfBoundsException.class, () -> v.decode(new int[] {0, 1}, 2, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> v.decode(new int[] {0, 1}, 0, 3));
        assertEquals("", v.decode(new int[] {0, 1}, 1, 1));
        assertThrowsNaming(IllegalArgumentException.class, () -> CharVocabulary.of(""), "empty");
    }

    @Test
    void storedVocabulariesAreValidated() {
        assertEquals(CharVocabulary.of("ba"), CharVocabulary.ofCodePoints(new int[] {'a', 'b'}));
        assertThrowsNaming(IllegalArgumentException.class, () -> CharVocabulary.ofCodePoints(new int[] {'b', 'a'}),
                "strictly ascending", "entry 1", "'a' (U+0061)");
        assertThrowsNaming(IllegalArgumentException.class, () -> CharVocabulary.ofCodePoints(new int[] {'a', 'a'}), "entry 1");
        assertThrowsNaming(IllegalArgumentException.class, () -> CharVocabulary.ofCodePoints(new int[] {'a', 0xD800}),
                "entry 1", "55296");
        assertThrowsNaming(IllegalArgumentException.class, () -> CharVocabulary.ofCodePoints(new int[] {-1}), "entry 0");
        assertThrowsNaming(IllegalArgumentException.class, () -> CharVocabulary.ofCodePoints(new int[0]), "no characters");
    }

    @Test
    void splitIsTheFirstNinetyPercentAndTheRest() {
        String text = "abcdefghijklmnopqrstuvwxyz".repeat(4) + "abcdefg";  // 111 characters: floor(99.9) = 99 train
        CharCorpus c = CharCorpus.of(text, "alphabet");
        assertEquals(111, c.length());
        assertEquals(99, c.train().length());
        assertEquals(12, c.validation().length());
        assertEquals(c.vocabulary().encode("a")[0], c.train().id(0));
        assertEquals(c.vocabulary().encode("u")[0], c.train().id(98));
        assertEquals(c.vocabulary().encode("v")[0], c.validation().id(0));
        assertEquals(c.vocabulary().encode("g")[0], c.validation().id(11));
    }

    @Test
    void aSplitShorterThanBlockPlusOneIsNamed() {
        CharCorpus c = CharCorpus.of("x".repeat(100), "tiny.txt");  // 90 train, 10 validation
        c.checkBlock(9);
        assertThrowsNaming(IllegalArgumentException.class, () -> c.checkBlock(10), "tiny.txt", "validation split has 10 characters",
                "block 10 needs at least block + 1 = 11", "100 characters");
        assertThrowsNaming(IllegalArgumentException.class, () -> c.checkBlock(95), "train split has 90 characters");
        assertThrowsNaming(IllegalArgumentException.class, () -> new WindowSampler(c.validation(), 2, 10, 1), "validation split");
        assertThrowsNaming(IllegalArgumentException.class, () -> new WindowSampler(c.train(), 0, 4, 1), "batch must be >= 1, got 0");
        assertThrowsNaming(IllegalArgumentException.class, () -> c.checkBlock(0), "block must be >= 1, got 0");
    }

    @Test
    void batchesAreWindowsWithTargetsShiftedByOne() {
        // Ids equal positions, so each row must be consecutive integers and the targets one ahead.
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) sb.appendCodePoint(0x4E00 + i);
        CharCorpus c = CharCorpus.of(sb.toString(), "ramp");
        int batch = 5, block = 7;
        WindowSampler s = new WindowSampler(c.train(), batch, block, 42);
        Tensor[] first = s.next();
        boolean sawLast = false;
        for (int draw = 0; draw < 400; draw++) {
            Tensor[] xy = draw == 0 ? first : s.next();
            assertSame(first[0], xy[0], "the same input tensor is refilled");
            assertEquals(java.util.List.of(batch, block), Arrays.stream(xy[0].shape().dims()).boxed().toList());
            float[] x = xy[0].storage(), y = xy[1].storage();
            for (int b = 0; b < batch; b++) {
                float start = x[b * block];
                assertTrue(start >= 0 && start + block + 1 <= c.train().length(), "window start " + start);
                sawLast |= start == c.train().length() - block - 1;
                for (int t = 0; t < block; t++) {
                    assertEquals(start + t, x[b * block + t]);
                    assertEquals(start + t + 1, y[b * block + t]);
                }
            }
        }
        assertTrue(sawLast, "the last window (ending at the split's last token) is drawn too");
    }

    @Test
    void aSeedGivesOneSequenceOfBatches() {
        CharCorpus c = CharCorpus.of("the quick brown fox jumps over the lazy dog ".repeat(10), "fox");
        WindowSampler a = new WindowSampler(c.train(), 3, 5, 7), b = new WindowSampler(c.train(), 3, 5, 7);
        WindowSampler other = new WindowSampler(c.train(), 3, 5, 8);
        boolean differs = false;
        for (int i = 0; i < 5; i++) {
            float[] xa = a.next()[0].toArray();
            assertArrayEquals(xa, b.next()[0].toArray());
            differs |= !Arrays.equals(xa, other.next()[0].toArray());
        }
        assertTrue(differs);
        assertFalse(c.vocabulary().contains('Q'));
    }
}
