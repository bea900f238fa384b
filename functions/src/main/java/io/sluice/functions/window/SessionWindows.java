package io.sluice.functions.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-key windows of activity separated by at least {@code gap} of inactivity: a record at {@code ts} opens
 * {@code [ts, ts + gap)}, and overlapping windows of one key merge. Records of a user at 00:00, 00:10 and 00:50
 * with a 30-minute gap make two sessions, {@code [00:00,00:40)} and {@code [00:50,01:20)}.
 *
 * <p>Sessions of one key may be built from records of several shards and batches: their pieces are merged when
 * they fire, which is why {@code merge} is mandatory.
 *
 * <p>A session fires once, when {@code end + allowedLateness < watermark}. A record is late only if the session it
 * would join has fired or would reach one that has: with the watermark at 00:30:30 and a 30-minute gap, a record at
 * 00:29:00 counts (in its key's open session, or in its own {@code [00:29, 00:59)}), but is late if it touches its
 * key's session {@code [00:00, 00:29:30)} that has fired.
 *
 * <pre>{@code
 * SessionWindows visits = SessionWindows.withGap(Duration.ofMinutes(30));
 * }</pre>
 */
public final class SessionWindows implements WindowAssigner {

    private final Duration gap;
    private final Duration allowedLateness;

    private SessionWindows(Duration gap, Duration allowedLateness) {
        WindowAssigner.positiveMillis("gap", gap);
        this.gap = gap;
        this.allowedLateness = WindowAssigner.nonNegative("allowedLateness", allowedLateness);
    }

    /**
     * Sessions closed by {@code gap} of inactivity, with an allowed lateness of zero.
     *
     * @throws IllegalArgumentException if {@code gap} is not positive
     */
    public static SessionWindows withGap(Duration gap) {
        return new SessionWindows(gap, Duration.ZERO);
    }

    /** A copy that keeps sessions open for {@code lateness} of event time after their end. */
    public SessionWindows withAllowedLateness(Duration lateness) {
        return new SessionWindows(gap, lateness);
    }

    public Duration gap() {
        return gap;
    }

    @Override
    public Duration allowedLateness() {
        return allowedLateness;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionWindows s && gap.equals(s.gap) && allowedLateness.equals(s.allowedLateness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gap, allowedLateness);
    }

    @Override
    public String toString() {
        return "SessionWindows[gap=" + gap + ", allowedLateness=" + allowedLateness + "]";
    }
}
