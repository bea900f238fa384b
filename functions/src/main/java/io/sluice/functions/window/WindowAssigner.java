package io.sluice.functions.window;

import java.time.Duration;

/**
 * Assigns records to event-time windows. One of {@link TumblingWindows}, {@link SlidingWindows} or
 * {@link SessionWindows}.
 */
public sealed interface WindowAssigner permits TumblingWindows, SlidingWindows, SessionWindows {

    /** How long after a window's end (in event time) records are still added to it. */
    Duration allowedLateness();

    /** {@link #allowedLateness()} in milliseconds. */
    default long allowedLatenessMillis() {
        return allowedLateness().toMillis();
    }

    /** Checks a duration option: positive and a whole number of milliseconds. */
    static long positiveMillis(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive but was " + d);
        }
        return d.toMillis();
    }

    /** Checks a duration option: zero or positive. */
    static Duration nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + d);
        }
        return d;
    }
}
