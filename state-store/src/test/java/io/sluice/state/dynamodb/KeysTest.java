package io.sluice.state.dynamodb;

import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.sluice.state.dynamodb.RandomValues.LONG_EDGES;
import static io.sluice.state.dynamodb.RandomValues.anyLong;
import static io.sluice.state.dynamodb.RandomValues.anyString;
import static io.sluice.state.dynamodb.RandomValues.between;
import static io.sluice.state.dynamodb.RandomValues.escaped;
import static org.assertj.core.api.Assertions.assertThat;

class KeysTest {

    @ParameterizedTest(name = "[{index}] {0} vs {1}")
    @MethodSource("longPairs")
    void sortable_ordersLikeTheNumbers_overTheWholeLongRange(long a, long b) {
        assertThat(Integer.signum(Keys.sortable(a).compareTo(Keys.sortable(b)))).isEqualTo(Long.signum(Long.compare(a, b)));
        assertThat(Keys.sortable(a)).hasSize(20);
        assertThat(Keys.unsortable(Keys.sortable(a))).isEqualTo(a);
    }

    /** 1000 pairs: every pair of {@link RandomValues#LONG_EDGES}, then pairs drawn from a fixed seed. */
    static Stream<Arguments> longPairs() {
        List<Arguments> cases = new ArrayList<>();
        for (long a : LONG_EDGES) {
            for (long b : LONG_EDGES) {
                cases.add(Arguments.of(a, b));
            }
        }
        Random random = new Random(20_201_111L);
        while (cases.size() < 1000) {
            cases.add(Arguments.of(anyLong(random), anyLong(random)));
        }
        return cases.stream();
    }

    @Test
    void sortable_handlesTheExtremes() {
        assertThat(Keys.sortable(Long.MIN_VALUE)).isEqualTo("00000000000000000000");
        assertThat(Keys.sortable(-1)).isLessThan(Keys.sortable(0));
        assertThat(Keys.sortable(Long.MAX_VALUE)).isEqualTo("18446744073709551615");
    }

    @ParameterizedTest(name = "[{index}] starts {0} and {1}")
    @MethodSource("longPairs")
    void slotSk_roundTrips_andSortsByEndThenStart(long s1, long s2) {
        Slot a = new Slot(Math.min(s1, Long.MAX_VALUE - 1), Math.min(s1, Long.MAX_VALUE - 1) + 1);
        Slot b = new Slot(Math.min(s2, Long.MAX_VALUE - 1), Long.MAX_VALUE);
        assertThat(Keys.parseSlotSk(Keys.slotSk(a))).isEqualTo(a);
        assertThat(Keys.parseSlotSk(Keys.slotSk(b))).isEqualTo(b);
        assertThat(Integer.signum(Keys.slotSk(a).compareTo(Keys.slotSk(b)))).isEqualTo(Integer.signum(a.compareTo(b)));
        assertThat(Keys.slotSk(a)).isLessThan(Keys.slotSkBoundAfter(a.end()));
    }

    @ParameterizedTest(name = "[{index}] split {0}, bucket {1} of {2}")
    @MethodSource("bucketsOfSplits")
    void windowBucket_staysInRange(String split, int bucket, int windowBuckets) {
        assertThat(Keys.windowBucket(split, bucket, windowBuckets)).isBetween(0, windowBuckets - 1);
    }

    /**
     * 1000 cases: the empty split and two one-char ones with every pair of edge buckets (0, 1, 2, 99999, 100000)
     * and edge bucket counts (1, 2, 999, 1000), then random splits of up to 255 chars with buckets in [0, 100000]
     * and counts in [1, 1000] drawn from a fixed seed.
     */
    static Stream<Arguments> bucketsOfSplits() {
        List<Arguments> cases = new ArrayList<>();
        for (String split : new String[] {"", "\0", " "}) {
            for (int bucket : new int[] {0, 1, 2, 99_999, 100_000}) {
                for (int windowBuckets : new int[] {1, 2, 999, 1000}) {
                    cases.add(Arguments.of(Named.of(escaped(split), split), bucket, windowBuckets));
                }
            }
        }
        Random random = new Random(1_605_052_800L);
        while (cases.size() < 1000) {
            String split = anyString(random, 255);
            cases.add(Arguments.of(Named.of(escaped(split), split), between(random, 0, 100_000),
                    between(random, 1, 1000)));
        }
        return cases.stream();
    }

    @Test
    void partialSk_parsesSplitsThatContainTheSeparator() {
        PartialKey key = new PartialKey("p", new Slot(-60_000, 0), "task#7", 12);

        assertThat(Keys.parsePartialSk("p", key.slot(), Keys.partialSk(key))).isEqualTo(key);
    }
}
