package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongToDoubleFunction;

/**
 * A traffic curve the simulator replays: records per second offered to the stream, second by second,
 * from {@code start} for {@code duration}, records of {@code recordBytes}, how they spread over the hash key space
 * (uniformly, or unevenly: some ranges hotter than others), how fast the consumer runs (its configured rate, or
 * slower for a while), and the peak an operator would pre-scale for.
 *
 * <pre>{@code
 * TrafficProfile p = TrafficProfile.named("double11");
 * double atMidnight = p.recordsPerSecondAt(p.peakTime().toInstant().plusSeconds(60));   // 100,000
 * double share = TrafficProfile.named("uneven").shareOf(HashKeyRange.uniform(3, 4));      // 1/7 of the records
 * }</pre>
 */
public final class TrafficProfile {
    /** The profiles {@link #named} knows. */
    public static final List<String> NAMES = List.of("double11", "uneven", "slow-consumer");

    private final String name;
    private final String description;
    private final ZonedDateTime start;
    private final Duration duration;
    private final int recordBytes;
    private final ZonedDateTime peakTime;
    private final double peakRecordsPerSecond;
    private final LongToDoubleFunction curve;
    private final double[] keyWeights;
    private final LongToDoubleFunction consumerSpeed;

    private TrafficProfile(String name, String description, ZonedDateTime start, Duration duration, int recordBytes, ZonedDateTime peakTime,
                           double peakRecordsPerSecond, LongToDoubleFunction curve, double[] keyWeights, LongToDoubleFunction consumerSpeed) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.start = Objects.requireNonNull(start, "start");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.recordBytes = recordBytes;
        this.peakTime = Objects.requireNonNull(peakTime, "peakTime");
        this.peakRecordsPerSecond = peakRecordsPerSecond;
        this.curve = Objects.requireNonNull(curve, "curve");
        double sum = 0;
        for (double w : keyWeights) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("Key weights must be >= 0, got " + Arrays.toString(keyWeights));
            }
            sum += w;
        }
        if (keyWeights.length == 0 || !(sum > 0)) {
            throw new IllegalArgumentException("At least one key weight must be > 0");
        }
        this.keyWeights = new double[keyWeights.length];
        for (int i = 0; i < keyWeights.length; i++) {
            this.keyWeights[i] = keyWeights[i] / sum;
        }
        this.consumerSpeed = Objects.requireNonNull(consumerSpeed, "consumerSpeed");
    }

    /**
     * @param name one of {@link #NAMES}: {@code double11}, {@code uneven}, {@code slow-consumer}
     * @return the profile
     * @throws IllegalArgumentException for an unknown name
     */
    public static TrafficProfile named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "double11": return double11();
            case "uneven": return uneven();
            case "slow-consumer": return slowConsumer();
            default: throw new IllegalArgumentException("Unknown traffic profile [" + name + "]: use one of " + String.join(", ", NAMES));
        }
    }

    /**
     * Double 11 night in Beijing time, 20:00 to 08:00 (12 hours), 500-byte orders spread uniformly over the hash keys:
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
        return new TrafficProfile("double11", "uniform keys, full-speed consumer", evening(), Duration.ofHours(12), 500, midnight(), 100_000,
                night(2_000), new double[] {1}, s -> 1);
    }

    /**
     * The Double 11 night on uneven shards: three quarters of the hash key space carry twice the records of the last
     * quarter (weights 2:2:2:1), and the evening starts at 2,800 records/s, so the four shards it starts with take
     * 800, 800, 800 and 400 records/s: three at 80 % of their capacity, one at 40 %, a demand of 3.7 shards that rounds
     * to the 4 open (issue 17, case 11). The rest of the night is {@link #double11()}'s.
     *
     * @return the profile
     */
    public static TrafficProfile uneven() {
        return new TrafficProfile("uneven", "hash key quarters weighted 2:2:2:1, full-speed consumer", evening(), Duration.ofHours(12), 500,
                midnight(), 100_000, night(2_800), new double[] {2, 2, 2, 1}, s -> 1);
    }

    /**
     * The Double 11 night with a slow consumer: from 01:00 to 02:00 every consumer runs at a tenth of its rate (a
     * sink that throttles its writes, say: 200 records/s a shard instead of 2,000), so the consumers fall behind while
     * their reads look cold. The policy does not know; it must not scale in onto consumers that are behind (their
     * reads understate the writes), nor merge the children of a split whose parent is still being drained.
     *
     * @return the profile
     */
    public static TrafficProfile slowConsumer() {
        long slowFrom = Duration.ofHours(5).toSeconds();    // 01:00
        long slowTo = Duration.ofHours(6).toSeconds();      // 02:00
        return new TrafficProfile("slow-consumer", "uniform keys, consumer at 10 % of its rate 01:00-02:00", evening(), Duration.ofHours(12),
                500, midnight(), 100_000, night(2_000), new double[] {1}, s -> s >= slowFrom && s < slowTo ? 0.1 : 1);
    }

    private static ZonedDateTime evening() {
        return ZonedDateTime.of(2026, 11, 10, 20, 0, 0, 0, ZoneId.of("Asia/Shanghai"));
    }

    private static ZonedDateTime midnight() {
        return ZonedDateTime.of(2026, 11, 11, 0, 0, 0, 0, ZoneId.of("Asia/Shanghai"));
    }

    /** The Double 11 curve, seconds after 20:00, with the evening starting at {@code from} records/s. */
    private static LongToDoubleFunction night(double from) {
        long spike = Duration.between(evening(), midnight()).toSeconds();   // 14,400 s after the start
        double baseline = 3_000;
        double top = 100_000;
        double floor = 5_000;
        return s -> {
            if (s < spike) {
                return from + (baseline - from) * s / spike;
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
    }

    /**
     * @param range a shard's hash key range
     * @return the share of the records whose partition keys hash into it, in [0, 1]
     */
    public double shareOf(HashKeyRange range) {
        double from = HashKeyRange.WHOLE.positionOf(range.start());
        double to = Math.min(1, from + range.fraction());
        double share = 0;
        int n = keyWeights.length;
        for (int i = 0; i < n; i++) {
            double overlap = Math.min(to, (i + 1.0) / n) - Math.max(from, (double) i / n);
            if (overlap > 0) {
                share += keyWeights[i] * overlap * n;
            }
        }
        return share;
    }

    /**
     * @param at an instant within the replay
     * @return the share of its configured rate the consumer runs at then, in (0, 1]
     */
    public double consumerSpeedAt(Instant at) {
        return consumerSpeed.applyAsDouble(Duration.between(start.toInstant(), at).toSeconds());
    }

    /** @return one line on the keys and the consumer, for reports */
    public String description() {
        return description;
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
                + " records/s at " + peakTime + ", " + recordBytes + " B/record, " + description + "]";
    }
}
