package org.jitgrad.compile;

/** Reading a compiled step's plan ({@link Compiled#explain()}) in tests. */
final class Plans {
    private Plans() {}

    /**
     * The steps of a small GPT's training step (vocabulary 11, block 8, 2 layers, 2 heads, width 16), after checking
     * that it gives the tape's loss and gradients.
     */
    static String smallGptSteps() {
        org.jitgrad.nn.Gpt gpt = new org.jitgrad.nn.Gpt(new org.jitgrad.nn.GptConfig(11, 8, 2, 2, 16, 0f, false), 5);
        java.util.Random r = new java.util.Random(3);
        org.jitgrad.tensor.Tensor ids = GptCompiledTest.ids(r, 11, 2, 8), targets = GptCompiledTest.ids(r, 11, 2, 8);
        Engines.assertSameLossAndGradients(in -> gpt.loss(in[0], in[1]), gpt.parameters(), ids, targets);
        Compiled step = Compiled.trace(in -> gpt.loss(in[0], in[1]));
        step.run(ids, targets);
        return steps(step);
    }

    /** The listing of {@code step}'s steps after fusion (its last run's plan). */
    static String steps(Compiled step) {
        String plan = step.explain();
        return plan.substring(plan.indexOf("== steps after fusion"));
    }

    /** How many times {@code what} occurs in {@code text}. */
    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
