package org.jitgrad.app.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jitgrad.files.AtomicFile;

/**
 * Draws a language-model run as a PNG: the loss of each iteration (thin) and the estimated train and
 * validation losses at each evaluation (lines with markers), against the iteration.
 */
public final class LossCurvesPlot {
    public static final int WIDTH = TrainingPlot.WIDTH, HEIGHT = 600;

    private LossCurvesPlot() {}

    /** Writes the chart to {@code file} (atomically). */
    public static void write(Path file, LossHistory history, String title) throws IOException {
        JFreeChart chart = chart(history, title);
        AtomicFile.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }

    static JFreeChart chart(LossHistory history, String title) {
        XYSeries perStep = new XYSeries("loss per iteration", false, true);
        for (float[] p : history.stepLosses()) perStep.add(p[0] + 1, p[1]);
        XYSeries train = new XYSeries("train loss (estimated)", false, true);
        XYSeries val = new XYSeries("val loss (estimated)", false, true);
        for (LossHistory.Evaluation e : history.evaluations()) {
            train.add(e.iteration(), e.trainLoss());
            val.add(e.iteration(), e.valLoss());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(perStep);
        data.addSeries(train);
        data.addSeries(val);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesPaint(0, new Color(170, 190, 220));
        renderer.setSeriesStroke(0, new BasicStroke(0.8f));
        renderer.setSeriesPaint(1, new Color(40, 90, 200));
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        renderer.setSeriesPaint(2, new Color(200, 60, 30));
        renderer.setSeriesStroke(2, new BasicStroke(2f));
        NumberAxis lossAxis = new NumberAxis("cross-entropy loss (nats per character)");
        lossAxis.setAutoRangeIncludesZero(false);
        NumberAxis iterationAxis = new NumberAxis("iteration");
        iterationAxis.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, iterationAxis, lossAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
