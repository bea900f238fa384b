package io.sluice.functions.runtime;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.testing.PipelineTestDriver;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results never depend on how records were split: whatever the number of splits, the assignment of records to
 * them, the batch boundaries, replays of batches and restarts of processors, the final rows equal a
 * straightforward computation over all records, as long as records stay within the disorder bound.
 */
class SplitInvarianceTest {

    private static final long DISORDER = 5_000;
    private static final String[] CATEGORIES = {"c-1", "c-2", "c-3", "c-10"};

    /** Orders in arrival order; each event time is its arrival time minus up to the disorder bound. */
    @Provide
    Arbitrary<List<Order>> orders() {
        Arbitrary<long[]> step = Combinators.combine(
                Arbitraries.longs().between(0, 20_000),
                Arbitraries.longs().between(0, DISORDER),
                Arbitraries.integers().between(0, CATEGORIES.length - 1),
                Arbitraries.longs().between(-5_000, 1_000_000)).as((gap, delay, category, amount) ->
                new long[] {gap, delay, category, amount});
        return step.list().ofMaxSize(120).map(steps -> {
            List<Order> orders = new ArrayList<>();
            long arrival = 1_605_024_000_000L;
            for (long[] s : steps) {
                arrival += s[0];
                orders.add(new Order("o-" + orders.size(), "u-" + (s[2] % 2), CATEGORIES[(int) s[2]], s[3], arrival - s[1]));
            }
            return orders;
        });
    }

    @Property(tries = 150)
    void gmvByCategory_isIndependentOfSplitsBatchesReplaysAndRestarts(@ForAll("orders") List<Order> orders,
                                                                      @ForAll @IntRange(min = 1, max = 5) int splits,
                                                                      @ForAll long seed) {
        List<ResultRow> rows = runShuffled(GmvPipelines.byCategory(), orders, splits, seed);

        assertThat(rows).extracting(r -> r.windowStart() + "," + r.key() + "," + r.value())
                .containsExactlyElementsOf(tumbling(orders, 60_000, true));
    }

    @Property(tries = 100)
    void gmvTotal_isIndependentOfSplitsBatchesReplaysAndRestarts(@ForAll("orders") List<Order> orders,
                                                                 @ForAll @IntRange(min = 1, max = 5) int splits,
                                                                 @ForAll long seed) {
        List<ResultRow> rows = runShuffled(GmvPipelines.total(), orders, splits, seed);

        assertThat(rows).extracting(r -> r.windowStart() + "," + r.key() + "," + r.value())
                .containsExactlyElementsOf(tumbling(orders, 10_000, false));
    }

    @Property(tries = 100)
    void sessions_mergeAcrossBatchesAndSplits(@ForAll("orders") List<Order> orders,
                                              @ForAll @IntRange(min = 1, max = 4) int splits, @ForAll long seed) {
        long gap = 30_000;
        PipelineDefinition<CountAndSum> def = Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofMillis(DISORDER)))
                .keyBy("user", Order::userId)
                .window(SessionWindows.withGap(Duration.ofMillis(gap)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("sessions"));

        List<ResultRow> rows = runShuffled(def, orders, splits, seed);

        assertThat(rows).extracting(r -> r.key() + "," + r.windowStart() + "," + r.windowEnd() + "," + r.value())
                .containsExactlyInAnyOrderElementsOf(sessions(orders, gap));
        assertThat(rows).allMatch(ResultRow::isFinal);
    }

    @Property(tries = 60)
    void slidingWindows_areIndependentOfSplits(@ForAll("orders") List<Order> orders,
                                               @ForAll @IntRange(min = 1, max = 4) int splits, @ForAll long seed) {
        PipelineDefinition<CountAndSum> def = Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofMillis(DISORDER)))
                .windowAll(SlidingWindows.of(Duration.ofSeconds(30), Duration.ofSeconds(10)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("sliding"));

        List<ResultRow> once = runShuffled(def, orders, 1, 0);
        List<ResultRow> split = runShuffled(def, orders, splits, seed);

        assertThat(split).isEqualTo(once);
        assertThat(once.stream().mapToLong(r -> ((CountAndSum) r.value()).count()).sum()).isEqualTo(3L * orders.size());
    }

    /**
     * Pipes each order to a random split (keeping arrival order per split), flushes at random points, redelivers
     * random batches and restarts processors at random; then finishes.
     */
    private static List<ResultRow> runShuffled(PipelineDefinition<?> def, List<Order> orders, int splits, long seed) {
        Random random = new Random(seed);
        try (var driver = new PipelineTestDriver(def)) {
            for (int s = 0; s < splits; s++) {
                driver.split("shard-" + s);
            }
            List<String> flushed = new ArrayList<>();
            for (Order order : orders) {
                String split = "shard-" + random.nextInt(splits);
                driver.pipe(split, order);
                if (random.nextInt(8) == 0) {
                    driver.flush();
                    flushed.add(split);
                }
                if (!flushed.isEmpty() && random.nextInt(20) == 0) {
                    driver.redeliver(flushed.get(random.nextInt(flushed.size())));
                }
                if (random.nextInt(30) == 0) {
                    driver.restart();
                }
            }
            List<ResultRow> rows = driver.finish().results();
            assertThat(driver.lateRecords()).isEmpty();
            assertThat(rows).allMatch(ResultRow::isFinal);
            return rows;
        }
    }

    /** The straightforward computation: group by window start (and category), count and sum. */
    private static List<String> tumbling(List<Order> orders, long size, boolean byCategory) {
        Map<Long, Map<String, long[]>> windows = new TreeMap<>();
        for (Order o : orders) {
            long start = Math.floorDiv(o.ts(), size) * size;
            long[] acc = windows.computeIfAbsent(start, s -> new TreeMap<>())
                    .computeIfAbsent(byCategory ? o.category() : "", k -> new long[2]);
            acc[0]++;
            acc[1] += o.amount();
        }
        List<String> rows = new ArrayList<>();
        windows.forEach((start, byKey) -> byKey.forEach((key, acc) ->
                rows.add(start + "," + (byCategory ? key : null) + "," + new CountAndSum(acc[0], acc[1]))));
        return rows;
    }

    /** Sessions per user: sorted by time, a record at most {@code gap} after the last one extends the session. */
    private static List<String> sessions(List<Order> orders, long gap) {
        Map<String, List<Order>> byUser = new TreeMap<>();
        orders.forEach(o -> byUser.computeIfAbsent(o.userId(), u -> new ArrayList<>()).add(o));
        List<String> rows = new ArrayList<>();
        byUser.forEach((user, list) -> {
            list.sort(Comparator.comparingLong(Order::ts));
            long start = 0;
            long end = Long.MIN_VALUE;
            long count = 0;
            long sum = 0;
            for (Order o : list) {
                if (count > 0 && o.ts() > end) {
                    rows.add(user + "," + start + "," + end + "," + new CountAndSum(count, sum));
                    count = 0;
                    sum = 0;
                }
                if (count == 0) {
                    start = o.ts();
                }
                end = Math.max(end, o.ts() + gap);
                count++;
                sum += o.amount();
            }
            if (count > 0) {
                rows.add(user + "," + start + "," + end + "," + new CountAndSum(count, sum));
            }
        });
        return rows;
    }
}
