package io.sluice.functions.window;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a source split's watermark follows event time: <b>watermark = max event time seen − bounded disorder</b>,
 * and the global watermark is the minimum over active splits, leaving out splits idle for longer than the
 * idleness timeout.
 *
 * <pre>{@code
 * WatermarkStrategy strategy = WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5))
 *         .withIdleness(Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Timestamps are checked before they move anything: a record stamped before {@link #DEFAULT_NOT_BEFORE}
 * (1970-01-01, so negative and {@code Long.MIN_VALUE} stamps) or more than {@link #DEFAULT_MAX_AHEAD} (one day) ahead
 * of the wall clock goes to the dead letters with its reason, so one far-future timestamp (year 2100, or
 * microseconds taken for milliseconds) never drags its split's watermark into the future.
 * {@link #withTimestampBounds} changes the range.
 *
 * <p>A record whose timestamp is at most the disorder bound behind the latest one seen in its split is never late.
 * Idleness is measured in processing time (the driver's clock); an idle split that becomes active again rejoins
 * the minimum, and its records behind the global watermark may then be late.
 */
public final class WatermarkStrategy {

    /** Earliest timestamp accepted by default: the epoch. */
    public static final Instant DEFAULT_NOT_BEFORE = Instant.EPOCH;
    /** How far ahead of the wall clock a timestamp may be by default. */
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofDays(1);

    private final Duration maxDisorder;
    private final Duration idleness;
    private final Instant notBefore;
    private final Duration maxAhead;

    private WatermarkStrategy(Duration maxDisorder, Duration idleness, Instant notBefore, Duration maxAhead) {
        this.maxDisorder = WindowAssigner.nonNegative("maxDisorder", maxDisorder);
        if (idleness != null) {
            WindowAssigner.positiveMillis("idleness", idleness);
        }
        this.idleness = idleness;
        this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
        this.maxAhead = WindowAssigner.nonNegative("maxAhead", maxAhead);
    }

    /**
     * Watermarks that trail the highest timestamp seen by {@code maxDisorder}; no idleness timeout.
     *
     * @throws IllegalArgumentException if {@code maxDisorder} is negative
     */
    public static WatermarkStrategy boundedDisorder(Duration maxDisorder) {
        return new WatermarkStrategy(maxDisorder, null, DEFAULT_NOT_BEFORE, DEFAULT_MAX_AHEAD);
    }

    /** Watermarks equal to the highest timestamp seen: any record older than that is behind. */
    public static WatermarkStrategy monotonousTimestamps() {
        return boundedDisorder(Duration.ZERO);
    }

    /**
     * A copy that leaves a split out of the global minimum once it has received no record for {@code timeout} of
     * processing time.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public WatermarkStrategy withIdleness(Duration timeout) {
        return new WatermarkStrategy(maxDisorder, timeout, notBefore, maxAhead);
    }

    /**
     * A copy that accepts timestamps from {@code notBefore} to {@code maxAhead} past the wall clock; others are
     * dead letters.
     *
     * @throws IllegalArgumentException if {@code maxAhead} is negative
     */
    public WatermarkStrategy withTimestampBounds(Instant notBefore, Duration maxAhead) {
        return new WatermarkStrategy(maxDisorder, idleness, notBefore, maxAhead);
    }

    /** Earliest accepted timestamp, epoch ms. */
    public long notBeforeMillis() {
        return notBefore.toEpochMilli();
    }

    /** How far ahead of the wall clock a timestamp may be, ms. */
    public long maxAheadMillis() {
        return maxAhead.toMillis();
    }

    public Duration maxDisorder() {
        return maxDisorder;
    }

    /** The idleness timeout, if any. */
    public Optional<Duration> idleness() {
        return Optional.ofNullable(idleness);
    }

    /** The watermark after seeing {@code maxTimestampMillis}, saturating instead of overflowing. */
    public long watermarkFor(long maxTimestampMillis) {
        if (maxTimestampMillis == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long w = maxTimestampMillis - maxDisorder.toMillis();
        return w > maxTimestampMillis ? Long.MIN_VALUE : w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WatermarkStrategy w && maxDisorder.equals(w.maxDisorder)
                && Objects.equals(idleness, w.idleness) && notBefore.equals(w.notBefore) && maxAhead.equals(w.maxAhead);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxDisorder, idleness, notBefore, maxAhead);
    }

    @Override
    public String toString() {
        return "WatermarkStrategy[maxDisorder=" + maxDisorder + ", idleness=" + idleness + ", notBefore=" + notBefore
                + ", maxAhead=" + maxAhead + "]";
    }
}
