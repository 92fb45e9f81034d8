package org.jitgrad.app.checkpoint;

import static org.jitgrad.app.checkpoint.GptCheckpointTest.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelKind;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.TrainStep;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** CNN checkpoints: the kind is written and checked, a round trip restores everything, forged descriptions are refused. */
class CnnCheckpointTest {
    static final ModelSpec CNN = new ModelSpec(ModelKind.CNN, new int[] {784, 16, 10}, Activation.RELU, new InputNorm(0.13f, 0.31f));
    /** An MLP with exactly the CNN's sizes: only the kind tells them apart. */
    static final ModelSpec MLP_SAME_SIZES = new ModelSpec(new int[] {784, 16, 10}, Activation.RELU, new InputNorm(0.13f, 0.31f));

    private static Checkpoint trainedCnn() {
        Sequential net = CNN.build(5);
        Adam adam = new Adam(net.parameters(), 0.01f);
        TrainStep step = new TrainStep(Engine.TAPE, net, adam, CNN.norm());
        float[] x = Tensor.uniform(6, 0f, 1f, 4, 784).toArray();
        float[] y = {3, 1, 4, 1};
        for (int s = 0; s < 2; s++) step.step(x, y, 4, 784);
        return Checkpoint.capture(CNN, net, adam, 1, "mnist");
    }

    @Test
    void roundTripKeepsTheKindAndEveryValue() throws IOException {
        Checkpoint saved = trainedCnn();
        byte[] bytes = CheckpointFile.encode(saved);
        Checkpoint read = CheckpointFile.decode(bytes);
        assertEquals(CNN, read.spec());
        assertEquals(ModelKind.CNN, read.spec().kind());
        Sequential fresh = CNN.build(77);
        Adam adam = new Adam(fresh.parameters(), 0.01f);
        assertEquals(Checkpoint.OptimizerRestore.RESTORED, read.restoreInto(CNN, fresh, adam));
        assertEquals(2, adam.stepCount());
        assertArrayEquals(bytes, CheckpointFile.encode(Checkpoint.capture(CNN, fresh, adam, 1, "mnist")));
    }

    @Test
    void aCnnCheckpointDoesNotFitAnMlpOfTheSameSizes() {
        Checkpoint saved = trainedCnn();
        Sequential mlp = MLP_SAME_SIZES.build(1);
        List<float[]> before = mlp.parameters().stream().map(Tensor::toArray).toList();
        assertThrowsNaming(CheckpointException.class, () -> saved.restoreInto(MLP_SAME_SIZES, mlp, null),
                "does not match the model", "checkpoint has cnn 28x28", "model is 784-16-10 relu");
        for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), mlp.parameters().get(i).toArray());
    }

    @Test
    void theGptReaderNamesACnnCheckpoint() {
        byte[] cnn = CheckpointFile.encode(trainedCnn());
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(cnn), "a CNN checkpoint", "gpt train --save");
    }

    /** A payload: kind, relu, the sizes, the norm, then {@code tensors} tensors of {@code values} zeros each, no optimizer. */
    private static byte[] forged(String kind, int[] sizes, int tensors, int values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(bytes);
        CheckpointFile.writeString(p, kind);
        CheckpointFile.writeString(p, "relu");
        p.writeInt(sizes.length);
        for (int s : sizes) p.writeInt(s);
        p.writeFloat(0f);
        p.writeFloat(1f);
        p.writeInt(tensors);
        for (int t = 0; t < tensors; t++) {
            CheckpointFile.writeString(p, "t" + t);
            p.writeInt(1);
            p.writeInt(values);
            for (int i = 0; i < values; i++) p.writeFloat(0f);
        }
        CheckpointFile.writeString(p, "none");
        p.writeInt(0);
        CheckpointFile.writeString(p, "");
        return CheckpointFile.frame(bytes.toByteArray());
    }

    @Test
    void forgedDescriptionsAreRefusedBeforeAnyModelIsBuilt() throws IOException {
        assertThrowsNaming(CheckpointException.class, () -> CheckpointFile.decode(forged("rnn", new int[] {784, 10}, 0, 0)),
                "unsupported model kind 'rnn'", "mlp, cnn and gpt");
        assertThrowsNaming(CheckpointException.class, () -> CheckpointFile.decode(forged("cnn", new int[] {64, 10}, 0, 0)),
                "corrupt payload", "a cnn takes 28x28 images (784 inputs), got 64 inputs");
        // Widths that would need terabytes, described by a file of a few hundred bytes.
        int huge = ModelSpec.MAX_WIDTH;
        assertThrowsNaming(CheckpointException.class,
                () -> CheckpointFile.decode(forged("mlp", new int[] {huge, huge, huge, 10}, 2, 3)),
                "corrupt payload", "has 2199035838474 parameters but the file holds 6 values in 2 tensors");
        assertThrowsNaming(CheckpointException.class, () -> CheckpointFile.decode(forged("cnn", new int[] {784, huge, 10}, 1, 5)),
                "corrupt payload", "cnn 28x28", "but the file holds 5 values in 1 tensors");
    }
}
