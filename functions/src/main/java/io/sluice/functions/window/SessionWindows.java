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
 * <p>Sessions fire in <b>rounds</b>, and a stream runs a round only once its watermark has moved at least the
 * {@linkplain #withFiringInterval firing interval} past the last round's (by default the gap, at most one minute), so
 * a round's cost is paid per interval of event time, not per batch. A session final at 00:40:10 fires at the first
 * round at or after it: with a one-minute interval and the last round at 00:39:30, when the watermark reaches
 * 00:40:30. The rows are the same; only when they are written moves, by at most the interval. The end of bounded
 * input (watermark +infinity) and the scheduled firer (every minute, for a stream that went quiet) always run a
 * round.
 *
 * <pre>{@code
 * SessionWindows visits = SessionWindows.withGap(Duration.ofMinutes(30));
 * SessionWindows everyAdvance = visits.withFiringInterval(Duration.ZERO);   // a round on every watermark advance
 * }</pre>
 */
public final class SessionWindows implements WindowAssigner {

    /** The default firing interval's ceiling; below it the default is the gap. */
    public static final Duration MAX_DEFAULT_FIRING_INTERVAL = Duration.ofMinutes(1);

    private final Duration gap;
    private final Duration allowedLateness;
    private final Duration firingInterval;

    private SessionWindows(Duration gap, Duration allowedLateness, Duration firingInterval) {
        WindowAssigner.positiveMillis("gap", gap);
        this.gap = gap;
        this.allowedLateness = WindowAssigner.nonNegative("allowedLateness", allowedLateness);
        this.firingInterval = WindowAssigner.nonNegative("firingInterval", firingInterval);
    }

    /**
     * Sessions closed by {@code gap} of inactivity, with an allowed lateness of zero.
     *
     * @throws IllegalArgumentException if {@code gap} is not positive
     */
    public static SessionWindows withGap(Duration gap) {
        return new SessionWindows(gap, Duration.ZERO,
                gap.compareTo(MAX_DEFAULT_FIRING_INTERVAL) < 0 ? gap : MAX_DEFAULT_FIRING_INTERVAL);
    }

    /** A copy that keeps sessions open for {@code lateness} of event time after their end. */
    public SessionWindows withAllowedLateness(Duration lateness) {
        return new SessionWindows(gap, lateness, firingInterval);
    }

    /**
     * A copy whose stream runs a firing round only once the watermark has moved {@code interval} past the last
     * round's: sessions fire up to {@code interval} of event time after they become final, and each round reads the
     * pending session state once per interval instead of once per batch. {@link Duration#ZERO}: a round whenever the
     * watermark moves.
     *
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public SessionWindows withFiringInterval(Duration interval) {
        return new SessionWindows(gap, allowedLateness, interval);
    }

    public Duration gap() {
        return gap;
    }

    @Override
    public Duration allowedLateness() {
        return allowedLateness;
    }

    /** How far the watermark moves between two firing rounds of a stream (see {@link #withFiringInterval}). */
    public Duration firingInterval() {
        return firingInterval;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionWindows s && gap.equals(s.gap) && allowedLateness.equals(s.allowedLateness)
                && firingInterval.equals(s.firingInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gap, allowedLateness, firingInterval);
    }

    @Override
    public String toString() {
        return "SessionWindows[gap=" + gap + ", allowedLateness=" + allowedLateness + ", firingInterval="
                + firingInterval + "]";
    }
}
