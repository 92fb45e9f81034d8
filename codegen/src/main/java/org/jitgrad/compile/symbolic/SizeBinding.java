package org.jitgrad.compile.symbolic;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CrossEntropyStep;
import org.jitgrad.compile.passes.FusedLoop;
import org.jitgrad.compile.passes.KernelStep;
import org.jitgrad.compile.passes.CausalSoftmaxGradStep;
import org.jitgrad.compile.passes.CausalSoftmaxStep;
import org.jitgrad.compile.passes.MatmulStep;
import org.jitgrad.compile.passes.StridedMatmulStep;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * A program with a dynamic dimension at one value {@code s} of it: the size table, the parameters and
 * shapes of each default-lowered kernel call and the output's shape. Built once per size and checked
 * there: every op's own shape rule must give the modelled shape, and every fused loop's leaves must be
 * readable in the forms it was compiled with. A size where a check fails is {@linkplain #invalid()
 * invalid}: the program does not serve it.
 */
final class SizeBinding {
    final int size;
    private final String invalid;
    final int[] table;
    final OpParams[] params;
    final Shape[][] inShapes;
    final Shape[] outShapes;
    final Shape output;

    private SizeBinding(int size, String invalid, int[] table, OpParams[] params, Shape[][] inShapes, Shape[] outShapes,
                        Shape output) {
        this.size = size;
        this.invalid = invalid;
        this.table = table;
        this.params = params;
        this.inShapes = inShapes;
        this.outShapes = outShapes;
        this.output = output;
    }

    /** Why the program does not hold at this size, or null. */
    String invalid() { return invalid; }

    /** Evaluates and checks the program at {@code s}. */
    static SizeBinding at(int s, ShapeModel model, List<Step> steps, List<IrNode> calls, List<SizeTerm> terms, IrNode output) {
        try {
            Map<IrNode, Shape> shapes = new IdentityHashMap<>();
            for (IrNode n : model.primary().graph().nodes()) shapes.put(n, model.shape(n).at(s));
            for (IrNode n : model.primary().graph().nodes()) {
                if (n.kind() != IrNode.Kind.OP) continue;
                Shape[] in = inputShapes(n, shapes);
                Shape rule = n.op().outputShape(model.params(n).at(s), in);
                if (!rule.equals(shapes.get(n))) {
                    return invalid(s, n.ref() + " (" + n.op().name() + ") gives " + rule + ", not the modelled " + shapes.get(n));
                }
            }
            for (Step step : steps) {
                String why = check(step, shapes);
                if (why != null) return invalid(s, why);
            }
            int[] table = new int[terms.size()];
            for (int i = 0; i < table.length; i++) table[i] = terms.get(i).at(s);
            OpParams[] params = new OpParams[calls.size()];
            Shape[][] in = new Shape[calls.size()][];
            Shape[] out = new Shape[calls.size()];
            for (int c = 0; c < params.length; c++) {
                IrNode n = calls.get(c);
                params[c] = model.params(n).at(s);
                in[c] = inputShapes(n, shapes);
                out[c] = shapes.get(n);
            }
            return new SizeBinding(s, null, table, params, in, out, shapes.get(output));
        } catch (RuntimeException e) {  // a negative or overflowing size, or a shape rule that rejects the shapes
            return invalid(s, e.getMessage());
        }
    }

    private static SizeBinding invalid(int s, String why) {
        return new SizeBinding(s, "at s=" + s + ": " + why, null, null, null, null, null);
    }

    private static Shape[] inputShapes(IrNode n, Map<IrNode, Shape> shapes) {
        Shape[] in = new Shape[n.inputs().size()];
        for (int i = 0; i < in.length; i++) in[i] = shapes.get(n.input(i));
        return in;
    }

    /** Why {@code step}, as compiled, does not compute the right values at these shapes, or null. */
    private static String check(Step step, Map<IrNode, Shape> shapes) {
        switch (step) {
            case FusedLoop l -> {
                Shape root = shapes.get(l.root());
                for (IrNode m : l.members()) {
                    if (!shapes.get(m).equals(root)) return "fused member " + m.ref() + " " + shapes.get(m) + " is not the loop's " + root;
                }
                for (IrNode leaf : l.leaves()) {
                    if (!FusedLoop.readableAs(l.loadOf(leaf), shapes.get(leaf), root)) {
                        return "leaf " + leaf.ref() + " " + shapes.get(leaf) + " cannot be read as " + l.loadOf(leaf) + " in a loop over " + root;
                    }
                    if (l.loadOf(leaf) == FusedLoop.Load.TILE && !shapes.get(leaf).equals(leaf.shape())) {
                        return "tiled leaf " + leaf.ref() + " " + shapes.get(leaf) + " is not the " + leaf.shape() + " its loop was compiled for";
                    }
                }
                if (l.columnSum() != null && !FusedLoop.readableAs(FusedLoop.Load.ROW, shapes.get(l.columnSum()), root)) {
                    return "column sum " + l.columnSum().ref() + " " + shapes.get(l.columnSum()) + " is not a row of " + root;
                }
                return null;
            }
            case MatmulStep m -> {
                Shape product = shapes.get(m.matmul());
                if (m.biasAdd() != null && !shapes.get(m.biasAdd()).equals(product)) {
                    return "bias add " + m.biasAdd().ref() + " " + shapes.get(m.biasAdd()) + " is not the product's shape " + product;
                }
                if (m.bias() != null && shapes.get(m.bias()).size() != product.dim(1)) {
                    return "bias " + m.bias().ref() + " " + shapes.get(m.bias()) + " is not a row of the product " + product;
                }
                return null;
            }
            case KernelStep k -> {
                return null;
            }
            case CrossEntropyStep ce -> {
                return null;
            }
            case StridedMatmulStep sm -> {
                return "strided matmul " + sm.matmul().ref() + " has views fixed at compile time";
            }
            case CausalSoftmaxStep cs -> {
                return "causal softmax " + cs.softmax().ref() + " has its blocks fixed at compile time";
            }
            case CausalSoftmaxGradStep cg -> {
                return "causal softmax grad " + cg.result().ref() + " has its blocks fixed at compile time";
            }
        }
    }
}
