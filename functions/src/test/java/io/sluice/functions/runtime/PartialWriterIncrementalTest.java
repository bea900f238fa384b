package io.sluice.functions.runtime;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.functions.api.EncodableAggregate;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.functions.window.WindowAssigner;
import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.StateEntry;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's write encodes only the keys it changed, not every key of the items it touches (issue 18: per-user
 * sessions at 1M orders re-encoded a whole bucket on every batch), and hands the store the unchanged keys' entries as
 * the same objects, which the DynamoDB store's page cache relies on. What is stored stays what a full encoding would
 * store.
 */
class PartialWriterIncrementalTest {

    private static final String SPLIT = "shardId-000000000000";
    private static final AtomicInteger ENCODES = new AtomicInteger();
    private static final long MINUTE = 60_000;

    /** Count of records per key and window; counts its encodings. */
    private static final EncodableAggregate<Object, long[], Long> COUNT = new EncodableAggregate<>() {
        @Override
        public long[] createAccumulator() {
            return new long[1];
        }

        @Override
        public long[] add(Object value, long[] acc) {
            acc[0]++;
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            return a;
        }

        @Override
        public Long result(long[] acc) {
            return acc[0];
        }

        @Override
        public AccumulatorCodec<long[]> accumulatorCodec() {
            return AccumulatorCodec.of(acc -> {
                ENCODES.incrementAndGet();
                return ByteBuffer.allocate(8).putLong(acc[0]).array();
            }, bytes -> new long[] {ByteBuffer.wrap(bytes).getLong()});
        }
    };

    static Stream<WindowAssigner> windows() {
        return Stream.of(TumblingWindows.of(Duration.ofHours(1)),
                SessionWindows.withGap(Duration.ofMinutes(30)).withAllowedLateness(Duration.ofMinutes(1)));
    }

