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
}
