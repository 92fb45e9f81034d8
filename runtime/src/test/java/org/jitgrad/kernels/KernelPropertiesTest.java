package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelPropertiesTest {
    private static final String NAME = "jitgrad.test.kernelProperty";

    @AfterEach
    void clear() {
        System.clearProperty(NAME);
    }

    @Test
    void unsetPropertiesGiveTheDefault() {
        assertEquals(7, KernelProperties.intValue(NAME, 7, 1));
        assertEquals(1L << 26, KernelProperties.longValue(NAME, 1L << 26, 0));
        assertTrue(KernelProperties.flag(NAME, true));
    }

    @Test
    void wellFormedValuesAreRead() {
        System.setProperty(NAME, " 9000000000000000000 ");
        assertEquals(9_000_000_000_000_000_000L, KernelProperties.longValue(NAME, 0, 0));
        System.setProperty(NAME, "3");
        assertEquals(3, KernelProperties.intValue(NAME, 7, 1));
        System.setProperty(NAME, "FALSE");
        assertFalse(KernelProperties.flag(NAME, true));
    }

    @Test
    void malformedValuesAreRejectedWithTheirNameAndValue() {
        System.setProperty(NAME, "9e18");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelProperties.longValue(NAME, 0, 0));
        assertTrue(e.getMessage().contains(NAME + "=9e18"), e.getMessage());
        assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());

        System.setProperty(NAME, "0");
        e = assertThrows(IllegalArgumentException.class, () -> KernelProperties.intValue(NAME, 7, 1));
        assertTrue(e.getMessage().contains("below its minimum 1"), e.getMessage());

        System.setProperty(NAME, "3000000000");
        e = assertThrows(IllegalArgumentException.class, () -> KernelProperties.intValue(NAME, 7, 1));
        assertTrue(e.getMessage().contains("larger than " + Integer.MAX_VALUE), e.getMessage());

        System.setProperty(NAME, "yes");
        e = assertThrows(IllegalArgumentException.class, () -> KernelProperties.flag(NAME, true));
        assertTrue(e.getMessage().contains(NAME + "=yes is neither true nor false"), e.getMessage());
    }
}
