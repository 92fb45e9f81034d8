package org.jitgrad.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jitgrad.autograd.Backprop;
import org.jitgrad.autograd.Eager;
import org.jitgrad.autograd.Node;
import org.jitgrad.kernels.BinaryKernels;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.BinaryOp;
import org.jitgrad.ops.Broadcast;
import org.jitgrad.ops.BroadcastOp;
import org.jitgrad.ops.ConvOp;
import org.jitgrad.ops.IndexOp;
import org.jitgrad.ops.WhereOp;
import org.jitgrad.ops.LayoutOp;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.NormOp;
import org.jitgrad.ops.RandomOp;
import org.jitgrad.ops.ReduceOp;
import org.jitgrad.ops.ReshapeOp;
import org.jitgrad.ops.SoftmaxOp;
import org.jitgrad.ops.UnaryOp;

/**
 * A dense float32 tensor, contiguous and row-major, of rank 0 to {@value Shape#MAX_RANK}.
 *
 * <p>Every op computes its value at once and, when an input tracks gradients and no {@link NoGrad}
 * scope is open, records how to send gradients back. {@link #backward()} then walks that graph.
 * Mark parameters with {@link #requiresGrad()}.
 *
 * <p>Elementwise ops broadcast as NumPy and PyTorch do: shapes are aligned at their last dimension and
 * a dimension of 1 (or a missing leading one) is repeated; the gradient of a broadcast input is summed
 * back to its shape. Shapes that do not broadcast are a {@link ShapeException} naming the op and both
 * shapes. Negative axes count from the end.
 *
 * <p>Every op allocates a new output array; layout ops ({@link #permute}, {@link #slice}, {@link #reshape}) copy
 * too, there are no strided views. The factories taking a shape throw {@link ShapeException} for a rank above
 * {@value Shape#MAX_RANK}, a negative dimension or more than 2^31-1 elements.
 *
 * <p>Tensors are not thread-safe; op outputs are never modified by later ops.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;
    private final Node gradFn;
    private boolean requiresGrad;
    private Tensor grad;

    private Tensor(Shape shape, float[] data, Node gradFn) {
        this.shape = shape;
        this.data = data;
        this.gradFn = gradFn;
    }

    // ---- factories -------------------------------------------------------------------------------

    /**
     * A tensor holding a copy of {@code data} with the given shape.
     *
     * @param data  the values, row-major
     * @param shape the dimensions; none for a scalar
     * @throws ShapeException if {@code data.length} is not the shape's element count
     */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(checkedShape(data, shape), data.clone(), null);
    }

    /**
     * Like {@link #of} but shares {@code data} instead of copying it: later writes to the array show.
     *
     * @throws ShapeException if {@code data.length} is not the shape's element count
     */
    public static Tensor wrap(float[] data, int... shape) {
        return new Tensor(checkedShape(data, shape), data, null);
    }

    private static Shape checkedShape(float[] data, int[] dims) {
        Shape s = Shape.of(dims);
        if (data.length != s.size()) {
            throw new ShapeException("Tensor.of: " + data.length + " values do not fill shape " + s
                    + " (" + s.size() + " elements)");
        }
        return s;
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(Shape.SCALAR, new float[] {value}, null);
    }

    /** Zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        Shape s = Shape.of(shape);
        return new Tensor(s, new float[s.size()], null);
    }

    /** Ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** {@code value} everywhere. */
    public static Tensor full(float value, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[s.size()];
        Arrays.fill(d, value);
        return new Tensor(s, d, null);
    }

    /**
     * Standard normal samples from a {@link Random} seeded with {@code seed}, in row-major order: the same seed and
     * shape give the same values.
     */
    public static Tensor randn(long seed, int... shape) {
        Shape s = Shape.of(shape);
        Random r = new Random(seed);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return new Tensor(s, d, null);
    }

    /**
     * Uniform samples in {@code [low, high)} from a {@link Random} seeded with {@code seed}, in row-major order.
     *
     * @throws IllegalArgumentException unless {@code low < high} (NaN bounds included)
     */
    public static Tensor uniform(long seed, float low, float high, int... shape) {
        if (!(low < high)) throw new IllegalArgumentException("uniform: low " + low + " must be below high " + high);
        Shape s = Shape.of(shape);
        Random r = new Random(seed);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = low + (high - low) * r.nextFloat();
        return new Tensor(s, d, null);
    }

    /**
     * For engines: a tensor computed by an op, with the tape node that produced it (or null).
     * Takes ownership of {@code data}; nothing is checked.
     *
     * @param data   the values, row-major, exactly {@code shape.size()} of them
     * @param gradFn the node that records how to send gradients back, or null for a value without a graph
     */
    public static Tensor computed(Shape shape, float[] data, Node gradFn) {
        return new Tensor(shape, data, gradFn);
    }

    // ---- properties ------------------------------------------------------------------------------

    /** The shape. */
    public Shape shape() { return shape; }

    /** Number of elements. */
    public int size() { return shape.size(); }

    /** Number of dimensions. */
    public int rank() { return shape.rank(); }

    /**
     * A copy of the values, row-major. Not allowed while a function is being traced: the tracer throws
     * (the compiler's {@code TraceException}).
     */
    public float[] toArray() {
        OpObserver o = OpObserver.current();
        if (o != null) o.onRead(this, "toArray()");
        return data.clone();
    }

    /**
     * The value of a one-element tensor (of any rank). Not allowed while a function is being traced: the tracer throws
     * (the compiler's {@code TraceException}).
     *
     * @throws IllegalStateException if the tensor has more than one element
     */
    public float item() {
        if (shape.size() != 1) {
            throw new IllegalStateException("item(): tensor of shape " + shape + " has " + shape.size()
                    + " elements; item() needs exactly one");
        }
        OpObserver o = OpObserver.current();
        if (o != null) o.onRead(this, "item()");
        return data[0];
    }

    /**
     * The live backing array, row-major, for kernels, optimizers and engines. Writing it bypasses
     * autograd; prefer {@link #toArray()} to read.
     */
    public float[] storage() { return data; }

    /**
     * Marks this leaf as a parameter whose gradient {@link #backward()} accumulates.
     *
     * @return this tensor
     * @throws IllegalStateException if this tensor was computed by an op (it is not a leaf)
     */
    public Tensor requiresGrad() {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad(): only leaf tensors can be marked; this one was computed by "
                    + gradFn.op().name());
        }
        requiresGrad = true;
        return this;
    }

    /** Whether this is a marked parameter (a leaf whose gradient is accumulated). */
    public boolean isParameter() { return requiresGrad; }

    /** Whether gradients flow to this tensor: a parameter, or computed from one with the graph recorded. */
    public boolean tracksGrad() { return requiresGrad || gradFn != null; }

    /** The tape node that computed this tensor, or null for a leaf or a value computed without a graph. */
    public Node gradFn() { return gradFn; }

    /** The accumulated gradient of a parameter, or null before any backward pass reached it. */
    public Tensor grad() { return grad; }

    /**
     * Replaces the gradient.
     *
     * @throws ShapeException if {@code g} is not null and its shape differs from this tensor's
     */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape.equals(shape)) {
            throw new ShapeException("setGrad: gradient " + g.shape + " does not match tensor " + shape);
        }
        grad = g;
    }

    /**
     * Adds {@code g} into this tensor's gradient, outside autograd; on first use the gradient is a copy of {@code g}.
     *
     * @throws ShapeException if {@code g}'s shape differs from this tensor's
     */
    public void accumulateGrad(Tensor g) {
        if (!g.shape.equals(shape)) {
            throw new ShapeException("accumulateGrad: gradient " + g.shape + " does not match tensor " + shape);
        }
        if (grad == null) {
            grad = new Tensor(shape, g.data.clone(), null);
        } else {
            BinaryKernels.addVV(grad.data, 0, g.data, 0, grad.data, 0, shape.size());
        }
    }

    /** Sets the gradient to zeros (keeping its storage), if there is one. */
    public void zeroGrad() {
        if (grad != null) Arrays.fill(grad.data, 0f);
    }

    /** A leaf sharing these values (writes to either show in both) that tracks no gradient and is no parameter. */
    public Tensor detach() {
        return new Tensor(shape, data, null);
    }

    /**
     * Overwrites the values with {@code values} (same element count), outside autograd: for loading
     * checkpoints and publishing weights.
     *
     * @throws ShapeException if {@code values.length} is not this tensor's element count
     */
    public void copyFrom(float[] values) {
        if (values.length != data.length) {
            throw new ShapeException("copyFrom: " + values.length + " values for tensor " + shape);
        }
        System.arraycopy(values, 0, data, 0, data.length);
    }

    // ---- autograd --------------------------------------------------------------------------------

    /**
     * Backpropagates from this one-element tensor (seed 1): each parameter reached gets d this / d
     * parameter added to its {@link #grad()}. The graph is released afterwards.
     *
     * @throws IllegalStateException if this tensor has more than one element, tracks no gradient, or
     *                               its graph was already released by an earlier backward
     */
    public void backward() {
        if (shape.size() != 1) {
            throw new IllegalStateException("backward(): tensor of shape " + shape
                    + " is not a scalar; pass the upstream gradient with backward(grad)");
        }
        Backprop.run(this, new Tensor(shape, new float[] {1f}, null));
    }

    /**
     * Backpropagates from this tensor with upstream gradient {@code g}: each parameter reached gets the
     * vector-Jacobian product added to its {@link #grad()}. The graph is released afterwards.
     *
     * @param g the gradient of the final result with respect to this tensor; same shape as this
     * @throws ShapeException        if {@code g}'s shape differs from this tensor's
     * @throws IllegalStateException if this tensor tracks no gradient or its graph was already released
     */
    public void backward(Tensor g) {
        if (!g.shape.equals(shape)) {
            throw new ShapeException("backward(grad): gradient " + g.shape + " does not match tensor " + shape);
        }
        Backprop.run(this, g);
    }

    // ---- ops -------------------------------------------------------------------------------------

    /** Elementwise sum, broadcast. */
    public Tensor add(Tensor o) { return Eager.apply(BinaryOp.ADD, OpParams.NONE, this, o); }

    /** Adds the constant {@code c} to every element. */
    public Tensor add(float c) { return add(scalar(c)); }

    /** Elementwise difference {@code this - o}, broadcast. */
    public Tensor sub(Tensor o) { return Eager.apply(BinaryOp.SUB, OpParams.NONE, this, o); }

    /** Elementwise product, broadcast. */
    public Tensor mul(Tensor o) { return Eager.apply(BinaryOp.MUL, OpParams.NONE, this, o); }

    /** Multiplication by a constant. */
    public Tensor mul(float c) { return Eager.apply(UnaryOp.SCALE, new OpParams.Scalar(c), this); }

    /** Elementwise quotient {@code this / o}, broadcast; division by zero gives infinities or NaN, as in IEEE float. */
    public Tensor div(Tensor o) { return Eager.apply(BinaryOp.DIV, OpParams.NONE, this, o); }

    /** Elementwise negation. */
    public Tensor neg() { return Eager.apply(UnaryOp.NEG, OpParams.NONE, this); }

    /** Elementwise {@code e^x}. */
    public Tensor exp() { return Eager.apply(UnaryOp.EXP, OpParams.NONE, this); }

    /** Elementwise natural logarithm: {@code -Infinity} at 0, NaN below. */
    public Tensor log() { return Eager.apply(UnaryOp.LOG, OpParams.NONE, this); }

    /** Elementwise square root; NaN for negative elements. */
    public Tensor sqrt() { return Eager.apply(UnaryOp.SQRT, OpParams.NONE, this); }

    /** Elementwise {@code x^p} for a constant exponent {@code p}; with {@code p = 0} the gradient is zero everywhere. */
    public Tensor pow(float p) { return Eager.apply(UnaryOp.POW, new OpParams.Scalar(p), this); }

    /**
     * Elementwise hyperbolic tangent, as a rational approximation (absolute error below 5e-7, never beyond ±1) that
     * both engines compute alike; see {@link UnaryOp#TANH}.
     */
    public Tensor tanh() { return Eager.apply(UnaryOp.TANH, OpParams.NONE, this); }

    /** Elementwise logistic function {@code 1 / (1 + e^-x)}. */
    public Tensor sigmoid() { return Eager.apply(UnaryOp.SIGMOID, OpParams.NONE, this); }

    /** Elementwise {@code max(x, 0)}; the gradient is 0 where the output is 0. */
    public Tensor relu() { return Eager.apply(UnaryOp.RELU, OpParams.NONE, this); }

    /**
     * Elementwise maximum. The gradient goes to the larger input; on a tie all of it goes to
     * {@code this} (the first input).
     */
    public Tensor maximum(Tensor o) { return Eager.apply(BinaryOp.MAXIMUM, OpParams.NONE, this, o); }

    /**
     * Elementwise minimum. The gradient goes to the smaller input; on a tie all of it goes to
     * {@code this} (the first input).
     */
    public Tensor minimum(Tensor o) { return Eager.apply(BinaryOp.MINIMUM, OpParams.NONE, this, o); }

    /** The error function, elementwise, as a rational approximation (absolute error below 4e-7); see {@link UnaryOp#ERF}. */
    public Tensor erf() { return Eager.apply(UnaryOp.ERF, OpParams.NONE, this); }

    /** GELU, exact: {@code x·Φ(x) = 0.5·x·(1 + erf(x/√2))} (PyTorch's default); one op, see {@link UnaryOp#GELU}. */
    public Tensor gelu() { return Eager.apply(UnaryOp.GELU, OpParams.NONE, this); }

    // ---- comparisons and selection -----------------------------------------------------------------

    /** {@code this > o ? 1 : 0}, broadcast; no gradient flows through a comparison. */
    public Tensor gt(Tensor o) { return Eager.apply(BinaryOp.GT, OpParams.NONE, this, o); }

    /** {@code this < o ? 1 : 0}, broadcast. */
    public Tensor lt(Tensor o) { return Eager.apply(BinaryOp.LT, OpParams.NONE, this, o); }

    /** {@code this >= o ? 1 : 0}, broadcast. */
    public Tensor ge(Tensor o) { return Eager.apply(BinaryOp.GE, OpParams.NONE, this, o); }

    /** {@code this <= o ? 1 : 0}, broadcast. */
    public Tensor le(Tensor o) { return Eager.apply(BinaryOp.LE, OpParams.NONE, this, o); }

    /** {@code this == o ? 1 : 0}, broadcast. */
    public Tensor eq(Tensor o) { return Eager.apply(BinaryOp.EQ, OpParams.NONE, this, o); }

    /** {@code this > c ? 1 : 0}. */
    public Tensor gt(float c) { return gt(scalar(c)); }

    /** {@code this < c ? 1 : 0}. */
    public Tensor lt(float c) { return lt(scalar(c)); }

    /** {@code this >= c ? 1 : 0}. */
    public Tensor ge(float c) { return ge(scalar(c)); }

    /** {@code this <= c ? 1 : 0}. */
    public Tensor le(float c) { return le(scalar(c)); }

    /** {@code this == c ? 1 : 0}. */
    public Tensor eq(float c) { return eq(scalar(c)); }

    /**
     * {@code a} where {@code cond} is non-zero, else {@code b}; all three broadcast together. The
     * condition gets no gradient; {@code a} gets the upstream gradient where it was chosen, {@code b} elsewhere.
     *
     * @param cond a mask, such as a comparison's 0/1 result
     * @throws ShapeException if the three shapes do not broadcast together
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Eager.apply(WhereOp.WHERE, OpParams.NONE, cond, a, b);
    }

    /**
     * This tensor with {@code value} wherever {@code mask} (broadcast to this shape) is non-zero.
     * {@code -Infinity} before a {@link #softmax} masks entries out; a row masked entirely has softmax 0.
     * The filled positions get no gradient.
     *
     * @param mask  non-zero where {@code value} goes; it gets no gradient
     * @throws ShapeException if the mask does not broadcast to this tensor's shape
     */
    public Tensor maskedFill(Tensor mask, float value) {
        if (!Broadcast.broadcastsTo(mask.shape(), shape)) {
            throw new ShapeException("maskedFill: mask " + mask.shape() + " does not broadcast to " + shape);
        }
        return where(mask, scalar(value), this);
    }

    /**
     * This tensor repeated along broadcast dimensions to {@code target} (NumPy's rule), as a copy; the gradient is
     * summed back to this shape.
     *
     * @throws ShapeException if this shape does not broadcast to {@code target}
     */
    public Tensor broadcastTo(int... target) {
        return Eager.apply(BroadcastOp.BROADCAST_TO, new OpParams.Target(Shape.of(target)), this);
    }

    // ---- composites: compositions of the primitives above, differentiated through them -------------

    /** GELU, tanh approximation: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. */
    public Tensor geluTanh() {
        Tensor inner = add(pow(3f).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
        return mul(inner.tanh().add(1f)).mul(0.5f);
    }

    /**
     * Layer normalization over the last dimension, as PyTorch's: {@code (x - mean) / sqrt(var + eps)}
     * with the biased variance, then {@code · weight + bias}.
     *
     * @param weight {@code [lastDim]} or null
     * @param bias   {@code [lastDim]} or null
     * @param eps    added to the variance, at least 0 (PyTorch's default is 1e-5)
     * @throws ShapeException           if weight or bias is not a vector of the last dimension's length
     * @throws IllegalArgumentException if {@code eps} is negative or NaN
     */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) {
        int c = shape.lastDim();
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null && !t.shape.equals(Shape.of(c))) {
                throw new ShapeException("layerNorm: weight and bias must have shape [" + c + "] for input " + shape
                        + ", got " + t.shape);
            }
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("layerNorm: eps must be >= 0, got " + eps);
        Tensor y = Eager.apply(NormOp.NORMALIZE, new OpParams.Scalar(eps), this);
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    // ---- layout ops ---------------------------------------------------------------------------------

    /**
     * A copy with the axes reordered: output axis {@code i} is input axis {@code dims[i]} (negative entries count
     * from the end), as PyTorch's {@code permute}. The gradient is permuted back.
     *
     * @throws ShapeException naming the dims and the shape unless {@code dims} is a permutation of the axes
     */
    public Tensor permute(int... dims) {
        return Eager.apply(LayoutOp.PERMUTE, new OpParams.Permutation(LayoutOp.normalizePermutation(dims, shape)), this);
    }

    /**
     * A copy with axes {@code a} and {@code b} swapped (negative axes count from the end), for any rank up to
     * {@value Shape#MAX_RANK}; {@code transpose(-2, -1)} transposes a batch of matrices.
     *
     * @throws ShapeException naming the axis and the shape if either axis is out of range
     */
    public Tensor transpose(int a, int b) {
        int x = shape.normalizeAxis(a, "transpose"), y = shape.normalizeAxis(b, "transpose");
        int[] dims = new int[shape.rank()];
        for (int i = 0; i < dims.length; i++) dims[i] = i;
        dims[x] = y;
        dims[y] = x;
        return Eager.apply(LayoutOp.PERMUTE, new OpParams.Permutation(dims), this);
    }

    /**
     * A copy of the elements {@code [start, end)} along {@code axis} (negative counts from the end). Out-of-range
     * bounds are rejected, not clamped. The gradient is zero outside the range.
     *
     * @param start the first index kept
     * @param end   one past the last index kept
     * @throws ShapeException naming the axis, start, end and shape unless {@code 0 <= start <= end <= dim(axis)}
     */
    public Tensor slice(int axis, int start, int end) {
        int ax = shape.normalizeAxis(axis, "slice");
        LayoutOp.checkRange(axis, start, end, shape.dim(ax), shape);
        return Eager.apply(LayoutOp.SLICE, new OpParams.Range(ax, start, end), this);
    }

    /**
     * The parts joined along {@code axis} (negative counts from the end), as {@code torch.cat}: all parts have the
     * same rank and the same dimensions except along {@code axis}. Each part's gradient is its slice of the output's.
     *
     * @throws IllegalArgumentException if there are no parts or a part is null
     * @throws ShapeException           naming the shapes if a part's rank or another dimension differs, or naming the
     *                                  axis if it is out of range
     */
    public static Tensor cat(int axis, Tensor... parts) {
        if (parts == null || parts.length == 0) throw new IllegalArgumentException("cat: needs at least one tensor");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == null) throw new IllegalArgumentException("cat: part " + i + " is null");
        }
        int ax = parts[0].shape.normalizeAxis(axis, "cat");
        Shape[] shapes = new Shape[parts.length];
        for (int i = 0; i < parts.length; i++) shapes[i] = parts[i].shape;
        LayoutOp.concatShape(axis, ax, shapes);
        return Eager.apply(LayoutOp.CONCAT, new OpParams.Axis(ax, false), parts);
    }

    /**
     * Consecutive slices of {@code size} elements along {@code axis} (negative counts from the end), the last one
     * shorter when {@code size} does not divide the axis: PyTorch's {@code split} with an integer size. An empty axis
     * gives one empty slice.
     *
     * @param size the length of each slice along {@code axis}, the last one excepted
     * @return the slices in order, each a copy, as an unmodifiable list
     * @throws IllegalArgumentException if {@code size <= 0}
     * @throws ShapeException           naming the axis and the shape if the axis is out of range
     */
    public List<Tensor> split(int size, int axis) {
        if (size <= 0) {
            throw new IllegalArgumentException("split: size must be > 0, got " + size + " (axis " + axis + " of shape "
                    + shape + ")");
        }
        int ax = shape.normalizeAxis(axis, "split");
        int len = shape.dim(ax);
        List<Tensor> chunks = new ArrayList<>();
        if (len == 0) chunks.add(slice(ax, 0, 0));
        for (int start = 0; start < len; start += size) chunks.add(slice(ax, start, (int) Math.min(len, (long) start + size)));
        return List.copyOf(chunks);
    }

    // ---- indexing ops -------------------------------------------------------------------------------

    /**
     * Embedding lookup: row {@code ids[...]} of {@code table} for every id, so the result has shape
     * {@code ids.shape + [dim]}. The ids are integral values stored as floats; they get no gradient.
     * The table's gradient is a scatter-add of the upstream rows (repeated ids accumulate).
     *
     * @param table {@code [rows, dim]}
     * @param ids   any shape of rank at most 3
     * @return {@code [*ids.shape, dim]}
     * @throws ShapeException           if the table is not 2-D or the ids' rank exceeds 3
     * @throws IllegalArgumentException naming the position and value of the first id that is not an
     *                                  integer in {@code [0, rows)} (also NaN), before anything is computed
     */
    public static Tensor embedding(Tensor table, Tensor ids) {
        return Eager.apply(IndexOp.EMBEDDING, OpParams.NONE, table, ids);
    }

    // ---- convolution and pooling --------------------------------------------------------------------

    /**
     * 2-D convolution (cross-correlation, as PyTorch's {@code conv2d}) of this {@code [N, Cin, H, W]} tensor with
     * {@code weight [Cout, Cin, kh, kw]}, zero-padded by {@code padding} on every side, the window moved by
     * {@code stride} along both axes: the result is {@code [N, Cout, Ho, Wo]} with
     * {@code Ho = (H + 2·padding - kh) / stride + 1} (likewise {@code Wo}). The bias, if given, is added to each
     * output channel.
     *
     * @param weight  {@code [Cout, Cin, kh, kw]}
     * @param bias    {@code [Cout]}, or null for none
     * @param stride  at least 1
     * @param padding at least 0
     * @return {@code [N, Cout, Ho, Wo]}
     * @throws IllegalArgumentException for a stride below 1 or a negative padding
     * @throws ShapeException           if this or the weight is not rank 4, the channels differ, the kernel is larger
     *                                  than the padded input, or the bias is not {@code [Cout]}
     */
    public Tensor conv2d(Tensor weight, Tensor bias, int stride, int padding) {
        java.util.Objects.requireNonNull(weight, "conv2d: weight is null");
        OpParams.Conv params = new OpParams.Conv(stride, padding);
        Shape out = ConvOp.CONV2D.outputShape(params, shape, weight.shape);
        int channels = out.dim(1);
        if (bias != null && !bias.shape.equals(Shape.of(channels))) {
            throw new ShapeException("conv2d: bias must have shape [" + channels + "] for weight " + weight.shape
                    + ", got " + bias.shape);
        }
        Tensor y = Eager.apply(ConvOp.CONV2D, params, this, weight);
        return bias == null ? y : y.add(bias.reshape(1, channels, 1, 1));
    }

    /**
     * 2-D max pooling of this {@code [N, C, H, W]} tensor, as PyTorch's {@code max_pool2d} without padding:
     * the maximum of each {@code kernel x kernel} window, windows {@code stride} apart, giving
     * {@code [N, C, (H - kernel) / stride + 1, (W - kernel) / stride + 1]}. The gradient goes to the first maximum of
     * each window in row-major order.
     *
     * @throws IllegalArgumentException for a kernel or stride below 1
     * @throws ShapeException           if this is not rank 4 or the window is larger than the input
     */
    public Tensor maxPool2d(int kernel, int stride) {
        return Eager.apply(ConvOp.MAX_POOL2D, new OpParams.Window(kernel, stride, 0), this);
    }

    /**
     * 2-D average pooling of this {@code [N, C, H, W]} tensor, as PyTorch's {@code avg_pool2d} without padding: the
     * mean of each {@code kernel x kernel} window, windows {@code stride} apart.
     *
     * @throws IllegalArgumentException for a kernel or stride below 1
     * @throws ShapeException           if this is not rank 4 or the window is larger than the input
     */
    public Tensor avgPool2d(int kernel, int stride) {
        return Eager.apply(ConvOp.AVG_POOL2D, new OpParams.Window(kernel, stride, 0), this);
    }

    // ---- random ops ---------------------------------------------------------------------------------

    /**
     * Inverted dropout, as PyTorch's in training: each element is zeroed with probability {@code p}
     * and the others are scaled by {@code 1/(1-p)}, by multiplying with a mask drawn from
     * {@code stream} (its next draw; a compiled step draws anew on every call). The gradient flows
     * through the multiplication. While the stream is disabled (evaluation) the mask is all ones, so
     * the result equals this tensor; with {@code p = 0} this tensor itself is returned.
     *
     * @param p      the probability of zeroing an element
     * @param stream the random state that supplies the mask and tells training from evaluation
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)}
     */
    public Tensor dropout(float p, RandomStream stream) {
        OpParams.BernoulliMask mask = new OpParams.BernoulliMask(shape, p, stream);
        if (p == 0f) return this;
        return mul(Eager.apply(RandomOp.BERNOULLI_MASK, mask));
    }

    /**
     * Matrix product as {@code torch.matmul} for ranks 2 to 4: {@code [m,k] x [k,n] -> [m,n]}, and the dimensions
     * before the last two are batch dimensions that broadcast ({@code [B,T,C] x [C,D] -> [B,T,D]},
     * {@code [B,1,T,d] x [H,d,T] -> [B,H,T,T]}). Rank-1 operands are rejected (reshape a vector to a matrix).
     *
     * @throws ShapeException naming both shapes if a rank is below 2, the inner dimensions differ or the batch
     *                        dimensions do not broadcast
     */
    public Tensor matmul(Tensor o) { return Eager.apply(LinalgOp.MATMUL, new OpParams.Transposes(false, false), this, o); }

    /**
     * The transpose of a matrix, as a copy.
     *
     * @throws ShapeException if this tensor is not rank 2
     */
    public Tensor transpose() { return Eager.apply(LinalgOp.TRANSPOSE, OpParams.NONE, this); }

    /**
     * The same values in another shape of the same element count, as a copy. One dimension may be {@code -1}: it is
     * inferred from the element count, as in PyTorch ({@code x.reshape(-1, 10)}).
     *
     * @throws ShapeException if the element counts differ, the new shape is invalid, or a {@code -1} cannot be inferred
     *                        (more than one, or the other dimensions do not divide the element count)
     */
    public Tensor reshape(int... newShape) {
        return Eager.apply(ReshapeOp.RESHAPE, new OpParams.Target(inferred(newShape)), this);
    }

    /** {@code dims} with its one {@code -1}, if any, replaced by what makes the element count this tensor's. */
    private Shape inferred(int[] dims) {
        int at = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (at >= 0) throw new ShapeException("reshape: at most one -1 in " + Arrays.toString(dims));
                at = i;
            } else if (dims[i] < 0) {
                return Shape.of(dims);  // refuses it, naming the dimension
            } else {
                known = Math.min(known * dims[i], Integer.MAX_VALUE + 1L);
            }
        }
        if (at < 0) return Shape.of(dims);
        if (known == 0 || size() % known != 0) {
            throw new ShapeException("reshape: cannot infer the -1 in " + Arrays.toString(dims) + " for " + shape() + " ("
                    + size() + " elements)");
        }
        int[] resolved = dims.clone();
        resolved[at] = (int) (size() / known);
        return Shape.of(resolved);
    }

    /** Sum of all elements, as a scalar (0 for an empty tensor). */
    public Tensor sum() { return Eager.apply(ReduceOp.SUM, OpParams.NONE, this); }

    /**
     * Sum along {@code axis} (negative counts from the end).
     *
     * @param keepDim whether the reduced axis stays, with length 1, or is removed
     * @throws ShapeException if the axis is out of range
     */
    public Tensor sum(int axis, boolean keepDim) {
        return Eager.apply(ReduceOp.SUM_AXIS, new OpParams.Axis(shape.normalizeAxis(axis, "sum"), keepDim), this);
    }

    /**
     * Mean of all elements, as a scalar.
     *
     * @throws ShapeException if the tensor is empty
     */
    public Tensor mean() {
        if (shape.size() == 0) throw new ShapeException("mean: tensor of shape " + shape + " is empty");
        return sum().mul(1f / shape.size());
    }

    /**
     * Mean along {@code axis} (negative counts from the end).
     *
     * @param keepDim whether the reduced axis stays, with length 1, or is removed
     * @throws ShapeException if the axis is out of range or has length 0
     */
    public Tensor mean(int axis, boolean keepDim) {
        int len = shape.dim(shape.normalizeAxis(axis, "mean"));
        if (len == 0) throw new ShapeException("mean: axis " + axis + " of shape " + shape + " is empty");
        return sum(axis, keepDim).mul(1f / len);
    }

    /**
     * Maximum along {@code axis} (negative counts from the end), dropping the axis; the gradient goes to the first
     * arg-max. Only the values are returned, not the indices.
     *
     * @throws ShapeException if the axis is out of range or has length 0
     */
    public Tensor max(int axis) { return max(axis, false); }

    /**
     * Maximum along {@code axis} (negative counts from the end); the gradient goes to the first arg-max.
     *
     * @param keepDim whether the reduced axis stays, with length 1, or is removed
     * @throws ShapeException if the axis is out of range or has length 0
     */
    public Tensor max(int axis, boolean keepDim) {
        return Eager.apply(ReduceOp.MAX_AXIS, new OpParams.Axis(shape.normalizeAxis(axis, "max"), keepDim), this);
    }

    /**
     * Softmax along {@code axis} (negative counts from the end). A slice that is entirely {@code -Infinity} gives 0
     * with gradient 0, where PyTorch gives NaN.
     *
     * @throws ShapeException if the axis is out of range
     */
    public Tensor softmax(int axis) {
        return Eager.apply(SoftmaxOp.SOFTMAX, new OpParams.Axis(shape.normalizeAxis(axis, "softmax"), true), this);
    }

    /**
     * Log-softmax along {@code axis} (negative counts from the end), computed as {@code x - max - log Σ exp(x - max)}
     * rather than as the log of {@link #softmax}, so large inputs do not overflow.
     *
     * @throws ShapeException if the axis is out of range
     */
    public Tensor logSoftmax(int axis) {
        return Eager.apply(SoftmaxOp.LOG_SOFTMAX, new OpParams.Axis(shape.normalizeAxis(axis, "logSoftmax"), true), this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shape).append(' ');
        int shown = Math.min(8, data.length);
        sb.append('[');
        for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : ", ").append(data[i]);
        if (shown < data.length) sb.append(", ...");
        sb.append(']');
        if (gradFn != null) sb.append(" gradFn=").append(gradFn.op().name());
        else if (requiresGrad) sb.append(" requiresGrad");
        return sb.toString();
    }
}
