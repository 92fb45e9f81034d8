package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.jitgrad.nn.Linear;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModelLayoutTest {
    @Test
    void flattensAndScattersInParameterOrderAndCutsChunks() {
        Linear l = new Linear(3, 2, 1);   // weight [3, 2], bias [2]: 8 floats
        ModelLayout layout = ModelLayout.of(l.namedParameters(), 3);
        assertEquals(8, layout.totalFloats());
        assertEquals(3, layout.chunkCount());
        assertEquals(6, layout.chunkStart(2));
        assertEquals(2, layout.chunkLength(2));
        float[] flat = new float[8];
        layout.flatten(l.parameters(), flat);
        assertArrayEquals(l.weight().storage(), java.util.Arrays.copyOf(flat, 6));
        assertEquals(l.bias().storage()[1], flat[7]);
        for (int i = 0; i < 8; i++) flat[i] = i;
        layout.scatter(flat, l.parameters());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, l.weight().storage());
        assertArrayEquals(new float[] {6, 7}, l.bias().storage());
    }

    @Test
    void namesEveryDifference() {
        Map<String, Tensor> ours = new Linear(4, 3, 1).namedParameters();
        ModelLayout a = ModelLayout.of(ours, 16, "relu, seed 42");
        assertEquals("", a.differences(ModelLayout.of(ours, 16, "relu, seed 42")));
        assertEquals(a, ModelLayout.of(ours, 16, "relu, seed 42"));
        String d = a.differences(ModelLayout.of(new Linear(4, 5, 1).namedParameters(), 8, "tanh, seed 42"));
        assertTrue(d.contains("parameter 0 is 'weight' [4, 3] here but 'weight' [4, 5] in the cluster"), d);
        assertTrue(d.contains("parameter 1 is 'bias' [3] here but 'bias' [5] in the cluster"), d);
        assertTrue(d.contains("chunks of 16 floats here but 8 in the cluster"), d);
        assertTrue(d.contains("'relu, seed 42' here but 'tanh, seed 42' in the cluster"), d);
        String fewer = a.differences(new ModelLayout(List.of("weight"), List.of(new int[] {4, 3}), 16, "relu, seed 42"));
        assertTrue(fewer.contains("2 parameters here (15 floats) but 1 in the cluster (12 floats)"), fewer);
    }

    @Test
    void refusesBadLayoutsAndMismatchedTensors() {
        assertThrows(IllegalArgumentException.class, () -> new ModelLayout(List.of(), List.of(), 4));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new ModelLayout(List.of("w", "w"), List.of(new int[] {2}, new int[] {2}), 4));
        assertTrue(twice.getMessage().contains("two parameters are named 'w'"), twice.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new ModelLayout(List.of("w"), List.of(new int[] {2, 0}), 4));
        assertTrue(shape.getMessage().contains("'w' has shape [2, 0]"), shape.getMessage());
        ModelLayout layout = ModelLayout.of(new Linear(3, 2, 1).namedParameters(), 4);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> layout.flatten(new Linear(2, 3, 1).parameters(), new float[8]));
        assertTrue(wrong.getMessage().contains("'weight': layout shape [3, 2] but tensor shape"), wrong.getMessage());
    }
}
