package io.sluice.functions.runtime;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.Slot;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Session firing rounds whose cost follows what can become final (issue 18): paced by the firing interval of event
 * time, reading no pane that cannot hold a final session, decoding only sessions that became final; the rows stay
 * those of a round after every batch, and of batch mode. Before, every batch ran a round that read and decoded every
 * pending pane.
 */
class SessionRoundsTest {

    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final String PIPELINE = "session-rounds";

    private static CompiledPipeline sessions(SessionWindows windows) {
        return CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("user", Order::userId)
                .window(windows)
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results(PIPELINE)));
    }

    private static LineBatch batch(long firstOrdinal, Order... orders) {
        LineBatch batch = new LineBatch(orders.length);
        long ordinal = firstOrdinal;
        for (Order o : orders) {
            byte[] line = o.toJson().getBytes(StandardCharsets.UTF_8);
            batch.add(line, 0, line.length, ordinal, ordinal);
            ordinal++;
        }
        return batch;
    }

    private static Order order(String user, long ts) {
        return new Order("o-" + user + "-" + ts, user, "c-1", 100, ts);
    }

    /** Twelve minutes of orders, a batch every 10 s on one shard, users active now and then (gap 1 min). */
    private static List<LineBatch> quietAndBusyUsers() {
        List<LineBatch> batches = new ArrayList<>();
        for (int i = 0; i < 72; i++) {
            long ts = i * 10 * SECOND;
            batches.add(batch(i * 2L + 1, order("u-" + i % 7, ts), order("u-" + (i * 3) % 11, ts + 2 * SECOND)));
        }
        return batches;
    }

    private record Run(List<ResultRow> rows, CountingStateStore store) {
    }

    private static Run stream(SessionWindows windows, List<LineBatch> batches) {
        CountingStateStore store = new CountingStateStore(new InMemoryStateStore());
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun run = PipelineRun.stream(sessions(windows), store, outputs, new RunMetrics());
        for (LineBatch b : batches) {
            run.apply("shard-0", b, 0);
            run.fire(0);
        }
        run.finish("shard-0", 0);
        run.fire(0);
        assertThat(outputs.lateRecords()).isEmpty();
        return new Run(outputs.finalResults(), store);
    }

    private static List<ResultRow> batchMode(SessionWindows windows, List<LineBatch> batches) {
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun run = PipelineRun.batch(sessions(windows), new InMemoryStateStore(), outputs, new RunMetrics());
        for (LineBatch b : batches) {
            run.apply("task-0", b, 0);
        }
        run.finish("task-0", 0);
        run.fire(0);
        return outputs.finalResults();
    }

    @Test
    void batchesWithinTheFiringInterval_takeNoRoundClaim_andReadNoPane_andTheRowsAreThoseOfARoundPerBatch() {
        SessionWindows gapOfAMinute = SessionWindows.withGap(Duration.ofMinutes(1));
        List<LineBatch> batches = quietAndBusyUsers();

        Run paced = stream(gapOfAMinute, batches);                                   // default: one minute
        Run everyBatch = stream(gapOfAMinute.withFiringInterval(Duration.ZERO), batches);

        // 72 batches over 12 minutes of event time: a round per batch before, one per minute of watermark now (and
        // the end of input's).
        assertThat(everyBatch.store().claims(WindowFirer.SESSION_ROUND)).isEqualTo(73);
        assertThat(paced.store().claims(WindowFirer.SESSION_ROUND)).isBetween(12, 14);
        assertThat(paced.store().slotReads()).isLessThan(everyBatch.store().slotReads() / 4);
        assertThat(paced.rows()).isNotEmpty().hasSizeGreaterThan(10)
                .isEqualTo(everyBatch.rows()).isEqualTo(batchMode(gapOfAMinute, batches));
    }

    @Test
    void aPacedRoundDelaysASessionByLessThanTheInterval_andTheScheduledFirerRunsOneAtOnce() {
        CountingStateStore store = new CountingStateStore(new InMemoryStateStore());
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun run = PipelineRun.stream(sessions(SessionWindows.withGap(Duration.ofMinutes(1))), store, outputs,
                new RunMetrics());
        run.apply("shard-0", batch(1, order("u-1", 0), order("u-2", 10 * SECOND)), 0);
        run.fire(0);                                                     // W = 5 s: the first round
        run.apply("shard-0", batch(3, order("u-2", 66 * SECOND)), 0);
        run.fire(0);                                                     // W = 61 s: [0, 60 s) final, 56 s after

        assertThat(outputs.finalResults()).isEmpty();
        assertThat(run.fireNow(0)).isEqualTo(61 * SECOND);              // the scheduled firer's way
        assertThat(outputs.finalResults()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd)
                .containsExactly(tuple("u-1", 0L, 60 * SECOND));

        run.apply("shard-0", batch(4, order("u-3", 120 * SECOND)), 0);
        run.fire(0);                                                     // W = 115 s: u-2's [10 s, 126 s) open
        run.apply("shard-0", batch(5, order("u-3", 200 * SECOND)), 0);
        run.fire(0);                                                     // W = 195 s >= 61 s + 60 s: a round
        assertThat(outputs.finalResults()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd)
                .containsExactly(tuple("u-1", 0L, 60 * SECOND), tuple("u-2", 10 * SECOND, 126 * SECOND),
                        tuple("u-3", 120 * SECOND, 180 * SECOND));
    }

    @Test
    void aRound_readsNoPaneStartingAtOrAfterWatermarkLessLateness() {
        // Gap 1 min: 4-minute panes. shard-1 is ahead, in pane [8 min, 12 min); the global watermark is shard-0's.
        CountingStateStore store = new CountingStateStore(new InMemoryStateStore());
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun run = PipelineRun.stream(sessions(SessionWindows.withGap(Duration.ofMinutes(1))
                .withFiringInterval(Duration.ZERO)), store, outputs, new RunMetrics());
        run.register(List.of("shard-0", "shard-1"));
        run.apply("shard-1", batch(1, order("u-9", 9 * MINUTE)), 0);
        run.apply("shard-0", batch(1, order("u-1", 10 * SECOND), order("u-2", 3 * MINUTE)), 0);
        assertThat(run.fire(0)).isEqualTo(3 * MINUTE - 5 * SECOND);

        assertThat(outputs.finalResults()).extracting(ResultRow::key).containsExactly("u-1");
        assertThat(store.slotReads(new Slot(0, 4 * MINUTE))).isEqualTo(1);
        assertThat(store.slotReads(new Slot(8 * MINUTE, 12 * MINUTE))).isZero();
    }

    @Test
    void aRound_decodesOnlyTheFragmentsOfSessionsThatBecameFinal() {
        CompiledPipeline pipeline = sessions(SessionWindows.withGap(Duration.ofMinutes(1)));
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, new RunMetrics());
        List<Order> open = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            open.add(order("u-open-" + u, 100 * SECOND + u * 10));
        }
        run.apply("shard-0", batch(1, order("u-done", 0), order("u-done", 20 * SECOND)), 0);
        run.apply("shard-0", batch(3, open.toArray(Order[]::new)), 0);

        WindowFirer firer = new WindowFirer(pipeline, store, outputs, new RunMetrics(), "test", MINUTE);
        firer.fire(run.watermark(0), List.of(), 0);                     // W = 97 s: only u-done's [0, 80 s) final

        assertThat(outputs.finalResults()).extracting(ResultRow::key, ResultRow::windowStart, ResultRow::windowEnd)
                .containsExactly(tuple("u-done", 0L, 80 * SECOND));
        assertThat(firer.lastRoundCost().fragmentsDecoded()).isEqualTo(1);  // not the 201 fragments of the pane
        assertThat(firer.lastRoundCost().panesRead()).isEqualTo(1);
    }

    @Test
    void rowsAreThoseOfBatchMode_overShardsAndDisorderWithinTheBound() {
        Random random = new Random(18);
        SessionWindows windows = SessionWindows.withGap(Duration.ofMinutes(2)).withAllowedLateness(Duration.ofSeconds(30));
        List<List<LineBatch>> shards = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<LineBatch> all = new ArrayList<>();
        long[] ordinals = new long[shards.size()];
        for (int i = 0; i < 150; i++) {
            int shard = i % shards.size();
            long base = i * 4 * SECOND;
            Order[] orders = new Order[5];
            for (int j = 0; j < orders.length; j++) {
                // disorder up to 4 s, within the 5 s bound: nothing is late, so both modes count every record
                orders[j] = order("u-" + random.nextInt(300), base + random.nextInt(4_000));
            }
            LineBatch b = batch(ordinals[shard] + 1, orders);
            ordinals[shard] += orders.length;
            shards.get(shard).add(b);
            all.add(batch(i * 5L + 1, orders));
        }
        CountingStateStore store = new CountingStateStore(new InMemoryStateStore());
        CollectingOutputs outputs = Outputs.collecting();
        PipelineRun run = PipelineRun.stream(sessions(windows), store, outputs, new RunMetrics());
        run.register(List.of("shard-0", "shard-1", "shard-2"));
        for (int i = 0; i < 50; i++) {
            for (int s = 0; s < shards.size(); s++) {
                run.apply("shard-" + s, shards.get(s).get(i), 0);
                run.fire(0);
            }
        }
        long firedBeforeTheEnd = outputs.finalResults().size();
        for (int s = 0; s < shards.size(); s++) {
            run.finish("shard-" + s, 0);
        }
        run.fire(0);

        assertThat(outputs.lateRecords()).isEmpty();
        assertThat(firedBeforeTheEnd).isPositive();
        assertThat(outputs.finalResults()).isEqualTo(batchMode(windows, all));
        assertThat(store.claims(WindowFirer.SESSION_ROUND)).isLessThan(30);       // 150 batches, 10 minutes
    }
}
