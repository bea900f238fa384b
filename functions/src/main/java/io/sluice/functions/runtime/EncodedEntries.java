package io.sluice.functions.runtime;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.state.StateEntry;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoded entries of one cached partial item, per key, kept between batches so that a write encodes only the
 * keys its batch changed: encoding every key of an item on every batch made a batch cost O(item), not O(batch)
 * (per-user sessions at 1M orders did not finish; BENCHMARKS.md, issue 18).
 *
 * <p>A key's entries are valid until its cells change. The writer changes cells only by merging a batch's cells into
 * the item ({@link PartialWriter}), so it calls {@link #changed} for a key before every merge into it, whatever the
 * merge does (an accumulator may be mutated in place, a session chain rebuilt); a fresh item starts with no entries.
 * Keys keep their first position, so unchanged entries are handed to the store as the same objects in the same order
 * batch after batch: a store that encodes pages of entries can see which pages are unchanged by identity
 * ({@code io.sluice.state.dynamodb.EncodedPages}). Not thread-safe: one per cached item, used by its writer.
 */
final class EncodedEntries {

    private static final StateEntry[] NONE = new StateEntry[0];

    /** Per key in first-seen order: its entries, or {@code null} once changed and not yet encoded again. */
    private final Map<String, StateEntry[]> byKey = new LinkedHashMap<>();

    /** Forgets the encoding of {@code key}: its cells are about to change. */
    void changed(String key) {
        byKey.put(key, null);
    }

    /**
     * Every entry of {@code content}, encoding only the keys changed since the last call.
     *
     * @param sizes receives {total approximate bytes, largest accumulator bytes} of the entries
     */
    List<StateEntry> entries(Map<String, Cell> content, AccumulatorCodec<Object> codec, int[] sizes) {
        List<StateEntry> entries = new ArrayList<>(content.size());
        int bytes = 0;
        int largestKey = 0;
        for (Iterator<Map.Entry<String, StateEntry[]>> it = byKey.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, StateEntry[]> e = it.next();
            StateEntry[] encoded = e.getValue();
            if (encoded == null) {
                encoded = encode(content.get(e.getKey()), codec);
                if (encoded.length == 0) {
                    it.remove();
                    continue;
                }
                e.setValue(encoded);
            }
            for (StateEntry entry : encoded) {
                entries.add(entry);
                bytes += entry.approximateSize();
                largestKey = Math.max(largestKey, entry.accumulator().length);
            }
        }
        sizes[0] = bytes;
        sizes[1] = largestKey;
        return entries;
    }

    private static StateEntry[] encode(Cell head, AccumulatorCodec<Object> codec) {
        if (head == null) {
            return NONE;
        }
        int n = 0;
        for (Cell c = head; c != null; c = c.next) {
            n++;
        }
        StateEntry[] encoded = new StateEntry[n];
        int i = 0;
        for (Cell c = head; c != null; c = c.next) {
            encoded[i++] = new StateEntry(c.key, c.start, c.end, codec.encode(c.acc));
        }
        return encoded;
    }
}
