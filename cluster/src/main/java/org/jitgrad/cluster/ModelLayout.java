package org.jitgrad.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jitgrad.tensor.Tensor;

/**
 * Where each parameter lives in the flat vector the cluster averages, and how that vector is cut
 * into chunks: the parameters in the order of {@code Module.namedParameters()}, each flattened
 * row-major, one after another; chunk {@code c} holds floats {@code [c·chunkFloats,
 * min((c+1)·chunkFloats, total))}. Two members can average only when their layouts are equal: the
 * same names, shapes and order, the same chunk size, and the same {@link #terms()}: whatever else the
 * application needs its members to agree on (the activation, the data, the batches' seed).
 */
public final class ModelLayout {
    /** Most parameters a layout may list. */
    public static final int MAX_PARAMETERS = 1 << 16;
    /** Longest parameter name accepted. */
    public static final int MAX_NAME_LENGTH = 1024;
    /** Highest rank accepted. */
    public static final int MAX_RANK = 8;
    /** Longest {@link #terms()} accepted. */
    public static final int MAX_TERMS_LENGTH = 4096;

    private final List<String> names;
    private final List<int[]> shapes;
    private final int chunkFloats;
    private final String terms;
    private final int[] offsets;
    private final int total;

    /**
     * @throws IllegalArgumentException for an empty model, a name or shape out of bounds, two equal
     *                                  names, or more than {@code Integer.MAX_VALUE - 8} floats in all
     */
    public ModelLayout(List<String> names, List<int[]> shapes, int chunkFloats) {
        this(names, shapes, chunkFloats, "");
    }

