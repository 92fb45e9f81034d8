package org.jitgrad.interop.safetensors;

import java.util.Arrays;
import java.util.Set;
import org.jitgrad.tensor.Shape;

/**
 * One tensor as a safetensors header describes it, before any of its data is read.
 *
 * @param name  the tensor's name (a key of the header)
 * @param dtype the element type's name, e.g. {@code F32}
 * @param shape the dimensions, each at least 0
 * @param begin the first byte of its data, counted from the start of the data section
 * @param end   one past its last byte
 */
record TensorEntry(String name, String dtype, long[] shape, long begin, long end) {
    /** The only element type read. */
    static final String F32 = "F32";
    /** The most elements a Java array (hence a tensor) holds on the usual JVMs. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** The element types of the safetensors format, for messages that tell a foreign dtype from a corrupt one. */
    private static final Set<String> KNOWN_DTYPES = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3",
            "F6_E3M2", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64", "C64");

    /** The byte range as written in the header: {@code [begin, end]}. */
    String offsets() {
        return "[" + begin + ", " + end + "]";
    }

    /**
     * Checks what can be checked of this entry alone, against a data section of {@code dataBytes}: the dtype is F32,
     * the range lies inside the data section, the shape is one a JitGrad tensor can have and its element count times
     * 4 (computed without overflow) is the range's length.
     *
     * @return the JitGrad shape
     * @throws IllegalArgumentException naming the tensor and the fault
     */
    Shape check(long dataBytes) {
        if (!dtype.equals(F32)) {
            throw new IllegalArgumentException(KNOWN_DTYPES.contains(dtype)
                    ? "tensor '" + name + "' has dtype " + dtype + "; only F32 is supported (convert it in PyTorch first: "
                    + "{k: v.float() for k, v in state_dict.items()})"
                    : "tensor '" + name + "' has dtype '" + dtype + "', which is not a safetensors dtype; only F32 is supported");
        }
        if (end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "': data_offsets " + offsets() + " end before they begin");
        }
        if (end > dataBytes) {
            throw new IllegalArgumentException("tensor '" + name + "': data_offsets " + offsets() + " run past the end of the data "
                    + "section (" + dataBytes + " bytes)");
        }
        long elements = 1;
        try {
            for (long d : shape) elements = Math.multiplyExact(elements, d);
            long bytes = Math.multiplyExact(elements, (long) Float.BYTES);
            if (bytes != end - begin) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs " + elements
                        + " F32 values (" + bytes + " bytes) but its data_offsets " + offsets() + " hold " + (end - begin) + " bytes");
            }
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + ", whose element count overflows a 64-bit integer");
        }
        if (shape.length > Shape.MAX_RANK) {
            throw new IllegalArgumentException("tensor '" + name + "' has rank " + shape.length + " (shape " + Arrays.toString(shape)
                    + "); JitGrad tensors have rank at most " + Shape.MAX_RANK);
        }
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE || elements > MAX_ELEMENTS) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                        + " is larger than a JitGrad tensor can be (dimensions up to 2^31-1, at most " + MAX_ELEMENTS + " elements)");
            }
            dims[i] = (int) shape[i];
        }
        return Shape.of(dims);
    }
}
