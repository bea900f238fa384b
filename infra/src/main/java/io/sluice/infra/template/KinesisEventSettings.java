package io.sluice.infra.template;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The settings of one Kinesis event source mapping as the template declares them, with SAM's names, Lambda's defaults
 * and Lambda's bounds (checked here, so a template Lambda would reject fails before anything runs). {@code infra}
 * knows no runtime: the CLI maps these onto the local event-source mapping's configuration.
 *
 * @param functionName          the function's physical name
 * @param streamName            the Kinesis stream to read
 * @param batchSize             {@code BatchSize}, 1 to 10,000 (default 100)
 * @param maximumBatchingWindow {@code MaximumBatchingWindowInSeconds}, 0 to 300 s (default 0)
 * @param startingPosition      {@code StartingPosition} (default TRIM_HORIZON)
 * @param startingPositionTimestamp {@code StartingPositionTimestamp} for AT_TIMESTAMP, else null
 * @param maximumRetryAttempts  {@code MaximumRetryAttempts}, -1 (until the records expire, the default) or 0 to 10,000
 * @param bisectBatchOnFunctionError {@code BisectBatchOnFunctionError} (default false)
 * @param maximumRecordAge      {@code MaximumRecordAgeInSeconds}: null for none (-1, the default), else 60 s to 7 days
 * @param reportBatchItemFailures {@code FunctionResponseTypes} has {@code ReportBatchItemFailures}
 * @param onFailureDestination  {@code DestinationConfig.OnFailure.Destination} (an SQS queue), or null
 * @param parallelizationFactor {@code ParallelizationFactor}: must be 1, exactly-once needs per-shard order
 * @param functionTimeout       the function's {@code Timeout}, else {@code Globals.Function.Timeout}, else SAM's 3 s
 */
public record KinesisEventSettings(String functionName, String streamName, int batchSize,
                                   Duration maximumBatchingWindow, StartingPosition startingPosition,
                                   Instant startingPositionTimestamp, int maximumRetryAttempts,
                                   boolean bisectBatchOnFunctionError, Duration maximumRecordAge,
                                   boolean reportBatchItemFailures, String onFailureDestination,
                                   int parallelizationFactor, Duration functionTimeout) {

    /** Where a shard without a checkpoint starts reading. */
    public enum StartingPosition { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

    /** @throws IllegalArgumentException naming the setting out of Lambda's bounds */
    public KinesisEventSettings {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(maximumBatchingWindow, "maximumBatchingWindow");
        Objects.requireNonNull(startingPosition, "startingPosition");
        Objects.requireNonNull(functionTimeout, "functionTimeout");
        check(batchSize >= 1 && batchSize <= 10_000, "BatchSize must be 1..10000, was " + batchSize);
        check(!maximumBatchingWindow.isNegative() && maximumBatchingWindow.compareTo(Duration.ofSeconds(300)) <= 0,
                "MaximumBatchingWindowInSeconds must be 0..300, was " + maximumBatchingWindow);
        check(maximumRetryAttempts >= -1 && maximumRetryAttempts <= 10_000,
                "MaximumRetryAttempts must be -1..10000, was " + maximumRetryAttempts);
        check(maximumRecordAge == null || maximumRecordAge.compareTo(Duration.ofSeconds(60)) >= 0
                        && maximumRecordAge.compareTo(Duration.ofSeconds(604_800)) <= 0,
                "MaximumRecordAgeInSeconds must be -1 or 60..604800, was "
                        + (maximumRecordAge == null ? null : maximumRecordAge.toSeconds()));
        check(functionTimeout.toMillis() >= 1 && functionTimeout.compareTo(Duration.ofSeconds(900)) <= 0,
                "Timeout must be 1..900 s, was " + functionTimeout);
        check(parallelizationFactor == 1, "ParallelizationFactor must be 1 (was " + parallelizationFactor
                + "): exactly-once needs per-shard order; scale by splitting shards");
        check(startingPosition != StartingPosition.AT_TIMESTAMP || startingPositionTimestamp != null,
                "AT_TIMESTAMP needs StartingPositionTimestamp");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
