package io.sluice.functions.wiring;

import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WindowAssigner;

import java.time.Duration;

/**
 * Whether a pipeline's windows fire before their state can expire. DynamoDB state lives by TTL: a partial stays
 * readable for at least the store's {@code readableAfterLastWrite} after its last write (half the retention, 3.5 days
 * by default). A window's partial can be last written at the window's start and is read when it fires, after its end
 * and allowed lateness, plus the time the firing itself is behind ({@link #FIRING_SLACK}); a window longer than that
 * would fire with parts of its state deleted and report a total smaller than its records, silently. So the handlers
 * refuse such a pipeline at start-up, with the numbers, rather than run it.
 *
 * <p>Sessions are checked on their gap and lateness, which is what a session that ends costs; a single session kept
 * open by one key's activity for longer than the readable time (a key active every few minutes for days) has no
 * bound to check before it happens.
 */
final class StateLifetime {

    /**
     * How far a firing may lag the moment its window is final in event time: the watermark's idleness and a consumer
     * stalled for up to Kinesis's default 24-hour retention (after which its records are lost anyway).
     */
    static final Duration FIRING_SLACK = Duration.ofDays(1);

    private StateLifetime() {
    }

    /**
     * @param windows  the pipeline's windows
     * @param readable how long the store keeps a partial readable after its last write
     * @throws IllegalStateException if a window's state must wait longer than {@code readable}
     */
    static void require(String pipeline, WindowAssigner windows, Duration readable) {
        Duration open = windows instanceof TumblingWindows t ? t.size()
                : windows instanceof SlidingWindows s ? s.size() : ((SessionWindows) windows).gap();
        Duration waits = open.plus(windows.allowedLateness()).plus(FIRING_SLACK);
        if (waits.compareTo(readable) > 0) {
            throw new IllegalStateException("Pipeline " + pipeline + ": a window's state waits up to " + days(waits)
                    + " from its first write to its firing (" + days(open) + " open, " + days(windows.allowedLateness())
                    + " allowed lateness, " + days(FIRING_SLACK) + " firing slack), longer than the state store keeps "
                    + "a partial readable after its last write (" + days(readable) + ", half its retention): use "
                    + "windows of at most " + days(readable.minus(FIRING_SLACK).minus(windows.allowedLateness()))
                    + ", or aggregate shorter windows into longer ones downstream");
        }
    }

    private static String days(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.2f days", d.toMillis() / 86_400_000.0);
    }
}
