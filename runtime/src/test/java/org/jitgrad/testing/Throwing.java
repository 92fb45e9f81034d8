package org.jitgrad.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Asserts an exception's exact type and that its message names every culprit given. */
public final class Throwing {
    private Throwing() {}

    public static <E extends Throwable> E assertThrowsNaming(Class<E> type, Executable body, String... culprits) {
        E e = assertThrows(type, body);
        assertEquals(type, e.getClass(), "exception type");
        String m = e.getMessage();
        for (String c : culprits) {
            assertTrue(m != null && m.contains(c), "message should name '" + c + "' but was: " + m);
        }
        return e;
    }
}
