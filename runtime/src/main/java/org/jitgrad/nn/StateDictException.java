package org.jitgrad.nn;

import java.util.List;

/**
 * A state dict does not fit a module: the message (and {@link #problems()}) names every missing, unexpected and
 * mis-shaped entry. Thrown before anything is copied, so the module is unchanged.
 */
public final class StateDictException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Each problem, one sentence each. */
    private final List<String> problems;

    /** An exception for {@code module} listing {@code problems}. */
    public StateDictException(String module, List<String> problems) {
        super("the state dict does not fit " + module + " (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "): " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one sentence each, in the order of the message. */
    public List<String> problems() { return problems; }
}
