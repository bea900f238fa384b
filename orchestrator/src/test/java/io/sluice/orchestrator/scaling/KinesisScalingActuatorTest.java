package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.MergeShardsRequest;
import software.amazon.awssdk.services.kinesis.model.MergeShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.SplitShardRequest;
import software.amazon.awssdk.services.kinesis.model.SplitShardResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.UpdateShardCountRequest;
import software.amazon.awssdk.services.kinesis.model.UpdateShardCountResponse;

/** Back-off and error handling against a scripted client (the emulator never refuses on cue). */
class KinesisScalingActuatorTest {
    private static final ScalingDecision SPLIT = new ScalingDecision.Split("shardId-000000000000", BigInteger.TEN);

    @Test
    void apply_retriesWithBackoff_whenKinesisSaysLimitExceededThenSucceeds() {
        ScriptedKinesis kinesis = new ScriptedKinesis(List.of(limitExceeded(), limitExceeded()));

        ActuationReport report = actuator(kinesis).apply(List.of(SPLIT));

        assertThat(report.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(ActuationReport.Status.APPLIED);
            assertThat(o.attempts()).isEqualTo(3);
        });
        assertThat(kinesis.calls).containsExactly("split", "split", "split");
    }

    @Test
    void apply_waitsForActive_whenTheStreamIsUpdating() {
        ScriptedKinesis kinesis = new ScriptedKinesis(List.of());
        kinesis.updatingReads = 3;

        ActuationReport report = actuator(kinesis).apply(List.of(SPLIT));

        assertThat(report.applied()).isEqualTo(1);
        assertThat(kinesis.statusReads).isGreaterThanOrEqualTo(5);
    }

    @Test
    void apply_returnsAtTheDeadline_whenTheStreamStaysUpdatingAfterTheCall() {
        ScriptedKinesis kinesis = new ScriptedKinesis(List.of());
        kinesis.updatingAfterCall = true;
        KinesisScalingActuator actuator = actuator(kinesis).withDeadline(Duration.ofMillis(100));

        ActuationReport report = actuator.apply(List.of(new ScalingDecision.UpdateShardCount(8), SPLIT));

        assertThat(report.outcomes()).extracting(ActuationReport.Outcome::status)
                .containsExactly(ActuationReport.Status.APPLIED, ActuationReport.Status.SKIPPED);
        assertThat(report.outcomes().get(0).message()).contains("still UPDATING");
        assertThat(kinesis.calls).containsExactly("updateShardCount");
    }

    @Test
    void apply_fails_afterEveryAttemptIsRefusedAsResourceInUse() {
        List<Supplier<RuntimeException>> refusals = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            refusals.add(() -> ResourceInUseException.builder().awsErrorDetails(details("ResourceInUseException")).build());
        }

        ActuationReport report = actuator(new ScriptedKinesis(refusals)).apply(List.of(SPLIT));

        assertThat(report.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(ActuationReport.Status.FAILED);
            assertThat(o.attempts()).isEqualTo(4);
            assertThat(o.message()).contains("ResourceInUseException");
        });
    }

    @Test
    void apply_skipsAStaleShard_andCarriesOnWithTheNextDecision() {
        ScriptedKinesis kinesis = new ScriptedKinesis(List.of(
                () -> InvalidArgumentException.builder().awsErrorDetails(details("shard is closed")).build()));

        ActuationReport report = actuator(kinesis).apply(List.of(SPLIT, new ScalingDecision.Merge("a", "b")));

        assertThat(report.outcomes()).extracting(ActuationReport.Outcome::status)
                .containsExactly(ActuationReport.Status.SKIPPED, ActuationReport.Status.APPLIED);
    }

    @Test
    void refusedUpdateShardCount_exhaustsTheLoopsBudget_soItsNextPlanSplits() {
        List<Supplier<RuntimeException>> refusals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refusals.add(limitExceeded());
        }
        ScriptedKinesis kinesis = new ScriptedKinesis(refusals);
        Instant t0 = Instant.parse("2026-11-11T00:00:00Z");
        ShardMetricsSource source = now -> StreamMetrics.active(now, Shards.uniform(4, 2_000));
        ScalingLoop loop = new ScalingLoop(source, ScalingPolicy.targetUtilization(0.75).withScaleOutCooldown(Duration.ZERO), actuator(kinesis));

        ScalingLoop.Tick first = loop.runOnce(t0);
        ScalingLoop.Tick second = loop.runOnce(t0.plusSeconds(60));

        assertThat(first.plan().decisions()).containsExactly(new ScalingDecision.UpdateShardCount(8));
        assertThat(first.actuation().updateShardCountRefused()).isTrue();
        assertThat(second.plan().decisions()).isNotEmpty().allMatch(d -> d instanceof ScalingDecision.Split);
    }

    @Test
    void updateShardCountThatKinesisNeverAccepted_isGivenBackToTheBudget() {
        List<Supplier<RuntimeException>> refusals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refusals.add(() -> ResourceInUseException.builder().awsErrorDetails(details("ResourceInUseException")).build());
        }
        Instant t0 = Instant.parse("2026-11-11T00:00:00Z");
        ShardMetricsSource source = now -> StreamMetrics.active(now, Shards.uniform(4, 2_000));
        ScalingLoop loop = new ScalingLoop(source, ScalingPolicy.targetUtilization(0.75), actuator(new ScriptedKinesis(refusals)));

        ScalingLoop.Tick tick = loop.runOnce(t0);

        assertThat(tick.plan().decisions()).containsExactly(new ScalingDecision.UpdateShardCount(8));
        assertThat(tick.actuation().outcomes()).singleElement().extracting(ActuationReport.Outcome::status)
                .isEqualTo(ActuationReport.Status.FAILED);
        assertThat(loop.history().updateShardCountCallsSince24h(t0)).isZero();
    }

    @Test
    void tick_appliesNothing_whenAnotherScalerSavedItsHistoryFirst() {
        ScriptedKinesis kinesis = new ScriptedKinesis(List.of());
        ShardMetricsSource source = now -> StreamMetrics.active(now, Shards.uniform(4, 2_000));
        ScalingHistoryStore lost = new ScalingHistoryStore() {
            @Override
            public ScalingHistory load() {
                return ScalingHistory.empty();
            }

            @Override
            public boolean save(ScalingHistory history) {
                return false;
            }
        };
        ScalingLoop loop = new ScalingLoop(source, ScalingPolicy.targetUtilization(0.75), actuator(kinesis), lost);

        ScalingLoop.Tick tick = loop.runOnce(Instant.parse("2026-11-11T00:00:00Z"));

        assertThat(tick.superseded()).isTrue();
        assertThat(tick.plan().decisions()).containsExactly(new ScalingDecision.UpdateShardCount(8));
        assertThat(tick.actuation().outcomes()).isEmpty();
        assertThat(kinesis.calls).isEmpty();
    }

    private static KinesisScalingActuator actuator(KinesisClient kinesis) {
        return KinesisScalingActuator.of(kinesis, "orders").withBackoff(Duration.ofMillis(1), Duration.ofMillis(4), 4)
                .withActiveWait(Duration.ofMillis(1), Duration.ofSeconds(5));
    }

    private static Supplier<RuntimeException> limitExceeded() {
        return () -> LimitExceededException.builder().awsErrorDetails(details("Rate exceeded")).build();
    }

    private static AwsErrorDetails details(String message) {
        return AwsErrorDetails.builder().errorMessage(message).build();
    }

    /** Throws the scripted exceptions on resharding calls, in order, then succeeds. */
    private static final class ScriptedKinesis implements KinesisClient {
        final List<Supplier<RuntimeException>> script;
        final List<String> calls = new ArrayList<>();
        int updatingReads;
        int statusReads;
        boolean updatingAfterCall;

        ScriptedKinesis(List<Supplier<RuntimeException>> script) {
            this.script = new ArrayList<>(script);
        }

        @Override
        public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
            statusReads++;
            boolean updating = updatingReads-- > 0 || (updatingAfterCall && !calls.isEmpty());
            StreamStatus status = updating ? StreamStatus.UPDATING : StreamStatus.ACTIVE;
            return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(s -> s.streamStatus(status)).build();
        }

        @Override
        public SplitShardResponse splitShard(SplitShardRequest request) {
            next("split");
            return SplitShardResponse.builder().build();
        }

        @Override
        public MergeShardsResponse mergeShards(MergeShardsRequest request) {
            next("merge");
            return MergeShardsResponse.builder().build();
        }

        @Override
        public UpdateShardCountResponse updateShardCount(UpdateShardCountRequest request) {
            next("updateShardCount");
            return UpdateShardCountResponse.builder().build();
        }

        private void next(String call) {
            calls.add(call);
            if (!script.isEmpty()) {
                throw script.remove(0).get();
            }
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }
}
