package io.sluice.state.dynamodb;

import io.sluice.state.Slot;
import io.sluice.state.StateEntry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of a partial that outgrows one item: pages, slices and the manifest its head holds
 * ({@link ChunkManifest}). Pure functions; the writes and reads are {@link ChunkedItems}'.
 *
 * <p>A chunked partial's entries are spread over {@code pages} (a power of two) by a stable hash of their key, so a
 * batch that touches few keys changes few pages. Each page is encoded plain ({@link PartialCodec#encodeBody}) and cut
 * into <em>slices</em> at content-defined boundaries ({@link SliceCutter}); each slice is packed (deflated) on its own
 * and stored as one chunk item. The head's manifest names every slice with a digest of its plain bytes, so a write
 * keeps the chunk item of every slice whose bytes it already holds and writes only the others: a key whose
 * accumulator grows at its end (exact distinct values append a segment) changes the slice where it grows and the one
 * holding its length, not the whole key, however large. Pages are not deflated as a whole, which would change every
 * byte after the first changed one.
 *
 * <p>Sizing: {@code pages = max(previous pages, nextPowerOfTwo(bytes / 64 KB))}, never shrinking while the partial
 * stays chunked, so page boundaries, hence digests, stay stable as the partial grows (a doubling re-pages once, as
 * a hash table resizes). Slices average about 1.25 times their target: 2 KB under DynamoDB's 400 KB item, as
 * measured (each key a batch touches costs its slice, about 3 write units, and the head about 20 bytes a slice; 1 KB
 * slices cost more per record on distinct-users, their keys and the head outweighing the bytes saved), doubled as
 * the partial passes {@link #MAX_SLICES_AT_TARGET} slices so the manifest always fits in its head; like pages, the
 * target never shrinks while the partial stays chunked. At most {@link #MAX_PAGES} pages.
 */
final class ChunkedPartials {

    /**
     * Share of the item limit kept free of payload: keys, attribute names, TTL, and engines that count a little
     * less than 400 KB (moto_server refuses items over 405,000 bytes).
     */
    static final int ITEM_HEADROOM_DIVISOR = 16;
    /** Target encoded size of one page: small enough that one changed key rewrites little. */
    static final int PAGE_TARGET_BYTES = 64 * 1024;
    /** Pages of a partial at most: with a slice or more each, their manifest still fits in its head item. */
    static final int MAX_PAGES = 4096;
    /** Slice target under DynamoDB's item limit: what a changed slice costs against the manifest's size. */
    static final int SLICE_TARGET_BYTES = 2048;
    /**
     * Slice target of a logged partial's pages from its first compaction on: its batches write deltas, not slices, so
     * small slices only make its head (20 bytes a slice, written with every delta) larger; a compaction rewrites most
     * slices anyway (the changed keys are spread over every page). 8 KB slices make the head a quarter.
     */
    static final int LOGGED_SLICE_TARGET_BYTES = 8192;
    /** Slices a partial has at most at its target before the target doubles (a manifest of about 100 KB). */
    static final int MAX_SLICES_AT_TARGET = 4096;
    static final int DIGEST_BYTES = ChunkManifest.DIGEST_BYTES;

    private ChunkedPartials() {
    }

    /** A page about to be written: its plain bytes ({@link PartialCodec#encodeBody}) and their digest. */
    record Page(int index, byte[] bytes, byte[] digest) {
    }

    /** Payload bytes of one chunk item under an item limit of {@code itemLimitBytes}. */
    static int sliceBytes(int itemLimitBytes) {
        return Math.max(256, itemLimitBytes - Math.max(2048, itemLimitBytes / ITEM_HEADROOM_DIVISOR));
    }

    /** Target page size under an item limit: 64 KB for DynamoDB's 400 KB, smaller for the small limits of tests. */
    static int pageTargetBytes(int itemLimitBytes) {
        return Math.max(128, Math.min(PAGE_TARGET_BYTES, itemLimitBytes / 4));
    }

    /**
     * The slice target ({@link SliceCutter}) for a partial of {@code plainBytes} whose manifest had
     * {@code previousTarget} (0: none or whole-page): a power of two, never below the previous one.
     */
    static int sliceTarget(long plainBytes, int previousTarget, int itemLimitBytes) {
        int most = Integer.highestOneBit(sliceBytes(itemLimitBytes));
        int base = Math.max(64, Math.min(SLICE_TARGET_BYTES, Integer.highestOneBit(sliceBytes(itemLimitBytes) / 4)));
        long forCount = (plainBytes + MAX_SLICES_AT_TARGET - 1) / MAX_SLICES_AT_TARGET;
        int grown = forCount <= base ? base : Integer.highestOneBit((int) Math.min(most, forCount - 1)) << 1;
        return Math.min(most, Math.max(Math.max(base, grown), previousTarget));
    }

    /** {@link #LOGGED_SLICE_TARGET_BYTES}, or less under a small item limit: at most the largest slice target. */
    static int loggedSliceTarget(int itemLimitBytes) {
        return Math.min(Integer.highestOneBit(sliceBytes(itemLimitBytes)), LOGGED_SLICE_TARGET_BYTES);
    }

    /** The longest slice for a target: a few targets (content without cut points), at most one item's payload. */
    static int maxSlice(int target, int itemLimitBytes) {
        return Math.max(target, Math.min(sliceBytes(itemLimitBytes), 8 * target));
    }

    /**
     * The page count for a partial of {@code bodyBytes} encoded bytes that had {@code previousPages} (0: none), for
     * pages of about {@code pageTargetBytes}.
     */
    static int pagesFor(long bodyBytes, int previousPages, int pageTargetBytes) {
        long wanted = Math.max(1, (bodyBytes + pageTargetBytes - 1) / pageTargetBytes);
        int pages = Integer.highestOneBit((int) Math.min(MAX_PAGES, wanted));
        if (pages < wanted && pages < MAX_PAGES) {
            pages <<= 1;
        }
        return Math.max(pages, previousPages);
    }

    /** The page of {@code key} among {@code pages} (a power of two); {@link String#hashCode()} is fixed by the JLS. */
    static int pageOf(String key, int pages) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        return h & (pages - 1);
    }

    /** Encodes the entries of each page; entries keep their relative order within a page. */
    static List<Page> pages(Slot slot, List<StateEntry> entries, int pages) {
        List<List<StateEntry>> byPage = byPage(entries, pages);
        List<Page> result = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            result.add(page(slot, i, byPage.get(i)));
        }
        return result;
    }

    /** The entries of each page, in their relative order. */
    static List<List<StateEntry>> byPage(List<StateEntry> entries, int pages) {
        List<List<StateEntry>> byPage = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            byPage.add(new ArrayList<>());
        }
        for (StateEntry e : entries) {
            byPage.get(pageOf(e.key(), pages)).add(e);
        }
        return byPage;
    }

    /** Page {@code index}, holding {@code entries}, encoded plain and digested. */
    static Page page(Slot slot, int index, List<StateEntry> entries) {
        byte[] bytes = PartialCodec.encodeBody(slot, entries);
        return new Page(index, bytes, digest(bytes));
    }

    /** The plain slices of a page's bytes, in order ({@link SliceCutter}); at least one. */
    static List<byte[]> slices(byte[] page, int target, int maxSlice) {
        int[] ends = SliceCutter.cuts(page, target, maxSlice);
        List<byte[]> slices = new ArrayList<>(ends.length);
        int from = 0;
        for (int end : ends) {
            slices.add(Arrays.copyOfRange(page, from, end));
            from = end;
        }
        return slices;
    }

    /** The sort key of one slice of one page version, under its head's sort key. */
    static String chunkSk(String headSk, int page, int slice, long version) {
        return headSk + "#c" + page + '.' + slice + '.' + Long.toHexString(version);
    }

    /** The sort key of chunk {@code piece} of the log delta written under {@code version}, under its head's. */
    static String logChunkSk(String headSk, int piece, long version) {
        return headSk + "#l" + piece + '.' + Long.toHexString(version);
    }

    /** The split-like name a chunk's write shard is derived from: pages of one head spread over the shards. */
    static String chunkShardName(String split, int page) {
        return split + "#c" + page;
    }

    static byte[] digest(byte[] bytes) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(bytes), DIGEST_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
