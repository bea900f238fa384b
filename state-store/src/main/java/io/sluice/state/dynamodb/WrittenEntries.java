package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

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

    private final long maxBytes;
    private long bytes;
    private final Map<PartialKey, Written> byKey = new LinkedHashMap<>(64, 0.75f, true);

    /** Entries of at most {@code maxBytes} approximate bytes in all. */
    WrittenEntries(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A quarter of the heap: about 200 MB in a Lambda function of 1 GB. */
    static WrittenEntries quarterOfTheHeap() {
        return new WrittenEntries(Runtime.getRuntime().maxMemory() / 4);
    }

    /** The entries {@code key} was written with at {@code fence}, or {@code null}. */
    synchronized PartialEntries at(PartialKey key, Fence fence) {
        Written w = byKey.get(key);
        return w != null && w.fence().equals(fence) ? w.entries() : null;
    }

    synchronized void put(PartialKey key, Fence fence, PartialEntries entries) {
        Written replaced = byKey.put(key, new Written(fence, entries));
        bytes += entries.approximateBytes() - (replaced == null ? 0 : replaced.entries().approximateBytes());
        Iterator<Written> eldest = byKey.values().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().entries().approximateBytes();
            eldest.remove();
        }
    }

    synchronized void remove(PartialKey key) {
        Written gone = byKey.remove(key);
        if (gone != null) {
            bytes -= gone.entries().approximateBytes();
        }
    }
}
