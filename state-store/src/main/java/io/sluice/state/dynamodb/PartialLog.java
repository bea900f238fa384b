package io.sluice.state.dynamodb;

import io.sluice.state.PartialEntries;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStoreException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log of a chunked partial: deltas that a batch writes instead of its changed pages when what it changed is small
 * next to the partial (per-user sessions: a batch of 10,000 orders changes about 600 of the 57,000 sessions an item
 * holds, scattered over every page, so rewriting changed slices cost about the whole partial on every batch).
 *
 * <p>A delta names the entries a batch added or replaced and the entries it removed, by their identity in a partial,
 * {@code (key, windowStart, windowEnd)}: a partial holds one entry per key and window ({@link io.sluice.state.Partial}),
 * so applying the deltas in order to the base's entries gives back the entries written, whatever their grouping or
 * order. It is found from the groups that changed since the version the head holds
 * ({@link PartialEntries#forEachGroupChangedSince}), so it costs what the batch changed, not the partial.
 *
 * <p>Plain layout: a 4-byte big-endian length {@code n}, then {@code n} bytes of the removed entries as a
 * {@link PartialCodec#encodeBody} with empty accumulators, then the added or replaced entries as another. Packed and
 * cut into chunks of at most one item's payload ({@link ChunkedItems#writeLog}).
 *
 * @param upserts  entries added, or replacing the entry of the same identity
 * @param removals entries whose identity is gone (accumulators not used)
 */
record PartialLog(List<StateEntry> upserts, List<StateEntry> removals) {

    /** An entry's identity in a partial. */
    record EntryId(String key, long windowStart, long windowEnd) {

        static EntryId of(StateEntry e) {
            return new EntryId(e.key(), e.windowStart(), e.windowEnd());
        }
    }

    private static final byte[] NO_BYTES = new byte[0];

    PartialLog {
        upserts = List.copyOf(upserts);
        removals = List.copyOf(removals);
    }

    boolean isEmpty() {
        return upserts.isEmpty() && removals.isEmpty();
    }

    /** The entries' approximate bytes ({@link StateEntry#approximateSize}), comparable with a partial's. */
    long approximateBytes() {
        long bytes = 0;
        for (StateEntry e : upserts) {
            bytes += e.approximateSize();
        }
        for (StateEntry e : removals) {
            bytes += e.approximateSize();
        }
        return bytes;
    }

    /**
     * What changed from {@code stored} to {@code now}: for a version derived from {@code stored}, O(changed groups).
     * Entries that moved between groups unchanged (the very same object) are not changes.
     *
     * @return the delta, or {@code null} if the changed groups hold two entries of one identity (not a partial's
     *         entries: such a write is not logged)
     */
    static PartialLog between(PartialEntries stored, PartialEntries now) {
        Map<EntryId, StateEntry> before = new HashMap<>();
        Map<EntryId, StateEntry> after = new LinkedHashMap<>();
        boolean[] duplicate = {false};
        now.forEachGroupChangedSince(stored, (index, was, is) -> {
            for (StateEntry e : was) {
                before.put(EntryId.of(e), e);
            }
            for (StateEntry e : is) {
                duplicate[0] |= after.put(EntryId.of(e), e) != null;
            }
        });
        if (duplicate[0]) {
            return null;
        }
        List<StateEntry> upserts = new ArrayList<>();
        after.forEach((id, e) -> {
            if (before.get(id) != e) {
                upserts.add(e);
            }
        });
        List<StateEntry> removals = new ArrayList<>();
        before.forEach((id, e) -> {
            if (!after.containsKey(id)) {
                removals.add(new StateEntry(id.key(), id.windowStart(), id.windowEnd(), NO_BYTES));
            }
        });
        return new PartialLog(upserts, removals);
    }

    /** The plain bytes of this delta (see the class docs). */
    byte[] encode(Slot slot) {
        byte[] removed = PartialCodec.encodeBody(slot, removals);
        byte[] upserted = PartialCodec.encodeBody(slot, upserts);
        return ByteBuffer.allocate(4 + removed.length + upserted.length).putInt(removed.length).put(removed)
                .put(upserted).array();
    }

    /** The delta {@link #encode} wrote. */
    static PartialLog decode(Slot slot, byte[] plain) {
        if (plain.length < 4) {
            throw new StateStoreException("truncated partial log delta");
        }
        int removed = ByteBuffer.wrap(plain).getInt();
        if (removed < 0 || removed > plain.length - 4) {
            throw new StateStoreException("malformed partial log delta: " + removed + " bytes of removals");
        }
        List<StateEntry> removals = PartialCodec.decodeBody(slot, Arrays.copyOfRange(plain, 4, 4 + removed));
        return new PartialLog(PartialCodec.decodeBody(slot, Arrays.copyOfRange(plain, 4 + removed, plain.length)),
                removals);
    }

    /**
     * The base's entries with {@code deltas} applied in order: a replaced entry keeps its place, an added one goes to
     * the end, a removed one is dropped.
     *
     * @throws StateStoreException if the base holds two entries of one identity, which no write of a partial leaves
     */
    static List<StateEntry> apply(List<StateEntry> base, Collection<PartialLog> deltas) {
        if (deltas.isEmpty()) {
            return base;
        }
        Map<EntryId, StateEntry> entries = new LinkedHashMap<>(base.size() * 4 / 3 + 16);
        for (StateEntry e : base) {
            if (entries.put(EntryId.of(e), e) != null) {
                throw new StateStoreException("a chunked partial's base holds two entries of " + EntryId.of(e));
            }
        }
        for (PartialLog delta : deltas) {
            for (StateEntry gone : delta.removals()) {
                entries.remove(EntryId.of(gone));
            }
            for (StateEntry e : delta.upserts()) {
                entries.put(EntryId.of(e), e);
            }
        }
        return List.copyOf(entries.values());
    }

    /** {@code plain} cut into pieces of at most {@code max} bytes, in order; one empty piece for no bytes. */
    static List<byte[]> pieces(byte[] plain, int max) {
        List<byte[]> pieces = new ArrayList<>();
        for (int from = 0; from < plain.length || pieces.isEmpty(); from += max) {
            pieces.add(Arrays.copyOfRange(plain, from, Math.min(plain.length, from + max)));
        }
        return pieces;
    }
}
