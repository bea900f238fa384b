package io.sluice.orchestrator.scaling;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link ScalingSimulator#run} measured for three fleets on one profile: the autoscaler with
 * pre-scaling, the same policy reacting only, and a static fleet sized for the peak.
 *
 * <pre>{@code
 * SimulationReport report = ScalingSimulator.run(TrafficProfile.named("double11"), SimulationOptions.defaults());
 * report.printTable(System.out);                       // totals, then one line per minute
 * report.writeSvg(Path.of("scale-sim-double11.svg"));  // traffic, shards and lag
 * long throttled = report.autoscaled().throttledRecords();
 * }</pre>
 */
public final class SimulationReport {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT);

    private final TrafficProfile profile;
    private final SimulationOptions options;
    private final Fleet autoscaled;
    private final Fleet reactiveOnly;
    private final Fleet staticFleet;

    /**
     * One simulated minute of one fleet.
     *
     * @param start the minute's first second
     * @param offeredRecordsPerSecond mean traffic producers offered
     * @param shards open shards at the minute's end
     * @param throttledRecords records Kinesis refused in the minute
     * @param maxIteratorAgeMillis oldest unprocessed record's age in Kinesis (since Kinesis accepted it),
     *     maximum over the minute and all shards
     * @param maxProducerDelayMillis how long the oldest refused record had been retried by its producer
     * @param shardHours open shards integrated over the minute
     */
    public record Minute(Instant start, double offeredRecordsPerSecond, int shards, long throttledRecords, long maxIteratorAgeMillis,
                         long maxProducerDelayMillis, double shardHours) {
        /** @return end-to-end lag bound of the minute: producer retry delay plus iterator age */
        public long lagMillis() {
            return maxProducerDelayMillis + maxIteratorAgeMillis;
        }
    }

    /**
     * One fleet's run.
     *
     * @param name {@code autoscaled}, {@code reactive-only} or {@code static}
     * @param minutes one entry per simulated minute
     * @param actions the policy's non-empty plans, in order
     */
    public record Fleet(String name, List<Minute> minutes, List<ScalingPlan> actions) {
        /** Copies the lists. */
        public Fleet {
            minutes = List.copyOf(minutes);
            actions = List.copyOf(actions);
        }

        /** @return distinct records refused at least once over the whole run (producers retried them) */
        public long throttledRecords() {
            return minutes.stream().mapToLong(Minute::throttledRecords).sum();
        }

        /** @return the largest iterator age of the run */
        public long maxIteratorAgeMillis() {
            return minutes.stream().mapToLong(Minute::maxIteratorAgeMillis).max().orElse(0);
        }

        /** @return the largest end-to-end lag of the run: producer retries plus iterator age */
        public long peakLagMillis() {
            return minutes.stream().mapToLong(Minute::lagMillis).max().orElse(0);
        }

        /** @return open shards integrated over the run (what provisioned Kinesis bills) */
        public double shardHours() {
            return minutes.stream().mapToDouble(Minute::shardHours).sum();
        }

        /** @return the most shards open at a minute's end */
        public int maxShards() {
            return minutes.stream().mapToInt(Minute::shards).max().orElse(0);
        }

        /** @return minutes in which some records were throttled */
        public long throttledMinutes() {
            return minutes.stream().filter(m -> m.throttledRecords() > 0).count();
        }

        /**
         * @return the most UpdateShardCount calls the policy made within any rolling 24 hours (Kinesis allows
         *     {@value KinesisLimits#UPDATE_SHARD_COUNT_CALLS_PER_24H})
         */
        public int maxUpdateShardCountCallsPer24h() {
            List<Instant> calls = actions.stream().flatMap(p -> p.decisions().stream()
                    .filter(d -> d instanceof ScalingDecision.UpdateShardCount).map(d -> p.at())).toList();
            int most = 0;
            for (int i = 0; i < calls.size(); i++) {
                int from = i;
                most = Math.max(most, (int) calls.stream().skip(from)
                        .filter(c -> c.isBefore(calls.get(from).plus(java.time.Duration.ofHours(24)))).count());
            }
            return most;
        }

        /**
         * @param type decision class, e.g. {@code ScalingDecision.Split.class}
         * @return how many such decisions the policy made
         */
        public long decisions(Class<? extends ScalingDecision> type) {
            return actions.stream().flatMap(p -> p.decisions().stream()).filter(type::isInstance).count();
        }
    }

    SimulationReport(TrafficProfile profile, SimulationOptions options, Fleet autoscaled, Fleet reactiveOnly, Fleet staticFleet) {
        this.profile = Objects.requireNonNull(profile);
        this.options = Objects.requireNonNull(options);
        this.autoscaled = autoscaled;
        this.reactiveOnly = reactiveOnly;
        this.staticFleet = staticFleet;
    }

    /** @return the replayed profile */
    public TrafficProfile profile() {
        return profile;
    }

    /** @return the policy with pre-scaling */
    public Fleet autoscaled() {
        return autoscaled;
    }

    /** @return the same policy without pre-scaling */
    public Fleet reactiveOnly() {
        return reactiveOnly;
    }

    /** @return a fixed fleet sized for the peak */
    public Fleet staticFleet() {
        return staticFleet;
    }

    /** @return the autoscaled fleet's shard-hours as a share of the static fleet's */
    public double autoscaledShardHoursVsStatic() {
        return autoscaled.shardHours() / staticFleet.shardHours();
    }

    /** @param out where to print the comparison of the three fleets */
    public void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "Profile %s: %s to %s (%s), peak %,.0f records/s at %s, %d B/record%n", profile.name(),
                CLOCK.format(profile.start()), CLOCK.format(profile.start().plus(profile.duration())), profile.start().getZone(),
                profile.peakRecordsPerSecond(), CLOCK.format(profile.peakTime()), profile.recordBytes());
        out.printf(Locale.ROOT, "Load: %s%n", profile.description());
        out.printf(Locale.ROOT, "Model: %s%n", options.describe());
        out.printf(Locale.ROOT, "%-14s %14s %10s %9s %13s %12s %11s %10s %9s %6s %6s%n", "fleet", "throttled", "thr. min", "lag (s)", "iter. age (s)",
                "shard-hours", "vs static", "max shards", "USC/24h", "splits", "merges");
        for (Fleet f : List.of(autoscaled, reactiveOnly, staticFleet)) {
            out.printf(Locale.ROOT, "%-14s %,14d %10d %9.0f %13.0f %12.1f %10.1f%% %10d %9s %6d %6d%n", f.name(), f.throttledRecords(),
                    f.throttledMinutes(), f.peakLagMillis() / 1000.0, f.maxIteratorAgeMillis() / 1000.0, f.shardHours(), 100 * f.shardHours() / staticFleet.shardHours(),
                    f.maxShards(), f.maxUpdateShardCountCallsPer24h() + "/" + KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H,
                    f.decisions(ScalingDecision.Split.class), f.decisions(ScalingDecision.Merge.class));
        }
    }

    /** @param out where to print the summary, then one line per minute for the three fleets */
    public void printTable(PrintStream out) {
        printSummary(out);
        out.println();
        out.printf(Locale.ROOT, "%-11s %9s | %6s %10s %7s | %6s %10s %7s | %6s %7s%n", "time", "records/s", "auto", "throttled", "lag s",
                "react", "throttled", "lag s", "static", "lag s");
        for (int i = 0; i < autoscaled.minutes().size(); i++) {
            Minute a = autoscaled.minutes().get(i);
            Minute r = reactiveOnly.minutes().get(i);
            Minute s = staticFleet.minutes().get(i);
            out.printf(Locale.ROOT, "%-11s %9.0f | %6d %,10d %7.0f | %6d %,10d %7.0f | %6d %7.0f%n",
                    CLOCK.format(a.start().atZone(profile.start().getZone())), a.offeredRecordsPerSecond(), a.shards(), a.throttledRecords(),
                    a.lagMillis() / 1000.0, r.shards(), r.throttledRecords(), r.lagMillis() / 1000.0, s.shards(),
                    s.lagMillis() / 1000.0);
        }
    }

    /**
     * Writes a self-contained SVG: traffic, open shards of the three fleets, and iterator age.
     *
     * @param file the file to (over)write
     * @throws UncheckedIOException if it cannot be written
     */
    public void writeSvg(Path file) {
        try {
            Files.writeString(file, SvgChart.render(this), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write chart " + file, e);
        }
    }
}
