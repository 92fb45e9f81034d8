package org.jitgrad.compile.passes;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;

/** Drops op nodes whose values reach neither the output nor a gradient. */
public final class DeadCodeElimination {
    private DeadCodeElimination() {}

    /** Removes dead op nodes from {@code graph}; returns how many were removed. */
    public static int run(Graph graph) {
        Set<IrNode> live = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<IrNode> work = new ArrayDeque<>(graph.roots());
        while (!work.isEmpty()) {
            IrNode n = work.pop();
            if (live.add(n)) work.addAll(n.inputs());
        }
        int before = graph.nodes().size();
        graph.retain(live);
        return before - graph.nodes().size();
    }
}
