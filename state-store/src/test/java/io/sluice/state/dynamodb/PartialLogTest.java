package io.sluice.state.dynamodb;

import io.sluice.state.PartialEntries;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log's deltas as a model check: for random histories of versions a writer derives (keys added, changed, removed
 * and re-added; sessions whose windows move, split and merge), the base with every delta applied in order, each
 * through its stored bytes, holds exactly the last version's entries.
 */
class PartialLogTest {

    private static final Slot PANE = new Slot(0, 7_200_000);

    /** A writer's versions: one group per key, as the runtime derives them. */
    private static final class Writer {
        final Map<String, Integer> groupOf = new HashMap<>();
        PartialEntries entries = PartialEntries.EMPTY;

        void set(String key, StateEntry[] group) {
            Integer index = groupOf.get(key);
            if (group.length == 0) {
                if (index != null) {
                    entries = entries.withGroup(index, null);
                    groupOf.remove(key);
                }
            } else if (index == null) {
                groupOf.put(key, entries.groups());
                entries = entries.withGroupAppended(group);
            } else {
                entries = entries.withGroup(index, group);
            }
        }

        /** Holes dropped: an unrelated structure, every later group at a new index. */
        void compact() {
            entries = entries.compacted();
            groupOf.clear();
            for (int g = 0; g < entries.groups(); g++) {
                groupOf.put(entries.group(g)[0].key(), g);
            }
        }
    }

    /** Up to three sessions of {@code key}, at random places in the pane, with random accumulators. */
    private static StateEntry[] sessions(String key, Random random) {
        int n = random.nextInt(4);
        List<StateEntry> group = new ArrayList<>();
        long start = random.nextInt(1000) * 1000L;
        for (int i = 0; i < n; i++) {
            long end = start + 1000 + random.nextInt(1_800_000);
            byte[] acc = new byte[1 + random.nextInt(24)];
            random.nextBytes(acc);
            group.add(new StateEntry(key, start, end, acc));
            start = end + 1_800_000 + random.nextInt(100_000);
        }
        return group.toArray(new StateEntry[0]);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void theBaseWithEveryDeltaApplied_holdsTheLastVersion(long seed) {
        Random random = new Random(seed);
        Writer writer = new Writer();
        for (int k = 0; k < 200; k++) {
            writer.set("u-" + k, sessions("u-" + k, random));
        }
        List<StateEntry> base = new ArrayList<>(writer.entries);
        Collections.shuffle(base, random);   // pages store the base in their own order
        List<PartialLog> deltas = new ArrayList<>();
        for (int batch = 0; batch < 30; batch++) {
            PartialEntries before = writer.entries;
            for (int change = random.nextInt(40); change > 0; change--) {
                String key = "u-" + random.nextInt(260);   // some keys new, some removed and back
                writer.set(key, random.nextInt(6) == 0 ? new StateEntry[0] : sessions(key, random));
            }
            if (random.nextInt(8) == 0) {
                writer.compact();
            }
            PartialLog delta = PartialLog.between(before, writer.entries);
            assertThat(delta).isNotNull();
            deltas.add(PartialLog.decode(PANE, delta.encode(PANE)));

            assertThat(PartialLog.apply(base, deltas)).containsExactlyInAnyOrderElementsOf(writer.entries);
        }
    }

    @Test
    void entriesThatMovedUnchanged_areNotChanges_andADerivedVersionCostsItsChanges() {
        Writer writer = new Writer();
        for (int k = 0; k < 1000; k++) {
            writer.set("u-" + k, new StateEntry[] {new StateEntry("u-" + k, 0, 60_000, new byte[] {(byte) k})});
        }
        PartialEntries v1 = writer.entries;
        writer.set("u-5", new StateEntry[0]);
        writer.set("u-7", new StateEntry[] {new StateEntry("u-7", 0, 90_000, new byte[] {1})});
        PartialEntries v2 = writer.entries.compacted();   // every later group moved down one

        PartialLog delta = PartialLog.between(v1, v2);

        assertThat(delta.upserts()).extracting(StateEntry::key).containsExactly("u-7");
        assertThat(delta.removals()).extracting(StateEntry::key, StateEntry::windowEnd)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u-5", 60_000L),
                        org.assertj.core.groups.Tuple.tuple("u-7", 60_000L));
        assertThat(PartialLog.between(v2, v2).isEmpty()).isTrue();
    }

    @Test
    void aVersionWithTwoEntriesOfOneIdentity_isNotLogged_andABaseHoldingThem_isRefused() {
        StateEntry a = new StateEntry("u", 0, 10, new byte[] {1});
        StateEntry b = new StateEntry("u", 0, 10, new byte[] {2});
        PartialEntries twice = PartialEntries.ofGroups(List.of(new StateEntry[] {a}, new StateEntry[] {b}));

        assertThat(PartialLog.between(PartialEntries.EMPTY, twice)).isNull();
        assertThatThrownBy(() -> PartialLog.apply(List.of(a, b), List.of(new PartialLog(List.of(), List.of()))))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("two entries");
    }

    @Test
    void pieces_cutBytesInOrder_andKeepOneEmptyPiece() {
        byte[] bytes = new byte[10];
        new Random(1).nextBytes(bytes);

        assertThat(PartialLog.pieces(bytes, 4)).extracting(p -> p.length).containsExactly(4, 4, 2);
        assertThat(PartialLog.pieces(new byte[0], 4)).hasSize(1);
        assertThatThrownBy(() -> PartialLog.decode(PANE, new byte[] {0, 0, 0, 9, 1}))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("malformed");
    }
}
