package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.driver.KinesisShardRange;
import io.sluice.state.coordination.ShardRegistry;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
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
 * A batch the event source mapping gave up on (issue 14), played by hand on the in-memory store and stream: the
 * operator reads the abandoned range back before the next batch and every order is counted once; a normal or a
 * bisected retry is told apart from a give-up; a parent's abandoned last batch is filled before a child finishes it;
 * a trimmed range is an explicit, counted loss. Each give-up case loses its orders without the filler.
 */
class ShardGapFillerTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());
    private static final String SHARD = "shardId-000000000000";

    private final InMemoryShards stream = new InMemoryShards().shard(SHARD);
    private final InMemoryStateStore memory = new InMemoryStateStore();
    /** The state store's method that fails while set, as DynamoDB past the SDK's retries. */
    private final AtomicReference<String> failing = new AtomicReference<>();
    private final StateStore store = failingOn(memory, failing);
    private final List<ResultRow> results = new ArrayList<>();
    private final List<LateRecord> late = new ArrayList<>();
    private final List<RejectedRecord> deadLetters = new ArrayList<>();
    private final ByteArrayOutputStream emf = new ByteArrayOutputStream();
    private final List<Order> sent = new ArrayList<>();
    private int nextOrder;

    @Test
    void abandonedBatch_isReadBackAndCountedOnce_beforeTheNextBatch_whenNothingOfItWasWritten() {
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> abandoned = orders(SHARD, 3, 20_000);

        failing.set("writePartial");
        for (int attempt = 0; attempt <= 5; attempt++) {   // the first try and MaximumRetryAttempts: 5
            assertThat(operator.handle(InMemoryShards.eventOf(abandoned)).getBatchItemFailures()).hasSize(1);
        }
        failing.set(null);   // the mapping gives up and moves on; the table recovers
        assertApplied(operator.handle(closing(SHARD, 3, 30_000)));

        assertCountedOnce();
        assertThat(operator.metrics().batchesRecovered()).isEqualTo(1);
        assertThat(emf.toString(StandardCharsets.UTF_8)).contains("\"BatchesRecovered\":1");
    }

    @Test
    void abandonedBatch_isNotCountedTwice_whenTheFailedAttemptWroteItsPartials() {
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> abandoned = orders(SHARD, 4, 20_000);

        failing.set("advanceSplit");   // every item written, the split's fence never moved
        assertThat(operator.handle(InMemoryShards.eventOf(abandoned)).getBatchItemFailures()).hasSize(1);
        failing.set(null);
        // A new instance takes the next batch: nothing cached, everything from the store.
        KinesisOperator next = operator();
        assertApplied(next.handle(closing(SHARD, 2, 30_000)));

        assertCountedOnce();
        assertThat(next.metrics().batchesRecovered()).isEqualTo(1);
    }

    @Test
    void batchesGivenUpOnInARow_largerThanOneBatch_areReadBackOneBatchAtATime() {
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 3, 10_000))));
        failing.set("writePartial");
        operator.handle(InMemoryShards.eventOf(orders(SHARD, 6_000, 20_000)));
        operator.handle(InMemoryShards.eventOf(orders(SHARD, 6_000, 25_000)));
        failing.set(null);

        assertApplied(operator.handle(closing(SHARD, 1, 30_000)));

        assertCountedOnce();
        assertThat(operator.metrics().batchesRecovered()).isEqualTo(2);   // 10,000 then 2,000 records
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void readBackRecord_ofAWindowThatFiredMeanwhile_goesToTheLateOutput_andNowhereElse() {
        KinesisOperator operator = operator();
        List<KinesisEvent.KinesisEventRecord> first = new ArrayList<>(orders(SHARD, 2, 10_000));
        first.addAll(orders(SHARD, 1, 100_000));   // the shard's watermark passes [0, 60000), which fires
        assertApplied(operator.handle(InMemoryShards.eventOf(first)));
        assertThat(results).extracting(ResultRow::windowStart).containsOnly(0L);
        List<KinesisEvent.KinesisEventRecord> abandoned = new ArrayList<>(orders(SHARD, 1, 20_000));
        abandoned.addAll(orders(SHARD, 2, 110_000));
        failing.set("writePartial");
        operator.handle(InMemoryShards.eventOf(abandoned));
        failing.set(null);

        assertApplied(operator.handle(closing(SHARD, 1, 130_000)));

        // The order at 20,000 of the abandoned batch, its window fired: late (the failed attempt may have sent it
        // too, under the same position: the late sink's object key), never counted.
        assertThat(late).isNotEmpty().allSatisfy(l -> assertThat(l.position())
                .isEqualTo("seq=" + abandoned.get(0).getKinesis().getSequenceNumber() + " sub=0"));
        sent.removeIf(o -> data(abandoned.get(0)).contains("\"" + o.orderId() + "\""));
        late.clear();
        assertCountedOnce();
        assertThat(operator.metrics().batchesRecovered()).isEqualTo(1);
    }

    @Test
    void normalRetry_readsNothingBack() {
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> batch = orders(SHARD, 3, 20_000);
        failing.set("writePartial");
        String from = operator.handle(InMemoryShards.eventOf(batch)).getBatchItemFailures().get(0).getItemIdentifier();
        failing.set(null);

        assertThat(from).isEqualTo(batch.get(0).getKinesis().getSequenceNumber());
        assertApplied(operator.handle(InMemoryShards.eventOf(batch)));
        assertApplied(operator.handle(closing(SHARD, 1, 30_000)));

        assertCountedOnce();
        assertThat(operator.metrics().batchesRecovered()).isZero();
    }

    @Test
    void bisectedHalfTheMappingGaveUpOn_isReadBack_beforeTheSecondHalf() {
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 2, 10_000))));
        List<KinesisEvent.KinesisEventRecord> batch = orders(SHARD, 6, 20_000);

        failing.set("writePartial");
        operator.handle(InMemoryShards.eventOf(batch));                   // attempt fence: the batch's last record
        operator.handle(InMemoryShards.eventOf(batch.subList(0, 3)));     // the first half fails to the end
        failing.set(null);
        assertApplied(operator.handle(InMemoryShards.eventOf(batch.subList(3, 6))));   // second half, inside the attempt
        assertApplied(operator.handle(closing(SHARD, 1, 30_000)));

        assertCountedOnce();
        assertThat(operator.metrics().batchesRecovered()).isEqualTo(1);
    }

    @Test
    void parentWhoseLastBatchWasAbandoned_isFilled_beforeAChildFinishesIt() {
        String child = "shardId-000000000001";
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> last = orders(SHARD, 3, 20_000);
        failing.set("writePartial");
        operator.handle(InMemoryShards.eventOf(last));
        failing.set(null);
        stream.close(SHARD);   // the mapping gives up on the parent's last batch and moves on to its child
        stream.shard(child, SHARD);

        KinesisOperator next = operator();
        assertApplied(next.handle(closing(child, 2, 30_000)));

        assertThat(memory.readSplit(GMV.name(), SHARD).orElseThrow().status()).isEqualTo(SplitStatus.FINISHED);
        assertCountedOnce();
        assertThat(next.metrics().batchesRecovered()).isEqualTo(1);
    }

    @Test
    void trimmedRange_isAnExplicitLoss_withItsCoordinates_andTheStreamGoesOn() {
        KinesisOperator operator = operator();
        assertApplied(operator.handle(InMemoryShards.eventOf(orders(SHARD, 3, 10_000))));
        List<KinesisEvent.KinesisEventRecord> abandoned = orders(SHARD, 3, 20_000);
        failing.set("writePartial");
        operator.handle(InMemoryShards.eventOf(abandoned));
        failing.set(null);
        String lastLost = abandoned.get(2).getKinesis().getSequenceNumber();
        stream.trimThrough(SHARD, lastLost);   // retention passed before a record came again

        assertApplied(operator.handle(closing(SHARD, 2, 30_000)));

        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.split()).isEqualTo(SHARD);
            assertThat(d.position()).isEqualTo("after=" + seqBefore(abandoned) + " through=" + lastLost);
            assertThat(d.reason()).startsWith("records lost").contains("trimmed");
        });
        assertThat(operator.metrics().batchesLost()).isEqualTo(1);
        assertThat(emf.toString(StandardCharsets.UTF_8)).contains("\"BatchesLost\":1");
        sent.removeIf(o -> abandoned.stream().anyMatch(r -> data(r).contains("\"" + o.orderId() + "\"")));
        assertCountedOnce();
    }

    private KinesisOperator operator() {
        SinkOutputs outputs = new SinkOutputs(List.of(rows -> rows.stream().filter(ResultRow::isFinal)
                .forEach(results::add)), late::add, deadLetters::add);
        return new KinesisOperator(GMV, store, outputs, deadLetters::add,
                Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC),
                new EmfMetrics("Sluice", GMV.name(), "operator", new PrintStream(emf, true, StandardCharsets.UTF_8)),
                new ShardRegistry(stream, store, GMV.name()), null, new KinesisShardRange(stream));
    }

    /** {@code n} orders of categories c-0..c-2 at {@code ts}, put on the shard. */
    private List<KinesisEvent.KinesisEventRecord> orders(String shard, int n, long ts) {
        String[] lines = new String[n];
        for (int i = 0; i < n; i++) {
            Order o = new Order("o-" + nextOrder, "u-1", "c-" + (nextOrder % 3), 100 + nextOrder, ts);
            nextOrder++;
            sent.add(o);
            lines[i] = o.toJson();
        }
        return stream.put(shard, lines);
    }

    /** {@code n} orders at {@code ts} and one far later, whose watermark fires every window before it. */
    private KinesisEvent closing(String shard, int n, long ts) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(orders(shard, n, ts));
        records.addAll(stream.put(shard, new Order("closer", "u-1", "c-9", 1, 10_000_000).toJson()));
        return InMemoryShards.eventOf(records);
    }

    private static void assertApplied(StreamsEventResponse response) {
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    /** The fired windows hold every order sent (but the closer) exactly once, and nothing is late. */
    private void assertCountedOnce() {
        Map<String, long[]> expected = new TreeMap<>();
        sent.forEach(o -> {
            long[] cs = expected.computeIfAbsent(o.ts() / 60_000 * 60_000 + " " + o.category(), k -> new long[2]);
            cs[0]++;
            cs[1] += o.amount();
        });
        Map<String, long[]> actual = new TreeMap<>();
        results.forEach(r -> {
            CountAndSum v = (CountAndSum) r.value();
            long[] cs = actual.computeIfAbsent(r.windowStart() + " " + r.key(), k -> new long[2]);
            cs[0] += v.count();
            cs[1] += v.sum();
        });
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(late).isEmpty();
    }

    private String seqBefore(List<KinesisEvent.KinesisEventRecord> abandoned) {
        return Long.toString(Long.parseLong(abandoned.get(0).getKinesis().getSequenceNumber()) - 1);
    }

    private static String data(KinesisEvent.KinesisEventRecord r) {
        return StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).toString();
    }

    /** {@code store}, whose method named by {@code failing} throws as DynamoDB does past the SDK's retries. */
    static StateStore failingOn(StateStore store, AtomicReference<String> failing) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    if (method.isDefault() && method.getName().equals(failing.get() + "s")) {
                        // A batch (writePartials) is its single calls here, so each of them fails.
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals(failing.get())) {
                        throw new StateStoreException("throttled (test)");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
