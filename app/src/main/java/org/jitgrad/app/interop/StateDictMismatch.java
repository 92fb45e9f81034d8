package org.jitgrad.app.interop;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.nn.StateDictException;

/**
 * A bounded, readable message for a state dict that does not fit a model ({@code --init-from}): the runtime's
 * {@link StateDictException} lists every problem, which for a file of another model runs to thousands of
 * characters. This names the model, counts the problems by kind and quotes the first few.
 */
public final class StateDictMismatch {
    /** Problems quoted in full; the others are counted. */
    static final int QUOTED = 3;
    /** Longest quotation of one problem (a file's tensor names can be long). */
    static final int MAX_PROBLEM_CHARS = 160;

    private StateDictMismatch() {}

    /**
     * The message for {@code e}.
     *
     * @param model the model the file was loaded into, as the app describes it (e.g. {@code GPT n_layer 4, ...})
     * @return e.g. "the state dict does not fit the model 64-16-10 relu (2 problems: 2 wrong shapes or values):
     *         '0.weight' has shape [24, 64], the model expects [16, 64]; '2.weight' has ..."
     */
    public static String describe(StateDictException e, String model) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), other = new ArrayList<>();
        for (String p : e.problems()) {
            if (p.startsWith("missing ")) missing.add(p);
            else if (p.startsWith("unexpected ")) unexpected.add(p);
            else other.add(p);
        }
        List<String> counts = new ArrayList<>();
        if (!missing.isEmpty()) counts.add(missing.size() + " missing");
        if (!unexpected.isEmpty()) counts.add(unexpected.size() + " unexpected");
        if (!other.isEmpty()) counts.add(other.size() + " wrong shape" + (other.size() == 1 ? "" : "s") + " or values");
        // The first of each kind, then the next of each, until QUOTED are quoted.
        List<String> quoted = new ArrayList<>();
        for (int i = 0; quoted.size() < QUOTED && quoted.size() < e.problems().size(); i++) {
            for (List<String> kind : List.of(missing, unexpected, other)) {
                if (i < kind.size() && quoted.size() < QUOTED) quoted.add(shortened(kind.get(i)));
            }
        }
        int rest = e.problems().size() - quoted.size();
        return "the state dict does not fit the model " + model + " (" + e.problems().size() + " problem"
                + (e.problems().size() == 1 ? "" : "s") + ": " + String.join(", ", counts) + "): " + String.join("; ", quoted)
                + (rest > 0 ? "; and " + rest + " more" : "");
    }

    private static String shortened(String problem) {
        return problem.length() <= MAX_PROBLEM_CHARS ? problem : problem.substring(0, MAX_PROBLEM_CHARS - 3) + "...";
    }
}
