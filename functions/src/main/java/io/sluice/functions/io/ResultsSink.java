package io.sluice.functions.io;

import io.sluice.functions.runtime.ResultRow;

import java.util.List;

/**
 * Where fired results go: an S3 object per fired window, a DynamoDB results table, a Kinesis output stream.
 * Implementations are idempotent by construction: a repeated firing writes the same keys with the same bytes.
 *
 * <pre>{@code
 * ResultsSink sink = rows -> rows.forEach(System.out::println);
 * sink.write(List.of(new ResultRow("gmv-total", 0, 10_000, null, value, true)));
 * }</pre>
 */
@FunctionalInterface
public interface ResultsSink {

    /**
     * Writes the rows of one firing (one window, or one session round), final or early.
     *
     * @throws RuntimeException if the destination fails; the caller retries the whole firing
     */
    void write(List<ResultRow> rows);

    /**
     * Writes the final rows of several windows fired together, one list per window in the order they fire (each what
     * {@link #write} would get). Returns, or throws, only once all are written: the firer marks the windows fired
     * after it. By default {@link #write} of each, one after the other; a sink whose writes are keyed by window may
     * send them together (one wait instead of one per window).
     *
     * @throws RuntimeException if the destination fails; the caller retries every window of the call
     */
    default void writeWindows(List<List<ResultRow>> windows) {
        for (List<ResultRow> rows : windows) {
            write(rows);
        }
    }
}
