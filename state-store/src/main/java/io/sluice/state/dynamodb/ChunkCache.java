package io.sluice.state.dynamodb;

/**
 * Chunk items this store has read, by their key: a chunk is immutable (written once under a fresh random version, never
 * overwritten), so bytes read once stay its bytes, and a later read of a head naming it needs no request. A session
 * round reads every pending pane again at each firing interval, and a logged partial's pages change only at
 * compaction: with the chunks at hand a round reads the heads and the deltas written since. A chunk deleted since it
 * was read can only be named by a head read before it was replaced, whose version it then shows whole, as a read
 * before the deletion would have.
 *
 * <p>Bounded by bytes, least recently used dropped first. Only what was read is kept, not what this store wrote: a
 * Lambda instance's firer reads every split's partials, its own are not special.
 */
final class ChunkCache {

    private final long maxBytes;
    private final BytesBoundedCache<String, byte[]> byKey;

    /** Chunks of at most {@code maxBytes} stored bytes in all; 0 keeps none. */
    ChunkCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.byKey = new BytesBoundedCache<>(maxBytes, stored -> stored.length);
    }

    /** An eighth of the heap: about 110 MB in a Lambda function of 1 GB. */
    static ChunkCache eighthOfTheHeap() {
        return new ChunkCache(Runtime.getRuntime().maxMemory() / 8);
    }

    static String key(String pk, String sk) {
        return pk + '\n' + sk;
    }

    byte[] get(String key) {
        return byKey.get(key);
    }

    void put(String key, byte[] stored) {
        if (stored.length <= maxBytes) {   // one chunk over the bound would only empty the cache
            byKey.put(key, stored);
        }
    }
}
