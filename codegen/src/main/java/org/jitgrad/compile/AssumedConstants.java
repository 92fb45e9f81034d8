package org.jitgrad.compile;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/**
 * The constants a program was specialized on (see {@code CausalMasks}), with their values at compile time. A captured
 * tensor's array is otherwise read at each call, so a caller may change it in place; a program that assumed its
 * values no longer {@link #hold()}s then, and the call gets a program compiled for the new values.
 */
final class AssumedConstants {
    private final float[][] live;
    private final float[][] expected;

    AssumedConstants(List<IrNode> constants) {
        live = new float[constants.size()][];
        expected = new float[constants.size()][];
        for (int i = 0; i < live.length; i++) {
            live[i] = constants.get(i).constant();
            expected[i] = live[i].clone();
        }
    }

    /** Whether every assumed constant still holds its compile-time values. Allocates nothing. */
    boolean hold() {
        for (int i = 0; i < live.length; i++) if (!Arrays.equals(live[i], expected[i])) return false;
        return true;
    }
}
