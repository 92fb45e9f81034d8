package org.jitgrad.compile.emit;

/** JVM internal names and descriptors the emitters use. */
final class Descriptors {
    static final String FLOAT_VECTOR = "jdk/incubator/vector/FloatVector";
    static final String VECTOR = "jdk/incubator/vector/Vector";
    static final String VECTOR_MASK = "jdk/incubator/vector/VectorMask";
    static final String SPECIES = "jdk/incubator/vector/VectorSpecies";
    static final String OPERATORS = "jdk/incubator/vector/VectorOperators";

    static final String D_FV = "L" + FLOAT_VECTOR + ";";
    static final String D_V = "L" + VECTOR + ";";
    static final String D_MASK = "L" + VECTOR_MASK + ";";
    static final String D_SPECIES = "L" + SPECIES + ";";
    static final String D_UNARY = "L" + OPERATORS + "$Unary;";
    static final String D_BINARY = "L" + OPERATORS + "$Binary;";
    static final String D_COMPARISON = "L" + OPERATORS + "$Comparison;";

    static final String GENERATED_STEP = "org/jitgrad/compile/emit/GeneratedStep";
    static final String LANES = "org/jitgrad/compile/emit/Lanes";
    static final String KERNELS = "org/jitgrad/kernels/";
    static final String OPTIMIZER = "org/jitgrad/optim/Optimizer";
    static final String GRAD_CLIP = "org/jitgrad/optim/GradClip";
    static final String GRAD_NORM_KERNELS = "org/jitgrad/kernels/GradNormKernels";

    private Descriptors() {}
}
