package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongToDoubleFunction;

/**
 * A traffic curve the simulator replays: records per second offered to the stream, second by second,
 * from {@code start} for {@code duration}, records of {@code recordBytes} spread uniformly over the hash
 * key space, and the peak an operator would pre-scale for.
 *
 * <pre>{@code
 * TrafficProfile p = TrafficProfile.named("double11");
 * double atMidnight = p.recordsPerSecondAt(p.peakTime().toInstant().plusSeconds(60));   // 100,000
 * }</pre>
 */
public final class TrafficProfile {
    private final String name;
    private final ZonedDateTime start;
    private final Duration duration;
    private final int recordBytes;
    private final ZonedDateTime peakTime;
    private final double peakRecordsPerSecond;
    private final LongToDoubleFunction curve;

    private TrafficProfile(String name, ZonedDateTime start, Duration duration, int recordBytes, ZonedDateTime peakTime,
                           double peakRecordsPerSecond, LongToDoubleFunction curve) {
        this.name = Objects.requireNonNull(name, "name");
        this.start = Objects.requireNonNull(start, "start");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.recordBytes = recordBytes;
        this.peakTime = Objects.requireNonNull(peakTime, "peakTime");
        this.peakRecordsPerSecond = peakRecordsPerSecond;
        this.curve = Objects.requireNonNull(curve, "curve");
    }

    /**
     * @param name a profile name; {@code double11} is the only one
     * @return the profile
     * @throws IllegalArgumentException for an unknown name
     */
    public static TrafficProfile named(String name) {
        if (name.toLowerCase(Locale.ROOT).equals("double11")) {
            return double11();
        }
        throw new IllegalArgumentException("Unknown traffic profile [" + name + "]: use double11");
    }

    /**
     * Double 11 night in Beijing time, 20:00 to 08:00 (12 hours), 500-byte orders:
     * <ul>
     *   <li>20:00-00:00 evening build-up from 2,000 to 3,000 records/s;</li>
     *   <li>00:00:00-00:01:00 the spike: linear to 100,000 records/s (33x) within one minute;</li>
     *   <li>00:01-00:06 plateau at 100,000; then exponential decay (20-minute time constant) toward
     *       5,000 records/s;</li>
     *   <li>02:00-05:00 the night falls to 1,500 records/s, then rises to 2,500 by 08:00.</li>
     * </ul>
     *
     * @return the profile
     */
    public static TrafficProfile double11() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        ZonedDateTime start = ZonedDateTime.of(2026, 11, 10, 20, 0, 0, 0, shanghai);
        ZonedDateTime peak = ZonedDateTime.of(2026, 11, 11, 0, 0, 0, 0, shanghai);
        long spike = Duration.between(start, peak).toSeconds();   // 14,400 s after the start
        double baseline = 3_000;
        double top = 100_000;
        double floor = 5_000;
        LongToDoubleFunction curve = s -> {
            if (s < spike) {
                return 2_000 + (baseline - 2_000) * s / spike;
            }
            long since = s - spike;
            if (since < 60) {
                return baseline + (top - baseline) * since / 60.0;
            }
            if (since < 360) {
                return top;
            }
            // The excess over the floor decays; the floor itself follows the night (02:00-05:00 down, then up).
            double excess = (top - floor) * Math.exp(-(since - 360) / 1_200.0);
            double night = since < 7_200 ? floor : since < 18_000 ? floor - (floor - 1_500) * (since - 7_200) / 10_800.0
                    : 1_500 + 1_000 * (since - 18_000) / 10_800.0;
            return night + excess;
        };
        return new TrafficProfile("double11", start, Duration.ofHours(12), 500, peak, top, curve);
    }

    /** @return the profile's name */
    public String name() {
        return name;
    }

    /** @return when the replay starts */
    public ZonedDateTime start() {
        return start;
    }

    /** @return how long the replay lasts */
    public Duration duration() {
        return duration;
    }

    /** @return mean record size in bytes */
    public int recordBytes() {
        return recordBytes;
    }

    /** @return when the known peak starts (what pre-scaling targets) */
    public ZonedDateTime peakTime() {
        return peakTime;
    }

    /** @return the highest rate of the curve, records per second */
    public double peakRecordsPerSecond() {
        return peakRecordsPerSecond;
    }

    /**
     * @param at an instant within the replay
     * @return records per second offered then
     */
    public double recordsPerSecondAt(Instant at) {
        return curve.applyAsDouble(Duration.between(start.toInstant(), at).toSeconds());
    }

    @Override
    public String toString() {
        return "TrafficProfile[" + name + ", " + start + " for " + duration + ", peak " + (long) peakRecordsPerSecond
                + " records/s at " + peakTime + ", " + recordBytes + " B/record]";
    }
}
