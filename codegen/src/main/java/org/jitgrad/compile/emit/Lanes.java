package org.jitgrad.compile.emit;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The vector species generated loops use. A {@code static final}, so the JIT sees a constant. */
public final class Lanes {
    /** The preferred float species of this CPU. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Its lane count. */
    public static final int LENGTH = SPECIES.length();

    private Lanes() {}
}
