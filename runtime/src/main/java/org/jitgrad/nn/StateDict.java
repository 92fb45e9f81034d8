package org.jitgrad.nn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jitgrad.tensor.Tensor;

/**
 * PyTorch state dicts of modules, built on {@link Module#stateEntries()}: what {@link Module#stateDict()} and
 * {@link Module#loadStateDict} do.
 *
 * <p>A tensor listed under several names (a tied weight: nanoGPT's {@code lm_head.weight} is
 * {@code transformer.wte.weight}) is written under each, as PyTorch's {@code state_dict()} does; on load any one of
 * the names suffices (tools that save shared tensors once keep only one) and the copies present must be equal.
 */
public final class StateDict {
    private StateDict() {}

    /** The module's parameters by PyTorch name, in PyTorch's layout: new tensors, in the module's order. */
    public static Map<String, Tensor> of(Module module) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        module.stateEntries().forEach((name, e) -> {
            if (e.kind() == StateEntry.Kind.PARAMETER) out.put(name, Tensor.wrap(e.toPyTorch(), e.pytorchShape().dims()));
        });
        return out;
    }

    /**
     * Copies {@code stateDict} (PyTorch names and layouts) into {@code module}'s tensors after checking all of it:
     * every parameter present under at least one of its names, no unknown names, every shape PyTorch's, tied copies
     * equal, fixed buffers holding the module's values. The given tensors are only read.
     *
     * @throws StateDictException   naming every problem found; the module is then unchanged
     * @throws NullPointerException if {@code stateDict} is null
     */
    public static void load(Module module, Map<String, Tensor> stateDict) {
        if (stateDict == null) throw new NullPointerException("loadStateDict: the state dict is null");
        Map<String, StateEntry> entries = module.stateEntries();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misfits = new ArrayList<>();
        Set<String> unusable = new HashSet<>();

        for (String name : new TreeSet<>(stateDict.keySet())) {
            if (!entries.containsKey(name)) unexpected.add("unexpected '" + name + "' " + shapeOf(stateDict.get(name)));
        }
        // The names of each learned tensor, in the module's order (more than one for a tied tensor).
        Map<Tensor, List<String>> namesOf = new IdentityHashMap<>();
        List<Tensor> order = new ArrayList<>();
        for (Map.Entry<String, StateEntry> e : entries.entrySet()) {
            String name = e.getKey();
            StateEntry entry = e.getValue();
            Tensor given = stateDict.get(name);
            if (entry.kind() == StateEntry.Kind.PARAMETER) {
                namesOf.computeIfAbsent(entry.tensor(), t -> {
                    order.add(t);
                    return new ArrayList<>();
                }).add(name);
            }
            if (!stateDict.containsKey(name)) continue;
            if (given == null) {
                unusable.add(name);
                misfits.add("'" + name + "' is null");
            } else if (!given.shape().equals(entry.pytorchShape())) {
                unusable.add(name);
                misfits.add("'" + name + "' has shape " + given.shape() + ", the model expects " + entry.pytorchShape());
            } else if (entry.kind() == StateEntry.Kind.FIXED_BUFFER && !sameValues(entry.toPyTorch(), given.storage())) {
                misfits.add("'" + name + "' is a fixed buffer whose values differ from this model's (the model computes it "
                        + "itself and cannot take other values)");
            }
        }
        for (Tensor t : order) {
            List<String> names = namesOf.get(t);
            List<String> present = names.stream().filter(stateDict::containsKey).toList();
            if (present.isEmpty()) {
                String name = names.getFirst();
                missing.add("missing '" + name + "' " + entries.get(name).pytorchShape()
                        + (names.size() > 1 ? " (or its tied copy " + quoted(names.subList(1, names.size())) + ")" : ""));
            } else if (present.size() > 1 && present.stream().noneMatch(unusable::contains)) {
                float[] first = entries.get(present.getFirst()).fromPyTorch(stateDict.get(present.getFirst()).storage());
                for (String other : present.subList(1, present.size())) {
                    if (!sameValues(first, entries.get(other).fromPyTorch(stateDict.get(other).storage()))) {
                        misfits.add("'" + present.getFirst() + "' and '" + other + "' are one tied tensor in the model but "
                                + "differ in the state dict");
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>(missing);
        problems.addAll(unexpected);
        problems.addAll(misfits);
        if (!problems.isEmpty()) throw new StateDictException(module.toString(), problems);

        for (Tensor t : order) {
            String name = namesOf.get(t).stream().filter(stateDict::containsKey).findFirst().orElseThrow();
            t.copyFrom(entries.get(name).fromPyTorch(stateDict.get(name).storage()));
        }
    }

    private static String shapeOf(Tensor t) {
        return t == null ? "(null)" : t.shape().toString();
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
    }

    /** Equal element by element, NaN equal to NaN (as {@link Float#equals}). */
    private static boolean sameValues(float[] a, float[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) return false;
        }
        return true;
    }
}
