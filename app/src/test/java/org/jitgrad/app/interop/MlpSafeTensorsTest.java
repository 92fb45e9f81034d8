package org.jitgrad.app.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointException;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** MLP checkpoints as PyTorch state dicts: the folded standardization, and the model read back from shapes. */
class MlpSafeTensorsTest {
    private static final ModelSpec SPEC = new ModelSpec(new int[] {64, 32, 10}, Activation.TANH, new InputNorm(4.9f, 6.0f));

    @Test
    void theExportTakesRawFeaturesAndComputesWhatTheCheckpointDoes() throws CheckpointException {
        Sequential net = SPEC.build(3);
        SafeTensorsFile export = MlpSafeTensors.export(Checkpoint.capture(SPEC, net, null, 1, "digits"));
        assertEquals(List.of("0.bias", "0.weight", "2.bias", "2.weight"), List.copyOf(new java.util.TreeMap<>(export.tensors()).keySet()));
        assertEquals("64,32,10", export.metadata().get(MlpSafeTensors.SIZES_KEY));
        assertEquals("tanh", export.metadata().get(MlpSafeTensors.ACTIVATION_KEY));
        assertTrue(export.metadata().get(MlpSafeTensors.INPUT_NORM_KEY).startsWith("folded into 0.weight and 0.bias (mean 4.9, std 6.0)"));

        Sequential pytorchSide = MLP(SPEC.sizes(), Activation.TANH);
        pytorchSide.loadStateDict(export.tensors());
        float[] raw = Tensor.uniform(5, 0f, 16f, 8, 64).toArray();   // digits pixels are 0..16
        float[] standardized = new float[raw.length];
        SPEC.norm().apply(raw, standardized, raw.length);
        float[] expected = net.forward(Tensor.of(standardized, 8, 64)).toArray();
        float[] actual = pytorchSide.forward(Tensor.of(raw, 8, 64)).toArray();
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst < 1e-5, "largest difference " + worst);
        // The fold is not a no-op: the raw features through the checkpoint's own weights give something else.
        float[] unfolded = net.forward(Tensor.of(raw, 8, 64)).toArray();
        assertTrue(Math.abs(unfolded[0] - expected[0]) > 1e-3);
    }

    @Test
    void withoutStandardizationTheExportIsTheModelsOwnStateDict() throws CheckpointException {
        ModelSpec plain = new ModelSpec(new int[] {4, 3}, Activation.RELU, InputNorm.IDENTITY);
        Sequential net = plain.build(1);
        SafeTensorsFile export = MlpSafeTensors.export(Checkpoint.capture(plain, net, null, 0, ""));
        net.stateDict().forEach((k, t) -> org.junit.jupiter.api.Assertions.assertArrayEquals(t.toArray(), export.tensors().get(k).toArray(), k));
        assertEquals("none", export.metadata().get(MlpSafeTensors.INPUT_NORM_KEY));
    }

    @Test
    void layerSizesComeFromTheShapesAndTheActivationFromTheOptionOrTheFile() {
        Map<String, Tensor> sd = MLP(new int[] {6, 5, 4, 3}, Activation.RELU).stateDict();
        ModelSpec spec = MlpSafeTensors.spec(new SafeTensorsFile(sd, Map.of()), null);
        assertEquals(List.of(6, 5, 4, 3), java.util.Arrays.stream(spec.sizes()).boxed().toList());
        assertEquals(Activation.RELU, spec.activation());
        assertEquals(InputNorm.IDENTITY, spec.norm());
        assertEquals(Activation.SIGMOID, MlpSafeTensors.spec(new SafeTensorsFile(sd, Map.of()), Activation.SIGMOID).activation());
        SafeTensorsFile tanhFile = new SafeTensorsFile(sd, Map.of(MlpSafeTensors.ACTIVATION_KEY, "tanh"));
        assertEquals(Activation.TANH, MlpSafeTensors.spec(tanhFile, null).activation());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MlpSafeTensors.spec(tanhFile, Activation.RELU)).getMessage()
                .contains("--activation relu contradicts the file's tanh"));
    }

    @Test
    void stateDictsThatAreNotAnMlpAreRejectedByName() {
        Map<String, Tensor> chain = new LinkedHashMap<>(MLP(new int[] {6, 5, 4}, Activation.RELU).stateDict());
        chain.put("2.weight", Tensor.zeros(4, 7));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MlpSafeTensors.spec(new SafeTensorsFile(chain, Map.of()), null))
                .getMessage().contains("'2.weight' has shape [4, 7]: its layer takes 7 inputs but the layer before gives 5"));
        Map<String, Tensor> other = Map.of("transformer.wte.weight", Tensor.zeros(3, 2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MlpSafeTensors.spec(new SafeTensorsFile(other, Map.of()), null))
                .getMessage().contains("holds no '0.weight'"));
    }

    @Test
    void thePyTorchModuleIsSpelledOut() {
        assertEquals("nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))",
                MlpSafeTensors.pytorchModule(new ModelSpec(new int[] {784, 256, 10}, Activation.RELU, InputNorm.IDENTITY)));
    }

    private static Sequential MLP(int[] sizes, Activation a) {
        return org.jitgrad.nn.MLP.of(sizes, a, 11);
    }
}
