package io.sluice.functions.local;

import io.sluice.functions.runtime.RunMetrics;

import java.time.Duration;

/**
 * What a local run did.
 *
 * @param mode    "batch" or "stream"
 * @param splits  number of tasks or shards
 * @param metrics counters: records in, rejected, late, windows fired, rows out, state writes
 * @param elapsed wall time of the run
 */
public record RunSummary(String mode, int splits, RunMetrics metrics, Duration elapsed) {

    /** Records read per second of wall time. */
    public double recordsPerSecond() {
        double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
        return metrics.recordsIn() / seconds;
    }

    /** One line for humans: {@code batch x2: 1000000 records, 0 dead letters, 0 late, 60 windows, 2.1 s, 476190 records/s}. */
    public String describe() {
        return String.format("%s x%d: %d records in, %d dead letters, %d late, %d windows, %d result rows, %d state writes, "
                        + "largest partial %d bytes (hottest key %d bytes), %.2f s, %.0f records/s", mode, splits,
                metrics.recordsIn(), metrics.rejected(), metrics.late(), metrics.windowsFired(), metrics.rowsOut(),
                metrics.partialWrites(), metrics.largestPartialBytes(), metrics.largestKeyStateBytes(),
                elapsed.toNanos() / 1e9, recordsPerSecond());
    }
}
