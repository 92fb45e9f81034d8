package org.jitgrad.optim;

import static org.jitgrad.testing.Approx.assertExact;
import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jitgrad.testing.Rand;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GradClip#clipGradNorm} with PyTorch's {@code clip_grad_norm_} semantics. */
class GradClipTest {
    private static Tensor paramWithGrad(float[] grad, int... shape) {
        Tensor p = Tensor.zeros(shape).requiresGrad();
        p.setGrad(Tensor.of(grad.clone(), shape));
        return p;
    }

    @Test
    void threeFourFive() {
        Tensor a = paramWithGrad(new float[] {3f, 0f}, 1, 2);
        Tensor b = paramWithGrad(new float[] {4f}, 1);
        float norm = GradClip.clipGradNorm(List.of(a, b), 1f);
        assertEquals(5f, norm, 0f);
        double factor = 1 / (5 + 1e-6);
        assertEquals(3 * factor, a.grad().toArray()[0], 1e-7);
        assertEquals(0f, a.grad().toArray()[1], 0f);
        assertEquals(4 * factor, b.grad().toArray()[0], 1e-7);
    }

    @Test
    void matchesAnIndependentDoubleComputationOverOddSizes() {
        int[][] shapes = {{1}, {7}, {17, 33}, {33}, {2, 3, 5}};
        List<Tensor> params = new ArrayList<>();
        double sumSq = 0;
        for (int i = 0; i < shapes.length; i++) {
            int n = Arrays.stream(shapes[i]).reduce(1, (x, y) -> x * y);
            float[] g = Rand.uniform(40 + i, n, -1f, 1f);
            for (float v : g) sumSq += (double) v * v;
            params.add(paramWithGrad(g, shapes[i]));
        }
        List<float[]> before = params.stream().map(p -> p.grad().toArray()).toList();
        double norm = Math.sqrt(sumSq);
        float maxNorm = 0.5f;
        double factor = Math.min(1, maxNorm / (norm + 1e-6));
        assertEquals(norm, GradClip.clipGradNorm(params, maxNorm), 1e-6 * norm);
        double clippedSq = 0;
        for (int i = 0; i < params.size(); i++) {
            float[] g = params.get(i).grad().toArray();
            for (int j = 0; j < g.length; j++) {
                assertEquals(before.get(i)[j] * factor, g[j], 1e-6 * Math.abs(before.get(i)[j]) + 1e-12, "param " + i + " at " + j);
                clippedSq += (double) g[j] * g[j];
            }
        }
        assertEquals(maxNorm, Math.sqrt(clippedSq), 1e-5, "total norm after clipping is maxNorm");
    }

    @Test
    void belowTheBoundNothingChanges() {
        float[] g = Rand.uniform(5, 17, -0.1f, 0.1f);
        Tensor p = paramWithGrad(g, 17);
        float norm = GradClip.clipGradNorm(List.of(p), 10f);
        assertTrue(norm > 0 && norm < 1, "norm " + norm);
        assertExact(g, p.grad().toArray(), "unclipped gradient");
    }

    @Test
    void atTheBoundPyTorchsEpsilonStillScalesSlightly() {
        // clamp(5 / (5 + 1e-6), max=1) < 1: PyTorch scales a gradient whose norm equals maxNorm
        Tensor p = paramWithGrad(new float[] {3f, 4f}, 2);
        assertEquals(5f, GradClip.clipGradNorm(List.of(p), 5f), 0f);
        float[] g = p.grad().toArray();
        assertTrue(g[0] < 3f && g[1] < 4f, Arrays.toString(g));
        assertEquals(3 * 5 / (5 + 1e-6), g[0], 1e-6);
    }

    @Test
    void parametersWithoutAGradientAreSkipped() {
        Tensor none = Tensor.ones(4).requiresGrad();
        Tensor p = paramWithGrad(new float[] {6f, 8f}, 2);
        assertEquals(10f, GradClip.clipGradNorm(List.of(none, p), 1f), 0f);
        assertNull(none.grad());
        assertEquals(0.6, p.grad().toArray()[0], 1e-6);
        assertEquals(0f, GradClip.clipGradNorm(List.of(none), 1f), 0f);
        assertEquals(0f, GradClip.clipGradNorm(List.of(), 1f), 0f);
    }

    @Test
    void infiniteMaxNormOnlyMeasures() {
        float[] g = Rand.uniform(9, 33, -100f, 100f);
        Tensor p = paramWithGrad(g, 33);
        float norm = GradClip.clipGradNorm(List.of(p), Float.POSITIVE_INFINITY);
        assertTrue(norm > 100, "norm " + norm);
        assertExact(g, p.grad().toArray(), "measured only");
    }

    @Test
    void nonFiniteNormsPoisonTheGradientsAsInPyTorch() {
        Tensor a = paramWithGrad(new float[] {1f, Float.NaN}, 2);
        Tensor b = paramWithGrad(new float[] {2f}, 1);
        assertTrue(Float.isNaN(GradClip.clipGradNorm(List.of(a, b), 1f)));
        assertTrue(Float.isNaN(a.grad().toArray()[0]) && Float.isNaN(b.grad().toArray()[0]), "NaN norm: NaN gradients");

        Tensor c = paramWithGrad(new float[] {1f, Float.POSITIVE_INFINITY}, 2);
        assertEquals(Float.POSITIVE_INFINITY, GradClip.clipGradNorm(List.of(c), 1f));
        float[] g = c.grad().toArray();
        assertEquals(0f, g[0], 0f, "scaled by 1 / inf = 0");
        assertTrue(Float.isNaN(g[1]), "inf * 0");
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, -0f, -1f, Float.NaN, Float.NEGATIVE_INFINITY})
    void badMaxNormIsRejectedBeforeAnyGradientChanges(float maxNorm) {
        Tensor p = paramWithGrad(new float[] {30f, 40f}, 2);
        assertThrowsNaming(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(p), maxNorm),
                "clipGradNorm", "maxNorm", "positive", String.valueOf(maxNorm));
        assertExact(new float[] {30f, 40f}, p.grad().toArray(), "untouched");
        assertThrowsNaming(IllegalArgumentException.class, () -> new GradClip(maxNorm), "GradClip", "maxNorm",
                String.valueOf(maxNorm));
    }

    @Test
    void nullParameters() {
        assertThrowsNaming(NullPointerException.class, () -> GradClip.clipGradNorm(null, 1f), "clipGradNorm", "parameters");
        Tensor p = paramWithGrad(new float[] {30f, 40f}, 2);
        List<Tensor> withNull = Arrays.asList(p, null);
        assertThrowsNaming(NullPointerException.class, () -> GradClip.clipGradNorm(withNull, 1f), "parameter 1", "null");
        assertExact(new float[] {30f, 40f}, p.grad().toArray(), "untouched");
    }

    @Test
    void instanceRecordsTheNormAndGivesTheFactor() {
        GradClip clip = new GradClip(1f);
        assertEquals(1f, clip.maxNorm());
        assertTrue(Float.isNaN(clip.lastNorm()), "no norm before the first step");
        assertEquals(1 / (5 + 1e-6), clip.factor(25.0), 1e-7);
        assertEquals(5f, clip.lastNorm(), 0f);
        assertEquals(1f, clip.factor(0.25), 0f, "norm 0.5 is under the bound");
        assertEquals(0.5f, clip.lastNorm(), 0f);
        assertEquals(1f, clip.factor(0.0), 0f, "zero gradients: no division by zero");
    }
}
