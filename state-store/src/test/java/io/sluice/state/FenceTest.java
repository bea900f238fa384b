package io.sluice.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FenceTest {

    /** 56 nines: sequence numbers up to this width, about what real ones have. */
    private static final BigInteger MAX_SEQUENCE = BigInteger.TEN.pow(56).subtract(BigInteger.ONE);
    private static final long MAX_SUB_SEQUENCE = 9_999_999_999L;
    private static final BigInteger[] SEQUENCE_EDGES = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
            MAX_SEQUENCE.subtract(BigInteger.ONE), MAX_SEQUENCE};
    private static final long[] SUB_SEQUENCE_EDGES = {0, 1, 2, MAX_SUB_SEQUENCE - 1, MAX_SUB_SEQUENCE};

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
        // digits of other scripts, and a character whose low byte is '0' (U+0130), are not decimals here
        assertThatThrownBy(() -> Fence.of("12\u0660")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fence.checkSequenceNumber("1\u01302")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fence.checkSequenceNumber("")).isInstanceOf(IllegalArgumentException.class);
        Fence.checkSequenceNumber("0");
        Fence.checkSequenceNumber("9".repeat(129));
    }

    @ParameterizedTest(name = "[{index}] {0}/{2} vs {1}/{3}")
    @MethodSource("fencePairs")
    void encodedOrder_equalsNumericOrder(BigInteger a, BigInteger b, long subA, long subB) {
        Fence fa = Fence.of(a.toString(), subA);
        Fence fb = Fence.of(b.toString(), subB);
        assertThat(Integer.signum(fa.encoded().compareTo(fb.encoded()))).isEqualTo(Integer.signum(fa.compareTo(fb)));
        assertThat(Fence.decode(fa.encoded())).isEqualTo(fa);
    }

    /**
     * 1000 pairs: first every pair of edge sequence numbers with sub-sequences 0 and the maximum, then pairs drawn
     * from a fixed seed, a tenth of the values from the edges and an eighth of the pairs on one sequence number (so
     * the sub-sequence decides).
     */
    static Stream<Arguments> fencePairs() {
        List<Arguments> cases = new ArrayList<>();
        for (BigInteger a : SEQUENCE_EDGES) {
            for (BigInteger b : SEQUENCE_EDGES) {
                for (long subA : new long[] {0, MAX_SUB_SEQUENCE}) {
                    for (long subB : new long[] {0, MAX_SUB_SEQUENCE}) {
                        cases.add(Arguments.of(a, b, subA, subB));
                    }
                }
            }
        }
        Random random = new Random(1_605_052_800L);
        while (cases.size() < 1000) {
            BigInteger a = sequence(random);
            BigInteger b = random.nextInt(8) == 0 ? a : sequence(random);
            cases.add(Arguments.of(a, b, subSequence(random), subSequence(random)));
        }
        return cases.stream();
    }

    /** An edge a tenth of the time, else a random number of 1 to 56 digits: short and long ones alike. */
    private static BigInteger sequence(Random random) {
        if (random.nextInt(10) == 0) {
            return SEQUENCE_EDGES[random.nextInt(SEQUENCE_EDGES.length)];
        }
        StringBuilder digits = new StringBuilder();
        for (int i = 1 + random.nextInt(56); i > 0; i--) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return new BigInteger(digits.toString());
    }

    /** An edge a tenth of the time, else a random number of 1 to 10 digits. */
    private static long subSequence(Random random) {
        if (random.nextInt(10) == 0) {
            return SUB_SEQUENCE_EDGES[random.nextInt(SUB_SEQUENCE_EDGES.length)];
        }
        long bound = 10;
        for (int digits = random.nextInt(10); digits > 0; digits--) {
            bound *= 10;
        }
        return random.nextLong(bound); // 1 to 10 digits: the padding differs for each width
    }
}
