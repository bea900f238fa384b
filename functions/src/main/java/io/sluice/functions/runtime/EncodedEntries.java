package io.sluice.functions.runtime;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.state.PartialEntries;
import io.sluice.state.StateEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The encoded entries of one cached partial item, kept between batches as a {@link PartialEntries} so that a write
 * encodes only the keys its batch changed and derives the item's next version from the last one in O(changed keys):
 * encoding every key of an item on every batch made a batch cost O(item) (per-user sessions at 1M orders did not
 * finish), and so did handing the store a fresh list of every entry and summing their sizes (user-sessions at 10M
 * orders, 57,000 keys an item; BENCHMARKS.md, issue 18).
 *
 * <p>A key's entries are valid until its cells change. The writer changes cells only by merging a batch's cells into
 * the item ({@link PartialWriter}), so it calls {@link #changed} for a key before every merge into it, whatever the
 * merge does (an accumulator may be mutated in place, a session chain rebuilt); a fresh item starts with no entries.
 * Each key is one group of the {@link PartialEntries}, at the position it was first seen: a key whose cells are gone
 * leaves a hole and, if it comes back, goes to the end (the order a {@code LinkedHashMap} of keys gives, and what
 * this class wrote before it kept versions). Unchanged keys' entries are handed to the store as the same objects in
 * the same order batch after batch: a store that encodes pages of entries can see which pages are unchanged by
 * identity ({@code io.sluice.state.dynamodb.EncodedPages}). Not thread-safe: one per cached item, used by its writer.
 */
final class EncodedEntries {

    private static final StateEntry[] NONE = new StateEntry[0];
    /** Holes are dropped once they are this many and half the groups: O(entries) at most once per as many writes. */
    private static final int MIN_HOLES_TO_COMPACT = 64;

    private PartialEntries entries = PartialEntries.EMPTY;
    /** Group index of each key that has entries. */
    private final Map<String, Integer> groupOf = new HashMap<>();
    /** Keys whose cells changed since the last {@link #entries} call, in first-changed order. */
    private final Set<String> changed = new LinkedHashSet<>();

    /** Forgets the encoding of {@code key}: its cells are about to change. */
    void changed(String key) {
        changed.add(key);
    }

    /**
     * Every entry of {@code content}, encoding only the keys changed since the last call: O(changed keys x log keys).
     *
     * @param sizes receives {total approximate bytes, largest accumulator bytes} of the entries
     */
    PartialEntries entries(Map<String, Cell> content, AccumulatorCodec<Object> codec, int[] sizes) {
        if (!changed.isEmpty()) {
            // One pass over the trie for the whole batch: known keys in place, new ones appended in first-seen order.
            TreeMap<Integer, StateEntry[]> byGroup = new TreeMap<>();
            int next = entries.groups();
            for (String key : changed) {
                StateEntry[] encoded = encode(content.get(key), codec);
                Integer group = groupOf.get(key);
                if (group != null) {
                    byGroup.put(group, encoded);
                    if (encoded.length == 0) {
                        groupOf.remove(key);
                    }
                } else if (encoded.length > 0) {
                    groupOf.put(key, next);
                    byGroup.put(next++, encoded);
                }
            }
            changed.clear();
            int[] indices = new int[byGroup.size()];
            StateEntry[][] groups = new StateEntry[byGroup.size()][];
            int i = 0;
            for (Map.Entry<Integer, StateEntry[]> e : byGroup.entrySet()) {
                indices[i] = e.getKey();
                groups[i++] = e.getValue();
            }
            entries = entries.withGroups(indices, groups);
        }
        if (entries.holes() >= MIN_HOLES_TO_COMPACT && entries.holes() * 2 >= entries.groups()) {
            compact();
        }
        sizes[0] = (int) Math.min(Integer.MAX_VALUE, entries.approximateBytes());
        sizes[1] = entries.largestAccumulatorBytes();
        return entries;
    }

    /** Drops the holes: groups keep their relative order, so the entries (and what is stored) do not change. */
    private void compact() {
        entries = entries.compacted();
        groupOf.clear();
        List<String> keys = new ArrayList<>(entries.groups());
        for (int i = 0; i < entries.groups(); i++) {
            keys.add(entries.group(i)[0].key());
        }
        for (int i = 0; i < keys.size(); i++) {
            groupOf.put(keys.get(i), i);
        }
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
