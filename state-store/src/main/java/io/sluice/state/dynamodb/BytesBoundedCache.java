package io.sluice.state.dynamodb;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A map bounded by the bytes its values weigh, least recently used dropped first once a put takes it over the bound
 * (the value just put too, if it alone is over it). The store's caches ({@link EncodedPages}, {@link WrittenEntries},
 * {@link ChunkCache}) keep their values here. Thread-safe.
 */
final class BytesBoundedCache<K, V> {

    private final long maxBytes;
    private final ToLongFunction<V> weight;
    private final Map<K, V> byKey = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    BytesBoundedCache(long maxBytes, ToLongFunction<V> weight) {
        this.maxBytes = maxBytes;
        this.weight = weight;
    }

    synchronized V get(K key) {
        return byKey.get(key);
    }

    synchronized void put(K key, V value) {
        V replaced = byKey.put(key, value);
        bytes += weight.applyAsLong(value) - (replaced == null ? 0 : weight.applyAsLong(replaced));
        Iterator<V> eldest = byKey.values().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= weight.applyAsLong(eldest.next());
            eldest.remove();
        }
    }

    synchronized void remove(K key) {
        V gone = byKey.remove(key);
        if (gone != null) {
            bytes -= weight.applyAsLong(gone);
        }
    }
}
