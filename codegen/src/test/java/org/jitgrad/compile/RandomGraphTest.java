package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Property test: random graphs (random ops and shapes, odd sizes, forks, a tensor reused by several
 * ops, broadcasts, reductions, matmuls) give the same loss and gradients compiled as on the tape.
 */
class RandomGraphTest {
    private static final int GRAPHS = 1000;
    /**
     * Looser than {@link Engines#REL}: the graphs chain erf, gelu, layer norm and softmax, whose vector exp and
     * tanh round differently (by an ulp) in interpreted, C1 and C2 code, and a loaded host runs the two engines
     * at different tiers; seed 747 once differed by 1.06e-5 that way. A wrong gradient is off by far more.
     */
    private static final double REL = 3e-5;
    private static final int[] SIZES = {1, 7, 17, 33};

    @Test
    void thousandRandomGraphsMatchTheTape() {
        int checkedOps = 0;
        for (int seed = 0; seed < GRAPHS; seed++) {
            RandomGraph g = new RandomGraph(seed);
            try {
                Engines.assertSameLossAndGradients(g::loss, g.params, REL, Tensor.randn(seed, g.rows, g.cols));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("random graph seed " + seed + " (" + g.description + ") failed: " + e.getMessage(), e);
            }
            checkedOps += g.ops;
        }
        assertTrue(checkedOps > GRAPHS * 5, "graphs were too small: " + checkedOps + " ops");
    }

    /** A random function of one input [rows, cols] and a few parameters. */
    static final class RandomGraph {
        final int rows;
        final int cols;
        final List<Tensor> params = new ArrayList<>();
        final long seed;
        final int ops;
        final StringBuilder description = new StringBuilder();

        RandomGraph(long seed) {
            this.seed = seed;
            Random r = new Random(seed);
            rows = SIZES[r.nextInt(SIZES.length)];
            cols = SIZES[r.nextInt(SIZES.length)];
            params.add(Tensor.randn(seed * 7 + 1, rows, cols).mul(0.5f).detach().requiresGrad());
            params.add(Tensor.randn(seed * 7 + 2, cols).detach().requiresGrad());
            params.add(Tensor.randn(seed * 7 + 3, cols, cols).mul(0.3f).detach().requiresGrad());
            params.add(Tensor.scalar(0.7f).requiresGrad());
            ops = 4 + r.nextInt(12);
            description.append(rows).append('x').append(cols).append(", ").append(ops).append(" ops");
        }

        /** Rebuilds the same graph on every call (the random choices are replayed from the seed). */
        Tensor loss(Tensor... in) {
            Random r = new Random(seed * 31 + 5);
            List<Tensor> full = new ArrayList<>();   // values of shape [rows, cols]
            full.add(in[0]);
            full.add(params.get(0));
            Tensor row = params.get(1), square = params.get(2), scalar = params.get(3);
            List<Tensor> outputs = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                Tensor a = full.get(r.nextInt(full.size()));
                Tensor b = full.get(r.nextInt(full.size()));
                Tensor v = switch (r.nextInt(34)) {
                    case 0 -> a.add(b);
                    case 1 -> a.sub(b);
                    case 2 -> a.mul(b);
                    case 3 -> a.div(b.sigmoid().add(0.5f));
                    case 4 -> a.maximum(b);
                    case 5 -> a.add(row);
                    case 6 -> row.sub(a);
                    case 7 -> a.mul(scalar);
                    case 8 -> scalar.div(a.mul(a).add(1f));
                    case 9 -> a.tanh();
                    case 10 -> a.sigmoid();
                    case 11 -> a.relu();
                    case 12 -> a.tanh().exp();
                    case 13 -> a.mul(a).add(1f).log();
                    case 14 -> a.mul(a).add(0.25f).sqrt();
                    case 15 -> a.pow(2f).mul(-0.5f).neg();
                    case 16 -> a.matmul(square);
                    case 17 -> a.softmax(r.nextBoolean() ? 0 : 1);
                    case 18 -> a.logSoftmax(1).mul(0.1f);
                    case 19 -> a.sub(a.max(1, true).sum().mul(0.01f));
                    case 20 -> a.add(b.sum(0, true));
                    case 21 -> a.sub(b.mean(-1, true));                                   // a column broadcast
                    case 22 -> a.minimum(b).mul(a.gt(b));                                  // comparison mask, no gradient
                    case 23 -> Tensor.where(a.lt(0f), b, a.mul(0.5f));
                    case 24 -> a.maskedFill(b.ge(b.max(1, true)), -2f);
                    case 25 -> a.layerNorm(row, scalar.broadcastTo(cols), 1e-5f);
                    case 26 -> a.gelu().add(b.geluTanh().mul(0.5f));
                    case 27 -> a.mul(0.5f).erf();
                    case 28 -> a.transpose().matmul(b).softmax(-1).matmul(a.transpose()).transpose();   // attention-like
                    case 29 -> a.reshape(1, rows, cols).permute(0, 2, 1).transpose(1, 2).reshape(rows, cols);
                    case 30 -> Tensor.cat(1, a.slice(1, 0, cols / 2), b.slice(-1, cols / 2, cols));
                    case 31 -> a.reshape(rows, 1, cols).matmul(square.reshape(1, cols, cols)).reshape(rows, cols);  // batched
                    case 32 -> a.reshape(rows, 1, cols).add(b.reshape(1, rows, cols)).sum(0, false);    // two-sided broadcast
                    default -> a.mul(b.mean(1, true).sum()).maximum(row);
                };
                full.add(v);
                if (r.nextInt(3) == 0) outputs.add(v);
            }
            outputs.add(full.get(full.size() - 1));
            Tensor loss = outputs.get(0).mul(Tensor.randn(seed + 1000, rows, cols)).sum().add(params.get(0).mul(scalar).mean());
            for (int i = 1; i < outputs.size(); i++) loss = loss.add(outputs.get(i).mean());
            return loss;
        }
    }
}
