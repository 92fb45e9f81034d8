package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.GptCheckpoint;
import org.jitgrad.app.checkpoint.GptCheckpointFile;
import org.jitgrad.app.data.DataRoot;
import org.jitgrad.app.data.InputFile;
import org.jitgrad.app.data.TextCorpora;
import org.jitgrad.app.gpt.GptStep;
import org.jitgrad.app.gpt.LossEstimator;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.plot.LossCurvesPlot;
import org.jitgrad.app.plot.LossHistory;
import org.jitgrad.app.progress.Progress;
import org.jitgrad.app.progress.ProgressMode;
import org.jitgrad.data.CharCorpus;
import org.jitgrad.data.WindowSampler;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.optim.AdamW;
import org.jitgrad.optim.LrSchedule;
import org.jitgrad.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jitgrad gpt train}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a character-level GPT, printing progress, train and val loss at each evaluation, and a summary.",
                "Defaults: nanoGPT's shakespeare_char CPU run: 4 layers, 4 heads, width 128, block 64, batch 12, no dropout, "
                        + "no bias; AdamW lr 1e-3 (betas 0.9, 0.99; weight decay 0.1 on matrices), gradients clipped to norm 1, "
                        + "100 warm-up iterations then cosine decay to 1e-4 at 2000 iterations; compiled engine."})
public final class GptTrainCommand implements Callable<Integer> {
    /** nanoGPT's AdamW betas for this run, its eps, weight decay and gradient clipping. */
    static final float BETA1 = 0.9f, BETA2 = 0.99f, EPS = 1e-8f, WEIGHT_DECAY = 0.1f, GRAD_CLIP = 1f;
    @Spec
    CommandSpec spec;

    @Option(names = "--n-layer", paramLabel = "N", defaultValue = "4", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int nLayer;

    @Option(names = "--n-head", paramLabel = "N", defaultValue = "4", description = "Attention heads per block (default: ${DEFAULT-VALUE}).")
    int nHead;

    @Option(names = "--n-embd", paramLabel = "N", defaultValue = "128",
            description = "Width of the residual stream, a multiple of --n-head (default: ${DEFAULT-VALUE}).")
    int nEmbd;

    @Option(names = "--block", paramLabel = "N", defaultValue = "64", description = "Context length in characters (default: ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "12", description = "Sequences per iteration (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0.0", description = "Dropout probability in [0, 1) (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--max-iters", paramLabel = "N", defaultValue = "2000",
            description = "Training iterations; the learning rate reaches --min-lr at the last (default: ${DEFAULT-VALUE}).")
    int maxIters;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--min-lr", paramLabel = "RATE", defaultValue = "1e-4",
            description = "Learning rate at the end of the cosine decay (default: ${DEFAULT-VALUE}).")
    float minLr;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "100",
            description = "Iterations of linear warm-up to --lr (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "250",
            description = "Estimate train and val loss every N iterations, from iteration 0 (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-batches", paramLabel = "N", defaultValue = "20",
            description = "Batches of each split per estimate during training (default: ${DEFAULT-VALUE}).")
    int evalBatches;

    @Option(names = "--final-eval-batches", paramLabel = "N", defaultValue = "200",
            description = "Batches of each split in the final estimate, nanoGPT's eval_iters (default: ${DEFAULT-VALUE}).")
    int finalEvalBatches;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1337",
            description = "Seed of the initial weights and the batches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the kernels (sets the system property jitgrad.threads before the kernels load); the compiled step splits each batch into that many shards, one a thread.")
    Integer threads;

