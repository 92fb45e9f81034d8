package org.jitgrad.ops;

import java.util.List;

/**
 * An op computed lane by lane over its (broadcast) inputs. Besides its kernel it states its lane rule,
 * from which the compiler builds fused vector loops; both must compute the same formula. Whether an op
 * is elementwise is this type, nothing else.
 */
public interface ElementwiseOp extends Op {
    /** The op on one vector of lanes of each input. */
    <V> V lanes(LaneBuilder<V> b, OpParams params, List<V> x);
}
