package org.jitgrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.ops.BinaryOp;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.OpObserver;
import org.jitgrad.tensor.Tensor;

/**
 * The tape's backward pass: an iterative depth-first search for the recorded nodes (no recursion, so
 * chains of any length work), then each node's local gradient rule in reverse creation order, with
 * gradients summed where a tensor feeds several ops.
 */
public final class Backprop {
    private Backprop() {}

    /**
     * Backpropagates {@code seed} (the gradient of {@code root}) to every parameter reached, adding into each
     * {@code grad()}, and releases the nodes it went through. If a gradient rule throws, no parameter's gradient has
     * changed. {@link Tensor#backward} checks the seed's shape before calling this.
     *
     * @throws IllegalStateException if {@code root} depends on no parameter, or part of its graph was already released
     */
    public static void run(Tensor root, Tensor seed) {
        OpObserver observer = OpObserver.current();
        if (observer != null) observer.onRead(root, "backward()");
        if (root.gradFn() == null) {
            if (root.isParameter()) {
                root.accumulateGrad(seed);
                return;
            }
            throw new IllegalStateException("backward(): tensor " + root.shape()
                    + " does not depend on any parameter (no requiresGrad() leaf reached it, or it was computed under NoGrad)");
        }
        List<Node> order = topologicalOrder(root.gradFn());
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        Map<Node, Tensor> outputs = new IdentityHashMap<>();
        // Leaf gradients are applied only once every rule has run, so a backward that throws part-way
        // leaves every parameter's gradient as it was.
        List<Tensor[]> leafGrads = new ArrayList<>();
        outputs.put(root.gradFn(), root);
        grads.put(root, seed);
        for (Node node : order) {
            for (Tensor in : node.inputs()) if (in.gradFn() != null) outputs.putIfAbsent(in.gradFn(), in);
        }
        try (NoGrad ignored = NoGrad.enter()) {
            for (int idx = order.size() - 1; idx >= 0; idx--) {
                Node node = order.get(idx);
                Tensor out = outputs.remove(node);
                Tensor g = grads.remove(out);
                Tensor[] inputs = node.inputs();
                node.release();
                if (g == null) continue;
                boolean[] needs = new boolean[inputs.length];
                for (int i = 0; i < inputs.length; i++) needs[i] = inputs[i].tracksGrad();
                List<Tensor> inputGrads = node.op().backward(TapeGradBuilder.INSTANCE, node.params(),
                        Arrays.asList(inputs), out, g, needs);
                for (int i = 0; i < inputs.length; i++) {
                    Tensor gi = inputGrads.get(i);
                    if (!needs[i] || gi == null) continue;
                    Tensor in = inputs[i];
                    if (in.gradFn() == null) {
                        leafGrads.add(new Tensor[] {in, gi});
                    } else {
                        Tensor previous = grads.get(in);
                        grads.put(in, previous == null ? gi : Eager.apply(BinaryOp.ADD, OpParams.NONE, previous, gi));
                    }
                }
            }
        }
        for (Tensor[] leafGrad : leafGrads) leafGrad[0].accumulateGrad(leafGrad[1]);
    }

    /** Nodes reachable from {@code root}, each after all nodes it depends on. Checks before any gradient moves. */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> done = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        ArrayDeque<Integer> nextChild = new ArrayDeque<>();
        stack.push(root);
        nextChild.push(0);
        done.put(root, Boolean.FALSE);
        while (!stack.isEmpty()) {
            Node node = stack.peek();
            if (node.isReleased()) {
                throw new IllegalStateException("backward(): the graph through " + node.op().name()
                        + " was already released by an earlier backward(); run the forward pass again");
            }
            int child = nextChild.pop();
            Tensor[] inputs = node.inputs();
            if (child < inputs.length) {
                nextChild.push(child + 1);
                Node next = inputs[child].gradFn();
                if (next != null && !done.containsKey(next)) {
                    done.put(next, Boolean.FALSE);
                    stack.push(next);
                    nextChild.push(0);
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
        // Creation order is also a topological order; using it makes the order in which gradients are
        // summed at forks the same as the compiler's, so both engines round identically.
        order.sort(java.util.Comparator.comparingLong(Node::sequence));
        return order;
    }
}
