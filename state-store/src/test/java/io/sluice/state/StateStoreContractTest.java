package io.sluice.state;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every {@link StateStore} shares, run against each implementation by a subclass. Each test uses its
 * own pipeline name, so implementations may share tables between tests.
 */
public abstract class StateStoreContractTest {

    protected static final Slot MINUTE = new Slot(0, 60_000);
    protected final String pipeline = "p-" + UUID.randomUUID();
    protected StateStore store;

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    /**
     * Whether the backing engine applies a conditional write atomically when two clients race on one item, as
     * DynamoDB and the in-memory store do. moto_server does not: it serves requests on threads and evaluates a
     * condition and applies the write without a lock, so two racing claims can both succeed there.
     */
    protected boolean atomicUnderConcurrency() {
        return true;
    }

    /** A store on the implementation's backing state; racing tests call it twice for two writers. */
    protected abstract StateStore newStore();

    protected PartialKey key(Slot slot, String split, int bucket) {
        return new PartialKey(pipeline, slot, split, bucket);
    }

    protected static Partial partial(PartialKey key, Fence fence, StateEntry... entries) {
        return new Partial(key, fence, List.of(entries));
    }

    protected static StateEntry entry(String key, long sum) {
        return new StateEntry(key, 0, 60_000, java.nio.ByteBuffer.allocate(8).putLong(sum).array());
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void writePartial_createsItem_whenExpectedFenceIsNone_andReadsItBackUnchanged() {
        PartialKey key = key(new Slot(-120_000, -60_000), "shardId-000000000001", 3);
        Fence fence = Fence.of("4959033827149025660855969253836157109592157598913658889" + "8".repeat(70), 7);
        Partial written = new Partial(key, fence, List.of(
                new StateEntry("c-1", -120_000, -60_000, new byte[] {1, 2, 3}),
                new StateEntry("", -120_000, -60_000, new byte[0]),
                new StateEntry("Kategorie-ü-雙十一", -115_000, -61_000, randomBytes(2_000, 1))));

        store.writePartial(written, Fence.NONE);

        assertThat(store.readPartial(key)).contains(written);
        assertThat(store.readPartial(key(MINUTE, "shardId-000000000001", 3))).isEmpty();
    }

    @Test
    void writePartial_throwsFenceConflict_whenItemExistsAndExpectedFenceIsNone() {
        PartialKey key = key(MINUTE, "shard-0", 0);
        store.writePartial(partial(key, Fence.of("17"), entry("c-1", 1)), Fence.NONE);

        assertThatThrownBy(() -> store.writePartial(partial(key, Fence.of("20"), entry("c-1", 2)), Fence.NONE))
                .isInstanceOf(FenceConflictException.class)
                .hasMessageContaining(key.toString());
        assertThat(store.readPartial(key).orElseThrow().fence()).isEqualTo(Fence.of("17"));
    }

    @Test
    void writePartial_throwsFenceConflict_whenStoredFenceDiffers_andSucceedsWhenItMatches() {
        PartialKey key = key(MINUTE, "shard-0", 1);
        store.writePartial(partial(key, Fence.of("17"), entry("c-1", 1)), Fence.NONE);

        assertThatThrownBy(() -> store.writePartial(partial(key, Fence.of("20"), entry("c-1", 2)), Fence.of("16")))
                .isInstanceOf(FenceConflictException.class)
                .satisfies(e -> assertThat(((FenceConflictException) e).expectedFence()).isEqualTo(Fence.of("16")));
        assertThatThrownBy(() -> store.writePartial(partial(key, Fence.of("20"), entry("c-1", 2)), Fence.of("18")))
                .isInstanceOf(FenceConflictException.class);
        store.writePartial(partial(key, Fence.of("20"), entry("c-1", 2)), Fence.of("17"));

        assertThat(store.readPartial(key)).contains(partial(key, Fence.of("20"), entry("c-1", 2)));
    }

    @Test
    void writePartial_throwsFenceConflict_whenFenceIsExpectedButNoItemExists() {
        PartialKey key = key(MINUTE, "shard-0", 2);

        assertThatThrownBy(() -> store.writePartial(partial(key, Fence.of("5"), entry("c-1", 1)), Fence.of("4")))
                .isInstanceOf(FenceConflictException.class);
        assertThat(store.readPartial(key)).isEmpty();
    }

    @Test
    void writePartial_matchesExpectedFence_numericallyNotTextually() {
        PartialKey key = key(MINUTE, "shard-0", 3);
        store.writePartial(partial(key, Fence.of("9"), entry("c-1", 1)), Fence.NONE);

        store.writePartial(partial(key, Fence.of("10"), entry("c-1", 2)), Fence.of("009"));

        assertThat(store.readPartial(key).orElseThrow().fence()).isEqualTo(Fence.of("10"));
    }

    @Test
    void writePartial_storesAPartialOverOneItem_asOneFencedUnit() {
        PartialKey key = key(MINUTE, "shard-0", 4);
        List<StateEntry> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            entries.add(new StateEntry("user-" + i, 0, 60_000, randomBytes(1_500, i)));
        }
        entries.add(new StateEntry("hot", 0, 60_000, randomBytes(900 * 1024, 2)));  // one key over two items
        Partial huge = new Partial(key, Fence.of("1"), entries);

        store.writePartial(huge, Fence.NONE);
        List<StateEntry> changed = new ArrayList<>(entries);
        changed.set(7, new StateEntry("user-7", 0, 60_000, randomBytes(1_600, 99)));
        assertThatThrownBy(() -> store.writePartial(new Partial(key, Fence.of("3"), changed), Fence.of("2")))
                .isInstanceOf(FenceConflictException.class);
        assertThat(newStore().readPartial(key).orElseThrow().entries()).containsExactlyInAnyOrderElementsOf(entries);
        store.writePartial(new Partial(key, Fence.of("3"), changed), Fence.of("1"));

        StateStore other = newStore();
        Partial read = other.readPartial(key).orElseThrow();
        assertThat(read.fence()).isEqualTo(Fence.of("3"));
        assertThat(read.entries()).containsExactlyInAnyOrderElementsOf(changed);
        assertThat(other.readPartials(List.of(key)).get(key).entries()).containsExactlyInAnyOrderElementsOf(changed);
        assertThat(other.readSlot(pipeline, MINUTE)).singleElement()
                .satisfies(p -> assertThat(p.entries()).containsExactlyInAnyOrderElementsOf(changed));
    }

