package io.sluice.functions.api;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregatesTest {

    private final AggregateFunction<Long, CountSumAccumulator, CountAndSum> countAndSum = Aggregates.countAndSum(v -> v);

    private CountSumAccumulator of(List<Long> values) {
        CountSumAccumulator acc = countAndSum.createAccumulator();
        for (long v : values) {
            acc = countAndSum.add(v, acc);
        }
        return acc;
    }

    @Property
    void countAndSum_mergeIsAssociative(@ForAll @Size(max = 20) List<@LongRange(min = -1_000_000_000, max = 1_000_000_000) Long> a,
                                        @ForAll @Size(max = 20) List<@LongRange(min = -1_000_000_000, max = 1_000_000_000) Long> b,
                                        @ForAll @Size(max = 20) List<@LongRange(min = -1_000_000_000, max = 1_000_000_000) Long> c) {
        CountSumAccumulator left = countAndSum.merge(countAndSum.merge(of(a), of(b)), of(c));
        CountSumAccumulator right = countAndSum.merge(of(a), countAndSum.merge(of(b), of(c)));

        assertThat(left).isEqualTo(right);
    }

    @Property
    void countAndSum_mergeIsCommutative_andEqualsAddingAll(
            @ForAll @Size(max = 20) List<@LongRange(min = -1_000_000_000, max = 1_000_000_000) Long> a,
            @ForAll @Size(max = 20) List<@LongRange(min = -1_000_000_000, max = 1_000_000_000) Long> b) {
        CountSumAccumulator ab = countAndSum.merge(of(a), of(b));
        CountSumAccumulator ba = countAndSum.merge(of(b), of(a));
        List<Long> all = new java.util.ArrayList<>(a);
        all.addAll(b);

        assertThat(ab).isEqualTo(ba).isEqualTo(of(all));
    }

    @Property
    void reducing_mergeIsAssociativeAndCommutative(@ForAll Long a, @ForAll Long b, @ForAll Long c) {
        AggregateFunction<Long, Long, Long> max = Aggregates.reducing(Math::max);

        assertThat(max.merge(max.merge(a, b), c)).isEqualTo(max.merge(a, max.merge(b, c)));
        assertThat(max.merge(a, b)).isEqualTo(max.merge(b, a));
        assertThat(max.merge(null, a)).isEqualTo(a);
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
