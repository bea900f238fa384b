package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A known peak: from {@code lead} before it until {@code hold} after it, the stream keeps at least
 * {@code shards} open shards, whatever the current load says. Kinesis needs minutes to reshard and
 * UpdateShardCount at most doubles per call, so a spike that arrives within a minute can only be met by
 * capacity added beforehand.
 *
 * <pre>{@code
 * // every night at 00:00 Beijing time, 128 shards from 23:30 to 00:30
 * PreScale nightly = PreScale.daily(LocalTime.MIDNIGHT, ZoneId.of("Asia/Shanghai"), 128)
 *         .withLead(Duration.ofMinutes(30)).withHold(Duration.ofMinutes(30));
 * // once, for Double 11
 * PreScale double11 = PreScale.once(ZonedDateTime.parse("2026-11-11T00:00+08:00[Asia/Shanghai]"), 128);
 * }</pre>
 */
public final class PreScale {
    private final LocalTime timeOfDay;
    private final ZonedDateTime once;
    private final ZoneId zone;
    private final int shards;
    private final Duration lead;
    private final Duration hold;

    private PreScale(LocalTime timeOfDay, ZonedDateTime once, ZoneId zone, int shards, Duration lead, Duration hold) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        if (lead.isNegative() || hold.isNegative()) {
            throw new IllegalArgumentException("lead and hold must be >= 0, got " + lead + " and " + hold);
        }
        this.timeOfDay = timeOfDay;
        this.once = once;
        this.zone = Objects.requireNonNull(zone, "zone");
        this.shards = shards;
        this.lead = lead;
        this.hold = hold;
    }

    /**
     * @param time local time of the daily peak
     * @param zone its time zone
     * @param shards shards to have open around it
     * @return a daily pre-scale with a 30-minute lead and hold
     */
    public static PreScale daily(LocalTime time, ZoneId zone, int shards) {
        return new PreScale(Objects.requireNonNull(time, "time"), null, zone, shards, Duration.ofMinutes(30), Duration.ofMinutes(30));
    }

    /**
     * @param peak when the one-off peak starts
     * @param shards shards to have open around it
     * @return a one-off pre-scale with a 30-minute lead and hold
     */
    public static PreScale once(ZonedDateTime peak, int shards) {
        return new PreScale(null, Objects.requireNonNull(peak, "peak"), peak.getZone(), shards, Duration.ofMinutes(30), Duration.ofMinutes(30));
    }

    /** @param lead how long before the peak to start scaling @return a copy */
    public PreScale withLead(Duration lead) {
        return new PreScale(timeOfDay, once, zone, shards, lead, hold);
    }

    /** @param hold how long after the peak to keep the shards @return a copy */
    public PreScale withHold(Duration hold) {
        return new PreScale(timeOfDay, once, zone, shards, lead, hold);
    }

    /** @param shards shards to have open @return a copy */
    public PreScale withShards(int shards) {
        return new PreScale(timeOfDay, once, zone, shards, lead, hold);
    }

    /** @return shards kept open around the peak */
    public int shards() {
        return shards;
    }

    /** @return how long before the peak scaling starts */
    public Duration lead() {
        return lead;
    }

    /**
     * A daily peak's window is {@code [peak - lead, peak + hold]} around every day's peak, so the floor holds for the
     * whole window whatever its length: a 09:00 peak held 14 hours keeps its floor until 23:00, and a hold longer
     * than a day never lets it drop.
     *
     * @param now the clock
     * @return {@link #shards()} if {@code now} is in {@code [peak - lead, peak + hold]} of some peak, else 0
     */
    public int floorAt(Instant now) {
        return firstPeakFrom(now.minus(hold)).map(p -> !now.isBefore(p.minus(lead)) ? shards : 0).orElse(0);
    }

    /** The earliest peak at or after {@code from}: the only one whose window can hold {@code now = from + hold}. */
    private java.util.Optional<Instant> firstPeakFrom(Instant from) {
        if (once != null) {
            return once.toInstant().isBefore(from) ? java.util.Optional.empty() : java.util.Optional.of(once.toInstant());
        }
        // Walk the local days from the day before (time zone changes move a local time by an hour or two).
        ZonedDateTime peak = from.atZone(zone).toLocalDate().minusDays(1).atTime(timeOfDay).atZone(zone);
        while (peak.toInstant().isBefore(from)) {
            peak = peak.toLocalDate().plusDays(1).atTime(timeOfDay).atZone(zone);
        }
        return java.util.Optional.of(peak.toInstant());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreScale p && Objects.equals(timeOfDay, p.timeOfDay) && Objects.equals(once, p.once)
                && zone.equals(p.zone) && shards == p.shards && lead.equals(p.lead) && hold.equals(p.hold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeOfDay, once, zone, shards, lead, hold);
    }

    @Override
    public String toString() {
        return "PreScale[" + (once != null ? once : "daily " + timeOfDay + " " + zone) + ", shards=" + shards
                + ", lead=" + lead + ", hold=" + hold + "]";
    }
}
