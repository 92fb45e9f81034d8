package org.jitgrad.parity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code /reference/op_parity.txt}, written by {@code benchmarks/pytorch/op_reference.py}: one tensor a line,
 * {@code <case>:<role><TAB>dims<TAB>values}, as the model reference files, grouped here into cases.
 */
public final class OpParityFile {
    private static final String RESOURCE = "/reference/op_parity.txt";

    private OpParityFile() {}

    public static List<OpParityCase> load() {
        try (InputStream in = OpParityFile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing test resource " + RESOURCE);
            Map<String, OpParityCase> cases = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] cols = line.split("\t", -1);
                int colon = cols[0].lastIndexOf(':');
                OpParityCase c = cases.computeIfAbsent(cols[0].substring(0, colon), OpParityCase::new);
                add(c, cols[0].substring(colon + 1), new ReferenceTensor(ints(cols[1]), doubles(cols[2])));
            }
            return List.copyOf(new ArrayList<>(cases.values()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    private static void add(OpParityCase c, String role, ReferenceTensor t) {
        if (role.equals("r")) {
            c.r = t;
        } else if (role.equals("out")) {
            c.out = t;
        } else if (role.startsWith("in.")) {
            c.inputs.put(role.substring(3), t);
        } else if (role.startsWith("param.")) {
            c.params.put(role.substring(6), t);
        } else if (role.startsWith("grad.")) {
            c.grads.put(role.substring(5), t);
        } else {
            throw new IllegalStateException(c.name() + ": unknown role " + role);
        }
    }

    private static int[] ints(String s) {
        return s.isEmpty() ? new int[0] : Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] doubles(String s) {
        return s.isBlank() ? new double[0] : Arrays.stream(s.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }
}
