package org.jitgrad.app.checkpoint;

import java.util.List;
import org.jitgrad.app.model.OptimizerKind;

/**
 * An optimizer's state as saved: its kind, learning rate, momentum (SGD), step count (Adam) and
 * state arrays, named {@code <slot>:<parameter>} with slot {@code velocity} (SGD) or {@code m} and
 * {@code v} (Adam), in parameter order.
 */
public record OptimizerState(OptimizerKind kind, float learningRate, float momentum, long stepCount, List<NamedArray> arrays) {
    public OptimizerState {
        arrays = List.copyOf(arrays);
    }

    /** The slots each parameter has for {@code kind}. */
    public static List<String> slots(OptimizerKind kind) {
        return switch (kind) {
            case SGD -> List.of("velocity");
            case ADAM -> List.of("m", "v");
        };
    }
}
