package io.sluice.functions.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Fixed-size windows that start every {@code slide}: with size 10 min and slide 5 min, a record at 07:00 belongs
 * to {@code [00:00,10:00)} and {@code [05:00,15:00)}. A record is in {@code size / slide} windows.
 *
 * <pre>{@code
 * SlidingWindows tenEveryFive = SlidingWindows.of(Duration.ofMinutes(10), Duration.ofMinutes(5));
 * }</pre>
 */
public final class SlidingWindows implements WindowAssigner {

    /** Bounds the windows per record, and with it the work per record. */
    public static final int MAX_WINDOWS_PER_RECORD = 1_000;

    private final Duration size;
    private final Duration slide;
    private final Duration allowedLateness;

    private SlidingWindows(Duration size, Duration slide, Duration allowedLateness) {
        long sizeMillis = WindowAssigner.positiveMillis("size", size);
        long slideMillis = WindowAssigner.positiveMillis("slide", slide);
        if (slideMillis > sizeMillis) {
            throw new IllegalArgumentException("slide " + slide + " must not exceed size " + size);
        }
        if (sizeMillis / slideMillis > MAX_WINDOWS_PER_RECORD) {
            throw new IllegalArgumentException("size / slide must be at most " + MAX_WINDOWS_PER_RECORD + " but was "
                    + sizeMillis / slideMillis);
        }
        this.size = size;
        this.slide = slide;
        this.allowedLateness = WindowAssigner.nonNegative("allowedLateness", allowedLateness);
    }

    /**
     * Windows of {@code size} starting every {@code slide}, with an allowed lateness of zero.
     *
     * @throws IllegalArgumentException if either is not positive, {@code slide > size}, or a record would fall in
     *     more than {@value #MAX_WINDOWS_PER_RECORD} windows
     */
    public static SlidingWindows of(Duration size, Duration slide) {
        return new SlidingWindows(size, slide, Duration.ZERO);
    }

    /** A copy that keeps windows open for {@code lateness} of event time after their end. */
    public SlidingWindows withAllowedLateness(Duration lateness) {
        return new SlidingWindows(size, slide, lateness);
    }

    public Duration size() {
        return size;
    }

    public Duration slide() {
        return slide;
    }

    @Override
    public Duration allowedLateness() {
        return allowedLateness;
    }

    /** Start of the latest window holding {@code timestampMillis}; earlier ones start every slide before it. */
    public long lastWindowStart(long timestampMillis) {
        return timestampMillis - Math.floorMod(timestampMillis, slide.toMillis());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlidingWindows s && size.equals(s.size) && slide.equals(s.slide)
                && allowedLateness.equals(s.allowedLateness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, slide, allowedLateness);
    }

    @Override
    public String toString() {
        return "SlidingWindows[size=" + size + ", slide=" + slide + ", allowedLateness=" + allowedLateness + "]";
    }
}
