package org.jitgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The README's API examples, word for word between the markers (checked against README.md), kept compiling and
 * running.
 */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "org", "jitgrad", "examples", "ReadmeExampleTest.java");

    @Test
    void tapeExample() {
        float initial = Losses.crossEntropy(MLP.of(new int[] {4, 16, 3}, Activation.TANH, 42).forward(Tensor.randn(1, 8, 4)),
                Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8)).item();
        // --- README: tape example ---
        Sequential model = MLP.of(new int[] {4, 16, 3}, Activation.TANH, 42);
        SGD opt = new SGD(model.parameters(), 0.1f, 0.9f);
        Tensor x = Tensor.randn(1, 8, 4);                                  // a batch of 8 examples
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);    // their class indices
        for (int step = 0; step < 50; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();                                               // fills p.grad() for every parameter
            opt.step();
        }
        // --- end ---
        float trained = Losses.crossEntropy(model.forward(x), y).item();
        assertTrue(trained < initial * 0.5f, "loss " + initial + " -> " + trained);
    }

    @Test
    void compiledExample() {
        Sequential model = MLP.of(new int[] {4, 16, 3}, Activation.TANH, 42);
        Tensor x = Tensor.randn(1, 8, 4);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
        float initial = Losses.crossEntropy(model.forward(x), y).item();
        // --- README: compiled example ---
        Compiled train = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1]))
                .withOptimizer(new SGD(model.parameters(), 0.1f, 0.9f));
        float loss = train.run(x, y);          // traces, compiles, runs forward + backward + update
        loss = train.run(x, y);                // same shapes: reuses the generated class
        Tensor logits = Compiled.trace(in -> model.forward(in[0])).forward(x);  // inference only
        System.out.println(train.explain());   // IR before and after fusion, the buffer plan
        // --- end ---
        for (int step = 2; step < 50; step++) loss = train.run(x, y);
        assertEquals(1, train.compileCount(), "one program for one shape");
        assertTrue(loss < initial * 0.5f, "loss " + initial + " -> " + loss);
        assertEquals(3, logits.shape().dim(1));
    }

    /** The blocks above are the README's two {@code java} blocks of its "API" section, line for line. */
    @Test
    void theExamplesAreTheReadmes() throws IOException {
        List<String> readme = Files.readAllLines(README);
        int api = readme.indexOf("## API");
        assertTrue(api >= 0, "README.md has an API section");
        List<List<String>> blocks = new ArrayList<>();
        for (int i = api; i < readme.size() && blocks.size() < 2; i++) {
            if (!readme.get(i).equals("```java")) continue;
            List<String> block = new ArrayList<>();
            for (i++; !readme.get(i).equals("```"); i++) block.add(readme.get(i).strip());
            blocks.add(block);
        }
        List<String> source = Files.readAllLines(SOURCE);
        assertEquals(blocks.get(0), between(source, "// --- README: tape example ---"));
        assertEquals(blocks.get(1), between(source, "// --- README: compiled example ---"));
    }

    private static List<String> between(List<String> source, String marker) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (!source.get(i).strip().equals(marker)) i++;
        for (i++; !source.get(i).strip().equals("// --- end ---"); i++) lines.add(source.get(i).strip());
        return lines;
    }
}
