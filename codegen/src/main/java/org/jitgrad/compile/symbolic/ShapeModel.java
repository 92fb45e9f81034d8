package org.jitgrad.compile.symbolic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CrossEntropyStep;
import org.jitgrad.compile.passes.FusedLoop;
import org.jitgrad.compile.passes.Fusion;
import org.jitgrad.compile.passes.KernelStep;
import org.jitgrad.compile.passes.CausalSoftmaxGradStep;
import org.jitgrad.compile.passes.CausalSoftmaxStep;
import org.jitgrad.compile.passes.MatmulStep;
import org.jitgrad.compile.passes.StridedMatmulStep;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.ops.OpParams;

/**
 * Every shape and op parameter of a lowered graph as a function of the dynamic size {@code s}, fitted
 * from the same function lowered at three sizes ({@link Probe}s), and the graph's fused steps. The
 * three lowerings must agree in everything but their sizes: the same nodes with the same ops and
 * wiring, the same parameters and constants, the same fused steps. An elementwise op whose parameters
 * depend on {@code s} is not fused (a loop bakes parameters in) but runs its own kernel. The last
 * probe is the primary: its graph and steps are the ones compiled, and this model answers for its nodes.
 */
public final class ShapeModel {
    private final Probe primary;
    private final int[] sizes;
    private final Map<IrNode, SymbolicShape> shapes = new IdentityHashMap<>();
    private final Map<IrNode, SymbolicParams> params = new IdentityHashMap<>();
    private List<Step> steps;

    private ShapeModel(Probe primary, int[] sizes) {
        this.primary = primary;
        this.sizes = sizes;
    }

    /**
     * Fits the model from lowerings at three distinct sizes.
     *
     * @throws NotSymbolicException naming the first node, constant or step that differs in more than its
     *                              sizes, or a size it depends on in a form the compiler cannot follow
     */
    public static ShapeModel fit(List<Probe> probes) throws NotSymbolicException {
        if (probes.size() != 3) throw new IllegalArgumentException("fit: needs 3 probes, got " + probes.size());
        int[] sizes = probes.stream().mapToInt(Probe::size).toArray();
        Probe primary = probes.get(probes.size() - 1);
        ShapeModel model = new ShapeModel(primary, sizes);
        List<List<IrNode>> nodes = new ArrayList<>();
        List<Map<IrNode, Integer>> index = new ArrayList<>();
        for (Probe p : probes) {
            List<IrNode> list = p.graph().nodes();
            if (list.size() != primary.graph().nodes().size()) {
                throw new NotSymbolicException("the graph has " + list.size() + " nodes at s=" + p.size() + " but "
                        + primary.graph().nodes().size() + " at s=" + primary.size() + ": its structure depends on the size");
            }
            nodes.add(list);
            Map<IrNode, Integer> ix = new IdentityHashMap<>();
            for (int i = 0; i < list.size(); i++) ix.put(list.get(i), i);
            index.add(ix);
        }
        for (int i = 0; i < primary.graph().nodes().size(); i++) {
            IrNode n = primary.graph().nodes().get(i);
            List<IrNode> same = new ArrayList<>();
            for (int k = 0; k < probes.size(); k++) {
                IrNode other = nodes.get(k).get(i);
                same.add(other);
                checkSameNode(n, other, index.get(probes.size() - 1), index.get(k), probes.get(k), primary);
            }
            model.fitNode(n, same, probes);
        }
        checkSameRoots(probes, index);
        boolean[] fusible = new boolean[nodes.get(0).size()];
        List<IrNode> primaryNodes = primary.graph().nodes();
        for (int i = 0; i < fusible.length; i++) {
            IrNode n = primaryNodes.get(i);
            fusible[i] = n.kind() != IrNode.Kind.OP || model.params(n).isFixed();
        }
        List<List<Step>> steps = new ArrayList<>();
        for (int k = 0; k < probes.size(); k++) {
            Map<IrNode, Integer> ix = index.get(k);
            steps.add(Fusion.run(probes.get(k).graph(), n -> fusible[ix.get(n)]));
        }
        checkSameSteps(probes, steps, index);
        model.steps = List.copyOf(steps.get(steps.size() - 1));
        return model;
    }

