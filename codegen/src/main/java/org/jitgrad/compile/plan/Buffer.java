package org.jitgrad.compile.plan;

/**
 * Where a value lives at run time: a function input, a parameter's values or gradient, a constant,
 * or a slot of the arena that the buffer plan allocates once per specialization.
 *
 * @param kind  the storage class
 * @param index the input, parameter, constant or arena slot number
 */
public record Buffer(Kind kind, int index) {
    /** Storage classes. */
    public enum Kind { INPUT, PARAM, GRAD, CONST, ARENA }

    /** A short name, also used as the generated field's name. */
    public String name() {
        return switch (kind) {
            case INPUT -> "in" + index;
            case PARAM -> "param" + index;
            case GRAD -> "grad" + index;
            case CONST -> "const" + index;
            case ARENA -> "buf" + index;
        };
    }
}
