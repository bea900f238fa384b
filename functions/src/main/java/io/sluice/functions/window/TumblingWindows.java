package io.sluice.functions.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Fixed-size, non-overlapping windows aligned to the epoch: with a size of one minute, windows are
 * {@code [0,60000)}, {@code [60000,120000)}, ... and a record at {@code ts = 60000} belongs to the second.
 *
 * <pre>{@code
 * TumblingWindows minutes = TumblingWindows.of(Duration.ofMinutes(1));                 // no lateness
 * TumblingWindows tolerant = minutes.withAllowedLateness(Duration.ofSeconds(30));
 * }</pre>
 */
public final class TumblingWindows implements WindowAssigner {

    private final Duration size;
    private final Duration offset;
    private final Duration allowedLateness;

    private TumblingWindows(Duration size, Duration offset, Duration allowedLateness) {
        long sizeMillis = WindowAssigner.positiveMillis("size", size);
        long offsetMillis = WindowAssigner.nonNegative("offset", offset).toMillis();
        if (offsetMillis >= sizeMillis) {
            throw new IllegalArgumentException("offset " + offset + " must be smaller than size " + size);
        }
        this.size = size;
        this.offset = offset;
        this.allowedLateness = WindowAssigner.nonNegative("allowedLateness", allowedLateness);
    }

    /**
     * Windows of {@code size}, with an allowed lateness of zero: records arriving after the watermark passed
     * their window's end go to the late output.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static TumblingWindows of(Duration size) {
        return new TumblingWindows(size, Duration.ZERO, Duration.ZERO);
    }

    /** A copy whose windows start {@code offset} after the epoch-aligned boundaries ({@code 0 <= offset < size}). */
    public TumblingWindows withOffset(Duration offset) {
        return new TumblingWindows(size, offset, allowedLateness);
    }

    /** A copy that keeps windows open for {@code lateness} of event time after their end. */
    public TumblingWindows withAllowedLateness(Duration lateness) {
        return new TumblingWindows(size, offset, lateness);
    }

    public Duration size() {
        return size;
    }

    public Duration offset() {
        return offset;
    }

    @Override
    public Duration allowedLateness() {
        return allowedLateness;
    }

    /** Start of the window holding {@code timestampMillis}. */
    public long windowStart(long timestampMillis) {
        long sizeMillis = size.toMillis();
        long offsetMillis = offset.toMillis();
        return timestampMillis - Math.floorMod(timestampMillis - offsetMillis, sizeMillis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TumblingWindows t && size.equals(t.size) && offset.equals(t.offset)
                && allowedLateness.equals(t.allowedLateness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, offset, allowedLateness);
    }

    @Override
    public String toString() {
        return "TumblingWindows[size=" + size + ", offset=" + offset + ", allowedLateness=" + allowedLateness + "]";
    }
}