    @Test
    void writePartial_acceptsItemJustUnderTheLimit() {
        PartialKey key = key(MINUTE, "shard-0", 5);
        Partial big = new Partial(key, Fence.of("1"),
                List.of(new StateEntry("c-1", 0, 60_000, randomBytes(395 * 1024, 3))));

        store.writePartial(big, Fence.NONE);

        assertThat(store.readPartial(key)).contains(big);
    }

    @Test
    void readSlot_returnsEveryPartialOfTheSlot_overSplitsAndBuckets_only() {
        List<Partial> expected = new ArrayList<>();
        for (String split : List.of("shard-0", "shard-1", "shard-2")) {
            for (int bucket = 0; bucket < 6; bucket++) {
                Partial p = partial(key(MINUTE, split, bucket), Fence.ofOrdinal(bucket), entry("c-" + bucket, bucket));
                store.writePartial(p, Fence.NONE);
                expected.add(p);
            }
        }
        store.writePartial(partial(key(new Slot(60_000, 120_000), "shard-0", 0), Fence.of("1"), entry("x", 1)),
                Fence.NONE);
        store.writePartial(partial(new PartialKey(pipeline + "-other", MINUTE, "shard-0", 0), Fence.of("1"),
                entry("x", 1)), Fence.NONE);

        assertThat(store.readSlot(pipeline, MINUTE)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(store.readSlot(pipeline, new Slot(120_000, 180_000))).isEmpty();
    }

    @Test
    void readSlot_returnsAll_whenTheSlotHoldsMoreThanOneMegabyte() {
        List<Partial> expected = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            Partial p = new Partial(key(MINUTE, "shard-" + (i % 2), i), Fence.ofOrdinal(i),
                    List.of(new StateEntry("c-" + i, 0, 60_000, randomBytes(100 * 1024, i))));
            store.writePartial(p, Fence.NONE);
            expected.add(p);
        }

        assertThat(store.readSlot(pipeline, MINUTE)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void readPartials_returnsStoredPartials_andOmitsMissingKeys_overMoreThanOneBatch() {
        List<PartialKey> keys = new ArrayList<>();
        List<Partial> written = new ArrayList<>();
        for (int bucket = 0; bucket < 130; bucket++) {
            PartialKey key = key(MINUTE, "shard-" + (bucket % 3), bucket);
            keys.add(key);
            if (bucket % 5 != 0) {
                Partial p = partial(key, Fence.ofOrdinal(bucket), entry("c-" + bucket, bucket));
                store.writePartial(p, Fence.NONE);
                written.add(p);
            }
        }

        assertThat(store.readPartials(keys).values()).containsExactlyInAnyOrderElementsOf(written);
        assertThat(store.readPartials(List.of())).isEmpty();
    }

    @Test
    void pendingSlots_ordersByEndThenStart_acrossNegativeAndExtremeTimes() {
        Slot earliest = new Slot(Long.MIN_VALUE, Long.MIN_VALUE + 1);
        Slot a = new Slot(-120_000, -60_000);
        Slot b = new Slot(-90_000, 0);
        Slot c = new Slot(-60_000, 0);
        Slot d = new Slot(0, 60_000);
        Slot latest = new Slot(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        for (Slot slot : List.of(d, latest, c, a, earliest, b, a)) {
            store.registerSlot(pipeline, slot);
        }

        assertThat(store.pendingSlots(pipeline, 0)).containsExactly(earliest, a, b, c);
        assertThat(store.pendingSlots(pipeline, -1)).containsExactly(earliest, a);
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(earliest, a, b, c, d, latest);
        assertThat(store.pendingSlots(pipeline, Long.MIN_VALUE)).isEmpty();
        assertThat(store.pendingSlots(pipeline + "-other", Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void completeFirings_completesTheWindowsStillHeld_andNamesTheLostOnesInOneException() {
        Slot second = new Slot(60_000, 120_000);
        Slot third = new Slot(120_000, 180_000);
        for (Slot slot : List.of(MINUTE, second, third)) {
            store.registerSlot(pipeline, slot);
            assertThat(store.claimFiring(pipeline, slot, "a", 1_000, 500)).isTrue();
        }
        assertThat(store.claimFiring(pipeline, second, "b", 1_800, 500)).as("a's lease lapsed").isTrue();
        assertThat(store.claimFiring(pipeline, third, "b", 1_800, 500)).isTrue();
        store.completeFiring(pipeline, third, "b");

        assertThatThrownBy(() -> store.completeFirings(pipeline, List.of(MINUTE, second, third), "a"))
                .isInstanceOfSatisfying(FiringClaimLostException.class, e -> assertThat(e.slots())
                        .containsExactly(second, third));

        assertThat(store.isFired(pipeline, MINUTE)).as("held by a: completed").isTrue();
        assertThat(store.isFired(pipeline, second)).as("b's claim is untouched").isFalse();
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(second);
        store.completeFiring(pipeline, second, "b");
        assertThat(store.isFired(pipeline, second)).isTrue();
    }

    @Test
    void claimFiring_admitsOneOwner_untilLeaseLapses() {
        store.registerSlot(pipeline, MINUTE);

        assertThat(store.claimFiring(pipeline, MINUTE, "a", 1_000, 500)).isTrue();
        assertThat(store.claimFiring(pipeline, MINUTE, "b", 1_200, 500)).isFalse();
        assertThat(store.claimFiring(pipeline, MINUTE, "a", 1_300, 500)).as("the holder renews").isTrue();
        assertThat(store.claimFiring(pipeline, MINUTE, "b", 1_700, 500)).isFalse();
        assertThat(store.claimFiring(pipeline, MINUTE, "b", 1_800, 500)).isTrue();
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).as("claimed is still pending").containsExactly(MINUTE);
        assertThatThrownBy(() -> store.completeFiring(pipeline, MINUTE, "a"))
                .isInstanceOfSatisfying(FiringClaimLostException.class, e -> assertThat(e.slots())
                        .containsExactly(MINUTE))
                .hasMessageContaining("claimed by [b]");
    }

    @Test
    void completeFiring_removesSlotFromPending_andForbidsNewClaims_evenAfterReRegistering() {
        Slot next = new Slot(60_000, 120_000);
        store.registerSlot(pipeline, MINUTE);
        store.registerSlot(pipeline, next);
        assertThat(store.claimFiring(pipeline, MINUTE, "a", 0, 1_000)).isTrue();

        store.completeFiring(pipeline, MINUTE, "a");
        store.completeFiring(pipeline, MINUTE, "a");
        store.registerSlot(pipeline, MINUTE);

        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(next);
        assertThat(store.claimFiring(pipeline, MINUTE, "b", 10_000, 1_000)).isFalse();
        assertThat(store.claimFiring(pipeline, MINUTE, "a", 10_000, 1_000)).isFalse();
    }

    @Test
    void firingsOfSeveralSlots_claimReadCompleteAndRelease_eachSlotAsTheSingleCallsWould() {
        List<Slot> slots = List.of(MINUTE, new Slot(60_000, 120_000), new Slot(120_000, 180_000),
                new Slot(180_000, 240_000));
        store.registerSlots(pipeline, slots);
        Partial first = partial(key(slots.get(0), "shard-0", 0), Fence.of("1"), entry("c-1", 1));
        Partial second = partial(key(slots.get(0), "shard-1", 3), Fence.of("2"), entry("c-2", 2));
        Partial third = partial(key(slots.get(2), "shard-0", 1), Fence.of("3"), entry("c-1", 3));
        store.writePartials(List.of(new PartialWrite(first, Fence.NONE), new PartialWrite(second, Fence.NONE),
                new PartialWrite(third, Fence.NONE)));
        assertThat(store.claimFiring(pipeline, slots.get(1), "b", 0, 60_000)).isTrue();

        // Claims: the one "b" holds drops out; the others are "a"'s, in the order asked.
        List<Slot> claimed = store.claimFirings(pipeline, slots, "a", 1, 60_000);
        assertThat(claimed).containsExactly(slots.get(0), slots.get(2), slots.get(3));

        // Reads: every asked slot, in order, an empty list where nothing was written.
        Map<Slot, List<Partial>> read = store.readSlots(pipeline, claimed);
        assertThat(read.keySet()).containsExactly(slots.get(0), slots.get(2), slots.get(3));
        assertThat(read.get(slots.get(0))).containsExactlyInAnyOrder(first, second);
        assertThat(read.get(slots.get(2))).containsExactly(third);
        assertThat(read.get(slots.get(3))).isEmpty();

        // Release of the last one, completion of the first two; releasing a completed or foreign slot does nothing.
        store.releaseFirings(pipeline, List.of(slots.get(3), slots.get(1)), "a");
        store.completeFirings(pipeline, claimed.subList(0, 2), "a");
        store.releaseFirings(pipeline, claimed.subList(0, 2), "a");

        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(slots.get(1), slots.get(3));
        assertThat(store.isFired(pipeline, slots.get(0))).isTrue();
        assertThat(store.isFired(pipeline, slots.get(2))).isTrue();
        assertThat(store.claimFiring(pipeline, slots.get(3), "c", 2, 60_000)).as("released").isTrue();
        assertThat(store.claimFiring(pipeline, slots.get(1), "c", 2, 60_000)).as("still b's").isFalse();
    }

    @Test
    void completeFirings_completesTheOthers_andThrows_whenOneSlotIsNotHeld() {
        Slot next = new Slot(60_000, 120_000);
        store.registerSlots(pipeline, List.of(MINUTE, next));
        assertThat(store.claimFiring(pipeline, MINUTE, "b", 0, 60_000)).isTrue();
        assertThat(store.claimFirings(pipeline, List.of(next), "a", 0, 60_000)).containsExactly(next);

        assertThatThrownBy(() -> store.completeFirings(pipeline, List.of(MINUTE, next), "a"))
                .isInstanceOfSatisfying(FiringClaimLostException.class, e -> assertThat(e.slots())
                        .containsExactly(MINUTE));

        assertThat(store.isFired(pipeline, next)).isTrue();
        assertThat(store.isFired(pipeline, MINUTE)).isFalse();
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(MINUTE);
    }

    @Test
    void releaseFiring_letsAnotherOwnerClaimAtOnce_andIsANoOpForOthers() {
        assertThat(store.claimFiring(pipeline, MINUTE, "a", 0, 60_000)).isTrue();
        store.releaseFiring(pipeline, MINUTE, "b");
        assertThat(store.claimFiring(pipeline, MINUTE, "b", 1, 60_000)).isFalse();

        store.releaseFiring(pipeline, MINUTE, "a");

        assertThat(store.claimFiring(pipeline, MINUTE, "b", 1, 60_000)).isTrue();
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactly(MINUTE);
    }

    @Test
    void splits_roundTrip_areListedInIdOrder_andReplaced() {
        SplitState child = SplitState.pending(pipeline, "shardId-000000000003", 5,
                List.of("shardId-000000000001", "shardId-000000000002"));
        store.advanceSplit(SplitState.pending(pipeline, "shardId-000000000002", 0, List.of()).finished(Fence.of("99")));
        store.advanceSplit(child);
        store.advanceSplit(SplitState.pending(pipeline, "shardId-000000000001", 0, List.of()));
        SplitState progressed = SplitState.pending(pipeline, "shardId-000000000001", 0, List.of())
                .withProgress(-5_000, Fence.of("123456789012345678901234567890", 3), 7);
        store.advanceSplit(progressed);

        assertThat(store.splits(pipeline)).extracting(SplitState::split)
                .containsExactly("shardId-000000000001", "shardId-000000000002", "shardId-000000000003");
        assertThat(store.readSplit(pipeline, "shardId-000000000001")).contains(progressed);
        assertThat(store.readSplit(pipeline, "shardId-000000000003")).contains(child);
        assertThat(store.readSplit(pipeline, "shardId-000000000002").orElseThrow().watermarkMillis())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(store.readSplit(pipeline, "shardId-000000000009")).isEmpty();
        assertThat(store.splits(pipeline + "-other")).isEmpty();
    }

    @Test
    void advanceSplit_neverMovesProgressBack_whenAStaleWriterArrivesLast() {
        SplitState read = SplitState.pending(pipeline, "shard-0", 0, List.of("shard-p"));
        SplitState fast = read.withProgress(295_000, Fence.of("30"), 20);
        SplitState slow = read.withProgress(95_000, Fence.of("10"), 10);

        store.advanceSplit(fast);
        SplitState stored = store.advanceSplit(slow);

        assertThat(stored).isEqualTo(fast);
        assertThat(store.readSplit(pipeline, "shard-0")).contains(fast);
    }

    @Test
    void advanceSplit_keepsFinishedTerminal_andTheHigherOfEachField() {
        SplitState read = SplitState.pending(pipeline, "task-1", 0, List.of());
        store.advanceSplit(read.finished(Fence.ofOrdinal(500)));
        store.advanceSplit(read.withProgress(Long.MIN_VALUE, Fence.ofOrdinal(900), 99));

        SplitState stored = store.readSplit(pipeline, "task-1").orElseThrow();
        assertThat(stored.status()).isEqualTo(SplitStatus.FINISHED);
        assertThat(stored.watermarkMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(stored.fence()).isEqualTo(Fence.ofOrdinal(900));
        assertThat(stored.lastActivityMillis()).isEqualTo(99);
    }

    @Test
    void advanceSplit_neverTurnsAnActiveSplitBackIntoPending() {
        SplitState read = SplitState.pending(pipeline, "shard-0", 0, List.of());
        store.advanceSplit(read.withProgress(1_000, Fence.of("5"), 3));
        store.advanceSplit(SplitState.pending(pipeline, "shard-0", 1, List.of()));

        assertThat(store.readSplit(pipeline, "shard-0").orElseThrow().status()).isEqualTo(SplitStatus.ACTIVE);
    }

    @Test
    void createSplit_registersOnce_andLeavesAKnownSplitAlone() {
        SplitState progressed = SplitState.pending(pipeline, "shard-0", 0, List.of()).withProgress(7_000, Fence.of("9"), 5);
        assertThat(store.createSplit(SplitState.pending(pipeline, "shard-0", 0, List.of()))).isTrue();
        store.advanceSplit(progressed);

        assertThat(store.createSplit(SplitState.pending(pipeline, "shard-0", 99, List.of()).withWatermarkAtLeast(1_000))).isFalse();
        assertThat(store.readSplit(pipeline, "shard-0")).contains(progressed);
    }

    @Test
    void startAttempt_returnsThePreviousState_andRaisesTheAttemptFenceOnly() {
        SplitState first = store.startAttempt(pipeline, "shard-0", Fence.of("10"), 100, 16);
        assertThat(first.status()).isEqualTo(SplitStatus.PENDING);
        assertThat(first.attemptFence()).isEqualTo(Fence.NONE);

        SplitState second = store.startAttempt(pipeline, "shard-0", Fence.of("5"), 200, 16);   // bisected retry: first half
        assertThat(second.attemptFence()).isEqualTo(Fence.of("10"));
        assertThat(second.hasUnfinishedAttempt()).isTrue();

        SplitState now = store.readSplit(pipeline, "shard-0").orElseThrow();
        assertThat(now.attemptFence()).isEqualTo(Fence.of("10"));
        assertThat(now.lastActivityMillis()).isEqualTo(200);
        assertThat(now.watermarkMillis()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void startAttempt_recordsTheFirstKeyBucketCount_andKeepsItForTheSplitsLife() {
        SplitState fresh = store.startAttempt(pipeline, "shard-0", Fence.of("10"), 100, 16);
        assertThat(fresh.keyBuckets()).isEqualTo(SplitState.UNRECORDED);
        assertThat(fresh.keyBucketsOr(16)).isEqualTo(16);

        // A redeployed instance declares another count: the split keeps the one its partials were written with.
        SplitState retried = store.startAttempt(pipeline, "shard-0", Fence.of("10"), 200, 1);
        assertThat(retried.keyBuckets()).isEqualTo(16);
        assertThat(retried.keyBucketsOr(1)).isEqualTo(16);
        SplitState progressed = store.advanceSplit(retried.withProgress(1_000, Fence.of("10"), 200));
        assertThat(progressed.keyBuckets()).isEqualTo(16);
        assertThat(store.startAttempt(pipeline, "shard-0", Fence.of("20"), 300, 1).keyBuckets()).isEqualTo(16);
        assertThat(store.readSplit(pipeline, "shard-0").orElseThrow().keyBuckets()).isEqualTo(16);
        assertThat(store.splits(pipeline)).singleElement().extracting(SplitState::keyBuckets).isEqualTo(16);

        // A split registered before its first attempt (a child shard) records the count of that attempt.
        assertThat(store.createSplit(SplitState.pending(pipeline, "shard-1", 0, List.of("shard-0")))).isTrue();
        assertThat(store.readSplit(pipeline, "shard-1").orElseThrow().keyBuckets()).isEqualTo(SplitState.UNRECORDED);
        assertThat(store.startAttempt(pipeline, "shard-1", Fence.of("30"), 400, 1).keyBuckets())
                .isEqualTo(SplitState.UNRECORDED);
        assertThat(store.readSplit(pipeline, "shard-1").orElseThrow().keyBuckets()).isEqualTo(1);
        assertThatThrownBy(() -> store.startAttempt(pipeline, "shard-2", Fence.of("1"), 400, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publishedWatermark_startsAtMinimum_andOnlyRises() {
        assertThat(store.publishedWatermark(pipeline)).isEqualTo(Long.MIN_VALUE);
        store.publishWatermark(pipeline, 120_000);
        store.publishWatermark(pipeline, 60_000);
        assertThat(store.publishedWatermark(pipeline)).isEqualTo(120_000);
        assertThat(store.firedWatermark(pipeline)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void firedWatermark_startsAtMinimum_andOnlyRises() {
        assertThat(store.firedWatermark(pipeline)).isEqualTo(Long.MIN_VALUE);

        store.advanceFiredWatermark(pipeline, -10);
        store.advanceFiredWatermark(pipeline, -20);
        assertThat(store.firedWatermark(pipeline)).isEqualTo(-10);
        store.advanceFiredWatermark(pipeline, 60_000);
        store.advanceFiredWatermark(pipeline, 60_000);
        store.advanceFiredWatermark(pipeline, 5);

        assertThat(store.firedWatermark(pipeline)).isEqualTo(60_000);
    }

    @Test
    void claimFiring_admitsExactlyOneOwner_whenTwoThreadsRace() throws Exception {
        assumeTrue(atomicUnderConcurrency(), "the engine does not apply conditional writes atomically under concurrency");
        StateStore other = newStore();
        for (int round = 0; round < 15; round++) {
            Slot slot = new Slot(round * 60_000L, (round + 1) * 60_000L);
            store.registerSlot(pipeline, slot);
            List<Boolean> wins = Racing.race(
                    () -> store.claimFiring(pipeline, slot, "a", 0, 60_000),
                    () -> other.claimFiring(pipeline, slot, "b", 0, 60_000));
            assertThat(wins).as("round %d", round).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void writePartial_admitsExactlyOneWriter_whenTwoRaceWithTheSameExpectedFence() throws Exception {
        assumeTrue(atomicUnderConcurrency(), "the engine does not apply conditional writes atomically under concurrency");
        StateStore other = newStore();
        for (int round = 0; round < 15; round++) {
            PartialKey key = key(MINUTE, "shard-race", round);
            store.writePartial(partial(key, Fence.of("1"), entry("c-1", 1)), Fence.NONE);
            List<Boolean> wins = Racing.race(
                    () -> Racing.succeeds(() -> store.writePartial(partial(key, Fence.of("2"), entry("c-1", 2)),
                            Fence.of("1"))),
                    () -> Racing.succeeds(() -> other.writePartial(partial(key, Fence.of("3"), entry("c-1", 3)),
                            Fence.of("1"))));
            assertThat(wins).as("round %d", round).containsExactlyInAnyOrder(true, false);
            Fence winner = wins.get(0) ? Fence.of("2") : Fence.of("3");
            assertThat(store.readPartial(key).orElseThrow().fence()).isEqualTo(winner);
        }
    }
}
