package org.jitgrad.app.serve;

import org.jitgrad.app.model.Predictor;

/** The body of a /predict answer: {@code {"version": v, "classes": [...], "probabilities": [[...], ...]}}. */
final class PredictionJson {
    private PredictionJson() {}

    /**
     * The answer for {@code rows} rows of {@code classes} logits each, computed with the weights of {@code version}.
     *
     * @return the JSON, or null when a probability is not finite (the training diverged)
     */
    static String of(long version, float[] logits, int rows, int classes) {
        StringBuilder cls = new StringBuilder(rows * 3), probs = new StringBuilder(rows * classes * 12);
        cls.append('[');
        probs.append('[');
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                cls.append(',');
                probs.append(',');
            }
            double[] p = Predictor.softmax(logits, r * classes, classes);
            cls.append(Predictor.argmax(logits, r * classes, classes));
            probs.append('[');
            for (int c = 0; c < classes; c++) {
                if (c > 0) probs.append(',');
                if (!Double.isFinite(p[c])) return null;
                probs.append(p[c]);
            }
            probs.append(']');
        }
        cls.append(']');
        probs.append(']');
        Json j = Json.object(64 + cls.length() + probs.length()).put("version", version);
        j.raw("classes").append(cls);
        j.raw("probabilities").append(probs);
        return j.end();
    }
}
