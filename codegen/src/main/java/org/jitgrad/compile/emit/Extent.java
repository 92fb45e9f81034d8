package org.jitgrad.compile.emit;

/**
 * A size the generated code needs (a loop bound, a GEMM's m, k or n): a constant, or entry
 * {@code slot} of the program's size table, which a program with a dynamic dimension fills for the
 * size of each call (see {@link GeneratedStep#useSizes}).
 *
 * @param constant the value, when {@code slot < 0}
 * @param slot     the size-table entry, or -1
 */
public record Extent(int constant, int slot) {
    /** A size known at compile time. */
    public static Extent of(int constant) {
        return new Extent(constant, -1);
    }

    /** A size read from entry {@code slot} of the size table at run time. */
    public static Extent table(int slot) {
        if (slot < 0) throw new IllegalArgumentException("size table slot must be >= 0, got " + slot);
        return new Extent(0, slot);
    }

    /** Whether the size is known at compile time. */
    public boolean isConstant() { return slot < 0; }
}
