package io.sluice.functions.window;

import java.time.Duration;
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
 * <p>A record whose timestamp is at most the disorder bound behind the latest one seen in its split is never late.
 * Idleness is measured in processing time (the driver's clock); an idle split that becomes active again rejoins
 * the minimum, and its records behind the global watermark may then be late.
 */
public final class WatermarkStrategy {

    private final Duration maxDisorder;
    private final Duration idleness;

    private WatermarkStrategy(Duration maxDisorder, Duration idleness) {
        this.maxDisorder = WindowAssigner.nonNegative("maxDisorder", maxDisorder);
        if (idleness != null) {
            WindowAssigner.positiveMillis("idleness", idleness);
        }
        this.idleness = idleness;
    }

    /**
     * Watermarks that trail the highest timestamp seen by {@code maxDisorder}; no idleness timeout.
     *
     * @throws IllegalArgumentException if {@code maxDisorder} is negative
     */
    public static WatermarkStrategy boundedDisorder(Duration maxDisorder) {
        return new WatermarkStrategy(maxDisorder, null);
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
        return new WatermarkStrategy(maxDisorder, timeout);
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
                && Objects.equals(idleness, w.idleness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxDisorder, idleness);
    }

    @Override
    public String toString() {
        return "WatermarkStrategy[maxDisorder=" + maxDisorder + ", idleness=" + idleness + "]";
    }
}
