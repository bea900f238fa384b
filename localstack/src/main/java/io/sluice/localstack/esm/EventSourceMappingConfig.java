package io.sluice.localstack.esm;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The settings of one Kinesis event source mapping, with Lambda's names, defaults and bounds; built by
 * {@code infra} from a template's {@code Events: ... Type: Kinesis} properties, or by hand in tests.
 *
 * <pre>{@code
 * EventSourceMappingConfig cfg = EventSourceMappingConfig.forStream("sluice-dev-orders")
 *         .withBatchSize(1000)
 *         .withMaximumRetryAttempts(3)
 *         .withBisectBatchOnFunctionError(true)
 *         .withReportBatchItemFailures(true)
 *         .withOnFailureDestination("arn:aws:sqs:us-east-1:123456789012:sluice-dev-operator-dlq");
 * }</pre>
 *
 * @param functionName name used in logs, checkpoint keys and the failure record's function ARN
 * @param streamName the Kinesis stream to read
 * @param batchSize records per invocation at most, 1 to 10,000 (Lambda's default 100)
 * @param maximumBatchingWindow how long to gather records before invoking, 0 to 300 s (default 0: invoke
 *     as soon as a read returns records)
 * @param startingPosition where a shard without checkpoint starts; child shards always start at their
 *     beginning, as on Lambda
 * @param startingPositionTimestamp the instant for {@link StartingPosition#AT_TIMESTAMP}, else null
 * @param maximumRetryAttempts retries of a failing batch before it goes to the destination; -1 means
 *     until the records expire (Lambda's default), 0 to 10,000 otherwise
 * @param bisectBatchOnFunctionError split a failing batch in two and retry the halves; splits do not
 *     count as retries, so only the failing record itself exhausts them
 * @param maximumRecordAge records older than this (by arrival time) are not invoked but sent to the
 *     destination; null means no limit (Lambda's -1), else 60 s to 7 days
 * @param reportBatchItemFailures honour {@code StreamsEventResponse.batchItemFailures}: resume at the
 *     lowest reported sequence number; an empty or null list means success
 * @param onFailureDestination SQS queue ARN or URL for failure records, or null to discard with a log line
 * @param parallelizationFactor must be 1: exactly-once needs one in-order invocation per shard
 * @param pollInterval local only: the pause between reads of a shard that returned nothing (Lambda: ~1 s)
 * @param retryBackoff local only: the first pause before a retry, doubled up to 1 s
 */
public record EventSourceMappingConfig(
        String functionName,
        String streamName,
        int batchSize,
        Duration maximumBatchingWindow,
        StartingPosition startingPosition,
        Instant startingPositionTimestamp,
        int maximumRetryAttempts,
        boolean bisectBatchOnFunctionError,
        Duration maximumRecordAge,
        boolean reportBatchItemFailures,
        String onFailureDestination,
        int parallelizationFactor,
        Duration pollInterval,
        Duration retryBackoff) {

    /** Where a shard without a checkpoint starts reading. */
    public enum StartingPosition { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

    /** Checks Lambda's bounds. @throws IllegalArgumentException naming the setting out of bounds */
    public EventSourceMappingConfig {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(maximumBatchingWindow, "maximumBatchingWindow");
        Objects.requireNonNull(startingPosition, "startingPosition");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        check(batchSize >= 1 && batchSize <= 10_000, "BatchSize must be 1..10000, was " + batchSize);
        check(!maximumBatchingWindow.isNegative() && maximumBatchingWindow.compareTo(Duration.ofSeconds(300)) <= 0,
                "MaximumBatchingWindowInSeconds must be 0..300, was " + maximumBatchingWindow);
        check(maximumRetryAttempts >= -1 && maximumRetryAttempts <= 10_000,
                "MaximumRetryAttempts must be -1..10000, was " + maximumRetryAttempts);
        check(maximumRecordAge == null || !maximumRecordAge.isNegative(),
                "MaximumRecordAgeInSeconds must be -1 (null) or positive, was " + maximumRecordAge);
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

    /**
     * Lambda's defaults for {@code streamName}: batch 100, no batching window, TRIM_HORIZON, infinite
     * retries, no bisection, no age limit, no partial batch responses, no destination.
     *
     * @param streamName the stream to read
     * @return a config for function {@code local}
     */
    public static EventSourceMappingConfig forStream(String streamName) {
        return new EventSourceMappingConfig("local", streamName, 100, Duration.ZERO, StartingPosition.TRIM_HORIZON,
                null, -1, false, null, false, null, 1, Duration.ofMillis(200), Duration.ofMillis(100));
    }

    /** @param name function name @return a copy */
    public EventSourceMappingConfig withFunctionName(String name) {
        return new EventSourceMappingConfig(name, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param size 1..10000 @return a copy */
    public EventSourceMappingConfig withBatchSize(int size) {
        return new EventSourceMappingConfig(functionName, streamName, size, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param window 0..300 s @return a copy */
    public EventSourceMappingConfig withMaximumBatchingWindow(Duration window) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, window, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param position TRIM_HORIZON or LATEST @param timestamp for AT_TIMESTAMP, else null @return a copy */
    public EventSourceMappingConfig withStartingPosition(StartingPosition position, Instant timestamp) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, position,
                timestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param attempts -1 (infinite) or 0..10000 @return a copy */
    public EventSourceMappingConfig withMaximumRetryAttempts(int attempts) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, attempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param bisect split failing batches @return a copy */
    public EventSourceMappingConfig withBisectBatchOnFunctionError(boolean bisect) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisect, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param age maximum record age, or null for none @return a copy */
    public EventSourceMappingConfig withMaximumRecordAge(Duration age) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, age,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param report honour batchItemFailures @return a copy */
    public EventSourceMappingConfig withReportBatchItemFailures(boolean report) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                report, onFailureDestination, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param queueArnOrUrl SQS queue ARN or URL, or null @return a copy */
    public EventSourceMappingConfig withOnFailureDestination(String queueArnOrUrl) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, queueArnOrUrl, parallelizationFactor, pollInterval, retryBackoff);
    }

    /** @param factor must be 1 @return a copy @throws IllegalArgumentException otherwise */
    public EventSourceMappingConfig withParallelizationFactor(int factor) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, factor, pollInterval, retryBackoff);
    }

    /** @param interval pause after an empty read @param backoff first retry pause @return a copy */
    public EventSourceMappingConfig withLocalTimings(Duration interval, Duration backoff) {
        return new EventSourceMappingConfig(functionName, streamName, batchSize, maximumBatchingWindow, startingPosition,
                startingPositionTimestamp, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge,
                reportBatchItemFailures, onFailureDestination, parallelizationFactor, interval, backoff);
    }
}
