package io.sluice.functions.runtime;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.Partial;
import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;
import io.sluice.state.PartialWrite;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Merges a batch's combined cells into the split's partial items and writes each item once, with a condition on
 * the fence last seen. An item has no size ceiling: the store writes one over its item limit as chunks fenced as one
 * unit ({@link StateStore#writePartial}); the sizes written are measured ({@link RunMetrics#largestPartialBytes},
 * {@link RunMetrics#largestKeyStateBytes}) so hot keys show. Items written are cached between batches, decoded and
 * encoded per key ({@link EncodedEntries}), so the common case is one write and no read per item, and a write encodes
 * only the keys its batch changed and derives the item it hands the store from the last one in O(changed keys)
 * ({@link io.sluice.state.PartialEntries}): its CPU follows the batch, not the item. On a {@link FenceConflictException} (a
 * retried batch, or a cached copy gone stale) the item is re-read and only the batch's records after the stored fence
 * are re-applied.
 *
 * <p>A batch's items are merged first and then written with one {@link StateStore#writePartials}: each item has one
 * writer and its own fence condition, so the store sends them together and the batch waits about one round trip
 * for its partials whatever the number of items (DynamoDB: up to 64 in flight). The call returns when all have
 * finished, so the split's progress, written by the caller next, still follows every partial write; a refused item
 * alone goes through the conflict path.
 *
 * <p>A cold batch, one that does not continue this writer's last write (a new Lambda instance, or another
 * instance moved the split on since), first loads the stored versions of all its items with
 * {@link StateStore#readPartials} (one BatchGetItem per 100 items) instead of paying a refused write, a read and a
 * write for each item that exists. Warm batches skip that read: their uncached items are new windows.
 */
final class PartialWriter {

    /** Above this many cached items the cache is dropped; later writes fall back to the conflict path. */
    static final int MAX_CACHED_ITEMS = 20_000;
    private static final int MAX_CONFLICT_ATTEMPTS = 8;

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final String split;
    private final RunMetrics metrics;
    private final Map<PartialKey, Cached> cache = new HashMap<>();
    private final Set<Slot> registered = new HashSet<>();
    /** The current {@link #write}'s key-bucket count, for {@link #group}. */
    private int keyBuckets;
    /** Fence of this writer's last completed batch: a batch starting elsewhere finds a stale or empty cache. */
    private Fence lastWritten;

    /** An item as last written: its decoded content and, per key, the entries it was encoded to. */
    private record Cached(Fence fence, Map<String, Cell> content, EncodedEntries encoded) {

        static Cached empty(Fence fence) {
            return new Cached(fence, new CellMap(), new EncodedEntries());
        }
    }

    PartialWriter(CompiledPipeline pipeline, StateStore store, String split, RunMetrics metrics) {
        this.pipeline = pipeline;
        this.store = store;
        this.split = split;
        this.metrics = metrics;
    }

    /**
     * Writes the cells of {@code batch} with {@code fence}, the position of the batch's last record.
     *
     * @param keyBuckets the split's key-bucket count ({@link io.sluice.state.SplitState#keyBucketsOr}), the same in
     *                   every attempt: a key's cells go to the item an earlier attempt may have written them to
     * @param splitFence the split's fence before this batch: a cached item past it already holds some of the
     *                   batch's records (this instance wrote it in an earlier attempt that failed midway)
     * @param recompute  the batch's cells from the records strictly after a given fence (never before
     *                   {@code splitFence}), computed anew
     */
    void write(Accumulators batch, int keyBuckets, Fence splitFence, Fence fence,
               Function<Fence, Accumulators> recompute) {
        this.keyBuckets = keyBuckets;
        Map<PartialKey, List<Cell>> groups = group(batch);
        if (!splitFence.equals(lastWritten)) {
            preload(groups.keySet());
        }
        register(groups.keySet());
        // Merge every item first, then write them together: the writes are independent (one writer, one fence
        // each), so the store may send them at once and the batch waits about one round trip, not one per item.
        List<PartialWrite> writes = new ArrayList<>(groups.size());
        Map<PartialKey, Cached> written = new LinkedHashMap<>();
        for (Map.Entry<PartialKey, List<Cell>> group : groups.entrySet()) {
            PartialKey key = group.getKey();
            // Out of the cache while its content is merged into: if a merge overflows, the items merged so far are
            // neither written nor cached, and the next write of each re-reads it (the conflict path).
            Cached cached = cache.remove(key);
            List<Cell> cells = group.getValue();
            if (cached != null && cached.fence().isAfter(splitFence)) {
                // A retry on the instance that wrote this item before the batch failed: apply only later records,
                // or the item would count them twice (its fence matches, so the store cannot refuse the write).
                if (cached.fence().compareTo(fence) >= 0) {
                    cache(key, cached);
                    continue;
                }
                cells = group(recompute.apply(cached.fence())).getOrDefault(key, List.of());
            }
            Fence expected = cached == null ? Fence.NONE : cached.fence();
            Cached item = cached == null ? Cached.empty(Fence.NONE) : cached;
            merge(key, expected, item, cells);
            writes.add(new PartialWrite(encode(key, fence, item), expected));
            written.put(key, new Cached(fence, item.content(), item.encoded()));
        }
        // Returns once every write finished: the caller's progress write comes after all of them (exactly-once).
        Set<PartialKey> refused = store.writePartials(writes);
        for (Map.Entry<PartialKey, Cached> item : written.entrySet()) {
            if (!refused.contains(item.getKey())) {
                metrics.partialWrite();
                cache(item.getKey(), item.getValue());
            }
        }
        for (PartialKey key : refused) {
            metrics.fenceConflict();
            resolveConflict(key, splitFence, fence, recompute);   // only this item is re-read and written again
        }
        lastWritten = fence;
    }

    /**
     * Registers the slots of {@code keys} this writer has not registered, before any of their partials is written.
     * Remembered only once the store has them: a throttled registration is retried with the batch, or the window
     * would hold partials no firing ever finds (found by the simulator, seed 76 --scenarios throttle).
     */
    private void register(Set<PartialKey> keys) {
        Set<Slot> slots = new LinkedHashSet<>();
        for (PartialKey key : keys) {
            if (!registered.contains(key.slot())) {
                slots.add(key.slot());
            }
        }
        if (!slots.isEmpty()) {
            store.registerSlots(pipeline.name(), slots);
            registered.addAll(slots);
        }
    }

    /** Caches the stored version of each item, or its absence (an empty item at {@link Fence#NONE}). */
    private void preload(Set<PartialKey> keys) {
        Map<PartialKey, Partial> stored = store.readPartials(keys);
        for (PartialKey key : keys) {
            Partial p = stored.get(key);
            Cached item = Cached.empty(p == null ? Fence.NONE : p.fence());
            if (p != null) {
                decodeInto(p, item);
            }
            cache(key, item);
        }
        metrics.partialsPreloaded(keys.size());
    }

    /** Forgets cached items of slots ending at or before {@code maxEnd}: they are final, no record reaches them. */
    void evictThrough(long maxEnd) {
        cache.keySet().removeIf(k -> k.slot().end() <= maxEnd);
        registered.removeIf(s -> s.end() <= maxEnd);
    }

    private void resolveConflict(PartialKey key, Fence splitFence, Fence fence,
                                 Function<Fence, Accumulators> recompute) {
        for (int attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
            Optional<Partial> stored = store.readPartial(key);
            Fence storedFence = stored.map(Partial::fence).orElse(Fence.NONE);
            Cached item = Cached.empty(storedFence);
            stored.ifPresent(p -> decodeInto(p, item));
            if (storedFence.compareTo(fence) >= 0) {
                cache(key, item);  // this batch is already applied to the item
                return;
            }
            // Never from before the split's fence: the records up to it are applied, where an older item fence shows
            // none of them is this item's, or the split jumped over them (a batch the mapping gave up on before any
            // attempt was recorded) and the on-failure replay applies them (simulator, seed 5614).
            Fence after = storedFence.isAfter(splitFence) ? storedFence : splitFence;
            List<Cell> cells = group(recompute.apply(after)).getOrDefault(key, List.of());
            merge(key, storedFence, item, cells);
            try {
                store.writePartial(encode(key, fence, item), storedFence);
                metrics.partialWrite();
                cache(key, new Cached(fence, item.content(), item.encoded()));
                return;
            } catch (FenceConflictException e) {
                metrics.fenceConflict();
            }
        }
        throw new StateStoreException("Partial [" + key + "] of split [" + split + "] kept changing under "
                + MAX_CONFLICT_ATTEMPTS + " conditional writes: is another invocation processing the same split? "
                + "(ParallelizationFactor must be 1)");
    }

    /**
     * Merges a batch's cells into an item's content.
     *
     * @throws MergeOverflowException if a key's stored total and the batch's would overflow together: the caller
     *                                rejects the batch's records of that key and writes again
     */
    private void merge(PartialKey key, Fence contentFence, Cached item, List<Cell> cells) {
        Map<String, Cell> content = item.content();
        for (Cell cell : cells) {
            item.encoded().changed(cell.key);  // before the merge, which may change the key's cells in place
            Cell stored = pipeline.windowing().isSession() ? null : content.get(cell.key);
            try {
                pipeline.windowing().merge(content, cell);
            } catch (ArithmeticException e) {
                throw new MergeOverflowException(key.slot(), cell.key, contentFence,
                        stored == null ? null : pipeline.codec().encode(stored.acc), e);
            }
        }
    }

    /** A batch's cell of {@code key} cannot be merged into the stored item of {@code slot} without overflowing. */
    static final class MergeOverflowException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Slot slot;
        final String key;
        /** The fence of the stored content: records at or before it are in it already. */
        final transient Fence contentFence;
        /** The key's stored accumulator, encoded (fixed windows), or null (sessions: the key is refused whole). */
        final transient byte[] storedAccumulator;

        MergeOverflowException(Slot slot, String key, Fence contentFence, byte[] storedAccumulator,
                               ArithmeticException cause) {
            super("aggregate of key [" + key + "] in slot " + slot + " would overflow", cause);
            this.slot = slot;
            this.key = key;
            this.contentFence = contentFence;
            this.storedAccumulator = storedAccumulator;
        }
    }

    /**
     * The batch's cells by item. Cells come slot by slot ({@link Accumulators#cells}), so the items of the current
     * slot are found by bucket in an array: a stream batch has a thousand cells and only a few dozen items.
     */
    @SuppressWarnings("unchecked")
    private Map<PartialKey, List<Cell>> group(Accumulators batch) {
        Map<PartialKey, List<Cell>> groups = new LinkedHashMap<>();
        List<Cell>[] ofSlot = new List[keyBuckets];
        Slot slot = null;
        long start = 0;
        long end = 0;
        for (Cell cell : batch.cells()) {
            if (slot == null || cell.start != start || cell.end != end) {   // a cell's slot depends on these alone
                Slot next = pipeline.windowing().slotOf(cell);
                if (!next.equals(slot)) {
                    slot = next;
                    java.util.Arrays.fill(ofSlot, null);
                }
                start = cell.start;
                end = cell.end;
            }
            int bucket = CompiledPipeline.bucketOf(cell.key, keyBuckets);
            List<Cell> cells = ofSlot[bucket];
            if (cells == null) {
                cells = groups.computeIfAbsent(new PartialKey(pipeline.name(), slot, split, bucket),
                        k -> new ArrayList<>());
                ofSlot[bucket] = cells;
            }
            cells.add(cell);
        }
        return groups;
    }

    /**
     * Encodes an item's content, only the keys changed since its last encoding (see {@link EncodedEntries}), and
     * measures it: the largest partial and key state are the hot-key metrics.
     */
    private Partial encode(PartialKey key, Fence fence, Cached item) {
        int[] sizes = new int[2];
        PartialEntries entries = item.encoded().entries(item.content(), pipeline.codec(), sizes);
        metrics.partialSize(sizes[0], sizes[1]);
        return new Partial(key, fence, entries);
    }

    private void decodeInto(Partial partial, Cached item) {
        for (StateEntry e : partial.entries()) {
            item.encoded().changed(e.key());
            pipeline.windowing().merge(item.content(),
                    new Cell(e.key(), e.windowStart(), e.windowEnd(), pipeline.codec().decode(e.accumulator())));
        }
    }

    private void cache(PartialKey key, Cached value) {
        if (cache.size() >= MAX_CACHED_ITEMS) {
            Iterator<PartialKey> it = cache.keySet().iterator();
            it.next();
            it.remove();
        }
        cache.put(key, value);
    }
}
