package org.jitgrad.interop.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written from PyTorch by benchmarks/pytorch/safetensors_reference.py load into JitGrad's models and give
 * PyTorch's outputs; JitGrad's own files hold the same names, shapes and values.
 */
class PyTorchFilesTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(PyTorchFilesTest.class.getResource("/pytorch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pytorchSequentialMlpLoadsIntoMlpOfAndGivesPyTorchsOutput() throws IOException {
        SafeTensorsFile file = SafeTensors.read(resource("mlp.safetensors"));
        assertEquals(Map.of("format", "pt"), file.metadata());
        assertEquals(List.of("0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"), List.copyOf(file.tensors().keySet()));
        assertEquals(Shape.of(16, 10), file.tensors().get("0.weight").shape());

        Sequential mlp = MLP.of(new int[] {10, 16, 12, 4}, Activation.RELU, 99);
        mlp.loadStateDict(file.tensors());
        Map<String, Tensor> io = SafeTensors.load(resource("mlp_io.safetensors"));
        float[] expected = io.get("output").toArray();
        float[] actual;
        try (NoGrad ignored = NoGrad.enter()) {
            actual = mlp.forward(io.get("input")).toArray();
        }
        assertEquals(Shape.of(5, 4), io.get("output").shape());
        assertArrayEquals(expected, actual, 2e-6f);
        // Not trivially equal: a model with other weights disagrees.
        float[] other = MLP.of(new int[] {10, 16, 12, 4}, Activation.RELU, 99).forward(io.get("input")).toArray();
        assertTrue(Math.abs(other[0] - expected[0]) > 1e-3, "fresh weights should not reproduce PyTorch's output");
    }

    @Test
    void nanoGptStateDictFromPyTorchLoadsIntoGptAndGivesPyTorchsLogits() throws IOException {
        Map<String, Tensor> state = SafeTensors.load(resource("gpt.safetensors"));
        // As PyTorch 1.13 lists nanoGPT's state: the tied head under both names, each block's mask buffer.
        assertTrue(state.containsKey("lm_head.weight") && state.containsKey("transformer.wte.weight"));
        assertTrue(state.containsKey("transformer.h.1.attn.bias"));
        Gpt gpt = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, true), 5);
        gpt.loadStateDict(state);
        gpt.eval();
        Map<String, Tensor> io = SafeTensors.load(resource("gpt_io.safetensors"));
        float[] expected = io.get("logits").toArray();
        float[] actual;
        try (NoGrad ignored = NoGrad.enter()) {
            actual = gpt.forward(io.get("ids")).toArray();
        }
        assertEquals(Shape.of(2, 8, 11), io.get("logits").shape());
        assertArrayEquals(expected, actual, 1e-5f);

        // Our state dict is PyTorch's, minus the mask buffers, value for value.
        Map<String, Tensor> ours = gpt.stateDict();
        TreeSet<String> theirs = new TreeSet<>(state.keySet());
        theirs.removeIf(k -> k.endsWith(".attn.bias"));
        assertEquals(theirs, new TreeSet<>(ours.keySet()));
        ours.forEach((k, t) -> assertArrayEquals(state.get(k).toArray(), t.toArray(), k));
    }

    @Test
    void gptStateDictRoundTripThroughAFileIsBitExact() throws IOException {
        GptConfig config = new GptConfig(13, 16, 2, 4, 32, 0f, false);
        Gpt source = new Gpt(config, 1);
        Path file = dir.resolve("gpt.safetensors");
        SafeTensors.save(file, source.stateDict());
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertEquals(new TreeSet<>(source.stateDict().keySet()), new TreeSet<>(loaded.keySet()));
        assertTrue(loaded.containsKey("transformer.h.1.attn.c_attn.weight"));
        assertTrue(loaded.containsKey("transformer.h.0.mlp.c_proj.weight"));
        Gpt target = new Gpt(config, 2);
        target.loadStateDict(loaded);
        Map<String, Tensor> t = target.namedParameters();
        source.namedParameters().forEach((k, p) -> {
            float[] a = p.toArray(), b = t.get(k).toArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k);
        });
    }
}
