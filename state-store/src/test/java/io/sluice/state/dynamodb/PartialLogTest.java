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
import java.util.List;
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

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void theBaseWithEveryDeltaApplied_holdsTheLastVersion(long seed) {
        Random random = new Random(seed);
        SessionVersions writer = new SessionVersions(seed).users(0, 200);
        List<StateEntry> base = new ArrayList<>(writer.entries);
        Collections.shuffle(base, random);   // pages store the base in their own order
        List<PartialLog> deltas = new ArrayList<>();
        for (int batch = 0; batch < 30; batch++) {
            PartialEntries before = writer.entries;
            writer.batch(random.nextInt(40), 260);
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
        SessionVersions writer = new SessionVersions(0);
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
