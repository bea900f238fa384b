package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Applies {@link ScalingDecision}s with the Kinesis API, one at a time: waits for the stream to be
 * ACTIVE (one resharding at a time per stream), makes the call, and waits for ACTIVE again.
 * {@code LimitExceededException} (account-wide 5 SplitShard/MergeShards per second, the UpdateShardCount
 * quota) and {@code ResourceInUseException} (stream still UPDATING) are retried with exponential
 * back-off; a decision about a shard that is no longer open is skipped. Calls are spaced by at least
 * {@code minCallInterval} (default 200 ms, i.e. at most 5 per second).
 *
 * <pre>{@code
 * KinesisScalingActuator actuator = KinesisScalingActuator.of(kinesis, "sluice-dev-orders")
 *         .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(8), 5)
 *         .withDeadline(Duration.ofSeconds(50));          // stay inside the handler's timeout
 * ActuationReport report = actuator.apply(plan.decisions());
 * }</pre>
 */
public final class KinesisScalingActuator {
    private final KinesisClient kinesis;
    private final String streamName;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;
    private final Duration pollInterval;
    private final Duration activeTimeout;
    private final Duration minCallInterval;
    private final Duration deadline;
    private long lastCallNanos = Long.MIN_VALUE / 2;

    private KinesisScalingActuator(KinesisClient kinesis, String streamName, Duration initialBackoff, Duration maxBackoff, int maxAttempts,
                                   Duration pollInterval, Duration activeTimeout, Duration minCallInterval, Duration deadline) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxAttempts = maxAttempts;
        this.pollInterval = pollInterval;
        this.activeTimeout = activeTimeout;
        this.minCallInterval = minCallInterval;
        this.deadline = deadline;
    }

    /**
     * Back-off 500 ms doubling to 8 s over 5 attempts, status polled every second for up to 10 minutes,
     * 200 ms between calls, no deadline.
     *
     * @param kinesis a client; the caller keeps ownership
     * @param streamName the stream to reshard
     * @return the actuator
     */
    public static KinesisScalingActuator of(KinesisClient kinesis, String streamName) {
        return new KinesisScalingActuator(kinesis, streamName, Duration.ofMillis(500), Duration.ofSeconds(8), 5, Duration.ofSeconds(1),
                Duration.ofMinutes(10), Duration.ofMillis(200), Duration.ofDays(1));
    }

    /** @param initial first pause @param max longest pause @param attempts calls per decision @return a copy */
    public KinesisScalingActuator withBackoff(Duration initial, Duration max, int attempts) {
        return new KinesisScalingActuator(kinesis, streamName, initial, max, attempts, pollInterval, activeTimeout, minCallInterval, deadline);
    }

    /** @param poll pause between status reads @param timeout longest wait for ACTIVE @return a copy */
    public KinesisScalingActuator withActiveWait(Duration poll, Duration timeout) {
        return new KinesisScalingActuator(kinesis, streamName, initialBackoff, maxBackoff, maxAttempts, poll, timeout, minCallInterval, deadline);
    }

    /** @param budget time after which remaining decisions are skipped (the next evaluation re-decides) @return a copy */
    public KinesisScalingActuator withDeadline(Duration budget) {
        return new KinesisScalingActuator(kinesis, streamName, initialBackoff, maxBackoff, maxAttempts, pollInterval, activeTimeout, minCallInterval, budget);
    }

    /** @return the stream this actuator reshards */
    public String streamName() {
        return streamName;
    }

    /**
     * @param decisions calls to make, in order
     * @return what happened to each
     */
    public ActuationReport apply(List<ScalingDecision> decisions) {
        long end = System.nanoTime() + deadline.toNanos();
        List<ActuationReport.Outcome> outcomes = new ArrayList<>();
        for (ScalingDecision d : decisions) {
            if (System.nanoTime() > end) {
                outcomes.add(new ActuationReport.Outcome(d, ActuationReport.Status.SKIPPED, 0, "deadline reached"));
                continue;
            }
            outcomes.add(applyOne(d, end));
        }
        return new ActuationReport(outcomes);
    }

    private ActuationReport.Outcome applyOne(ScalingDecision d, long endNanos) {
        Duration pause = initialBackoff;
        String last = "";
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                if (!awaitActive(endNanos)) {
                    return new ActuationReport.Outcome(d, ActuationReport.Status.SKIPPED, attempt - 1, "deadline reached while the stream was UPDATING");
                }
                pace();
                call(d);
                // UpdateShardCount may take minutes on AWS: past the deadline the call stands, and the
                // next evaluation finds the stream UPDATING and holds.
                boolean active = awaitActive(endNanos);
                return new ActuationReport.Outcome(d, ActuationReport.Status.APPLIED, attempt, active ? "ok" : "accepted; still UPDATING at deadline");
            } catch (LimitExceededException | ResourceInUseException e) {
                last = e.getClass().getSimpleName() + ": " + e.awsErrorDetails().errorMessage();
            } catch (InvalidArgumentException | ResourceNotFoundException e) {
                // The shard was split or merged since the metrics were read: the next evaluation re-decides.
                return new ActuationReport.Outcome(d, ActuationReport.Status.SKIPPED, attempt, e.getClass().getSimpleName() + ": "
                        + e.awsErrorDetails().errorMessage());
            }
            if (attempt < maxAttempts) {
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : pause.multipliedBy(2);
            }
        }
        return new ActuationReport.Outcome(d, ActuationReport.Status.FAILED, maxAttempts, last);
    }

    private void call(ScalingDecision d) {
        if (d instanceof ScalingDecision.Split s) {
            kinesis.splitShard(b -> b.streamName(streamName).shardToSplit(s.shardId()).newStartingHashKey(s.newStartingHashKey().toString()));
        } else if (d instanceof ScalingDecision.Merge m) {
            kinesis.mergeShards(b -> b.streamName(streamName).shardToMerge(m.shardId()).adjacentShardToMerge(m.adjacentShardId()));
        } else if (d instanceof ScalingDecision.UpdateShardCount u) {
            kinesis.updateShardCount(b -> b.streamName(streamName).targetShardCount(u.targetShardCount()).scalingType(ScalingType.UNIFORM_SCALING));
        }
    }

    /**
     * Waits until the stream is ACTIVE.
     *
     * @throws IllegalStateException if it is not within the active timeout
     */
    public void awaitActive() {
        if (!awaitActive(System.nanoTime() + activeTimeout.toNanos())) {
            throw new IllegalStateException("Stream [" + streamName + "] not ACTIVE after " + activeTimeout);
        }
    }

    /** @return whether the stream became ACTIVE before the active timeout and {@code endNanos} */
    private boolean awaitActive(long endNanos) {
        long until = Math.min(endNanos, System.nanoTime() + activeTimeout.toNanos());
        while (kinesis.describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > until) {
                return false;
            }
            sleep(pollInterval);
        }
        return true;
    }

    private void pace() {
        long wait = lastCallNanos + minCallInterval.toNanos() - System.nanoTime();
        if (wait > 0) {
            sleep(Duration.ofNanos(wait));
        }
        lastCallNanos = System.nanoTime();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while resharding", e);
        }
    }
}
