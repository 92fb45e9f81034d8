package org.jitgrad.app.model;

/** How a training step is executed. */
public enum Engine {
    /** Traced once per batch shape and run as generated code, with the optimizer's update fused in. */
    COMPILED,
    /** The eager tape: forward, backward and {@code Optimizer.step()} op by op. */
    TAPE
}
