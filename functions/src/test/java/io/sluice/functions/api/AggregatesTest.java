package io.sluice.functions.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.sluice.functions.api.RandomValues.LONG_EDGES;
import static io.sluice.functions.api.RandomValues.anyLong;
import static io.sluice.functions.api.RandomValues.between;
import static io.sluice.functions.api.RandomValues.edges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregatesTest {

    /** Amounts of up to a billion either way, as the list properties take them. */
    private static final long MAX_AMOUNT = 1_000_000_000;

    private final AggregateFunction<Long, CountSumAccumulator, CountAndSum> countAndSum = Aggregates.countAndSum(v -> v);

    private CountSumAccumulator of(List<Long> values) {
        CountSumAccumulator acc = countAndSum.createAccumulator();
        for (long v : values) {
            acc = countAndSum.add(v, acc);
        }
        return acc;
    }

    @ParameterizedTest(name = "[{index}] {0}, {1}, {2}")
    @MethodSource("listTriples")
    void countAndSum_mergeIsAssociative(List<Long> a, List<Long> b, List<Long> c) {
        CountSumAccumulator left = countAndSum.merge(countAndSum.merge(of(a), of(b)), of(c));
        CountSumAccumulator right = countAndSum.merge(of(a), countAndSum.merge(of(b), of(c)));

        assertThat(left).isEqualTo(right);
    }

    @ParameterizedTest(name = "[{index}] {0}, {1}")
    @MethodSource("listPairs")
    void countAndSum_mergeIsCommutative_andEqualsAddingAll(List<Long> a, List<Long> b) {
        CountSumAccumulator ab = countAndSum.merge(of(a), of(b));
        CountSumAccumulator ba = countAndSum.merge(of(b), of(a));
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);

        assertThat(ab).isEqualTo(ba).isEqualTo(of(all));
    }

    @ParameterizedTest(name = "[{index}] {0}, {1}, {2}")
    @MethodSource("longTriples")
    void reducing_mergeIsAssociativeAndCommutative(Long a, Long b, Long c) {
        AggregateFunction<Long, Long, Long> max = Aggregates.reducing(Math::max);

        assertThat(max.merge(max.merge(a, b), c)).isEqualTo(max.merge(a, max.merge(b, c)));
        assertThat(max.merge(a, b)).isEqualTo(max.merge(b, a));
        assertThat(max.merge(null, a)).isEqualTo(a);
    }

    /**
     * The empty list, one list of each edge amount (0, 1, -1, 2, -2 and both ends with their neighbours) and 20 (the
     * most) of either end.
     */
    private static List<List<Long>> edgeLists() {
        List<List<Long>> lists = new ArrayList<>();
        lists.add(List.of());
        for (long v : edges(-MAX_AMOUNT, MAX_AMOUNT)) {
            lists.add(List.of(v));
        }
        lists.add(Collections.nCopies(20, -MAX_AMOUNT));
        lists.add(Collections.nCopies(20, MAX_AMOUNT));
        return lists;
    }

    /** Up to 20 amounts drawn from {@code random}. */
    private static List<Long> amounts(Random random) {
        List<Long> list = new ArrayList<>();
        for (int i = random.nextInt(21); i > 0; i--) {
            list.add(between(random, -MAX_AMOUNT, MAX_AMOUNT));
        }
        return list;
    }

    /** 1000 cases: every pair of edge lists, then pairs of lists drawn from a fixed seed. */
    static Stream<Arguments> listPairs() {
        List<Arguments> cases = new ArrayList<>();
        for (List<Long> a : edgeLists()) {
            for (List<Long> b : edgeLists()) {
                cases.add(Arguments.of(a, b));
            }
        }
        Random random = new Random(500);
        while (cases.size() < 1000) {
            cases.add(Arguments.of(amounts(random), amounts(random)));
        }
        return cases.stream();
    }

    /**
     * 1000 cases: every pair of edge lists with a third edge list that moves on with each pair (so each edge list
     * stands in each place), then triples of lists drawn from a fixed seed.
     */
    static Stream<Arguments> listTriples() {
        List<List<Long>> edges = edgeLists();
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
            for (int j = 0; j < edges.size(); j++) {
                cases.add(Arguments.of(edges.get(i), edges.get(j), edges.get((i + j) % edges.size())));
            }
        }
        Random random = new Random(-200);
        while (cases.size() < 1000) {
            cases.add(Arguments.of(amounts(random), amounts(random), amounts(random)));
        }
        return cases.stream();
    }

    /**
     * 1000 cases: every pair of {@link RandomValues#LONG_EDGES} with a third edge that moves on with each pair, then
     * triples drawn from a fixed seed.
     */
    static Stream<Arguments> longTriples() {
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < LONG_EDGES.length; i++) {
            for (int j = 0; j < LONG_EDGES.length; j++) {
                cases.add(Arguments.of(LONG_EDGES[i], LONG_EDGES[j], LONG_EDGES[(i + j) % LONG_EDGES.length]));
            }
        }
        Random random = new Random(400);
        while (cases.size() < 1000) {
            cases.add(Arguments.of(anyLong(random), anyLong(random), anyLong(random)));
        }
        return cases.stream();
    }

    @Test
    void countAndSum_overflowIsAnError_notAWrapAround() {
        CountSumAccumulator acc = of(List.of(Long.MAX_VALUE));

        assertThatThrownBy(() -> countAndSum.add(1L, acc)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> countAndSum.merge(of(List.of(Long.MIN_VALUE)), of(List.of(-1L))))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void countAndSum_handlesNegativeAmounts() {
        assertThat(countAndSum.result(of(List.of(500L, -200L, -400L)))).isEqualTo(new CountAndSum(3, -100));
    }

    @Test
    void countAndSumProjections_countAndSumAlone() {
        EncodableAggregate<Long, CountSumAccumulator, Long> count = Aggregates.count();
        EncodableAggregate<Long, CountSumAccumulator, Long> sum = Aggregates.sum(v -> v);

        assertThat(count.result(count.add(7L, count.add(5L, count.createAccumulator())))).isEqualTo(2);
        assertThat(sum.result(sum.add(7L, sum.add(5L, sum.createAccumulator())))).isEqualTo(12);
    }
}
