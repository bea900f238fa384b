package io.sluice.state.replay;

import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link StateStore} that forwards every call; tests override the calls they break. */
class ForwardingStateStore implements StateStore {

    private final StateStore delegate;

    ForwardingStateStore(StateStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void writePartial(Partial partial, Fence expectedFence) {
        delegate.writePartial(partial, expectedFence);
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
    public List<Partial> readSlot(String pipeline, Slot slot) {
        return delegate.readSlot(pipeline, slot);
    }

    @Override
    public void registerSlot(String pipeline, Slot slot) {
        delegate.registerSlot(pipeline, slot);
    }

    @Override
    public List<Slot> pendingSlots(String pipeline, long maxEnd) {
        return delegate.pendingSlots(pipeline, maxEnd);
    }

    @Override
    public boolean claimFiring(String pipeline, Slot slot, String owner, long nowMillis, long leaseMillis) {
        return delegate.claimFiring(pipeline, slot, owner, nowMillis, leaseMillis);
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
