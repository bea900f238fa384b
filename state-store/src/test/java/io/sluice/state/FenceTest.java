package io.sluice.state;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FenceTest {

    @Test
    void compare_isNumeric_notLexicographic() {
        assertThat(Fence.of("9")).isLessThan(Fence.of("10"));
        assertThat(Fence.of("49590338271490256608559692538361571095921575989136588898"))
                .isGreaterThan(Fence.of("4959033827149025660855969253836157109592157598913658889"));
    }

    @Test
    void none_isBelowEveryPosition() {
        assertThat(Fence.NONE).isLessThan(Fence.of("0"));
        assertThat(Fence.NONE.encoded()).isEqualTo("-");
        assertThat(Fence.decode("-")).isSameAs(Fence.NONE);
    }

    @Test
    void subSequence_ordersRecordsOfOneAggregatedRecord() {
        assertThat(Fence.of("100", 2)).isGreaterThan(Fence.of("100", 1)).isLessThan(Fence.of("101"));
    }

    @Test
    void of_rejectsNonDecimalAndOutOfRange() {
        assertThatThrownBy(() -> Fence.of("12a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12a");
        assertThatThrownBy(() -> Fence.of("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fence.of("1".repeat(130))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fence.decode("17")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void encodedOrder_equalsNumericOrder(@ForAll @BigRange(min = "0", max = "99999999999999999999999999999999999999999999999999999999") BigInteger a,
                                         @ForAll @BigRange(min = "0", max = "99999999999999999999999999999999999999999999999999999999") BigInteger b,
                                         @ForAll @LongRange(min = 0, max = 9_999_999_999L) long subA,
                                         @ForAll @LongRange(min = 0, max = 9_999_999_999L) long subB) {
        Fence fa = Fence.of(a.toString(), subA);
        Fence fb = Fence.of(b.toString(), subB);
        assertThat(Integer.signum(fa.encoded().compareTo(fb.encoded()))).isEqualTo(Integer.signum(fa.compareTo(fb)));
        assertThat(Fence.decode(fa.encoded())).isEqualTo(fa);
    }
}
