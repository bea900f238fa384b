package io.sluice.state.memory;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.FiringClaimLostException;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.Slot;
import io.sluice.state.StateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StateStore} held in memory with the same conditional semantics as the DynamoDB one. Like it, it has no
 * ceiling on a partial's size: a partial over the item limit is what DynamoDB would write as chunks behind a head
 * ({@link io.sluice.state.dynamodb.ChunkedPartials}); here it is kept whole (one map entry replaced atomically, as the
 * head's conditional write makes the chunked version visible at once) and counted in {@link #chunkedWrites()}.
 * Fired slots' partials are discarded so long local runs stay within memory. A write costs O(1) whatever the
 * partial's size: it stores the immutable {@link Partial} it is given (a later version a writer derives from it shares
 * its unchanged parts and never changes it, so a reader holding it sees a snapshot) and sizes it in O(1).
 *
 * <pre>{@code
 * StateStore store = new InMemoryStateStore();               // 400 KB items, like DynamoDB
 * StateStore tiny = InMemoryStateStore.withItemLimit(4_096);  // partials over 4 KB count as chunked
 * }</pre>
 */
public final class InMemoryStateStore implements StateStore {

    /** The DynamoDB store's item limit ({@link StateStore#ITEM_LIMIT_BYTES}). */
    public static final int DEFAULT_ITEM_LIMIT_BYTES = StateStore.ITEM_LIMIT_BYTES;

    private final int itemLimitBytes;
    private final Map<String, Map<Slot, Map<PartialKey, Partial>>> partials = new ConcurrentHashMap<>();
    /** Unfired registered slots by end: fired ones leave it, so firing checks never walk the fired past. */
    private final Map<String, ConcurrentSkipListMap<Slot, SlotState>> slots = new ConcurrentHashMap<>();
    /**
     * Tombstones of fired slots, each with the owner that completed it (as DynamoDB's tombstone item): registering
     * never re-opens one, and only its owner's completion is a repeat.
     */
    private final Map<String, Map<Slot, String>> firedSlots = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentSkipListMap<String, SplitState>> splits = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> firedWatermarks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> publishedWatermarks = new ConcurrentHashMap<>();
    private final AtomicLong partialWrites = new AtomicLong();
    private final AtomicLong chunkedWrites = new AtomicLong();
    private final AtomicLong largestPartialBytes = new AtomicLong();

    public InMemoryStateStore() {
        this(DEFAULT_ITEM_LIMIT_BYTES);
    }

    private InMemoryStateStore(int itemLimitBytes) {
        if (itemLimitBytes <= 0) {
            throw new IllegalArgumentException("itemLimitBytes must be > 0 but was " + itemLimitBytes);
        }
        this.itemLimitBytes = itemLimitBytes;
    }

    /** A store whose partials over {@code itemLimitBytes} count as chunked (DynamoDB would chunk them). */
    public static InMemoryStateStore withItemLimit(int itemLimitBytes) {
        return new InMemoryStateStore(itemLimitBytes);
    }

    /** Number of successful partial writes so far, for tests and cost estimates. */
    public long partialWrites() {
        return partialWrites.get();
    }

    /** Successful writes of partials over the item limit: DynamoDB would have written them as chunks. */
    public long chunkedWrites() {
        return chunkedWrites.get();
    }

    /** The largest partial written so far, in approximate bytes: the hot key buckets' size. */
    public long largestPartialBytes() {
        return largestPartialBytes.get();
    }

    @Override
    public Optional<Partial> readPartial(PartialKey key) {
        return Optional.ofNullable(slotPartials(key.pipeline(), key.slot()).get(key));
    }

    @Override
    public void writePartial(Partial partial, Fence expectedFence) {
        int size = partial.approximateSize();
        Map<PartialKey, Partial> items = slotPartials(partial.key().pipeline(), partial.key().slot());
        boolean[] conflict = {false};
        items.compute(partial.key(), (k, stored) -> {
            Fence storedFence = stored == null ? Fence.NONE : stored.fence();
            if (!storedFence.equals(expectedFence)) {
                conflict[0] = true;
                return stored;
            }
            return partial;
        });
        if (conflict[0]) {
            throw new FenceConflictException(partial.key(), expectedFence);
        }
        partialWrites.incrementAndGet();
        if (size > itemLimitBytes) {
            chunkedWrites.incrementAndGet();
        }
        largestPartialBytes.accumulateAndGet(size, Math::max);
    }

    @Override
    public List<Partial> readSlot(String pipeline, Slot slot) {
        return new ArrayList<>(slotPartials(pipeline, slot).values());
    }

    @Override
    public void registerSlot(String pipeline, Slot slot) {
        if (fired(pipeline).containsKey(slot)) {
            return;
        }
        // A registration racing with the slot's completion may put it back; the next claim removes it again.
        slotIndex(pipeline).putIfAbsent(slot, new SlotState());
    }

    @Override
    public List<Slot> pendingSlots(String pipeline, long maxEnd) {
        List<Slot> pending = new ArrayList<>();
        Map<Slot, String> fired = fired(pipeline);
        for (Map.Entry<Slot, SlotState> e : slotIndex(pipeline).entrySet()) {
            if (e.getKey().end() > maxEnd) {
                break;
            }
            if (!e.getValue().fired && !fired.containsKey(e.getKey())) {
                pending.add(e.getKey());
            }
        }
        return pending;
    }

