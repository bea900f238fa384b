package io.sluice.functions.io;

/**
 * Where single records go: late records to their side output, rejected records to the dead-letter destination.
 * Implementations derive the destination's id from the record's split and position, so a retried batch that sends
 * the same record again never counts it twice downstream. {@link #writeAll} takes the records of one batch of one
 * split at once, so a sink can group them into few calls (one S3 object, SQS batches of 10).
 *
 * <pre>{@code
 * RecordSink<RejectedRecord> deadLetters = r -> System.err.println(r.reason());
 * }</pre>
 *
 * @param <T> {@link io.sluice.functions.runtime.LateRecord} or {@link io.sluice.functions.runtime.RejectedRecord}
 */
@FunctionalInterface
public interface RecordSink<T> {

    /** @throws RuntimeException if the destination fails; the batch is then retried */
    void write(T record);

    /**
     * Writes the records of one batch of one split, in their order; all of them are written when it returns.
     *
     * @throws RuntimeException if the destination fails; the batch is then retried and sends them again
     */
    default void writeAll(java.util.List<T> records) {
        records.forEach(this::write);
    }
}
