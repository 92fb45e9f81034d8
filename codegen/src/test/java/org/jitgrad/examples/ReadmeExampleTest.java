package org.jitgrad.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The README's examples, kept compiling and running. */
class ReadmeExampleTest {
    @Test
    void tapeExample() {
        // --- README: tape example ---
        Sequential model = MLP.of(new int[] {4, 16, 3}, Activation.TANH, 42);
        SGD opt = new SGD(model.parameters(), 0.1f, 0.9f);
        Tensor x = Tensor.randn(1, 8, 4);                                  // a batch of 8 examples
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);    // their class indices
        float first = 0, last = 0;
        for (int step = 0; step < 50; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();                                               // fills p.grad() for every parameter
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        // --- end ---
        assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
    }

    @Test
    void compiledExample() {
        // --- README: compiled example ---
        Sequential model = MLP.of(new int[] {4, 16, 3}, Activation.TANH, 42);
        Tensor x = Tensor.randn(1, 8, 4);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
        Compiled train = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1]))
                .withOptimizer(new SGD(model.parameters(), 0.1f, 0.9f));
        float first = train.run(x, y);                 // traces, compiles, runs forward + backward + update
        float last = first;
        for (int step = 1; step < 50; step++) last = train.run(x, y);   // reuses the generated class
        Tensor logits = Compiled.trace(in -> model.forward(in[0])).forward(x);  // inference only
        System.out.println(train.explain());           // IR before/after fusion, buffer plan
        // --- end ---
        assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
        assertTrue(logits.shape().dim(1) == 3);
    }
}
