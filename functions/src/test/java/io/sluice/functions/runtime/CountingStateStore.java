package io.sluice.functions.runtime;

import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.PartialWrite;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StateStore} that forwards every call (the batched ones too, so the delegate's own paths run) and counts
 * slot reads by slot and firing claims by slot: what a firing round costs.
 */
final class CountingStateStore implements StateStore {

    private final StateStore delegate;
    private final Map<Slot, AtomicInteger> slotReads = new ConcurrentHashMap<>();
    private final Map<Slot, AtomicInteger> claims = new ConcurrentHashMap<>();

    CountingStateStore(StateStore delegate) {
        this.delegate = delegate;
    }

    /** Reads of {@code slot}'s partials so far. */
    int slotReads(Slot slot) {
        AtomicInteger n = slotReads.get(slot);
        return n == null ? 0 : n.get();
    }

    /** Reads of any slot's partials so far. */
    int slotReads() {
        return slotReads.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Claims of {@code slot} attempted so far. */
    int claims(Slot slot) {
        AtomicInteger n = claims.get(slot);
        return n == null ? 0 : n.get();
    }

    @Override
    public List<Partial> readSlot(String pipeline, Slot slot) {
        slotReads.computeIfAbsent(slot, s -> new AtomicInteger()).incrementAndGet();
        return delegate.readSlot(pipeline, slot);
    }

    @Override
    public boolean claimFiring(String pipeline, Slot slot, String owner, long nowMillis, long leaseMillis) {
        claims.computeIfAbsent(slot, s -> new AtomicInteger()).incrementAndGet();
        return delegate.claimFiring(pipeline, slot, owner, nowMillis, leaseMillis);
    }

    @Override
    public Optional<Partial> readPartial(PartialKey key) {
        return delegate.readPartial(key);
    }

    @Override
    public Map<PartialKey, Partial> readPartials(Collection<PartialKey> keys) {
        return delegate.readPartials(keys);
    }

    @Override
    public void writePartial(Partial partial, Fence expectedFence) {
        delegate.writePartial(partial, expectedFence);
    }

    @Override
    public Set<PartialKey> writePartials(List<PartialWrite> writes) {
        return delegate.writePartials(writes);
    }

    @Override
    public void registerSlot(String pipeline, Slot slot) {
        delegate.registerSlot(pipeline, slot);
    }

    @Override
    public void registerSlots(String pipeline, Collection<Slot> slots) {
        delegate.registerSlots(pipeline, slots);
    }

    @Override
    public List<Slot> pendingSlots(String pipeline, long maxEnd) {
        return delegate.pendingSlots(pipeline, maxEnd);
    }

    @Override
    public void completeFiring(String pipeline, Slot slot, String owner) {
        delegate.completeFiring(pipeline, slot, owner);
    }

    @Override
    public void releaseFiring(String pipeline, Slot slot, String owner) {
        delegate.releaseFiring(pipeline, slot, owner);
    }

    @Override
    public boolean isFired(String pipeline, Slot slot) {
        return delegate.isFired(pipeline, slot);
    }

    @Override
    public SplitState advanceSplit(SplitState proposed) {
        return delegate.advanceSplit(proposed);
    }

    @Override
    public boolean createSplit(SplitState state) {
        return delegate.createSplit(state);
    }

    @Override
    public SplitState startAttempt(String pipeline, String split, Fence through, long nowMillis, int keyBuckets) {
        return delegate.startAttempt(pipeline, split, through, nowMillis, keyBuckets);
    }

    @Override
    public long publishedWatermark(String pipeline) {
        return delegate.publishedWatermark(pipeline);
    }

    @Override
    public void publishWatermark(String pipeline, long watermark) {
        delegate.publishWatermark(pipeline, watermark);
    }

    @Override
    public Optional<SplitState> readSplit(String pipeline, String split) {
        return delegate.readSplit(pipeline, split);
    }

    @Override
    public List<SplitState> splits(String pipeline) {
        return delegate.splits(pipeline);
    }

    @Override
    public long firedWatermark(String pipeline) {
        return delegate.firedWatermark(pipeline);
    }

    @Override
    public void advanceFiredWatermark(String pipeline, long watermark) {
        delegate.advanceFiredWatermark(pipeline, watermark);
    }
}
