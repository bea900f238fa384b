package io.sluice.functions.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The property every built-in aggregate must have for stream to equal batch: values cut into random parts, each
 * part aggregated and stored (encoded and decoded, as the state store does), the parts merged in a random order
 * and grouping, give the result of aggregating all values at once. Seeded randoms, 200 cases per aggregate.
 */
class MergeablePropertyTest {

    private static final int CASES = 200;

    /** Values with duplicates, negatives and both extremes, so min, max and distinct meet their edges. */
    private static List<Long> values(Random random) {
        int n = random.nextInt(60);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(switch (random.nextInt(6)) {
                case 0 -> Long.MIN_VALUE + random.nextInt(3);
                case 1 -> Long.MAX_VALUE - random.nextInt(3);
                case 2 -> (long) random.nextInt(5);            // many duplicates
                default -> (long) random.nextInt(2_000_000) - 1_000_000;
            });
        }
        return values;
    }

    private static <A, O> O inParts(EncodableAggregate<Long, A, O> f, List<Long> values, Random random) {
        List<A> parts = new ArrayList<>();
        int from = 0;
        int partSize = Math.max(8, values.size() / 50);
        while (from < values.size() || parts.isEmpty()) {
            int to = Math.min(values.size(), from + random.nextInt(partSize));
            A acc = f.createAccumulator();
            for (long v : values.subList(from, to)) {
                acc = f.add(v, acc);
            }
            parts.add(f.accumulatorCodec().decode(f.accumulatorCodec().encode(acc)));
            from = to;
        }
        Collections.shuffle(parts, random);
        while (parts.size() > 1) {   // merge random neighbours: every grouping is possible
            int i = random.nextInt(parts.size() - 1);
            parts.set(i, f.merge(parts.get(i), parts.remove(i + 1)));
        }
        return f.result(parts.get(0));
    }

    private static <A, O> O atOnce(EncodableAggregate<Long, A, O> f, List<Long> values) {
        A acc = f.createAccumulator();
        for (long v : values) {
            acc = f.add(v, acc);
        }
        return f.result(acc);
    }

    private static <A, O> void check(EncodableAggregate<Long, A, O> f, Function<List<Long>, O> expected, long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            List<Long> values = values(random);
            O whole = atOnce(f, values);
            assertThat(inParts(f, values, random)).as("case %d of seed %d: %s", i, seed, values).isEqualTo(whole);
            if (!values.isEmpty()) {
                assertThat(whole).isEqualTo(expected.apply(values));
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, -7})
    void min_max_mergeInAnyOrderAndGrouping_equalsTheWhole(long seed) {
        check(Aggregates.min(v -> v), vs -> Collections.min(vs), seed);
        check(Aggregates.max(v -> v), vs -> Collections.max(vs), seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4})
    void countDistinct_mergeInAnyOrderAndGrouping_equalsTheWhole(long seed) {
        check(Aggregates.countDistinct(v -> v), vs -> (long) new HashSet<>(vs).size(), seed);
        check(Aggregates.countDistinct(v -> "u-" + Math.floorMod(v, 97) + "-ü雙"), 
                vs -> vs.stream().map(v -> "u-" + Math.floorMod(v, 97) + "-ü雙").distinct().count(), seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6})
    void average_mergeInAnyOrderAndGrouping_equalsTheWhole(long seed) {
        // Sums of extremes overflow (an error, never a wrap-around): average over amounts that fit.
        EncodableAggregate<Long, CountSumAccumulator, Average> average = Aggregates.average(v -> v % 1_000_000_000);
        check(average, vs -> new Average(vs.size(), vs.stream().mapToLong(v -> v % 1_000_000_000).sum()), seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void approxCountDistinct_mergeInAnyOrderAndGrouping_givesTheSameEstimate(long seed) {
        check(Aggregates.approxCountDistinct(v -> v), vs -> (long) new HashSet<>(vs).size(), seed); // exact when few
    }

    @org.junit.jupiter.api.Test
    void approxCountDistinct_isWithinItsStatedError_andTheSameHoweverMerged() {
        EncodableAggregate<Long, ApproxDistinct, Long> f = Aggregates.approxCountDistinct(v -> "u-" + v);
        List<Long> values = new ArrayList<>();
        Random random = new Random(9);
        for (int i = 0; i < 200_000; i++) {
            values.add((long) random.nextInt(100_000));   // about 86,000 distinct
        }
        long exact = new HashSet<>(values).size();

        long whole = atOnce(f, values);
        assertThat(inParts(f, values, new Random(10))).isEqualTo(whole);
        assertThat(inParts(f, values, new Random(11))).isEqualTo(whole);
        assertThat((double) Math.abs(whole - exact) / exact).as("relative error, stated 1.6 %% RSE").isLessThan(0.048);
    }

    @org.junit.jupiter.api.Test
    void average_isExact_andRoundsHalfEven_toSixDecimals() {
        assertThat(new Average(3, 10).columnValues()).containsExactly("3", "10", "3.333333");
        assertThat(new Average(8, 5).columnValues()).containsExactly("8", "5", "0.625000");
        assertThat(new Average(2_000_000, 1).value().toPlainString()).isEqualTo("0.000000"); // 0.0000005 -> even
        assertThat(new Average(2, -3).value().toPlainString()).isEqualTo("-1.500000");
    }

    @org.junit.jupiter.api.Test
    void distinctValues_encodeSortedIdsInAboutFourBytesEach_andRefuseCorruptBytes() {
        DistinctValues users = new DistinctValues();
        for (int i = 0; i < 10_000; i++) {
            users.add("u-" + (100_000 + i * 7));
        }
        byte[] bytes = DistinctValues.CODEC.encode(users);

        assertThat(bytes.length).isLessThan(10_000 * 5);
        assertThat(DistinctValues.CODEC.decode(bytes)).isEqualTo(users);
        assertThatThrownBy(() -> DistinctValues.CODEC.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DistinctValues.CODEC.decode(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x7F}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
