package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.functions.driver.KinesisShardRange;
import io.sluice.functions.driver.OnFailureRecord;
import io.sluice.functions.driver.OnFailureReplay;
import io.sluice.functions.driver.OnFailureReplay.Outcome;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.coordination.AttemptLog;
import io.sluice.state.coordination.InMemoryAttemptLog;
import io.sluice.state.coordination.ShardRegistry;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay of on-failure records ({@code sluice replay}) against the operator's own read-back, played by hand on the
 * in-memory store and stream as {@link ShardGapFillerTest} plays the event source mapping: a range an attempt was
 * recorded for is the operator's and is never applied twice; a range no attempt was recorded for is applied once,
 * under its own split; a range the operator has not passed waits, a trimmed one is expired, and one from before the
 * attempt log is undetermined.
 */
class OnFailureReplayTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());
    private static final String SHARD = "shardId-000000000000";
    private static final int RETRIES = 5;

    private final InMemoryShards stream = new InMemoryShards().shard(SHARD);
    private final AtomicReference<String> failing = new AtomicReference<>();
    private final StateStore store = ShardGapFillerTest.failingOn(new InMemoryStateStore(), failing);
    private final AttemptLog attempts = new InMemoryAttemptLog(Clock.systemUTC());
    private final List<ResultRow> results = new ArrayList<>();
    private final List<LateRecord> late = new ArrayList<>();
    private final List<RejectedRecord> deadLetters = new ArrayList<>();
    private final SinkOutputs outputs = new SinkOutputs(List.of(rows -> rows.stream().filter(ResultRow::isFinal)
            .forEach(results::add)), late::add, deadLetters::add);
    private final List<Order> sent = new ArrayList<>();
    private int nextOrder;

    @Test
    void rangeAnAttemptWasRecordedFor_isTheOperators_readBackByIt_andNeverAppliedAgain() {
        KinesisOperator operator = operator(attempts);
        applied(operator.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> abandoned = orders(4, 20_000);
        givenUp(operator, abandoned, "writePartial");   // the attempt is recorded: the operator reads it back
        applied(operator.handle(event(orders(2, 30_000))));

        OnFailureReplay.Result result = replay().replay(onFailure(abandoned), false);
        applied(operator.handle(closing(1, 40_000)));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_APPLIED);
        assertThat(result.theOperators()).isEqualTo(4);
        assertThat(result.replayed()).isZero();
        assertCountedOnce();
    }

    @Test
    void rangeNoAttemptWasRecordedFor_isLostByTheOperator_andAppliedOnceByTheReplay() {
        KinesisOperator operator = operator(attempts);
        applied(operator.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> lost = orders(4, 20_000);
        givenUp(operator, lost, "startAttempt");   // no attempt recorded: the next batch jumps over it
        applied(operator.handle(event(orders(2, 30_000))));

        OnFailureReplay.Result first = replay().replay(onFailure(lost), false);
        OnFailureReplay.Result second = replay().replay(onFailure(lost), false);
        applied(operator.handle(closing(1, 40_000)));

        assertThat(first.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(first.replayed()).isEqualTo(4);
        assertThat(first.split()).isEqualTo(SHARD + "~replay~" + lost.get(0).getKinesis().getSequenceNumber());
        assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_APPLIED);
        assertCountedOnce();
    }

    @Test
    void unrecordedRange_nextToARecordedOne_isLeftToTheReplay_andEachIsAppliedOnce() {
        // The read-back runs from the applied fence up to the next batch and would take the unrecorded range too; it
        // leaves out what no logged attempt started on (below items a later attempt may have fenced past it, it could
        // be skipped there), and the replay applies that under its own split.
        for (boolean recordedFirst : new boolean[] {true, false}) {
            long t = recordedFirst ? 0 : 100_000;
            KinesisOperator operator = operator(attempts);
            applied(operator.handle(event(orders(3, 10_000 + t))));
            List<KinesisEvent.KinesisEventRecord> first = orders(3, 20_000 + t);
            givenUp(operator, first, recordedFirst ? "writePartial" : "startAttempt");
            List<KinesisEvent.KinesisEventRecord> second = orders(2, 25_000 + t);
            givenUp(operator, second, recordedFirst ? "startAttempt" : "writePartial");
            applied(operator.handle(event(orders(2, 30_000 + t))));

            OnFailureReplay.Result r1 = replay().replay(onFailure(first), false);
            OnFailureReplay.Result r2 = replay().replay(onFailure(second), false);

            OnFailureReplay.Result recorded = recordedFirst ? r1 : r2;
            OnFailureReplay.Result unrecorded = recordedFirst ? r2 : r1;
            assertThat(recorded.outcome()).as("recorded first: " + recordedFirst).isEqualTo(Outcome.ALREADY_APPLIED);
            assertThat(unrecorded.outcome()).as("recorded first: " + recordedFirst).isEqualTo(Outcome.APPLIED);
        }
        applied(operator(attempts).handle(closing(1, 400_000)));
        assertCountedOnce();
    }

    @Test
    void unrecordedRange_belowABatchThatCrashedAfterWriting_isNotReadBack_butReplayed() {
        // Simulator, fault class give-up-unrecorded: the batch after the lost one writes some items (fence past the
        // lost records) and crashes; its retry reads back from the applied fence. Read back, the lost records would be
        // skipped by those items' fences and the replay would take them for the operator's: lost twice over.
        KinesisOperator operator = operator(attempts);
        applied(operator.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> lost = orders(4, 20_000);
        givenUp(operator, lost, "startAttempt");
        List<KinesisEvent.KinesisEventRecord> next = orders(4, 20_500);
        failing.set("advanceSplit");   // every item written with the batch's fence, then the crash
        assertThat(operator.handle(event(next)).getBatchItemFailures()).hasSize(1);
        failing.set(null);
        applied(operator(attempts).handle(event(next)));

        OnFailureReplay.Result result = replay().replay(onFailure(lost), false);
        applied(operator.handle(closing(1, 40_000)));

        assertThat(result.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(result.replayed()).isEqualTo(4);
        assertCountedOnce();
    }

    @Test
    void dryRun_reportsTheRecordsItWouldApply_andWritesNothing() {
        KinesisOperator operator = operator(attempts);
        applied(operator.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> lost = orders(4, 20_000);
        givenUp(operator, lost, "startAttempt");
        applied(operator.handle(event(orders(2, 30_000))));

        OnFailureReplay.Result dry = replay().replay(onFailure(lost), true);

        assertThat(dry.outcome()).isEqualTo(Outcome.WOULD_APPLY);
        assertThat(dry.replayed()).isEqualTo(4);
        assertThat(dry.settled()).isFalse();
        assertThat(store.readSplit(GMV.name(), OnFailureReplay.replaySplit(onFailure(lost)))).isEmpty();
    }

    @Test
    void rangeTheOperatorHasNotPassed_waits_whetherOrNotAnAttemptWasRecorded() {
        KinesisOperator operator = operator(attempts);
        applied(operator.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> lost = orders(2, 20_000);
        givenUp(operator, lost, "startAttempt");
        OnFailureReplay.Result unrecorded = replay().replay(onFailure(lost), false);
        List<KinesisEvent.KinesisEventRecord> recorded = orders(2, 21_000);
        givenUp(operator, recorded, "writePartial");

        OnFailureReplay.Result pending = replay().replay(onFailure(recorded), false);

        assertThat(unrecorded.outcome()).isEqualTo(Outcome.WAITING);
        assertThat(unrecorded.detail()).contains("not passed it yet");
        assertThat(pending.outcome()).isEqualTo(Outcome.WAITING);
        assertThat(pending.detail()).contains("reads it back");
        assertThat(unrecorded.settled()).isFalse();
    }

    @Test
    void rangeTheStreamNoLongerHolds_isExpired() {
        KinesisOperator operator = operator(attempts);
        applied(operator.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> lost = orders(4, 20_000);
        givenUp(operator, lost, "startAttempt");
        applied(operator.handle(event(orders(2, 30_000))));
        stream.trimThrough(SHARD, lost.get(0).getKinesis().getSequenceNumber());

        OnFailureReplay.Result result = replay().replay(onFailure(lost), false);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(result.detail()).contains("lost");
        assertThat(result.settled()).isFalse();
    }

    @Test
    void rangeTheOperatorPassedBeforeItLoggedAttempts_isUndetermined_notApplied() {
        KinesisOperator unlogged = operator(null);
        applied(unlogged.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> range = orders(4, 20_000);
        applied(unlogged.handle(event(range)));
        KinesisOperator logged = operator(attempts);   // deployed with the attempt log from now on
        applied(logged.handle(event(orders(2, 30_000))));

        OnFailureReplay.Result result = replay().replay(onFailure(range), false);

        assertThat(result.outcome()).isEqualTo(Outcome.UNDETERMINED);
        assertThat(result.replayed()).isZero();
    }

    @Test
    void rangeNoRecordedAttemptEverReached_isApplied_evenWithoutTheLog_onceItsShardIsFinished() {
        // The shard's last batch is refused every time and a child's first batch finishes the shard: its attempt fence
        // is before the range, so no attempt applied any of it, whatever the log holds (here: nothing).
        KinesisOperator unlogged = operator(null);
        applied(unlogged.handle(event(orders(3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> lost = orders(4, 20_000);
        givenUp(unlogged, lost, "startAttempt");
        store.advanceSplit(SplitState.pending(GMV.name(), SHARD, 0, List.of()).finished(Fence.NONE));

        OnFailureReplay.Result result = replay().replay(onFailure(lost), false);
        OnFailureReplay.Result again = replay().replay(onFailure(lost), false);

        assertThat(result.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(result.replayed()).isEqualTo(4);
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_APPLIED);
        PipelineRun end = PipelineRun.stream(GMV, store, outputs, new RunMetrics());
        end.fire(Long.MAX_VALUE / 2);
        assertCountedOnce();
    }

    private KinesisOperator operator(AttemptLog log) {
        return new KinesisOperator(GMV, store, outputs, deadLetters::add,
                Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC),
                new EmfMetrics("Sluice", GMV.name(), "operator", new PrintStream(OutputStream.nullOutputStream())),
                new ShardRegistry(stream, store, GMV.name()), null, new KinesisShardRange(stream), log);
    }

    private OnFailureReplay replay() {
        return new OnFailureReplay(GMV, store, outputs, attempts, new KinesisShardRange(stream),
                Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC));
    }

    /** The batch fails on {@code method} on the first try and every retry; the mapping gives up on it. */
    private void givenUp(KinesisOperator operator, List<KinesisEvent.KinesisEventRecord> batch, String method) {
        failing.set(method);
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            assertThat(operator.handle(event(batch)).getBatchItemFailures()).hasSize(1);
        }
        failing.set(null);
    }

    /** The record Lambda sends the on-failure destination for {@code batch}. */
    private static OnFailureRecord onFailure(List<KinesisEvent.KinesisEventRecord> batch) {
        return new OnFailureRecord(SHARD, batch.get(0).getKinesis().getSequenceNumber(),
                batch.get(batch.size() - 1).getKinesis().getSequenceNumber(), InMemoryShards.STREAM_ARN, batch.size(),
                "RetryAttemptsExhausted");
    }

    private List<KinesisEvent.KinesisEventRecord> orders(int n, long ts) {
        String[] lines = new String[n];
        for (int i = 0; i < n; i++) {
            Order o = new Order("o-" + nextOrder, "u-1", "c-" + (nextOrder % 3), 100 + nextOrder, ts);
            nextOrder++;
            sent.add(o);
            lines[i] = o.toJson();
        }
        return stream.put(SHARD, lines);
    }

    /** {@code n} orders at {@code ts} and one far later, whose watermark fires every window before it. */
    private KinesisEvent closing(int n, long ts) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(orders(n, ts));
        records.addAll(stream.put(SHARD, new Order("closer", "u-1", "c-9", 1, 10_000_000).toJson()));
        return event(records);
    }

    private static KinesisEvent event(List<KinesisEvent.KinesisEventRecord> records) {
        return InMemoryShards.eventOf(records);
    }

    private static void applied(StreamsEventResponse response) {
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    /** The fired windows hold every order sent (but the closer) exactly once; nothing is late or a dead letter. */
    private void assertCountedOnce() {
        Map<String, List<Long>> expected = new TreeMap<>();
        sent.forEach(o -> expected.merge(o.ts() / 60_000 * 60_000 + " " + o.category(), List.of(1L, o.amount()),
                (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1))));
        Map<String, List<Long>> actual = new TreeMap<>();
        results.forEach(r -> {
            CountAndSum v = (CountAndSum) r.value();
            actual.merge(r.windowStart() + " " + r.key(), List.of(v.count(), v.sum()),
                    (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
        });
        assertThat(actual).isEqualTo(expected);
        assertThat(late).isEmpty();
        assertThat(deadLetters).isEmpty();
    }
}
