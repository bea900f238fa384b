package io.sluice.orchestrator.scaling;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Replays a traffic profile through the {@link ScalingPolicy} against a model of Kinesis and Lambda,
 * and compares three fleets: the autoscaler with pre-scaling for the profile's known peak, the same
 * policy without pre-scaling (reactive only), and a static fleet sized for the peak. Deterministic: the
 * same profile and options give the same report.
 *
 * <p>The model, second by second: each open shard takes the traffic of its hash key range (uniform) up
 * to 1,000 records/s or 1 MiB/s and throttles the rest; one Lambda consumer per shard reads up to its
 * rate (and 2 MiB/s), oldest first, a child only after its parents are drained; the policy runs every
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
     * Prints the double11 figures of {@code BENCHMARKS-scaling.md}:
     * {@code java -cp <orchestrator classpath> io.sluice.orchestrator.scaling.ScalingSimulator double11 scale-sim-double11.svg}.
     *
     * @param args profile name (default {@code double11}), then optionally an SVG path and {@code --summary}
     */
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "double11";
        SimulationReport report = run(TrafficProfile.named(name), SimulationOptions.defaults());
        boolean summaryOnly = args.length > 2 && args[2].equals("--summary");
        if (summaryOnly) {
            report.printSummary(System.out);
        } else {
            report.printTable(System.out);
        }
        if (args.length > 1) {
            report.writeSvg(Path.of(args[1]));
            System.out.printf(Locale.ROOT, "Chart written to %s%n", args[1]);
        }
    }
}
