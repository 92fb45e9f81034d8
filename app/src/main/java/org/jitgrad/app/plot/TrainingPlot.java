package org.jitgrad.app.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jitgrad.files.AtomicFile;

/**
 * Draws a run's curves as a PNG: on top the loss of each step and the mean train loss of each epoch,
 * below the test accuracy after each epoch, both against the global step.
 */
public final class TrainingPlot {
    public static final int WIDTH = 1000, HEIGHT = 720;

    private TrainingPlot() {}

    /** Writes the chart to {@code file} (atomically, so a reader never sees half an image). */
    public static void write(Path file, TrainingHistory history, String title) throws IOException {
        JFreeChart chart = chart(history, title);
        AtomicFile.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }

    static JFreeChart chart(TrainingHistory history, String title) {
        XYSeries perStep = new XYSeries("loss per step", false, true);
        for (float[] p : history.stepLosses()) perStep.add(p[0] + 1, p[1]);
        XYSeries perEpoch = new XYSeries("train loss per epoch", false, true);
        XYSeries accuracy = new XYSeries("test accuracy per epoch (%)", false, true);
        List<TrainingHistory.EpochPoint> epochs = history.epochs();
        for (TrainingHistory.EpochPoint e : epochs) {
            perEpoch.add(e.step(), e.trainLoss());
            if (!Double.isNaN(e.testAccuracy())) accuracy.add(e.step(), 100 * e.testAccuracy());
        }

        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(perStep);
        losses.addSeries(perEpoch);
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer();
        lossRenderer.setSeriesShapesVisible(0, false);
        lossRenderer.setSeriesPaint(0, new Color(120, 160, 220));
        lossRenderer.setSeriesStroke(0, new BasicStroke(0.8f));
        lossRenderer.setSeriesShapesVisible(1, true);
        lossRenderer.setSeriesPaint(1, new Color(200, 60, 30));
        lossRenderer.setSeriesStroke(1, new BasicStroke(2f));
        NumberAxis lossAxis = new NumberAxis("cross-entropy loss");
        lossAxis.setAutoRangeIncludesZero(true);
        XYPlot lossPlot = new XYPlot(losses, null, lossAxis, lossRenderer);

        XYSeriesCollection acc = new XYSeriesCollection(accuracy);
        XYLineAndShapeRenderer accRenderer = new XYLineAndShapeRenderer(true, true);
        accRenderer.setSeriesPaint(0, new Color(40, 140, 60));
        accRenderer.setSeriesStroke(0, new BasicStroke(2f));
        NumberAxis accAxis = new NumberAxis("test accuracy (%)");
        accAxis.setAutoRangeIncludesZero(false);
        XYPlot accPlot = new XYPlot(acc, null, accAxis, accRenderer);

        NumberAxis stepAxis = new NumberAxis("step");
        stepAxis.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(stepAxis);
        plot.setGap(12);
        plot.add(lossPlot, 3);
        plot.add(accPlot, 2);
        for (XYPlot sub : List.of(lossPlot, accPlot)) {
            sub.setBackgroundPaint(Color.WHITE);
            sub.setDomainGridlinePaint(new Color(220, 220, 220));
            sub.setRangeGridlinePaint(new Color(220, 220, 220));
        }
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
