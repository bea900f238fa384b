package io.sluice.functions.runtime;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.state.StateEntry;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The encoded entries of one partial item as last written, with its size, so the next write of the item encodes
 * only the cells a batch changed. Immutable: a write builds a new one from a copy of the array.
 *
 * <p>Why: a stream batch of 1,000 orders touches all 16 items of a window and a few hundred of their ~800 keys;
 * walking and re-encoding every key of every touched item on every batch was a third of stream mode's CPU
 * (BENCHMARKS.md, issue 15). Each cell of a content remembers its index here ({@link Cell#entryIndex}); a patch
 * copies the array, replaces the changed cells' entries and appends the new ones.
 *
 * <p>Session windows merge and remove cells, so their items are always encoded whole ({@link #whole}).
 */
final class ItemEncoding {

    private final StateEntry[] entries;
    private final int bytes;
    /** The largest accumulator this item has held: only its maximum over the run is reported. */
    private final int largestKey;

    private ItemEncoding(StateEntry[] entries, int bytes, int largestKey) {
        this.entries = entries;
        this.bytes = bytes;
        this.largestKey = largestKey;
    }

    /** Every cell of {@code content} encoded (reusing {@link Cell#encoded} where set), indices assigned. */
    static ItemEncoding whole(Map<String, Cell> content, AccumulatorCodec<Object> codec) {
        StateEntry[] entries = new StateEntry[content.size()];
        int n = 0;
        int bytes = 0;
        int largest = 0;
        for (Cell head : content.values()) {
            for (Cell c = head; c != null; c = c.next) {
                StateEntry e = entryOf(c, codec);
                if (n == entries.length) {
                    entries = Arrays.copyOf(entries, n * 2 + 1);   // session chains: several cells per key
                }
                c.entryIndex = n;
                entries[n++] = e;
                bytes += e.approximateSize();
                largest = Math.max(largest, e.accumulator().length);
            }
        }
        return new ItemEncoding(n == entries.length ? entries : Arrays.copyOf(entries, n), bytes, largest);
    }

    /**
     * This encoding with the entries of {@code changed} replaced, or appended for cells new to the item. Every other
     * cell of the item must be unchanged since this encoding was made (fixed windows: a merge changes only the cell
     * of the merged key, listed in {@code changed}).
     */
    ItemEncoding patched(List<Cell> changed, AccumulatorCodec<Object> codec) {
        StateEntry[] next = Arrays.copyOf(entries, entries.length + changed.size());
        int n = entries.length;
        int size = bytes;
        int largest = largestKey;
        for (Cell c : changed) {
            c.encoded = null;
            StateEntry e = entryOf(c, codec);
            if (c.entryIndex >= 0) {
                size -= next[c.entryIndex].approximateSize();
                next[c.entryIndex] = e;
            } else {
                c.entryIndex = n;
                next[n++] = e;
            }
            size += e.approximateSize();
            largest = Math.max(largest, e.accumulator().length);
        }
        return new ItemEncoding(n == next.length ? next : Arrays.copyOf(next, n), size, largest);
    }

    private static StateEntry entryOf(Cell c, AccumulatorCodec<Object> codec) {
        StateEntry e = c.encoded;
        if (e == null) {
            e = new StateEntry(c.key, c.start, c.end, codec.encode(c.acc));
            c.encoded = e;
        }
        return e;
    }

    List<StateEntry> entries() {
        return Arrays.asList(entries);
    }

    int bytes() {
        return bytes;
    }

    int largestKey() {
        return largestKey;
    }
}
