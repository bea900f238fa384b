package io.sluice.functions.api;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a pipeline's window state may cost, known at definition time ({@link PipelineDefinition#stateCost()}), so a
 * user learns it before deploying:
 *
 * <pre>{@code
 * StateCost cost = GmvPipelines.byCategory(16).stateCost();
 * cost.describe(1_000);
 * // "per window and split, 1000 keys over 16 key buckets: about 63 keys and at most 2.3 KB per bucket item
 * //  (accumulators are at most 20 bytes); a batch pays about 3 write units per bucket item it changes"
 * }</pre>
 *
 * <p>The rules behind it: the state is one partial item per (window, split, key bucket), holding the accumulators of
 * the bucket's keys; DynamoDB bills one write unit per started KB of an item written. The sizes here are before
 * compression, so upper bounds: the store deflates an item's body past 768 bytes when that makes it smaller. A
 * partial over one item (400 KB) has no ceiling: it is written as chunks (64 KB pages of keys cut into slices of
 * about 2.5 KB), and a batch then pays for the slices it changed and the head (about 20 bytes per slice; replaced
 * slices expire by TTL); a key whose accumulator grows at its end changes a few slices, not its whole accumulator. A
 * partial over 64 KB whose batches each change under an eighth of it is kept chunked with a log: a batch pays for the
 * entries it changed (about twice, with the log's compaction into pages) and the head, not for the item.
 *
 * @param keyBuckets           key buckets per window and split
 * @param maxAccumulatorBytes  the largest encoded accumulator of one key, if the aggregate bounds it; empty if it grows
 *                             with the data (an exact distinct count holds every distinct value)
 * @param windowsPerRecord     partial items one record may change (sliding windows: size / slide; else 1)
 */
public record StateCost(int keyBuckets, OptionalInt maxAccumulatorBytes, int windowsPerRecord) {

    /**
     * The state store's item limit, 400,000 bytes (just under DynamoDB's 400 KB, inside what every DynamoDB
     * implementation accepts): a partial past it is written as chunks. Equal to the store's own figure
     * ({@code StateCostTest} pins it).
     */
    public static final int ITEM_LIMIT_BYTES = 400_000;
    /** Partials over this size whose batches change little of them are logged: the store's default, 64 KB. */
    static final int LOG_ABOVE_BYTES = 64 * 1024;
    /** Per-key overhead of an entry in a partial: the key's length plus two window bounds, about. */
    static final int ENTRY_OVERHEAD_BYTES = 18;

    public StateCost {
        Objects.requireNonNull(maxAccumulatorBytes, "maxAccumulatorBytes");
        if (keyBuckets < 1 || windowsPerRecord < 1) {
            throw new IllegalArgumentException("keyBuckets and windowsPerRecord must be >= 1");
        }
    }

    /** Whether a key's state is bounded whatever the data. */
    public boolean bounded() {
        return maxAccumulatorBytes.isPresent();
    }

    /**
     * The largest bucket item with {@code keysPerWindowAndSplit} keys, if bounded: keys spread evenly (hashing), each
     * at its largest accumulator; {@code -1} if the aggregate's state grows with the data.
     */
    public long bucketBytes(long keysPerWindowAndSplit) {
        if (!bounded()) {
            return -1;
        }
        long keysPerBucket = (keysPerWindowAndSplit + keyBuckets - 1) / keyBuckets;
        return keysPerBucket * (ENTRY_OVERHEAD_BYTES + maxAccumulatorBytes.getAsInt());
    }

    /** One paragraph for humans, for {@code keysPerWindowAndSplit} keys per window and split. */
    public String describe(long keysPerWindowAndSplit) {
        long keysPerBucket = (keysPerWindowAndSplit + keyBuckets - 1) / keyBuckets;
        StringBuilder b = new StringBuilder().append("per window and split, ").append(keysPerWindowAndSplit)
                .append(" keys over ").append(keyBuckets).append(" key buckets: about ").append(keysPerBucket)
                .append(" keys");
        if (bounded()) {
            long bytes = bucketBytes(keysPerWindowAndSplit);
            b.append(" and at most ").append(kb(bytes)).append(" per bucket item (accumulators are at most ")
                    .append(maxAccumulatorBytes.getAsInt()).append(" bytes); a batch pays about ")
                    .append(Math.max(1, (bytes + 1023) / 1024)).append(" write units per bucket item it changes");
            if (bytes > 1024) {
                b.append(" (at most: an item is stored deflated where that is smaller, and similar keys' accumulators "
                        + "deflate well)");
            }
            if (bytes > LOG_ABOVE_BYTES) {
                b.append("; past 64 KB, a batch that changes under an eighth of an item's keys pays instead about ")
                        .append("twice the bytes of the keys it changes, plus a head of about 20 bytes per 2.5 KB");
            }
            if (bytes > ITEM_LIMIT_BYTES) {
                b.append("; over one 400 KB item, so written as chunks: raise keyBuckets to about ")
                        .append(Math.min(WindowedStream.MAX_KEY_BUCKETS,
                                keyBuckets * ((bytes + 64 * 1024 - 1) / (64 * 1024))))
                        .append(" to keep items near 64 KB");
            }
        } else {
            b.append("; a key's state grows with the data (about 4 to 12 bytes per distinct value for an exact "
                    + "distinct count), with no ceiling: past 400 KB a bucket item is written as chunks of about "
                    + "2.5 KB, and a batch pays for the chunks it changes plus a head of about 20 bytes per chunk");
        }
        if (windowsPerRecord > 1) {
            b.append("; each record changes up to ").append(windowsPerRecord).append(" windows' items");
        }
        return b.toString();
    }

    private static String kb(long bytes) {
        return bytes < 1024 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
}