    private static CompiledPipeline pipeline(WindowAssigner windows) {
        return CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("user", Order::userId).window(windows).aggregate(COUNT).to(Sink.results("incremental")));
    }

    private static Accumulators batch(CompiledPipeline p, List<Order> orders) {
        Accumulators batch = new Accumulators();
        for (Order o : orders) {
            assertThat(p.windowing().add(batch, o.userId(), o, o.ts(), Long.MIN_VALUE)).isTrue();
        }
        return batch;
    }

    private static Order order(String user, long ts) {
        return new Order("o-" + user + "-" + ts, user, "c-1", 100, ts);
    }

    /** Every stored entry by "key@start-end": its count. */
    private static Map<String, Long> stored(InMemoryStateStore store, String pipeline) {
        Map<String, Long> counts = new HashMap<>();
        for (var slot : store.pendingSlots(pipeline, Long.MAX_VALUE)) {
            for (Partial p : store.readSlot(pipeline, slot)) {
                for (StateEntry e : p.entries()) {
                    counts.merge(e.key() + "@" + e.windowStart() + "-" + e.windowEnd(),
                            ByteBuffer.wrap(e.accumulator()).getLong(), Long::sum);
                }
            }
        }
        return counts;
    }

    private static StateEntry entryOf(InMemoryStateStore store, String pipeline, String user) {
        return store.pendingSlots(pipeline, Long.MAX_VALUE).stream()
                .flatMap(slot -> store.readSlot(pipeline, slot).stream())
                .flatMap(p -> p.entries().stream()).filter(e -> e.key().equals(user)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("windows")
    void aSecondBatch_encodesOnlyTheKeysItChanged_andStoresWhatAFullEncodingWould(WindowAssigner windows) {
        CompiledPipeline p = pipeline(windows);
        InMemoryStateStore store = new InMemoryStateStore();
        PartialWriter writer = new PartialWriter(p, store, SPLIT, new RunMetrics());
        List<Order> first = new ArrayList<>();
        for (int u = 0; u < 1_000; u++) {
            first.add(order("u-" + u, u * 100L));
        }
        ENCODES.set(0);
        writer.write(batch(p, first), p.definition().keyBuckets(), Fence.NONE, Fence.ofOrdinal(1), f -> { throw new AssertionError(); });
        assertThat(ENCODES.get()).as("first batch: every key is new").isEqualTo(1_000);
        StateEntry before = entryOf(store, p.name(), "u-7");

        // u-1 joins its session (or window), u-2 opens a second session an hour later in the same pane, u-new is new
        List<Order> second = List.of(order("u-1", 100 + 10 * MINUTE), order("u-2", 200 + 60 * MINUTE),
                order("u-new", 5_000));
        ENCODES.set(0);
        writer.write(batch(p, second), p.definition().keyBuckets(), Fence.ofOrdinal(1), Fence.ofOrdinal(2), f -> { throw new AssertionError(); });

        int changedCells = windows instanceof SessionWindows ? 4 : 3;  // u-2's two sessions are two entries
        assertThat(ENCODES.get())
                .as("second batch encodes the changed keys' cells, not every key of the items it touches (129 here)")
                .isEqualTo(changedCells);
        assertThat(entryOf(store, p.name(), "u-7")).as("an unchanged key's entry is handed over as is")
                .isSameAs(before);
        InMemoryStateStore reference = new InMemoryStateStore();
        List<Order> all = new ArrayList<>(first);
        all.addAll(second);
        new PartialWriter(p, reference, SPLIT, new RunMetrics())
                .write(batch(p, all), p.definition().keyBuckets(), Fence.NONE, Fence.ofOrdinal(2),
                        f -> { throw new AssertionError(); });
        assertThat(stored(store, p.name())).isEqualTo(stored(reference, p.name())).hasSize(1_002);
    }

    /**
     * A batch that changes one key of an item of 100,000 keys costs that key, not the item: the writer derives the
     * item's next version from the last one and the store sizes it in O(1). Before, each write copied every entry of
     * the item twice (a list for the store, then the partial's own copy) and summed their sizes: at least 800 KB
     * allocated per write here, O(N^2) over a run (user-sessions at 10M orders did not finish; BENCHMARKS.md).
     */
    @Test
    void aBatchChangingOneKeyOfAHundredThousand_allocatesAFewKilobytes_notTheItem() {
        CompiledPipeline p = CompiledPipeline.compile(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("user", Order::userId).window(TumblingWindows.of(Duration.ofHours(1))).keyBuckets(1)
                .aggregate(COUNT).to(Sink.results("one-item")));
        InMemoryStateStore store = new InMemoryStateStore();
        PartialWriter writer = new PartialWriter(p, store, SPLIT, new RunMetrics());
        long fence = 0;
        for (int from = 0; from < 100_000; from += 1_000, fence++) {   // batches of 1,000 new keys, as a stream has
            List<Order> orders = new ArrayList<>();
            for (int u = from; u < from + 1_000; u++) {
                orders.add(order("u-" + u, u));
            }
            writer.write(batch(p, orders), p.definition().keyBuckets(), Fence.ofOrdinal(fence), Fence.ofOrdinal(fence + 1),
                    f -> { throw new AssertionError(); });
        }
        for (; fence < 2_000; fence++) {   // the JIT first, so the interpreter's allocations do not count
            writer.write(batch(p, List.of(order("u-" + fence, 5))), p.definition().keyBuckets(), Fence.ofOrdinal(fence), Fence.ofOrdinal(fence + 1),
                    f -> { throw new AssertionError(); });
        }
        Accumulators oneKey = batch(p, List.of(order("u-77", 5)));
        ENCODES.set(0);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        writer.write(oneKey, p.definition().keyBuckets(), Fence.ofOrdinal(fence), Fence.ofOrdinal(fence + 1), f -> { throw new AssertionError(); });
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by a write of one key into an item of 100,000")
                .isLessThan(64 * 1024);
        assertThat(ENCODES.get()).isEqualTo(1);
        Partial item = store.readSlot(p.name(), store.pendingSlots(p.name(), Long.MAX_VALUE).get(0)).get(0);
        assertThat(item.entries()).hasSize(100_000);
        assertThat(item.fence()).isEqualTo(Fence.ofOrdinal(fence + 1));
        assertThat(item.entries().stream().filter(e -> e.key().equals("u-77")).findFirst().orElseThrow()
                .accumulator()).isEqualTo(ByteBuffer.allocate(8).putLong(2).array());  // its first batch, and now
    }
}
