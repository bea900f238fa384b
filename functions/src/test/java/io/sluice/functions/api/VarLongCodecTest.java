package io.sluice.functions.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.sluice.functions.api.RandomValues.LONG_EDGES;
import static io.sluice.functions.api.RandomValues.anyLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VarLongCodecTest {

    @ParameterizedTest(name = "[{index}] count {0}, sum {1}")
    @MethodSource("countsAndSums")
    void countSum_roundTrips(long count, long sum) {
        CountSumAccumulator acc = new CountSumAccumulator(count, sum);

        assertThat(VarLongCodec.COUNT_SUM.decode(VarLongCodec.COUNT_SUM.encode(acc))).isEqualTo(acc);
    }

    /** 1000 pairs: every pair of {@link RandomValues#LONG_EDGES}, then pairs drawn from a fixed seed. */
    static Stream<Arguments> countsAndSums() {
        List<Arguments> cases = new ArrayList<>();
        for (long count : LONG_EDGES) {
            for (long sum : LONG_EDGES) {
                cases.add(Arguments.of(count, sum));
            }
        }
        Random random = new Random(2_000_000);
        while (cases.size() < 1000) {
            cases.add(Arguments.of(anyLong(random), anyLong(random)));
        }
        return cases.stream();
    }

    @Test
    void countSum_isCompactForTypicalValues() {
        assertThat(VarLongCodec.COUNT_SUM.encode(new CountSumAccumulator(1_000, 2_000_000))).hasSizeLessThanOrEqualTo(6);
    }

    @Test
    void decode_rejectsTruncatedBytes() {
        assertThatThrownBy(() -> VarLongCodec.COUNT_SUM.decode(new byte[] {(byte) 0x80}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }
}