    private static void checkSameNode(IrNode n, IrNode other, Map<IrNode, Integer> primaryIndex, Map<IrNode, Integer> otherIndex,
                                      Probe probe, Probe primary) throws NotSymbolicException {
        boolean same = n.kind() == other.kind() && n.op() == other.op() && n.slot() == other.slot()
                && n.inputs().size() == other.inputs().size()
                && primary.graph().isOwnedConst(n) == probe.graph().isOwnedConst(other);
        for (int j = 0; same && j < n.inputs().size(); j++) {
            same = primaryIndex.get(n.input(j)).equals(otherIndex.get(other.input(j)));
        }
        if (!same) {
            throw new NotSymbolicException("the traced graph differs between s=" + probe.size() + " (" + other + ") and s="
                    + primary.size() + " (" + n + "): its structure depends on the size");
        }
        if (n.kind() == IrNode.Kind.PARAM && probe.parameters().get(n.slot()) != primary.parameters().get(n.slot())) {
            throw new NotSymbolicException("parameter " + n.slot() + " is another tensor at s=" + probe.size());
        }
        if (n.kind() == IrNode.Kind.CONST
                && (!n.shape().equals(other.shape()) || !Arrays.equals(n.constant(), other.constant()))) {
            throw new NotSymbolicException("constant " + n.ref() + " " + other.shape() + " at s=" + probe.size() + ", " + n.shape()
                    + " at s=" + primary.size() + " depends on the size (a tensor created inside the function from the batch"
                    + " size); pass it as an input instead");
        }
    }

    private void fitNode(IrNode n, List<IrNode> same, List<Probe> probes) throws NotSymbolicException {
        Affine[] dims = new Affine[n.shape().rank()];
        for (int d = 0; d < dims.length; d++) {
            int[] values = new int[same.size()];
            for (int k = 0; k < values.length; k++) {
                if (same.get(k).shape().rank() != dims.length) {
                    throw new NotSymbolicException(n + " has rank " + same.get(k).shape().rank() + " at s=" + sizes[k]);
                }
                values[k] = same.get(k).shape().dim(d);
            }
            dims[d] = Fit.affine(values, sizes, "dimension " + d + " of " + n.ref());
            if (dims[d].coefficient() < 0) {
                throw new NotSymbolicException("dimension " + d + " of " + n + " shrinks as the size grows (" + dims[d] + ")");
            }
        }
        shapes.put(n, new SymbolicShape(dims));
        if (n.kind() == IrNode.Kind.OP) {
            List<OpParams> ps = new ArrayList<>();
            for (IrNode x : same) ps.add(x.params());
            params.put(n, SymbolicParams.fit(ps, sizes, n.ref() + " (" + n.op().name().toLowerCase(Locale.ROOT) + ")"));
        }
    }

    private static void checkSameRoots(List<Probe> probes, List<Map<IrNode, Integer>> index) throws NotSymbolicException {
        String first = roots(probes.get(0).graph(), index.get(0));
        for (int k = 1; k < probes.size(); k++) {
            String other = roots(probes.get(k).graph(), index.get(k));
            if (!other.equals(first)) {
                throw new NotSymbolicException("the output and gradients are " + first + " at s=" + probes.get(0).size() + " but "
                        + other + " at s=" + probes.get(k).size());
            }
        }
    }

    private static String roots(Graph g, Map<IrNode, Integer> index) {
        StringBuilder sb = new StringBuilder("out=").append(index.get(g.output()));
        for (Map.Entry<IrNode, IrNode> e : g.gradients().entrySet()) {
            sb.append(" grad").append(e.getKey().slot()).append('=').append(index.get(e.getValue()));
        }
        return sb.toString();
    }

    private static void checkSameSteps(List<Probe> probes, List<List<Step>> steps, List<Map<IrNode, Integer>> index)
            throws NotSymbolicException {
        Probe p0 = probes.get(0);
        List<Step> s0 = steps.get(0);
        for (int k = 1; k < probes.size(); k++) {
            Probe pk = probes.get(k);
            List<Step> sk = steps.get(k);
            if (sk.size() != s0.size()) {
                throw new NotSymbolicException("fusion gives " + s0.size() + " steps at s=" + p0.size() + " but "
                        + sk.size() + " at s=" + pk.size());
            }
            for (int i = 0; i < s0.size(); i++) {
                String a = signature(s0.get(i), index.get(0)), b = signature(sk.get(i), index.get(k));
                if (!a.equals(b)) {
                    throw new NotSymbolicException("fusion differs with the size: step " + i + " is " + s0.get(i).describe()
                            + " at s=" + p0.size() + " but " + sk.get(i).describe() + " at s=" + pk.size());
                }
            }
        }
    }

