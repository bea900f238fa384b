package io.sluice.state.dynamodb;

import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeysTest {

    @Property
    void sortable_ordersLikeTheNumbers_overTheWholeLongRange(@ForAll long a, @ForAll long b) {
        assertThat(Integer.signum(Keys.sortable(a).compareTo(Keys.sortable(b)))).isEqualTo(Long.signum(Long.compare(a, b)));
        assertThat(Keys.sortable(a)).hasSize(20);
        assertThat(Keys.unsortable(Keys.sortable(a))).isEqualTo(a);
    }

    @Test
    void sortable_handlesTheExtremes() {
        assertThat(Keys.sortable(Long.MIN_VALUE)).isEqualTo("00000000000000000000");
        assertThat(Keys.sortable(-1)).isLessThan(Keys.sortable(0));
        assertThat(Keys.sortable(Long.MAX_VALUE)).isEqualTo("18446744073709551615");
    }

    @Property
    void slotSk_roundTrips_andSortsByEndThenStart(@ForAll long s1, @ForAll long s2) {
        Slot a = new Slot(Math.min(s1, Long.MAX_VALUE - 1), Math.min(s1, Long.MAX_VALUE - 1) + 1);
        Slot b = new Slot(Math.min(s2, Long.MAX_VALUE - 1), Long.MAX_VALUE);
        assertThat(Keys.parseSlotSk(Keys.slotSk(a))).isEqualTo(a);
        assertThat(Keys.parseSlotSk(Keys.slotSk(b))).isEqualTo(b);
        assertThat(Integer.signum(Keys.slotSk(a).compareTo(Keys.slotSk(b)))).isEqualTo(Integer.signum(a.compareTo(b)));
        assertThat(Keys.slotSk(a)).isLessThan(Keys.slotSkBoundAfter(a.end()));
    }

    @Property
    void windowBucket_staysInRange(@ForAll String split, @ForAll @IntRange(min = 0, max = 100_000) int bucket,
                                   @ForAll @IntRange(min = 1, max = 1000) int windowBuckets) {
        assertThat(Keys.windowBucket(split, bucket, windowBuckets)).isBetween(0, windowBuckets - 1);
    }

    @Test
    void partialSk_parsesSplitsThatContainTheSeparator() {
        PartialKey key = new PartialKey("p", new Slot(-60_000, 0), "task#7", 12);

        assertThat(Keys.parsePartialSk("p", key.slot(), Keys.partialSk(key))).isEqualTo(key);
    }
}
