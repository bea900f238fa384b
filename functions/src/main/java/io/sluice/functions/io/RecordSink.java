package io.sluice.functions.io;

/**
 * Where single records go: late records to their side output, rejected records to the dead-letter destination.
 * Implementations derive the destination's id from the record's split and position, so a retried batch that sends
 * the same record again never counts it twice downstream.
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
}
