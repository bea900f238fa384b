package io.sluice.cli;

import io.sluice.orchestrator.cost.NightBill;
import io.sluice.orchestrator.cost.ServerlessWork;
import io.sluice.orchestrator.scaling.ScalingSimulator;
import io.sluice.orchestrator.scaling.SimulationOptions;
import io.sluice.orchestrator.scaling.SimulationReport;
import io.sluice.orchestrator.scaling.TrafficProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice scale-sim}: replays a traffic curve through the shard autoscaler's policy against a model of
 * Kinesis shard limits, and compares it with a static fleet sized for the peak and a reactive-only fleet.
 */
@Command(name = "scale-sim", mixinStandardHelpOptions = true,
        description = "Simulate the shard autoscaler through a traffic profile (throttling, lag, shard-hours).")
final class ScaleSimCommand implements Callable<Integer> {

    @Option(names = "--profile", defaultValue = "double11", description = "Traffic profile: double11 (uniform keys), uneven (hash key "
            + "quarters weighted 2:2:2:1) or slow-consumer (consumers at 10 %% of their rate 01:00-02:00). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also write a chart of traffic, shards and lag to FILE (none by default).")
    Path svg;

    @Option(names = "--summary", description = "Totals only, without the per-minute table.")
    boolean summary;

    /** What the policy is fed. */
    enum Metrics { operator, kinesis }

    @Option(names = "--metrics", defaultValue = "operator", description = "What the policy sees: operator (the deployed "
            + "scaler: the operator's reads per shard, throttles unseen) or kinesis (Kinesis's own per-shard writes and "
            + "throttles). Default: ${DEFAULT-VALUE}.")
    Metrics metrics;

    @Option(names = "--cost", description = "Also print the night's bill of each fleet in dollars (Kinesis, Lambda, "
            + "DynamoDB, S3) and of a Managed Service for Apache Flink application sized for the peak.")
    boolean cost;

    /** The template's {@code BatchingWindowSeconds} {@code MaxValue}: what a deployment can set. */
    private static final int MAX_BATCHING_WINDOW_SECONDS = 30;

    @Option(names = "--batching-window", paramLabel = "SECONDS", defaultValue = "1", description = "With --cost: the "
            + "event source mapping's MaximumBatchingWindowInSeconds to bill the serverless fleets at, 1 to 30 (the "
            + "template's BatchingWindowSeconds, 1 by default). A longer window makes fewer, fuller batches, which "
            + "cost fewer DynamoDB write units, and delays each record by up to that long. Default: ${DEFAULT-VALUE}.")
    int batchingWindowSeconds;

    @Override
    public Integer call() {
        TrafficProfile traffic;
        try {
            traffic = TrafficProfile.named(profile);
        } catch (IllegalArgumentException e) {
            throw new SluiceCommand.UsageException(e.getMessage());
        }
        if (batchingWindowSeconds < 1 || batchingWindowSeconds > MAX_BATCHING_WINDOW_SECONDS) {
            throw new SluiceCommand.UsageException("--batching-window must be 1 to " + MAX_BATCHING_WINDOW_SECONDS
                    + " seconds (the template's BatchingWindowSeconds): " + batchingWindowSeconds);
        }
        SimulationReport report = ScalingSimulator.run(traffic,
                SimulationOptions.defaults().withOperatorMetrics(metrics == Metrics.operator));
        if (summary) {
            report.printSummary(System.out);
        } else {
            report.printTable(System.out);
        }
        if (cost) {
            ServerlessWork work = ServerlessWork.measured();
            int bytes = traffic.recordBytes();
            int window = batchingWindowSeconds;
            System.out.println();
            NightBill.print(List.of(
                    NightBill.serverless(report.autoscaled(), bytes, 1, work, window),
                    NightBill.serverless(report.reactiveOnly(), bytes, 1, work, window),
                    NightBill.serverless(report.staticFleet(), bytes, 1, work, window),
                    NightBill.managedFlink(report.autoscaled(), bytes, 1, work)), System.out);
            int template = NightBill.TEMPLATE_BATCHING_WINDOW_SECONDS;
            System.out.printf("serverless fleets billed at a %d s batching window (the template's default: %d s)%s%n",
                    window, template, window == template ? "" : ": each record waits up to " + window
                            + " s before it is applied");
        }
        if (svg != null) {
            report.writeSvg(svg);
            System.err.println("chart: " + svg);
        }
        return 0;
    }
}
