package org.jitgrad.interop.safetensors;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** The order tensors are written in: by name, comparing UTF-8 bytes (code points), as the reference implementation sorts. */
final class TensorNames {
    private TensorNames() {}

    /** Code-point order of names (which Java's {@link String#compareTo} is not, for characters above U+FFFF). */
    static final Comparator<String> ORDER = (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
            b.getBytes(StandardCharsets.UTF_8));
}
