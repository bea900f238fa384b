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
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results never depend on how records were split: whatever the number of splits, the assignment of records to
 * them, the batch boundaries, replays of batches and restarts of processors, the final rows equal a
 * straightforward computation over all records, as long as records stay within the disorder bound.
 */
class SplitInvarianceTest {

    private static final long DISORDER = 5_000;
    private static final String[] CATEGORIES = {"c-1", "c-2", "c-3", "c-10"};

    /** The bounds of a step between orders: gap to the previous arrival, delay, category index, amount. */
    private static final long[][] STEP_BOUNDS = {{0, 20_000}, {0, DISORDER}, {0, CATEGORIES.length - 1},
            {-5_000, 1_000_000}};
    private static final long[] SEED_EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};

    @ParameterizedTest(name = "[{index}] {0}, {1} splits, shuffle seed {2}")
    @MethodSource("byCategoryCases")
    void gmvByCategory_isIndependentOfSplitsBatchesReplaysAndRestarts(List<Order> orders, int splits, long seed) {
        List<ResultRow> rows = runShuffled(GmvPipelines.byCategory(), orders, splits, seed);

        assertThat(rows).extracting(r -> r.windowStart() + "," + r.key() + "," + r.value())
                .containsExactlyElementsOf(tumbling(orders, 60_000, true));
    }

    @ParameterizedTest(name = "[{index}] {0}, {1} splits, shuffle seed {2}")
    @MethodSource("totalCases")
    void gmvTotal_isIndependentOfSplitsBatchesReplaysAndRestarts(List<Order> orders, int splits, long seed) {
        List<ResultRow> rows = runShuffled(GmvPipelines.total(), orders, splits, seed);

        assertThat(rows).extracting(r -> r.windowStart() + "," + r.key() + "," + r.value())
                .containsExactlyElementsOf(tumbling(orders, 10_000, false));
    }

    @ParameterizedTest(name = "[{index}] {0}, {1} splits, shuffle seed {2}")
    @MethodSource("sessionCases")
    void sessions_mergeAcrossBatchesAndSplits(List<Order> orders, int splits, long seed) {
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

    @ParameterizedTest(name = "[{index}] {0}, {1} splits, shuffle seed {2}")
    @MethodSource("slidingCases")
    void slidingWindows_areIndependentOfSplits(List<Order> orders, int splits, long seed) {
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

    static Stream<Arguments> byCategoryCases() {
        return cases(150, 5, 150);
    }

    static Stream<Arguments> totalCases() {
        return cases(100, 5, 100);
    }

    static Stream<Arguments> sessionCases() {
        return cases(100, 4, 101);
    }

    static Stream<Arguments> slidingCases() {
        return cases(60, 4, 60);
    }

    /**
     * {@code n} cases of orders, a number of splits in [1, maxSplits] and a seed for {@link #runShuffled}: first no
     * orders, one order with every step at its lower bound, one with every step at its upper bound and 120 orders
     * (the most) with steps at their bounds or next to them, each with 1, 2, maxSplits - 1 and maxSplits splits and
     * the seeds 0, ±1 and both ends of the long range in turn; then up to 120 orders with any steps, drawn with the
     * splits and the seed from their own seed, which names the case.
     */
    private static Stream<Arguments> cases(int n, int maxSplits, long seed) {
        Random seeds = new Random(seed);
        long[] lowest = new long[STEP_BOUNDS.length];
        long[] highest = new long[STEP_BOUNDS.length];
        List<long[]> most = new ArrayList<>();
        for (int f = 0; f < STEP_BOUNDS.length; f++) {
            lowest[f] = STEP_BOUNDS[f][0];
            highest[f] = STEP_BOUNDS[f][1];
        }
        for (int i = 0; i < 120; i++) {
            long[] step = new long[STEP_BOUNDS.length];
            for (int f = 0; f < step.length; f++) {
                long[] edges = {STEP_BOUNDS[f][0], STEP_BOUNDS[f][0] + 1, STEP_BOUNDS[f][1] - 1, STEP_BOUNDS[f][1]};
                step[f] = edges[seeds.nextInt(edges.length)];
            }
            most.add(step);
        }
        List<Named<List<Order>>> edgeOrders = List.of(Named.of("no orders", orders(List.of())),
                Named.of("one order, lowest steps", orders(List.of(lowest))),
                Named.of("one order, highest steps", orders(List.of(highest))),
                Named.of("120 orders, steps at their bounds", orders(most)));
        List<Arguments> cases = new ArrayList<>();
        for (Named<List<Order>> orders : edgeOrders) {
            for (int splits : new int[] {1, 2, maxSplits - 1, maxSplits}) {
                cases.add(Arguments.of(orders, splits, SEED_EDGES[cases.size() % SEED_EDGES.length]));
            }
        }
        while (cases.size() < n) {
            long caseSeed = seeds.nextLong();
            Random random = new Random(caseSeed);
            List<long[]> steps = new ArrayList<>();
            for (int i = random.nextInt(121); i > 0; i--) {
                long[] step = new long[STEP_BOUNDS.length];
                for (int f = 0; f < step.length; f++) {
                    step[f] = between(random, STEP_BOUNDS[f][0], STEP_BOUNDS[f][1]);
                }
                steps.add(step);
            }
            cases.add(Arguments.of(Named.of("seed " + caseSeed + ", " + steps.size() + " orders", orders(steps)),
                    1 + random.nextInt(maxSplits), random.nextLong()));
        }
        return cases.stream();
    }

    /** A bound of {@code [min, max]} or a neighbour a tenth of the time, else uniform. */
    private static long between(Random random, long min, long max) {
        if (random.nextInt(10) == 0) {
            long[] edges = {min, min + 1, max - 1, max};
            return edges[random.nextInt(edges.length)];
        }
        return random.nextLong(min, max + 1);
    }

    /** Orders in arrival order; each event time is its arrival time minus up to the disorder bound. */
    private static List<Order> orders(List<long[]> steps) {
        List<Order> orders = new ArrayList<>();
        long arrival = 1_605_024_000_000L;
        for (long[] s : steps) {
            arrival += s[0];
            orders.add(new Order("o-" + orders.size(), "u-" + (s[2] % 2), CATEGORIES[(int) s[2]], s[3], arrival - s[1]));
        }
        return orders;
    }

    /**
     * Pipes each order to a random split (keeping arrival order per split), flushes at random points, redelivers
     * random batches and restarts processors at random; then finishes.
     */
    private static List<ResultRow> runShuffled(PipelineDefinition<?> def, List<Order> orders, int splits, long seed) {
        Random random = new Random(seed);
        try (var driver = new PipelineTestDriver<>(def)) {
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
            List<ResultRow> rows = driver.finish().resultRows();
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
