package io.sluice.state.coordination;

import io.sluice.state.Fence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Which records of a shard an attempt of the stream operator ever started to apply: each attempt's range and the
 * split's applied fence when it started, recorded after its {@link io.sluice.state.StateStore#startAttempt} and before
 * it writes anything. An attempt applies the records of its range after that fence; so a record that no logged
 * attempt covered was never applied (its event source mapping gave up on it before any attempt was recorded), and one
 * that an attempt covered is applied by the operator, by that attempt, its retry or the read-back of an abandoned
 * attempt (or reported lost). The replay of on-failure records reads it (design: {@code io.sluice.functions.driver}).
 *
 * <p>Entries are in the order they were logged, by the log's own wall clock (never the operator's injected clock):
 * an attempt on a record starts after the record reached the stream, so the attempts that may cover a record are
 * those logged after its arrival time (less {@link #CLOCK_SKEW}).
 *
 * <pre>{@code
 * AttemptLog log = new DynamoDbAttemptLog(dynamo, "sluice-coordination", DynamoDbAttemptLog.DEFAULT_KEEP, Clock.systemUTC());
 * log.record("gmv-by-category", "shardId-000000000000", new AttemptLog.Range(first, last, before.fence()), before.attemptFence());
 * List<AttemptLog.Range> ranges = log.rangesLogged("gmv-by-category", "shardId-000000000000", arrival, Fence.of("4959..."));
 * }</pre>
 */
public interface AttemptLog {

    /** Allowance between the stream's arrival times and the log's clock, and between writers' clocks. */
    Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /**
     * One attempt.
     *
     * @param from    the attempt's first record
     * @param through the attempt's last record
     * @param after   the split's applied fence when the attempt started: it applies its records after this one
     */
    record Range(Fence from, Fence through, Fence after) {
        public Range {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(through, "through");
            Objects.requireNonNull(after, "after");
            if (from.isAfter(through)) {
                throw new IllegalArgumentException("range from " + from + " is after its end " + through);
            }
        }

        /** Whether this attempt set out to apply the record at {@code position}. */
        public boolean attempted(Fence position) {
            return position.isAfter(after) && !from.isAfter(position) && !position.isAfter(through);
        }
    }

    /**
     * Logs one attempt (a retry logs its range again). The first entry of a split also records where logging
     * started ({@link #loggedAfter}): after the split's attempt fence then, since an attempt before the log may have
     * started on records up to it.
     *
     * @param attemptFenceBefore the split's attempt fence when the attempt started
     * @throws RuntimeException if it cannot be logged; the attempt must then write nothing
     */
    void record(String pipeline, String split, Range range, Fence attemptFenceBefore);

    /**
     * {@link #record}, possibly on another thread, so the caller's next read overlaps it; the caller joins it before
     * the attempt writes anything. This default records on the caller's thread.
     */
    default CompletableFuture<Void> recordAsync(String pipeline, String split, Range range,
                                                Fence attemptFenceBefore) {
        try {
            record(pipeline, split, range, attemptFenceBefore);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Where logging started on the split: every attempt on a record after this fence is logged (the split's attempt
     * fence when its first attempt was logged); empty when nothing was logged.
     */
    Optional<Fence> loggedAfter(String pipeline, String split);

    /**
     * The split's attempts logged from {@code since} (less {@link #CLOCK_SKEW}) until {@link #CLOCK_SKEW} after the
     * first one that started with the split's fence at or past {@code through} (no later attempt can cover a record up
     * to it), in logged order.
     */
    List<Range> rangesLogged(String pipeline, String split, Instant since, Fence through);
}
