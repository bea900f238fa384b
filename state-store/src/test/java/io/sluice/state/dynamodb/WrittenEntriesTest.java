package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WrittenEntriesTest {

    private static final Slot MINUTE = new Slot(0, 60_000);

    private static PartialKey key(int bucket) {
        return new PartialKey("p", MINUTE, "shard-0", bucket);
    }

    /** One entry of about {@code bytes} approximate bytes. */
    private static PartialEntries entries(int bytes) {
        return PartialEntries.copyOf(List.of(new StateEntry("k", 0, 60_000, new byte[bytes - 17])));
    }

    @Test
    void entriesAreKnownOnlyAtTheFenceTheyWereWrittenAt() {
        WrittenEntries written = new WrittenEntries(1 << 20);
        PartialEntries v1 = entries(100);
        written.put(key(0), Fence.of("1"), v1);

        assertThat(written.at(key(0), Fence.of("1"))).isSameAs(v1);
        assertThat(written.at(key(0), Fence.of("2"))).isNull();
        assertThat(written.at(key(1), Fence.of("1"))).isNull();
        written.remove(key(0));
        assertThat(written.at(key(0), Fence.of("1"))).isNull();
    }

    @Test
    void theLeastRecentlyWritten_areDroppedPastTheBound() {
        WrittenEntries written = new WrittenEntries(1_000);
        for (int bucket = 0; bucket < 4; bucket++) {
            written.put(key(bucket), Fence.of("1"), entries(300));
        }
        written.put(key(1), Fence.of("2"), entries(450));   // rewritten larger: the most recent now

        assertThat(written.at(key(0), Fence.of("1"))).isNull();
        assertThat(written.at(key(2), Fence.of("1"))).isNull();
        assertThat(written.at(key(3), Fence.of("1"))).isNotNull();
        assertThat(written.at(key(1), Fence.of("2"))).isNotNull();
    }
}