    /** A step by the positions of its nodes (and its loads): equal for the same step in two lowerings. */
    private static String signature(Step step, Map<IrNode, Integer> ix) {
        return switch (step) {
            case FusedLoop l -> {
                StringBuilder sb = new StringBuilder("loop");
                for (IrNode m : l.members()) sb.append(' ').append(ix.get(m));
                for (IrNode leaf : l.leaves()) sb.append(" leaf ").append(ix.get(leaf)).append(l.loadOf(leaf));
                if (l.columnSum() != null) sb.append(" colsum ").append(ix.get(l.columnSum()));
                for (IrNode e : l.extraOutputs()) sb.append(" stores ").append(ix.get(e));
                yield sb.toString();
            }
            case KernelStep k -> "kernel " + ix.get(k.node());
            case CrossEntropyStep ce -> "ce " + ix.get(ce.loss()) + " " + ix.get(ce.grad());
            case MatmulStep m -> "mm " + ix.get(m.matmul()) + " " + (m.biasAdd() == null ? "-" : ix.get(m.biasAdd()))
                    + " " + (m.bias() == null ? "-" : ix.get(m.bias())) + " " + (m.activation() == null ? "-" : ix.get(m.activation()));
            case StridedMatmulStep sm -> "strided " + ix.get(sm.matmul()) + " " + sm.a() + " " + sm.b() + " " + sm.c();
            case CausalSoftmaxStep cs -> "causal softmax " + ix.get(cs.softmax());
            case CausalSoftmaxGradStep cg -> "causal softmax grad " + ix.get(cg.result());
        };
    }

    /** The primary probe: the graph that is compiled. */
    public Probe primary() { return primary; }

    /** The primary graph's steps after fusion, in execution order. */
    public List<Step> steps() { return steps; }

    /** The sizes the probes were traced at, the primary's last. */
    public int[] sizes() { return sizes.clone(); }

    /** The shape of a node of the primary graph. */
    public SymbolicShape shape(IrNode n) {
        SymbolicShape s = shapes.get(n);
        if (s == null) throw new IllegalArgumentException("not a node of the primary graph: " + n);
        return s;
    }

    /** The parameters of an op node of the primary graph. */
    public SymbolicParams params(IrNode n) {
        SymbolicParams p = params.get(n);
        if (p == null) throw new IllegalArgumentException("not an op node of the primary graph: " + n);
        return p;
    }

    /** Whether two nodes have the same element count at every size (so one may be written over the other). */
    public boolean sameSize(IrNode a, IrNode b) {
        return shape(a).sameSize(shape(b));
    }

    /** The primary graph, one line a node, with shapes in {@code s}. */
    public String listing() {
        StringBuilder sb = new StringBuilder();
        Graph g = primary.graph();
        for (IrNode n : g.nodes()) {
            sb.append("  ").append(n.ref()).append(" = ");
            switch (n.kind()) {
                case INPUT -> sb.append("input ").append(n.slot());
                case PARAM -> sb.append("param ").append(n.slot());
                case CONST -> sb.append("const").append(n.constant().length == 1 ? " " + n.constant()[0] : "");
                case OP -> {
                    sb.append(n.op().name().toLowerCase(Locale.ROOT)).append('(');
                    for (int i = 0; i < n.inputs().size(); i++) sb.append(i == 0 ? "" : ", ").append(n.input(i).ref());
                    sb.append(')');
                    String p = params(n).toString();
                    if (!p.isEmpty()) sb.append(' ').append(p);
                }
            }
            sb.append(" : ").append(shape(n)).append('\n');
        }
        if (g.output() != null) sb.append("  output ").append(g.output().ref()).append('\n');
        for (Map.Entry<IrNode, IrNode> e : g.gradients().entrySet()) {
            sb.append("  grad param ").append(e.getKey().slot()).append(" <- ").append(e.getValue().ref()).append('\n');
        }
        return sb.toString();
    }
}
