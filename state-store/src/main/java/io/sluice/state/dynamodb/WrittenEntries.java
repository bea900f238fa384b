package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;

/**
 * The entries of the partials this store wrote last, with the fence each was written at: what a log delta is relative
 * to ({@link PartialLog#between}). Valid only for that fence, which names one version of a partial.
 *
 * <p>Bounded by their approximate bytes, least recently written dropped first: a partial whose entries were dropped
 * writes pages at its next write, and is logged again after it. The runtime's writer keeps the same entries in its
 * own cache (versions share their unchanged nodes), so the memory held here is mostly shared while a window is open;
 * the bound is for what outlives the writer's cache, such as the partials of fired windows.
 */
final class WrittenEntries {

    private record Written(Fence fence, PartialEntries entries) {
    }

    private final BytesBoundedCache<PartialKey, Written> byKey;

    /** Entries of at most {@code maxBytes} approximate bytes in all. */
    WrittenEntries(long maxBytes) {
        this.byKey = new BytesBoundedCache<>(maxBytes, w -> w.entries().approximateBytes());
    }

    /** A quarter of the heap: about 200 MB in a Lambda function of 1 GB. */
    static WrittenEntries quarterOfTheHeap() {
        return new WrittenEntries(Runtime.getRuntime().maxMemory() / 4);
    }

    /** The entries {@code key} was written with at {@code fence}, or {@code null}. */
    PartialEntries at(PartialKey key, Fence fence) {
        Written w = byKey.get(key);
        return w != null && w.fence().equals(fence) ? w.entries() : null;
    }

    void put(PartialKey key, Fence fence, PartialEntries entries) {
        byKey.put(key, new Written(fence, entries));
    }

    void remove(PartialKey key) {
        byKey.remove(key);
    }
}
