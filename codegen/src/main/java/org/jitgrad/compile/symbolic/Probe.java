package org.jitgrad.compile.symbolic;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.tensor.Tensor;

/**
 * The traced function lowered at one value of the dynamic size: its graph (differentiated, dead code
 * removed), its steps after fusion and its traced parameters.
 */
public record Probe(int size, Graph graph, List<Step> steps, List<Tensor> parameters) {}
