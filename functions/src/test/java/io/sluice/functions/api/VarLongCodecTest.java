package io.sluice.functions.api;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VarLongCodecTest {

    @Property
    void countSum_roundTrips(@ForAll long count, @ForAll long sum) {
        CountSumAccumulator acc = new CountSumAccumulator(count, sum);

        assertThat(VarLongCodec.COUNT_SUM.decode(VarLongCodec.COUNT_SUM.encode(acc))).isEqualTo(acc);
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
