package org.jitgrad.app.progress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress through a run of steps (an epoch, or a GPT's iterations): steps done, steps per
 * second, a running (smoothed) loss and the time left. As a bar redrawn at most ten times a second, or as
 * plain lines at every tenth of the run when the output is not a terminal.
 */
public final class Progress {
    private static final int BAR_WIDTH = 28;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final double SMOOTHING = 0.05;

    private final PrintWriter out;
    private final ProgressMode mode;
    private final String unit;
    private String label;
    private int steps;
    private long start;
    private long lastDraw;
    private int lastDecile;
    private double smoothed;
    private double weight;
    private int lastLength;

    /** Progress counted in "steps". */
    public Progress(PrintWriter out, ProgressMode mode) {
        this(out, mode, "steps");
    }

    /** Progress counted in {@code unit}s ("steps", "it"), shown as {@code 12/100 it  3.5 it/s}. */
    public Progress(PrintWriter out, ProgressMode mode, String unit) {
        this.out = out;
        this.mode = mode.resolve();
        this.unit = unit;
    }

    public ProgressMode mode() { return mode; }

    /** Starts epoch {@code epoch} (1-based) of {@code epochs}, which has {@code steps} steps. */
    public void startEpoch(int epoch, int epochs, int steps) {
        start(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), steps);
    }

    /** Starts a run of {@code steps} steps, each line headed by {@code label}. */
    public void start(String label, int steps) {
        this.label = label;
        this.steps = steps;
        this.start = System.nanoTime();
        this.lastDraw = 0;
        this.lastDecile = 0;
        this.smoothed = 0;
        this.weight = 0;
        this.lastLength = 0;
    }

    /** Reports that {@code done} steps of the epoch are finished, the last one with loss {@code loss}. */
    public void update(int done, float loss) {
        // Exponential moving average with bias correction, so the first steps are not pulled to 0.
        smoothed = (1 - SMOOTHING) * smoothed + SMOOTHING * loss;
        weight = (1 - SMOOTHING) * weight + SMOOTHING;
        long now = System.nanoTime();
        switch (mode) {
            case BAR -> {
                if (done == steps || now - lastDraw >= REDRAW_NANOS) {
                    lastDraw = now;
                    String line = line(done, now, true);
                    StringBuilder sb = new StringBuilder("\r").append(line);
                    for (int i = line.length(); i < lastLength; i++) sb.append(' ');
                    lastLength = line.length();
                    out.print(sb);
                    out.flush();
                }
            }
            case PLAIN -> {
                int decile = steps == 0 ? 10 : (int) ((long) done * 10 / steps);
                if (decile > lastDecile) {
                    lastDecile = decile;
                    out.println(line(done, now, false));
                    out.flush();
                }
            }
            default -> { }
        }
    }

    /** Ends the epoch's progress display (finishes the bar's line). */
    public void endEpoch() {
        suspend();
    }

    /**
     * Finishes the bar's line, if one is on screen, so that other output can be printed; the next
     * {@link #update} draws the bar again on a new line.
     */
    public void suspend() {
        if (mode == ProgressMode.BAR && lastLength > 0) {
            out.println();
            out.flush();
            lastLength = 0;
        }
    }

    /** Leaves {@code nanos} spent on something else (an evaluation) out of the rate and the time left. */
    public void discount(long nanos) {
        start += nanos;
    }

    /** The smoothed loss so far in this epoch. */
    public double runningLoss() { return weight == 0 ? Double.NaN : smoothed / weight; }

    private String line(int done, long now, boolean bar) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        double eta = rate > 0 ? (steps - done) / rate : 0;
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(' ');
        if (bar) {
            int filled = steps == 0 ? BAR_WIDTH : (int) ((long) done * BAR_WIDTH / steps);
            sb.append('[');
            for (int i = 0; i < BAR_WIDTH; i++) sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
            sb.append("] ");
        }
        int width = Integer.toString(steps).length();
        sb.append(String.format(Locale.ROOT, "%" + width + "d/%d %s  %7.1f %s/s  loss %.4f  ETA %s",
                done, steps, unit, rate, unit, runningLoss(), clock(eta)));
        return sb.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} past an hour. */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
