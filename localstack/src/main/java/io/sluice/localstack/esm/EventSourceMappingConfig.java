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
 *     destination; null means no limit (Lambda's -1), else 60 s to 604,800 s (7 days), as Lambda validates
 * @param reportBatchItemFailures honour {@code StreamsEventResponse.batchItemFailures}: resume at the
 *     lowest reported sequence number; an empty or null list means success
 * @param onFailureDestination SQS queue ARN or URL for failure records, or null to discard with a log line;
 *     SNS, S3 and Kafka destinations are refused (not implemented locally)
 * @param parallelizationFactor must be 1: exactly-once needs one in-order invocation per shard
 * @param functionTimeout the function's {@code Timeout} (SAM's default 3 s, at most 900 s): an invocation still
 *     running then is abandoned, its instance discarded, and it counts as a function error
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
        Duration functionTimeout,
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
        Objects.requireNonNull(functionTimeout, "functionTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
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
        check(onFailureDestination == null || isSqs(onFailureDestination),
                "Only SQS on-failure destinations are implemented locally (Lambda also accepts SNS, S3, Kafka), was "
                        + onFailureDestination);
        check(parallelizationFactor == 1, "ParallelizationFactor must be 1 (was " + parallelizationFactor
                + "): exactly-once needs per-shard order; scale by splitting shards");
        check(startingPosition != StartingPosition.AT_TIMESTAMP || startingPositionTimestamp != null,
                "AT_TIMESTAMP needs StartingPositionTimestamp");
    }

    private static boolean isSqs(String destination) {
        return destination.startsWith("arn:aws:sqs:") || destination.startsWith("http://")
                || destination.startsWith("https://");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Lambda's defaults for {@code streamName}: batch 100, no batching window, TRIM_HORIZON, infinite
     * retries, no bisection, no age limit, no partial batch responses, no destination, SAM's default
     * function timeout of 3 s.
     *
     * @param streamName the stream to read
     * @return a config for function {@code local}
     */
    public static EventSourceMappingConfig forStream(String streamName) {
        return new EventSourceMappingConfig("local", streamName, 100, Duration.ZERO, StartingPosition.TRIM_HORIZON,
                null, -1, false, null, false, null, 1, Duration.ofSeconds(3), Duration.ofMillis(200),
                Duration.ofMillis(100));
    }

    /** @param name function name @return a copy */
    public EventSourceMappingConfig withFunctionName(String name) {
        return copy(m -> m.functionName = name);
    }

    /** @param size 1..10000 @return a copy */
    public EventSourceMappingConfig withBatchSize(int size) {
        return copy(m -> m.batchSize = size);
    }

    /** @param window 0..300 s @return a copy */
    public EventSourceMappingConfig withMaximumBatchingWindow(Duration window) {
        return copy(m -> m.maximumBatchingWindow = window);
    }

    /** @param position TRIM_HORIZON or LATEST @param timestamp for AT_TIMESTAMP, else null @return a copy */
    public EventSourceMappingConfig withStartingPosition(StartingPosition position, Instant timestamp) {
        return copy(m -> { m.startingPosition = position; m.startingPositionTimestamp = timestamp; });
    }

    /** @param attempts -1 (infinite) or 0..10000 @return a copy */
    public EventSourceMappingConfig withMaximumRetryAttempts(int attempts) {
        return copy(m -> m.maximumRetryAttempts = attempts);
    }

    /** @param bisect split failing batches @return a copy */
    public EventSourceMappingConfig withBisectBatchOnFunctionError(boolean bisect) {
        return copy(m -> m.bisectBatchOnFunctionError = bisect);
    }

    /** @param age maximum record age, null for none (Lambda's -1), else 60 s..7 days @return a copy */
    public EventSourceMappingConfig withMaximumRecordAge(Duration age) {
        return copy(m -> m.maximumRecordAge = age);
    }

    /** @param report honour batchItemFailures @return a copy */
    public EventSourceMappingConfig withReportBatchItemFailures(boolean report) {
        return copy(m -> m.reportBatchItemFailures = report);
    }

    /** @param queueArnOrUrl SQS queue ARN or URL, or null @return a copy */
    public EventSourceMappingConfig withOnFailureDestination(String queueArnOrUrl) {
        return copy(m -> m.onFailureDestination = queueArnOrUrl);
    }

    /** @param factor must be 1 @return a copy @throws IllegalArgumentException otherwise */
    public EventSourceMappingConfig withParallelizationFactor(int factor) {
        return copy(m -> m.parallelizationFactor = factor);
    }

    /** @param timeout the function's {@code Timeout}, 1 ms..900 s (template: seconds, 1..900) @return a copy */
    public EventSourceMappingConfig withFunctionTimeout(Duration timeout) {
        return copy(m -> m.functionTimeout = timeout);
    }

    /** @param interval pause after an empty read @param backoff first retry pause @return a copy */
    public EventSourceMappingConfig withLocalTimings(Duration interval, Duration backoff) {
        return copy(m -> { m.pollInterval = interval; m.retryBackoff = backoff; });
    }

    private EventSourceMappingConfig copy(java.util.function.Consumer<Mutable> change) {
        Mutable m = new Mutable(this);
        change.accept(m);
        return new EventSourceMappingConfig(m.functionName, m.streamName, m.batchSize, m.maximumBatchingWindow,
                m.startingPosition, m.startingPositionTimestamp, m.maximumRetryAttempts, m.bisectBatchOnFunctionError,
                m.maximumRecordAge, m.reportBatchItemFailures, m.onFailureDestination, m.parallelizationFactor,
                m.functionTimeout, m.pollInterval, m.retryBackoff);
    }

    /** The components as fields, for {@link #copy}. */
    private static final class Mutable {
        String functionName;
        String streamName;
        int batchSize;
        Duration maximumBatchingWindow;
        StartingPosition startingPosition;
        Instant startingPositionTimestamp;
        int maximumRetryAttempts;
        boolean bisectBatchOnFunctionError;
        Duration maximumRecordAge;
        boolean reportBatchItemFailures;
        String onFailureDestination;
        int parallelizationFactor;
        Duration functionTimeout;
        Duration pollInterval;
        Duration retryBackoff;

        Mutable(EventSourceMappingConfig c) {
            functionName = c.functionName;
            streamName = c.streamName;
            batchSize = c.batchSize;
            maximumBatchingWindow = c.maximumBatchingWindow;
            startingPosition = c.startingPosition;
            startingPositionTimestamp = c.startingPositionTimestamp;
            maximumRetryAttempts = c.maximumRetryAttempts;
            bisectBatchOnFunctionError = c.bisectBatchOnFunctionError;
            maximumRecordAge = c.maximumRecordAge;
            reportBatchItemFailures = c.reportBatchItemFailures;
            onFailureDestination = c.onFailureDestination;
            parallelizationFactor = c.parallelizationFactor;
            functionTimeout = c.functionTimeout;
            pollInterval = c.pollInterval;
            retryBackoff = c.retryBackoff;
        }
    }
}