    @Option(names = "--engine", paramLabel = "compiled|tape", defaultValue = "compiled",
            description = "compiled: one generated step with clipping and AdamW fused in; tape: the eager tape (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--data", paramLabel = "FILE.txt",
            description = "Train on this UTF-8 text file (gzipped or plain) instead of the bundled tinyshakespeare.")
    Path dataFile;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "Repository root holding data/ (default: -Djitgrad.root, set by ./jitgrad, else the working directory "
                    + "or a parent of it).")
    Path dataRoot;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the train and val loss curves to this PNG.")
    Path plot;

    @Option(names = "--save", paramLabel = "FILE",
            description = "Write the trained model (configuration, vocabulary, weights) to this checkpoint, for gpt sample.")
    Path save;

    @Option(names = "--init-from", paramLabel = "FILE.safetensors",
            description = "Start from nanoGPT's state dict in this file (as 'export' writes); the options must describe its model.")
    Path initFrom;

    @Option(names = "--progress", paramLabel = "auto|bar|plain|none", defaultValue = "auto",
            description = "Progress display: a bar on a terminal, plain lines otherwise (default: ${DEFAULT-VALUE}).")
    ProgressMode progressMode;

    @Override
    public Integer call() throws Exception {
        validate();
        Threads.apply(threads);
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();

        TextCorpora.Loaded data = dataFile != null ? TextCorpora.file(dataFile) : TextCorpora.tinyShakespeare(DataRoot.resolve(dataRoot));
        CharCorpus corpus = data.corpus();
        corpus.checkBlock(block);
        out.println(f("data: %s, %s characters (%d distinct), %s train and %s validation, from %s", data.name(),
                Format.count(corpus.length()), corpus.vocabulary().size(), Format.count(corpus.train().length()),
                Format.count(corpus.validation().length()), data.source()));

        GptConfig config = new GptConfig(corpus.vocabulary().size(), block, nLayer, nHead, nEmbd, dropout, false);
        Gpt gpt = new Gpt(config, seed);
        if (initFrom != null) GptInitFrom.load(initFrom, gpt, corpus.vocabulary(), out);
        AdamW optimizer = AdamW.withDecayOnMatrices(gpt.parameters(), lr, BETA1, BETA2, EPS, WEIGHT_DECAY);
        LrSchedule schedule = LrSchedule.warmupCosine(lr, minLr, warmup, maxIters);
        out.println(f("model: GPT %s (%s parameters)", GptCheckpoint.describe(config), Format.count(config.parameterCount())));
        out.println(f("training: %s of batch %d; AdamW lr %s (warm-up %d, cosine to %s), betas (%s, %s), "
                        + "weight decay %s on matrices; gradients clipped to norm %s; engine %s, seed %d", Format.plural(maxIters, "iteration"),
                batch, plain(lr),
                warmup, plain(minLr), plain(BETA1), plain(BETA2), plain(WEIGHT_DECAY), plain(GRAD_CLIP),
                engine.name().toLowerCase(Locale.ROOT), seed));
        out.flush();

        GptStep step = new GptStep(engine, gpt, optimizer, GRAD_CLIP);
        WindowSampler batches = new WindowSampler(corpus.train(), batch, block, seed);
        LossEstimator estimator = new LossEstimator(engine, gpt, batch, seed + 1);
        LossHistory history = new LossHistory();
        Progress progress = new Progress(out, progressMode, "it");
        long[] stepNanos = new long[maxIters];
        long evalNanos = 0;
        long trainStart = System.nanoTime();
        progress.start("iter", maxIters);
        for (int it = 0; it < maxIters; it++) {
            if (it % evalEvery == 0) {
                long e0 = System.nanoTime();
                progress.suspend();
                evaluate(estimator, corpus, it, evalBatches, history, out);
                long spent = System.nanoTime() - e0;
                evalNanos += spent;
                progress.discount(spent);
            }
            schedule.applyTo(optimizer, it);
            Tensor[] xy = batches.next();
            long s0 = System.nanoTime();
            float loss = step.step(xy);
            stepNanos[it] = System.nanoTime() - s0;
            if (!Float.isFinite(loss)) {
                progress.suspend();
                throw new IllegalStateException(f("the loss became %s at iteration %d; try a smaller --lr", loss, it));
            }
            history.step(loss);
            progress.update(it + 1, loss);
        }
        progress.suspend();
        long trainNanos = System.nanoTime() - trainStart - evalNanos;
        long e0 = System.nanoTime();
        LossHistory.Evaluation last = evaluate(estimator, corpus, maxIters, finalEvalBatches, history, out);
        evalNanos += System.nanoTime() - e0;

        if (save != null) {
            GptCheckpointFile.save(save, GptCheckpoint.capture(gpt, corpus.vocabulary(), maxIters, data.name()));
            out.println(f("checkpoint: %s (%s)", save.toAbsolutePath(), Format.bytes(Files.size(save))));
        } else {
            out.println("checkpoint: not saved (add --save FILE)");
        }
        if (plot != null) {
            LossCurvesPlot.write(plot, history, f("JitGrad GPT on %s: %d layers, %d heads, width %d, block %d (%s engine)",
                    data.name(), nLayer, nHead, nEmbd, block, engine.name().toLowerCase(Locale.ROOT)));
            out.println(f("plot: %s", plot.toAbsolutePath()));
        } else {
            out.println("plot: not written (add --plot FILE.png)");
        }
        double total = (System.nanoTime() - t0) / 1e9;
        out.println(f("done: %s, val loss %.4f, train loss %.4f (%s each), %.2f ms/step median "
                        + "(%.1f s training, %.1f s evaluation, %.1f s total; engine %s%s)", Format.plural(maxIters, "iteration"),
                last.valLoss(), last.trainLoss(), Format.plural(finalEvalBatches, "batch", "batches"), median(stepNanos) / 1e6,
                trainNanos / 1e9, evalNanos / 1e9, total,
                engine.name().toLowerCase(Locale.ROOT),
                engine == Engine.COMPILED ? f(", %d compiled specialization%s", step.compileCount(), step.compileCount() == 1 ? "" : "s") : ""));
        out.flush();
        return 0;
    }

    private static LossHistory.Evaluation evaluate(LossEstimator estimator, CharCorpus corpus, int iteration, int batches,
                                                   LossHistory history, PrintWriter out) {
        double train = estimator.estimate(corpus.train(), batches);
        double val = estimator.estimate(corpus.validation(), batches);
        history.evaluation(iteration, train, val, batches);
        out.println(f("iter %d: train loss %.4f, val loss %.4f (%s each)", iteration, train, val, Format.plural(batches, "batch", "batches")));
        out.flush();
        return history.evaluations().getLast();
    }

    /** Option checks that need no data, with the options' names, and the files to read and write. */
    private void validate() throws FileSystemException {
        positive("--n-layer", nLayer);
        positive("--n-head", nHead);
        positive("--n-embd", nEmbd);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException(f("--n-embd %d must be divisible by --n-head %d (each head gets n_embd / n_head "
                    + "channels)", nEmbd, nHead));
        }
        positive("--block", block);
        positive("--batch", batch);
        if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        positive("--max-iters", maxIters);
        LearningRate.check(lr);
        if (!(minLr > 0f && minLr <= lr)) {
            throw new IllegalArgumentException("--min-lr must be positive and at most --lr " + lr + ", got " + minLr);
        }
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (warmup >= maxIters) {
            throw new IllegalArgumentException(f("--warmup %d must be less than --max-iters %d (the cosine decay runs from the end "
                    + "of the warm-up to --max-iters)", warmup, maxIters));
        }
        positive("--eval-every", evalEvery);
        positive("--eval-batches", evalBatches);
        positive("--final-eval-batches", finalEvalBatches);
        OutputFile.check("--save", save);
        OutputFile.check("--plot", plot);
        if (dataFile != null) InputFile.check(dataFile, "text file", "a text file");
        if (initFrom != null) InputFile.check(initFrom, "safetensors file", "a safetensors file");
    }

    private static void positive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be >= 1, got " + value);
    }

    /** A float as written: 0.001, not 1.0E-3. */
    private static String plain(float v) {
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** The median of the step times (the upper one of an even count). */
    static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
