package org.jitgrad.app.serve;

import java.nio.file.Path;

/**
 * How the training server runs.
 *
 * @param bindAddress     address to listen on (127.0.0.1 by default)
 * @param port            TCP port; 0 picks a free one
 * @param httpThreads     request handler threads (a fixed pool)
 * @param batch           examples per training step
 * @param lingerMillis    how long the trainer waits for a full batch when fewer examples are queued
 * @param queueCapacity   examples the training queue holds
 * @param maxBodyBytes    largest request body accepted (413 beyond)
 * @param maxPredictRows  most lines in one /predict request (413 beyond)
 * @param publishEvery    publish a snapshot for predictions after this many steps (and whenever the
 *                        queue runs dry)
 * @param saveEvery       write a checkpoint after this many steps (0: only at shutdown)
 * @param save            checkpoint file, or null for none
 * @param warmUp          compile the prediction specializations and warm up the training step before accepting requests
 * @param averageDecay    predictions use an exponential moving average of the weights with this decay
 *                        per step (0: the raw weights of the last published step)
 */
public record ServeConfig(String bindAddress, int port, int httpThreads, int batch, long lingerMillis, int queueCapacity,
                          long maxBodyBytes, int maxPredictRows, int publishEvery, int saveEvery, Path save, boolean warmUp,
                          double averageDecay) {

    public ServeConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        if (httpThreads < 1) throw new IllegalArgumentException("--http-threads must be >= 1, got " + httpThreads);
        if (batch < 1 || batch > 4096) throw new IllegalArgumentException("--batch must be in 1..4096, got " + batch);
        if (lingerMillis < 0) throw new IllegalArgumentException("--linger-ms must be >= 0, got " + lingerMillis);
        if (queueCapacity < 1) throw new IllegalArgumentException("--queue-capacity must be >= 1, got " + queueCapacity);
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("--max-body-bytes must be in 1.." + (Integer.MAX_VALUE - 16) + ", got " + maxBodyBytes);
        }
        if (maxPredictRows < 1) throw new IllegalArgumentException("--max-predict-rows must be >= 1, got " + maxPredictRows);
        if (publishEvery < 1) throw new IllegalArgumentException("--publish-every must be >= 1, got " + publishEvery);
        if (saveEvery < 0) throw new IllegalArgumentException("--save-every must be >= 0, got " + saveEvery);
        if (!(averageDecay >= 0 && averageDecay < 1)) throw new IllegalArgumentException("--average must be in [0, 1), got " + averageDecay);
        if (saveEvery > 0 && save == null) throw new IllegalArgumentException("--save-every needs --save FILE");
    }

    /** Defaults for tests and embedding: loopback, a free port, 4 handler threads, batch 64. */
    public static ServeConfig defaults() {
        return new ServeConfig("127.0.0.1", 0, 4, 64, 20, 16_384, 16L << 20, 4096, 10, 0, null, true, 0.99);
    }

    public ServeConfig withPort(int p) {
        return new ServeConfig(bindAddress, p, httpThreads, batch, lingerMillis, queueCapacity, maxBodyBytes, maxPredictRows,
                publishEvery, saveEvery, save, warmUp, averageDecay);
    }

    public ServeConfig withQueueCapacity(int c) {
        return new ServeConfig(bindAddress, port, httpThreads, batch, lingerMillis, c, maxBodyBytes, maxPredictRows,
                publishEvery, saveEvery, save, warmUp, averageDecay);
    }

    public ServeConfig withBatch(int b) {
        return new ServeConfig(bindAddress, port, httpThreads, b, lingerMillis, queueCapacity, maxBodyBytes, maxPredictRows,
                publishEvery, saveEvery, save, warmUp, averageDecay);
    }

    public ServeConfig withMaxBodyBytes(long m) {
        return new ServeConfig(bindAddress, port, httpThreads, batch, lingerMillis, queueCapacity, m, maxPredictRows,
                publishEvery, saveEvery, save, warmUp, averageDecay);
    }

    public ServeConfig withSave(Path file, int every) {
        return new ServeConfig(bindAddress, port, httpThreads, batch, lingerMillis, queueCapacity, maxBodyBytes, maxPredictRows,
                publishEvery, every, file, warmUp, averageDecay);
    }

    public ServeConfig withAverageDecay(double d) {
        return new ServeConfig(bindAddress, port, httpThreads, batch, lingerMillis, queueCapacity, maxBodyBytes, maxPredictRows,
                publishEvery, saveEvery, save, warmUp, d);
    }

    public ServeConfig withPublishEvery(int k) {
        return new ServeConfig(bindAddress, port, httpThreads, batch, lingerMillis, queueCapacity, maxBodyBytes, maxPredictRows,
                k, saveEvery, save, warmUp, averageDecay);
    }
}
