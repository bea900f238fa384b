package io.sluice.functions.runtime;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.state.PartialEntries;
import io.sluice.state.StateEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    /** A key of the item: its group index ({@code -1}: none yet) and whether it changed since the last encoding. */
    private static final class KeyState {
        final String key;
        int group = -1;
        boolean changed;

        KeyState(String key) {
            this.key = key;
        }
    }

    private PartialEntries entries = PartialEntries.EMPTY;
    /**
     * Every key seen, with its group: open addressing by a murmur3 mix of {@code String.hashCode}. Not a
     * {@code HashMap}: an item's keys share their hash modulo the bucket count by construction, so its bins turn into
     * trees (6 % of a stream run's CPU, BENCHMARKS.md); and not {@link CellMap}'s hash, whose order the batch's cells
     * arrive in (keys inserted in the order of the same hash pile up while the table is small). A key whose cells are
     * gone keeps its state, with no group.
     */
    private KeyState[] keys = new KeyState[16];
    private int keyCount;
    /** Keys whose cells changed since the last {@link #entries} call, in first-changed order. */
    private final List<KeyState> changed = new ArrayList<>();

    /** Forgets the encoding of {@code key}: its cells are about to change. */
    void changed(String key) {
        KeyState k = state(key);
        if (!k.changed) {
            k.changed = true;
            changed.add(k);
        }
    }

    private KeyState state(String key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            KeyState k = keys[i];
            if (k == null) {
                k = new KeyState(key);
                keys[i] = k;
                if (++keyCount * 2 > keys.length) {
                    grow();
                }
                return k;
            }
            if (k.key == key || k.key.equals(key)) {
                return k;
            }
        }
    }

    private void grow() {
        KeyState[] old = keys;
        keys = new KeyState[old.length * 2];
        int mask = keys.length - 1;
        for (KeyState k : old) {
            if (k != null) {
                int i = slot(k.key, mask);
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
            }
        }
    }

    /** Murmur3's finaliser of the key's hash: every bit of it reaches the low bits the mask keeps. */
    private static int slot(String key, int mask) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h & mask;
    }

    /**
     * Every entry of {@code content}, encoding only the keys changed since the last call: O(changed keys x log keys).
     *
     * @param sizes receives {total approximate bytes, largest accumulator bytes} of the entries
     */
    PartialEntries entries(Map<String, Cell> content, AccumulatorCodec<Object> codec, int[] sizes) {
        if (!changed.isEmpty()) {
            // One pass over the trie for the whole batch: known keys in place, new ones appended in first-seen order.
            StateEntry[][] encoded = new StateEntry[changed.size()][];
            long[] order = new long[changed.size()];   // group index << 32 | position in changed: sorted by group
            int n = 0;
            int next = entries.groups();
            for (int i = 0; i < changed.size(); i++) {
                KeyState k = changed.get(i);
                k.changed = false;
                encoded[i] = encode(content.get(k.key), codec);
                if (k.group < 0 && encoded[i].length == 0) {
                    continue;                 // no cells, and no entries written: nothing to write
                }
                if (k.group < 0) {
                    k.group = next++;
                }
                order[n++] = (long) k.group << 32 | i;
                if (encoded[i].length == 0) {
                    k.group = -1;             // its cells are gone: a hole; if it comes back, at the end
                }
            }
            changed.clear();
            Arrays.sort(order, 0, n);
            int[] indices = new int[n];
            StateEntry[][] groups = new StateEntry[n][];
            for (int i = 0; i < n; i++) {
                indices[i] = (int) (order[i] >>> 32);
                groups[i] = encoded[(int) order[i]];
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
        for (int i = 0; i < entries.groups(); i++) {
            state(entries.group(i)[0].key()).group = i;
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
