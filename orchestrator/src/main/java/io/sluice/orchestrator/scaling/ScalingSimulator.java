package io.sluice.orchestrator.scaling;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Replays a traffic profile through the {@link ScalingPolicy} against a model of Kinesis and Lambda,
 * and compares three fleets: the autoscaler with pre-scaling for the profile's known peak, the same
 * policy without pre-scaling (reactive only), and a static fleet sized for the peak. Deterministic: the
 * same profile and options give the same report.
 *
 * <p>The model, second by second: each open shard takes the traffic of its hash key range (the profile's share
 * of it: uniform or uneven) up to 1,000 records/s or 1 MiB/s and throttles the rest; one Lambda consumer per
 * shard reads up to its rate (and 2 MiB/s) times the profile's consumer speed, oldest first, a child only after
 * its parents are drained; the policy runs every
 * evaluation interval on the last interval's per-shard averages; resharding takes time and runs one
 * operation at a time per stream.
 *
 * <pre>{@code
 * SimulationReport report = ScalingSimulator.run(TrafficProfile.named("double11"), SimulationOptions.defaults());
 * report.printTable(System.out);
 * report.writeSvg(Path.of("scale-sim-double11.svg"));
 * }</pre>
 */
public final class ScalingSimulator {
    private ScalingSimulator() {
    }

    /**
     * @param profile traffic to replay
     * @param options model and policy settings
     * @return the three fleets' per-minute figures
     */
    public static SimulationReport run(TrafficProfile profile, SimulationOptions options) {
        double perShard = options.perShardRecordCapacity(profile);
        double startRate = profile.recordsPerSecondAt(profile.start().toInstant());
        int initial = Math.max(1, (int) Math.ceil(startRate / (perShard * options.targetUtilization())));
        int staticShards = (int) Math.ceil(profile.peakRecordsPerSecond() / perShard);
        SimulationReport.Fleet autoscaled = new FleetSimulation(profile, options, options.policyFor(profile), initial).run("autoscaled");
        SimulationReport.Fleet reactive = new FleetSimulation(profile, options, options.reactivePolicy(), initial).run("reactive-only");
        SimulationReport.Fleet fixed = new FleetSimulation(profile, options, null, staticShards).run("static");
        return new SimulationReport(profile, options, autoscaled, reactive, fixed);
    }

    /**
     * Prints the figures of {@code BENCHMARKS.md (autoscaler section)}, e.g.
     * {@code java -cp orchestrator/target/sluice-orchestrator.jar io.sluice.orchestrator.scaling.ScalingSimulator
     * --profile double11 --svg scale-sim-double11.svg}.
     *
     * <p>Options: {@code --profile NAME} (double11, uneven, slow-consumer), {@code --svg FILE} (no chart without it), {@code --summary} (totals only),
     * {@code --consumer-rps N}, {@code --lead PT45M}, {@code --reshard PT30S}, {@code --usc-base PT2M},
     * {@code --usc-per-shard PT1S}, {@code --metrics operator|kinesis} (the deployed scaler's view, the default, or
     * Kinesis's own per-shard counts of writes and throttles).
     *
     * @param args options as above
     */
    static boolean metricsView(String name) {
        switch (name) {
            case "operator": return true;
            case "kinesis": return false;
            default: throw new IllegalArgumentException("--metrics takes operator or kinesis, got [" + name + "]");
        }
    }

    public static void main(String[] args) {
        String profile = "double11";
        String svg = null;
        boolean summaryOnly = false;
        SimulationOptions options = SimulationOptions.defaults();
        java.time.Duration reshard = java.time.Duration.ofSeconds(30);
        java.time.Duration uscBase = java.time.Duration.ofMinutes(2);
        java.time.Duration uscPerShard = java.time.Duration.ofSeconds(1);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--profile": profile = args[++i]; break;
                case "--svg": svg = args[++i]; break;
                case "--summary": summaryOnly = true; break;
                case "--consumer-rps": options = options.withConsumerRecordsPerSecond(Double.parseDouble(args[++i])); break;
                case "--lead": options = options.withPreScaleLead(java.time.Duration.parse(args[++i])); break;
                case "--reshard": reshard = java.time.Duration.parse(args[++i]); break;
                case "--usc-base": uscBase = java.time.Duration.parse(args[++i]); break;
                case "--usc-per-shard": uscPerShard = java.time.Duration.parse(args[++i]); break;
                case "--metrics": options = options.withOperatorMetrics(metricsView(args[++i])); break;
                default: throw new IllegalArgumentException("Unknown option [" + args[i] + "]");
            }
        }
        SimulationReport report = run(TrafficProfile.named(profile), options.withReshardDurations(reshard, uscBase, uscPerShard));
        if (summaryOnly) {
            report.printSummary(System.out);
        } else {
            report.printTable(System.out);
        }
        if (svg != null) {
            report.writeSvg(Path.of(svg));
            System.out.printf(Locale.ROOT, "Chart written to %s%n", svg);
        }
    }
}