    @Override
    public boolean claimFiring(String pipeline, Slot slot, String owner, long nowMillis, long leaseMillis) {
        if (fired(pipeline).containsKey(slot)) {
            slotIndex(pipeline).remove(slot);
            return false;
        }
        SlotState state = slotIndex(pipeline).computeIfAbsent(slot, s -> new SlotState());
        synchronized (state) {
            if (state.fired || (state.owner != null && !state.owner.equals(owner) && state.leaseUntil > nowMillis)) {
                return false;
            }
            state.owner = owner;
            state.leaseUntil = nowMillis + leaseMillis;
            return true;
        }
    }

    @Override
    public void completeFiring(String pipeline, Slot slot, String owner) {
        SlotState state = slotIndex(pipeline).get(slot);
        String firedBy = fired(pipeline).get(slot);
        if (state == null && owner.equals(firedBy)) {
            return;   // completed already by this owner: completing is idempotent
        }
        if (state == null) {
            throw new FiringClaimLostException(firedBy != null
                    ? "Slot " + slot + " of pipeline [" + pipeline + "] is claimed by [" + firedBy + "], not [" + owner
                    + "]" : "No claim on slot " + slot + " of pipeline [" + pipeline + "]", List.of(slot));
        }
        synchronized (state) {
            if (!owner.equals(state.owner)) {
                throw new FiringClaimLostException("Slot " + slot + " of pipeline [" + pipeline + "] is claimed by ["
                        + state.owner + "], not [" + owner + "]", List.of(slot));
            }
            state.fired = true;
        }
        fired(pipeline).put(slot, owner);
        slotIndex(pipeline).remove(slot, state);
        Map<Slot, Map<PartialKey, Partial>> bySlot = partials.get(pipeline);
        Map<PartialKey, Partial> items = bySlot == null ? null : bySlot.get(slot);
        if (items != null) {
            // Keep each item's fence, not its entries, as DynamoDB keeps fired items until their TTL: a retry asks
            // whether an earlier attempt applied a record (StateStore#startAttempt), and the fence answers it.
            items.replaceAll((k, p) -> new Partial(k, p.fence(), List.of()));
        }
    }

    @Override
    public void releaseFiring(String pipeline, Slot slot, String owner) {
        SlotState state = slotIndex(pipeline).get(slot);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (owner.equals(state.owner) && !state.fired) {
                state.owner = null;
                state.leaseUntil = 0;
            }
        }
    }

    @Override
    public SplitState advanceSplit(SplitState proposed) {
        return splitsOf(proposed.pipeline()).merge(proposed.split(), proposed, SplitState::merge);
    }

    @Override
    public boolean createSplit(SplitState state) {
        return splitsOf(state.pipeline()).putIfAbsent(state.split(), state) == null;
    }

    @Override
    public SplitState startAttempt(String pipeline, String split, Fence through, long nowMillis, int keyBuckets) {
        SplitState.checkKeyBuckets(keyBuckets);
        SplitState[] before = new SplitState[1];
        splitsOf(pipeline).compute(split, (k, stored) -> {
            SplitState current = stored != null ? stored : SplitState.pending(pipeline, split, nowMillis, List.of());
            before[0] = current;
            return current.merge(new SplitState(pipeline, split, SplitStatus.PENDING, Long.MIN_VALUE, Fence.NONE,
                    nowMillis, List.of(), through, keyBuckets));
        });
        return before[0];
    }

    @Override
    public long publishedWatermark(String pipeline) {
        AtomicLong w = publishedWatermarks.get(pipeline);
        return w == null ? Long.MIN_VALUE : w.get();
    }

    @Override
    public void publishWatermark(String pipeline, long watermark) {
        publishedWatermarks.computeIfAbsent(pipeline, p -> new AtomicLong(Long.MIN_VALUE))
                .accumulateAndGet(watermark, Math::max);
    }

    private ConcurrentSkipListMap<String, SplitState> splitsOf(String pipeline) {
        return splits.computeIfAbsent(pipeline, p -> new ConcurrentSkipListMap<>());
    }

    @Override
    public Optional<SplitState> readSplit(String pipeline, String split) {
        Map<String, SplitState> bySplit = splits.get(pipeline);
        return Optional.ofNullable(bySplit == null ? null : bySplit.get(split));
    }

    @Override
    public List<SplitState> splits(String pipeline) {
        Map<String, SplitState> bySplit = splits.get(pipeline);
        return bySplit == null ? List.of() : List.copyOf(bySplit.values());
    }

    @Override
    public long firedWatermark(String pipeline) {
        AtomicLong w = firedWatermarks.get(pipeline);
        return w == null ? Long.MIN_VALUE : w.get();
    }

    @Override
    public void advanceFiredWatermark(String pipeline, long watermark) {
        firedWatermarks.computeIfAbsent(pipeline, p -> new AtomicLong(Long.MIN_VALUE))
                .accumulateAndGet(watermark, Math::max);
    }

    private Map<PartialKey, Partial> slotPartials(String pipeline, Slot slot) {
        return partials.computeIfAbsent(pipeline, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(slot, s -> new ConcurrentHashMap<>());
    }

    @Override
    public boolean isFired(String pipeline, Slot slot) {
        return fired(pipeline).containsKey(slot);
    }

    private Map<Slot, String> fired(String pipeline) {
        return firedSlots.computeIfAbsent(pipeline, p -> new ConcurrentHashMap<>());
    }

    private ConcurrentSkipListMap<Slot, SlotState> slotIndex(String pipeline) {
        return slots.computeIfAbsent(pipeline, p -> new ConcurrentSkipListMap<>());
    }

    /** Firing state of one slot; guarded by its own monitor. */
    private static final class SlotState {
        private String owner;
        private long leaseUntil;
        private boolean fired;
    }
}
