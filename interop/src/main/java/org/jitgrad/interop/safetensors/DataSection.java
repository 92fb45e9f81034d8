package org.jitgrad.interop.safetensors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rule that ties a header's byte ranges to its data section: together they cover it exactly, each byte belonging
 * to one tensor, with no gap between them and nothing after the last (as the safetensors format requires).
 */
final class DataSection {
    private DataSection() {}

    /**
     * Checks that the ranges of {@code entries} (each inside the section already) tile {@code dataBytes} bytes.
     *
     * @throws IllegalArgumentException naming the overlapping tensors, or the gap and the tensor after it
     */
    static void checkCoverage(List<TensorEntry> entries, long dataBytes) {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        TensorEntry previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() < covered) {
                throw new IllegalArgumentException("tensors '" + previous.name() + "' (data_offsets " + previous.offsets() + ") and '"
                        + e.name() + "' (data_offsets " + e.offsets() + ") overlap");
            }
            if (e.begin() > covered) {
                throw new IllegalArgumentException("bytes [" + covered + ", " + e.begin() + ") of the data section belong to no tensor "
                        + "(a gap before '" + e.name() + "', data_offsets " + e.offsets() + ")");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataBytes) {
            throw new IllegalArgumentException("the data section has " + dataBytes + " bytes but the tensors cover only " + covered
                    + " (" + (dataBytes - covered) + " trailing bytes belong to no tensor)");
        }
    }
}
