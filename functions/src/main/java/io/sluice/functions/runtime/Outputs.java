package io.sluice.functions.runtime;

import java.util.List;

/**
 * Where the runtime sends what it produces: results (final and early), late records and rejected records. Bound by
 * each driver: files for the CLI, S3 / DynamoDB / Kinesis / SQS in Lambda. Implementations must be thread-safe and
 * should be idempotent by the rows' and records' coordinates, since a retried batch or firing sends them again.
 */
public interface Outputs {

    /** Results of one firing of one window (all rows of that window) or of an early update. */
    void results(List<ResultRow> rows);

    /**
     * Final results of several windows fired together: one list per window, each what {@link #results} would get,
     * in the order they fire (by window end). Returns, or throws, only once every window's rows are handed over: the
     * firer marks the windows fired only after it returns, and on a failure fires them all again.
     *
     * <p>By default one {@link #results} call per window, one after the other, in that order: an output that depends
     * on the order of windows, or on one call per window, needs nothing. One whose destinations are keyed by window
     * (every sink of {@code SinkOutputs}) may write the windows together.
     */
    default void resultsOfWindows(List<List<ResultRow>> windows) {
        for (List<ResultRow> rows : windows) {
            results(rows);
        }
    }

    /** A record that arrived after its window fired. */
    void late(LateRecord record);

    /** A record that could not be processed. */
    void rejected(RejectedRecord record);

    /**
     * Makes the late and rejected records of {@code split} handed over so far durable. The runtime calls it before it
     * writes any partial of the batch they came from (and a firer after a window row it could not fire), so an
     * implementation may hold them until then and send a batch's records together: if sending fails, nothing of the
     * batch is stored and the retry emits them again. Implementations that write each record at once need nothing.
     *
     * @throws RuntimeException if the destination fails; the batch is then retried
     */
    default void flush(String split) {
    }

    /** Outputs that keep everything in memory, for tests and the local driver. */
    static CollectingOutputs collecting() {
        return new CollectingOutputs();
    }
}
