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

    /** A record that arrived after its window fired. */
    void late(LateRecord record);

    /** A record that could not be processed. */
    void rejected(RejectedRecord record);

    /** Outputs that keep everything in memory, for tests and the local driver. */
    static CollectingOutputs collecting() {
        return new CollectingOutputs();
    }
}
