package io.sluice.state.dynamodb;

import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.coordination.CoordinationKeys;

/**
 * Key formats of the state store's items in both tables (see {@link StateTables}); the coordination table's
 * partition keys come from {@link CoordinationKeys}, which owns that table's whole key space.
 */
final class Keys {

    /** Digits of {@link Long#toUnsignedString} of the largest unsigned long. */
    private static final int SORTABLE_DIGITS = 20;

    private Keys() {
    }

    /**
     * A fixed-width decimal whose string order equals the numeric order of {@code value} over the whole long
     * range: flipping the sign bit maps {@code [MIN_VALUE, MAX_VALUE]} onto unsigned {@code [0, 2^64)} in order.
     * {@code -1} becomes {@code "09223372036854775807"}, {@code 0} becomes {@code "09223372036854775808"}.
     */
    static String sortable(long value) {
        String digits = Long.toUnsignedString(value ^ Long.MIN_VALUE);
        return "0".repeat(SORTABLE_DIGITS - digits.length()) + digits;
    }

    static long unsortable(String sortable) {
        return Long.parseUnsignedLong(sortable) ^ Long.MIN_VALUE;
    }

    /**
     * The write shard of a partial in {@code [0, windowBuckets)}. Depends only on (split, bucket) and
     * {@link String#hashCode()}, which the JLS fixes, so every JVM finds the item again.
     */
    static int windowBucket(String split, int bucket, int windowBuckets) {
        int h = split.hashCode() * 31 + bucket;
        h ^= h >>> 16; // spread: consecutive buckets of one split land on different shards
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return Math.floorMod(h, windowBuckets);
    }

    static String partialPk(String pipeline, Slot slot, int windowBucket) {
        return CoordinationKeys.requireName("pipeline", pipeline) + '#' + slot.id() + '#' + windowBucket;
    }

    /**
     * The partition of sliced chunks ({@link ChunkedItems}) of the partials under {@link #partialPk}: apart from the
     * heads, so a firing's query of a window reads heads only, and replaced chunks can be left to TTL unread.
     */
    static String chunkPk(String pipeline, Slot slot, int windowBucket) {
        return partialPk(pipeline, slot, windowBucket) + "#c";
    }

    static String partialPk(PartialKey key, int windowBuckets) {
        return partialPk(key.pipeline(), key.slot(), windowBucket(key.split(), key.bucket(), windowBuckets));
    }

    static String partialSk(PartialKey key) {
        return key.split() + '#' + key.bucket();
    }

    /** Parses {@link #partialSk}: the split is everything before the last {@code #}. */
    static PartialKey parsePartialSk(String pipeline, Slot slot, String sk) {
        int sep = sk.lastIndexOf('#');
        return new PartialKey(pipeline, slot, sk.substring(0, sep), Integer.parseInt(sk.substring(sep + 1)));
    }

    static String slotsPk(String pipeline) {
        return CoordinationKeys.slotsPk(pipeline);
    }

    /** Sort key of a slot: end first, so a range query on it lists slots by end, then start. */
    static String slotSk(Slot slot) {
        return sortable(slot.end()) + '#' + sortable(slot.start());
    }

    /** The exclusive upper sort key of all slots whose end is at most {@code maxEnd} ({@code '$'} follows {@code '#'}). */
    static String slotSkBoundAfter(long maxEnd) {
        return sortable(maxEnd) + '$';
    }

    static Slot parseSlotSk(String sk) {
        return new Slot(unsortable(sk.substring(SORTABLE_DIGITS + 1)), unsortable(sk.substring(0, SORTABLE_DIGITS)));
    }

    /** Tombstones of fired slots, same sort keys as {@link #slotsPk}. */
    static String firedSlotsPk(String pipeline) {
        return CoordinationKeys.firedSlotsPk(pipeline);
    }

    static String splitsPk(String pipeline) {
        return CoordinationKeys.splitsPk(pipeline);
    }

    static String firedPk(String pipeline) {
        return CoordinationKeys.firedPk(pipeline);
    }
}
