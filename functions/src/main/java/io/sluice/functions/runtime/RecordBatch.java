package io.sluice.functions.runtime;

import io.sluice.state.Fence;

/**
 * An ordered batch of raw records of one split, as a driver received it: a Kinesis event's records, a chunk of
 * lines of an S3 object or a file. Positions increase strictly within a batch.
 */
public interface RecordBatch {

    int size();

    /** Buffer holding record {@code i}. */
    byte[] buffer(int i);

    /** Offset of record {@code i} in its buffer. */
    int offset(int i);

    /** Length of record {@code i} in bytes (for an oversized record, its full length). */
    int length(int i);

    /** Whether record {@code i} was over the driver's size bound, so its bytes were not kept. */
    default boolean oversized(int i) {
        return false;
    }

    /**
     * If every record lies back to back in one buffer ({@code buffer(i)} the same array for all {@code i}), the end
     * of that region, so a decoder may read the records with one parser; otherwise -1.
     */
    default int contiguousEnd() {
        return -1;
    }

    /** Source position of record {@code i}. */
    Fence fence(int i);

    /** Human-readable coordinates of record {@code i}, such as {@code seq=4959...} or {@code line=17}. */
    String position(int i);
}
