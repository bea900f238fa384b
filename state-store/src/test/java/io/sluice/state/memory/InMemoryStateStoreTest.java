package io.sluice.state.memory;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryStateStoreTest {

    private static final String PIPELINE = "gmv-by-category";
    private static final Slot MINUTE = new Slot(0, 60_000);
    private static final PartialKey KEY = new PartialKey(PIPELINE, MINUTE, "shard-0", 3);

    private final InMemoryStateStore store = new InMemoryStateStore();

    private static Partial partial(String fence, String key, int size) {
        return new Partial(KEY, Fence.of(fence), List.of(new StateEntry(key, 0, 60_000, new byte[size])));
    }

    @Test
    void writePartial_createsItem_whenExpectedFenceIsNone() {
        store.writePartial(partial("17", "c-1", 16), Fence.NONE);

        assertThat(store.readPartial(KEY)).hasValueSatisfying(p -> assertThat(p.fence()).isEqualTo(Fence.of("17")));
        assertThat(store.partialWrites()).isEqualTo(1);
    }

    @Test
    void writePartial_throwsFenceConflict_whenStoredFenceDiffers() {
        store.writePartial(partial("17", "c-1", 16), Fence.NONE);

        assertThatThrownBy(() -> store.writePartial(partial("20", "c-1", 16), Fence.NONE))
                .isInstanceOf(FenceConflictException.class)
                .hasMessageContaining(KEY.toString());
        assertThatThrownBy(() -> store.writePartial(partial("20", "c-1", 16), Fence.of("16")))
                .isInstanceOf(FenceConflictException.class);
        store.writePartial(partial("20", "c-1", 16), Fence.of("17"));
        assertThat(store.readPartial(KEY).orElseThrow().fence()).isEqualTo(Fence.of("20"));
    }

    @Test
    void writePartial_storesPartialsOverTheItemLimit_andCountsThemAsChunked() {
        InMemoryStateStore small = InMemoryStateStore.withItemLimit(1_000);

        small.writePartial(partial("1", "c-1", 2_000), Fence.NONE);
        small.writePartial(partial("2", "c-1", 10), Fence.of("1"));

        assertThat(small.readPartial(partial("2", "c-1", 10).key())).contains(partial("2", "c-1", 10));
        assertThat(small.chunkedWrites()).isEqualTo(1);
        assertThat(small.largestPartialBytes()).isGreaterThan(2_000);
    }

    @Test
    void pendingSlots_listsRegisteredUnfiredSlotsUpToEnd_inEndOrder() {
        store.registerSlot(PIPELINE, new Slot(60_000, 120_000));
        store.registerSlot(PIPELINE, MINUTE);
        store.registerSlot(PIPELINE, MINUTE);
        store.registerSlot(PIPELINE, new Slot(120_000, 180_000));

        assertThat(store.pendingSlots(PIPELINE, 120_000)).containsExactly(MINUTE, new Slot(60_000, 120_000));
        assertThat(store.pendingSlots("other", Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void claimFiring_admitsOneOwner_untilLeaseLapses() {
        store.registerSlot(PIPELINE, MINUTE);

        assertThat(store.claimFiring(PIPELINE, MINUTE, "a", 1_000, 500)).isTrue();
        assertThat(store.claimFiring(PIPELINE, MINUTE, "b", 1_200, 500)).isFalse();
        assertThat(store.claimFiring(PIPELINE, MINUTE, "b", 1_600, 500)).isTrue();
        assertThatThrownBy(() -> store.completeFiring(PIPELINE, MINUTE, "a")).hasMessageContaining("claimed by [b]");
    }

    @Test
    void completeFiring_removesSlotFromPending_forbidsNewClaims_andKeepsOnlyFences() {
        store.registerSlot(PIPELINE, MINUTE);
        store.writePartial(partial("1", "c-1", 16), Fence.NONE);
        store.claimFiring(PIPELINE, MINUTE, "a", 0, 1_000);

        store.completeFiring(PIPELINE, MINUTE, "a");

        assertThat(store.pendingSlots(PIPELINE, Long.MAX_VALUE)).isEmpty();
        assertThat(store.claimFiring(PIPELINE, MINUTE, "b", 10_000, 1_000)).isFalse();
        assertThat(store.readSlot(PIPELINE, MINUTE)).singleElement()
                .satisfies(p -> assertThat(p.entries()).isEmpty())
                .satisfies(p -> assertThat(p.fence()).isEqualTo(Fence.of("1")));
    }

    @Test
    void releaseFiring_letsAnotherOwnerClaimAtOnce() {
        store.claimFiring(PIPELINE, MINUTE, "a", 0, 60_000);
        store.releaseFiring(PIPELINE, MINUTE, "a");

        assertThat(store.claimFiring(PIPELINE, MINUTE, "b", 1, 60_000)).isTrue();
    }

    @Test
    void splits_areListedInIdOrder_andReplaced() {
        store.advanceSplit(SplitState.pending(PIPELINE, "shard-1", 0, List.of()));
        store.advanceSplit(SplitState.pending(PIPELINE, "shard-0", 0, List.of()));
        store.advanceSplit(SplitState.pending(PIPELINE, "shard-0", 0, List.of()).withProgress(5_000, Fence.of("9"), 7));

        assertThat(store.splits(PIPELINE)).extracting(SplitState::split).containsExactly("shard-0", "shard-1");
        assertThat(store.readSplit(PIPELINE, "shard-0").orElseThrow().watermarkMillis()).isEqualTo(5_000);
    }

    @Test
    void firedWatermark_onlyRises() {
        assertThat(store.firedWatermark(PIPELINE)).isEqualTo(Long.MIN_VALUE);
        store.advanceFiredWatermark(PIPELINE, 10);
        store.advanceFiredWatermark(PIPELINE, 5);
        assertThat(store.firedWatermark(PIPELINE)).isEqualTo(10);
    }
}
