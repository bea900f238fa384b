package io.sluice.functions.runtime;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A split's record of which session records behind the watermark its attempts counted: one item per split (never a
 * registered slot, so no firing reads it), fenced like a partial. An attempt stores its decisions with a condition
 * on the fence it read, before any of them takes effect (a late record emitted, a rescued one written); an attempt
 * that finds records already decided (an overlapping or earlier attempt of the same range) follows that decision.
 * So two attempts never judge one record both ways, whatever the state each saw (simulator, seed 858).
 */
final class SessionDecisions {

    /** The slot decision items are kept under: outside any pane, never registered. */
    static final Slot DECISIONS = new Slot(Long.MIN_VALUE + 2, Long.MIN_VALUE + 3);

    private final StateStore store;
    private final PartialKey key;

    /** The stored decisions: every record at or before {@code through} was decided, {@code rescued} counted. */
    record Decided(Fence through, Set<Fence> rescued) {

        boolean covers(Fence record) {
            return !record.isAfter(through);
        }
    }

    SessionDecisions(CompiledPipeline pipeline, StateStore store, String split) {
        this.store = store;
        this.key = new PartialKey(pipeline.name(), DECISIONS, split, 0);
    }

    Decided read() {
        Optional<Partial> stored = store.readPartial(key);
        if (stored.isEmpty()) {
            return new Decided(Fence.NONE, Set.of());
        }
        Set<Fence> rescued = new HashSet<>();
        for (StateEntry e : stored.get().entries()) {
            rescued.add(Fence.decode(e.key()));
        }
        return new Decided(stored.get().fence(), rescued);
    }

    /**
     * Stores that every record through {@code through} is decided and {@code rescued} were counted, if the stored
     * decisions are still {@code seen}.
     *
     * @return false if another attempt stored decisions meanwhile: read them and follow
     */
    boolean store(Decided seen, Fence through, Set<Fence> rescued) {
        List<StateEntry> entries = new ArrayList<>(rescued.size());
        for (Fence f : rescued) {
            entries.add(new StateEntry(f.encoded(), 0, 0, new byte[0]));
        }
        try {
            store.writePartial(new Partial(key, through, entries), seen.through());
            return true;
        } catch (FenceConflictException e) {
            return false;
        }
    }
}
