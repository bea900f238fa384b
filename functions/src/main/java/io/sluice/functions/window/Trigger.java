package io.sluice.functions.window;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When windows emit results: always once, final, when the watermark passes their end plus allowed lateness; and
 * optionally early, non-final updates every interval of processing time for live dashboards.
 *
 * <pre>{@code
 * Trigger live = Trigger.atWatermark().withEarlyFiringsEvery(Duration.ofSeconds(5));
 * }</pre>
 */
public final class Trigger {

    private static final Trigger AT_WATERMARK = new Trigger(null);

    private final Duration earlyInterval;

    private Trigger(Duration earlyInterval) {
        if (earlyInterval != null) {
            WindowAssigner.positiveMillis("early firing interval", earlyInterval);
        }
        this.earlyInterval = earlyInterval;
    }

    /** Final results only, when the watermark passes a window's end plus allowed lateness. */
    public static Trigger atWatermark() {
        return AT_WATERMARK;
    }

    /**
     * A copy that also emits non-final updates of open windows every {@code interval} of processing time.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Trigger withEarlyFiringsEvery(Duration interval) {
        return new Trigger(interval);
    }

    /** The early firing interval, if any. */
    public Optional<Duration> earlyInterval() {
        return Optional.ofNullable(earlyInterval);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Trigger t && Objects.equals(earlyInterval, t.earlyInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(earlyInterval);
    }

    @Override
    public String toString() {
        return earlyInterval == null ? "Trigger[atWatermark]" : "Trigger[atWatermark, early every " + earlyInterval + "]";
    }
}