    /**
     * A layout whose members must also agree on {@code terms} (compared as text; at most
     * {@value #MAX_TERMS_LENGTH} characters).
     */
    public ModelLayout(List<String> names, List<int[]> shapes, int chunkFloats, String terms) {
        if (terms == null || terms.length() > MAX_TERMS_LENGTH) {
            throw new IllegalArgumentException("layout: terms missing or longer than " + MAX_TERMS_LENGTH + " characters");
        }
        this.terms = terms;
        if (names.size() != shapes.size()) {
            throw new IllegalArgumentException("layout: " + names.size() + " names but " + shapes.size() + " shapes");
        }
        if (names.isEmpty()) throw new IllegalArgumentException("layout: the model has no parameters");
        if (names.size() > MAX_PARAMETERS) throw new IllegalArgumentException("layout: more than " + MAX_PARAMETERS + " parameters");
        if (chunkFloats < 1 || chunkFloats > ClusterSettings.MAX_CHUNK_FLOATS) {
            throw new IllegalArgumentException("layout: chunk size must be in 1.." + ClusterSettings.MAX_CHUNK_FLOATS + ", got " + chunkFloats);
        }
        this.names = List.copyOf(names);
        List<int[]> copied = new ArrayList<>(shapes.size());
        this.offsets = new int[names.size() + 1];
        long sum = 0;
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || n.isEmpty() || n.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("layout: parameter " + i + " has no name or one longer than " + MAX_NAME_LENGTH);
            }
            if (names.indexOf(n) != i) throw new IllegalArgumentException("layout: two parameters are named '" + n + "'");
            int[] s = shapes.get(i);
            if (s == null || s.length > MAX_RANK) {
                throw new IllegalArgumentException("layout: parameter '" + n + "' has rank " + (s == null ? "none" : s.length) + " (0.." + MAX_RANK + ")");
            }
            long size = 1;
            for (int d : s) {
                if (d < 1) throw new IllegalArgumentException("layout: parameter '" + n + "' has shape " + Arrays.toString(s));
                size *= d;
                if (size > Integer.MAX_VALUE) break;
            }
            sum += size;
            if (sum > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("layout: more than " + (Integer.MAX_VALUE - 8) + " parameters in all");
            copied.add(s.clone());
            offsets[i + 1] = (int) sum;
        }
        this.shapes = List.copyOf(copied);
        this.chunkFloats = chunkFloats;
        this.total = (int) sum;
    }

    /** The layout of a module's {@code namedParameters()}, in their order. */
    public static ModelLayout of(Map<String, Tensor> namedParameters, int chunkFloats) {
        return of(namedParameters, chunkFloats, "");
    }

    /** The layout of a module's {@code namedParameters()}, in their order, with {@code terms} to agree on. */
    public static ModelLayout of(Map<String, Tensor> namedParameters, int chunkFloats, String terms) {
        List<String> names = new ArrayList<>(namedParameters.size());
        List<int[]> shapes = new ArrayList<>(namedParameters.size());
        for (Map.Entry<String, Tensor> e : namedParameters.entrySet()) {
            names.add(e.getKey());
            shapes.add(e.getValue().shape().dims());
        }
        return new ModelLayout(names, shapes, chunkFloats, terms);
    }

    public List<String> names() { return names; }

    /** The shape of parameter {@code i} (a copy). */
    public int[] shape(int i) { return shapes.get(i).clone(); }

    public int parameterCount() { return names.size(); }

    public int chunkFloats() { return chunkFloats; }

    /** What else the members agree on, as text ("" for nothing). */
    public String terms() { return terms; }

    /** Floats in all. */
    public int totalFloats() { return total; }

    public int chunkCount() { return (int) ((total + (long) chunkFloats - 1) / chunkFloats); }

    public int chunkStart(int chunk) { return chunk * chunkFloats; }

    public int chunkLength(int chunk) { return Math.min(chunkFloats, total - chunk * chunkFloats); }

    /** Copies {@code params} (this layout's shapes, in order) into {@code flat}. */
    public void flatten(List<Tensor> params, float[] flat) {
        check(params, flat);
        for (int i = 0; i < params.size(); i++) System.arraycopy(params.get(i).storage(), 0, flat, offsets[i], offsets[i + 1] - offsets[i]);
    }

    /** Copies {@code flat} into {@code params} in place (this layout's shapes, in order). */
    public void scatter(float[] flat, List<Tensor> params) {
        check(params, flat);
        for (int i = 0; i < params.size(); i++) System.arraycopy(flat, offsets[i], params.get(i).storage(), 0, offsets[i + 1] - offsets[i]);
    }

    private void check(List<Tensor> params, float[] flat) {
        if (flat.length != total) throw new IllegalArgumentException("layout of " + total + " floats, array of " + flat.length);
        if (params.size() != names.size()) {
            throw new IllegalArgumentException("layout of " + names.size() + " parameters, " + params.size() + " tensors given");
        }
        for (int i = 0; i < params.size(); i++) {
            if (!Arrays.equals(params.get(i).shape().dims(), shapes.get(i))) {
                throw new IllegalArgumentException("parameter '" + names.get(i) + "': layout shape " + Arrays.toString(shapes.get(i))
                        + " but tensor shape " + params.get(i).shape());
            }
        }
    }

    /**
     * What differs between this layout (ours) and {@code theirs}, for an error message: the first
     * parameters whose name or shape differ, missing or extra parameters, the chunk size. Empty when equal.
     */
    public String differences(ModelLayout theirs) {
        StringJoiner out = new StringJoiner("; ");
        int shown = 0;
        int common = Math.min(names.size(), theirs.names.size());
        for (int i = 0; i < common && shown < 5; i++) {
            boolean name = !names.get(i).equals(theirs.names.get(i));
            boolean shape = !Arrays.equals(shapes.get(i), theirs.shapes.get(i));
            if (name || shape) {
                out.add("parameter " + i + " is '" + names.get(i) + "' " + Arrays.toString(shapes.get(i)) + " here but '"
                        + theirs.names.get(i) + "' " + Arrays.toString(theirs.shapes.get(i)) + " in the cluster");
                shown++;
            }
        }
        if (names.size() != theirs.names.size()) {
            out.add(names.size() + " parameters here (" + total + " floats) but " + theirs.names.size() + " in the cluster (" + theirs.total + " floats)");
        }
        if (chunkFloats != theirs.chunkFloats) out.add("chunks of " + chunkFloats + " floats here but " + theirs.chunkFloats + " in the cluster");
        if (!terms.equals(theirs.terms)) out.add("'" + terms + "' here but '" + theirs.terms + "' in the cluster");
        return out.length() == 0 ? "" : out.toString();
    }

    /** E.g. {@code 6 parameters, 235,146 floats in 15 chunks of 16,384}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d parameters, %,d floats in %d chunks of %,d", names.size(), total, chunkCount(), chunkFloats);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelLayout m) || chunkFloats != m.chunkFloats || !names.equals(m.names) || !terms.equals(m.terms)) return false;
        for (int i = 0; i < shapes.size(); i++) if (!Arrays.equals(shapes.get(i), m.shapes.get(i))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = 31 * (31 * names.hashCode() + chunkFloats) + terms.hashCode();
        for (int[] s : shapes) h = 31 * h + Arrays.hashCode(s);
        return h;
    }

    @Override
    public String toString() { return describe(); }
}
