package io.sluice.dashboard;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * A checked request for "today against the same time yesterday": the day of {@code at} in zone {@code tz}, from its
 * midnight to the minute of {@code at}, against yesterday's same local times.
 *
 * <pre>{@code
 * CompareRequest r = CompareRequest.parse(Map.of("pipeline", "gmv-by-category", "at", "2026-11-11T12:30:00Z",
 *         "tz", "Asia/Shanghai"), clock.instant());
 * r.dayStart();   // 2026-11-10T16:00:00Z, midnight in Shanghai
 * }</pre>
 *
 * @param at  the moment compared (default: now); its window is the latest with rows at or before it
 * @param top how many keys to rank in the compared window
 */
public record CompareRequest(String pipeline, Instant at, ZoneId tz, int top) {

    public static CompareRequest parse(Map<String, String> query, Instant now) {
        String pipeline = Params.name("pipeline", query.get("pipeline"));
        String at = query.get("at");
        return new CompareRequest(pipeline, at == null || at.isBlank() ? now : Params.instant("at", at),
                Params.zone(query.get("tz")), Params.integer("top", query.get("top"), 8, 0, SeriesRequest.MAX_TOP));
    }

    /** Midnight of {@code at}'s day in the zone. */
    public Instant dayStart() {
        return at.atZone(tz).toLocalDate().atStartOfDay(tz).toInstant();
    }

    /** The same local time one day earlier (23 or 25 hours across a daylight-saving change). */
    public Instant yesterday(Instant t) {
        return ZonedDateTime.ofInstant(t, tz).minusDays(1).toInstant();
    }

    /** The inverse of {@link #yesterday}: yesterday's instant aligned onto today. */
    public Instant today(Instant yesterdayT) {
        return ZonedDateTime.ofInstant(yesterdayT, tz).plusDays(1).toInstant();
    }
}
