package org.jitgrad.compile.symbolic;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.tensor.Tensor;

/**
 * The traced function lowered at one value of the dynamic size: its graph (differentiated, dead code
 * removed) and its traced parameters. {@link ShapeModel} fuses it.
 */
public record Probe(int size, Graph graph, List<Tensor> parameters) {}
