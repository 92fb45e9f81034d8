package org.jitgrad.ops;

import java.util.List;

/**
 * An op computed lane by lane over its (broadcast) inputs. Besides its kernel it states its lane rule,
 * from which the compiler builds fused vector loops; both must compute the same formula. Whether an op
 * is elementwise is this type, nothing else.
 */
public interface ElementwiseOp extends Op {
    /**
     * The op on one vector of lanes of each input, built with {@code b}'s primitives; it must compute what
     * {@link #forward} computes, operation for operation, so that both engines round alike.
     *
     * @param <V> the builder's vector value type
     * @param x   one vector per input, in input order (a broadcast input's lanes already repeated)
     * @return the output's vector
     */
    <V> V lanes(LaneBuilder<V> b, OpParams params, List<V> x);
}
