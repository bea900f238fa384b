package io.sluice.cli;

import io.sluice.orchestrator.scaling.ScalerSettings;
import io.sluice.orchestrator.scaling.ActuationReport;
import io.sluice.orchestrator.scaling.DynamoDbScalingHistoryStore;
import io.sluice.orchestrator.scaling.KinesisScalingActuator;
import io.sluice.orchestrator.scaling.ScalingDecision;
import io.sluice.orchestrator.scaling.ScalingLoop;
import io.sluice.orchestrator.scaling.ShardMetrics;
import io.sluice.orchestrator.scaling.StreamMetrics;
import io.sluice.orchestrator.scaling.StreamTopology;
import io.sluice.state.SplitState;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The shard scaler inside {@code sluice demo}: the deployed scaler's policy ({@link ScalerSettings#policy} with the
 * settings {@code template.yaml} gives the scaler function, its midnight pre-scaling left out), its
 * {@link ScalingLoop} with the history in the coordination table, and the {@link KinesisScalingActuator} on the
 * demo's local stream, resharding it while orders are put and consumed.
 *
 * <p>Only the load is staged, and the clock: a demo lasts seconds, the scaler thinks in minutes. The metrics source
 * reads the stream's real open shards and presents them loaded as a Double 11 night would: in {@link #spike()}, the
 * shard with the lowest hash keys takes 900 records/s (90 % of a shard's 1,000 records/s write limit, over the 75 %
 * target) and every other 300; in {@link #calm()}, the stream takes 400 records/s in all, spread by hash key share.
 * Ticks are a simulated minute apart, so the 15-minute scale-in cooldown and stabilization window pass in 16 ticks.
 * With 2 shards: the spike splits {@code shardId-000000000000} at its midpoint into {@code ...2} and {@code ...3};
 * the calm then merges that coldest adjacent pair (0.2 of a shard together, under the 0.5 merge threshold) into
 * {@code ...4}, back to the 2 shards the demo's floor allows.
 *
 * <pre>{@code
 * DemoResharding scaler = DemoResharding.start(kinesis, dynamo, stream, coordinationTable, 2, System.err::println);
 * scaler.spike();   // "reshard: split shardId-000000000000 at 8507... -> shardId-000000000002, shardId-000000000003 (...)"
 * scaler.calm();    // "reshard: merge shardId-000000000002 + shardId-000000000003 -> shardId-000000000004 (...)"
 * }</pre>
 */
final class DemoResharding {
    /** Midnight in Beijing, 2020-11-11: the simulated clock starts at the peak. */
    private static final Instant MIDNIGHT = Instant.parse("2020-11-10T16:00:00Z");
    private static final double HOT_RECORDS_PER_SECOND = 900;
    private static final double WARM_RECORDS_PER_SECOND = 300;
    private static final double CALM_RECORDS_PER_SECOND = 400;
    private static final double BYTES_PER_RECORD = 110;
    private static final int SPIKE_TICKS = 3;
    private static final int CALM_TICKS = 30;

    private final KinesisClient kinesis;
    private final String stream;
    private final ScalingLoop loop;
    private final Consumer<String> out;
    private volatile boolean spiking;
    private Instant now = MIDNIGHT;

    private DemoResharding(KinesisClient kinesis, String stream, ScalingLoop loop, Consumer<String> out) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.loop = loop;
        this.out = out;
    }

    /**
     * @param kinesis the local stream's client (the caller keeps it)
     * @param dynamo where the scaler's history lives
     * @param stream the orders stream
     * @param coordinationTable the deployment's coordination table
     * @param minShards the scaler's floor ({@code SLUICE_SCALING_MIN_SHARDS}, the template's shard count)
     * @param out one line per resharding call
     * @return a scaler at simulated midnight
     */
    static DemoResharding start(KinesisClient kinesis, DynamoDbClient dynamo, String stream, String coordinationTable,
                                int minShards, Consumer<String> out) {
        Map<String, String> env = Map.of("SLUICE_SCALING_TARGET_UTILIZATION", "0.75", "SLUICE_SCALING_MIN_SHARDS", Integer.toString(minShards),
                "SLUICE_SCALING_MAX_SHARDS", "512", "SLUICE_CONSUMER_RECORDS_PER_SECOND", "2000");
        // Status polled every 100 ms, not every second: kinesis-mock reshards in a fraction of one.
        KinesisScalingActuator actuator = KinesisScalingActuator.of(kinesis, stream)
                .withActiveWait(Duration.ofMillis(100), Duration.ofMinutes(1)).withDeadline(Duration.ofMinutes(1));
        DemoResharding[] self = new DemoResharding[1];
        ScalingLoop loop = new ScalingLoop(at -> self[0].metrics(at), ScalerSettings.policy(env), actuator,
                new DynamoDbScalingHistoryStore(dynamo, coordinationTable, stream));
        self[0] = new DemoResharding(kinesis, stream, loop, out);
        return self[0];
    }

    /**
     * The midnight spike: ticks until the scaler has split a shard.
     *
     * @throws IllegalStateException if it has not after {@value #SPIKE_TICKS} simulated minutes
     */
    void spike() {
        spiking = true;
        tickUntil(ScalingDecision.Split.class, SPIKE_TICKS);
    }

    /**
     * The calm after it: ticks until the scaler has merged a pair (after its cooldown and stabilization window).
     *
     * @throws IllegalStateException if it has not after {@value #CALM_TICKS} simulated minutes
     */
    void calm() {
        spiking = false;
        tickUntil(ScalingDecision.Merge.class, CALM_TICKS);
    }

    /**
     * The operator's own view of the shards once the stream is drained, as its shard registration left it in the
     * coordination table: every parent FINISHED (on its child's first batch), the open shards ACTIVE.
     *
     * @param splits the live pipeline's splits ({@code StateStore.splits(pipeline)})
     * @return one line, e.g. {@code reshard: operator splits: shardId-000000000000 FINISHED, ...}
     */
    static String operatorSplits(List<SplitState> splits) {
        return "reshard: operator splits: " + String.join(", ", splits.stream()
                .sorted(Comparator.comparing(SplitState::split))
                .map(s -> s.split() + " " + s.status() + (s.parents().isEmpty() ? "" : " (from " + String.join(" + ", s.parents()) + ")"))
                .toList());
    }

    private void tickUntil(Class<? extends ScalingDecision> wanted, int ticks) {
        ScalingLoop.Tick last = null;
        for (int i = 0; i < ticks; i++) {
            last = loop.runOnce(now);
            boolean done = false;
            for (ActuationReport.Outcome o : last.actuation().outcomes()) {
                out.accept(describe(o, last.plan().reason()));
                done |= wanted.isInstance(o.decision()) && o.status() == ActuationReport.Status.APPLIED;
            }
            now = now.plus(Duration.ofMinutes(1));
            if (done) {
                return;
            }
        }
        throw new IllegalStateException("the shard scaler made no " + wanted.getSimpleName().toLowerCase()
                + " in " + ticks + " simulated minutes; last plan: " + (last == null ? "none" : last.plan()));
    }

    private String describe(ActuationReport.Outcome o, String reason) {
        String when = String.format(" (scaler at +%d min: %s)", Duration.between(MIDNIGHT, now).toMinutes(), reason);
        if (o.status() != ActuationReport.Status.APPLIED) {
            return "reshard: " + o.decision() + " " + o.status() + ": " + o.message() + when;
        }
        List<StreamTopology.OpenShard> open = StreamTopology.read(kinesis, stream).openShards();
        if (o.decision() instanceof ScalingDecision.Split s) {
            return "reshard: split " + s.shardId() + " at " + s.newStartingHashKey() + " -> " + childrenOf(open, s.shardId()) + when;
        }
        if (o.decision() instanceof ScalingDecision.Merge m) {
            return "reshard: merge " + m.shardId() + " + " + m.adjacentShardId() + " -> " + childrenOf(open, m.shardId()) + when;
        }
        return "reshard: " + o.decision() + " -> " + open.size() + " open shards" + when;
    }

    private static String childrenOf(List<StreamTopology.OpenShard> open, String parent) {
        return String.join(", ", open.stream().filter(s -> s.parents().contains(parent)).map(StreamTopology.OpenShard::shardId).toList());
    }

    /** The stream's real open shards, loaded as the phase says. */
    private StreamMetrics metrics(Instant at) {
        StreamTopology topology = StreamTopology.read(kinesis, stream);
        List<ShardMetrics> shards = new ArrayList<>();
        List<StreamTopology.OpenShard> open = topology.openShards();   // sorted by hash key: the first is the hot one
        for (int i = 0; i < open.size(); i++) {
            StreamTopology.OpenShard s = open.get(i);
            double records = spiking ? (i == 0 ? HOT_RECORDS_PER_SECOND : WARM_RECORDS_PER_SECOND)
                    : CALM_RECORDS_PER_SECOND * s.range().fraction();
            shards.add(ShardMetrics.of(s.shardId(), s.range(), records, records * BYTES_PER_RECORD));
        }
        return new StreamMetrics(at, topology.active(), shards);
    }
}
