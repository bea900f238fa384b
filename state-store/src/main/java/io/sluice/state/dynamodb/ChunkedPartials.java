package io.sluice.state.dynamodb;

import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStoreException;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of a partial that outgrows one item: pages, slices and the manifest its head holds. Pure functions; the
 * writes and reads are {@link ChunkedItems}'.
 *
 * <p>A chunked partial's entries are spread over {@code pages} (a power of two) by a stable hash of their key, so a
 * batch that touches few keys changes few pages. Each page is encoded with {@link PartialCodec} and cut into slices
 * of at most one item's payload (one key's accumulator larger than that spans several slices of one page). The
 * head's manifest names, per page, the version id its slices were written under, their count, a digest of the
 * page's bytes (equal digests: the page is unchanged and keeps its chunks) and when they were written (a page older
 * than half the retention is rewritten, so no head ever names a chunk that TTL may delete).
 *
 * <p>Sizing: {@code pages = max(previous pages, nextPowerOfTwo(bytes / 64 KB))}, never shrinking while the partial
 * stays chunked, so page boundaries, hence digests, stay stable as the partial grows (a doubling re-pages once, as
 * a hash table resizes). At most {@link #MAX_PAGES} pages: the manifest then fits in its head item.
 */
final class ChunkedPartials {

    /**
     * Share of the item limit kept free of payload: keys, attribute names, TTL, and engines that count a little
     * less than 400 KB (moto_server refuses items over 405,000 bytes).
     */
    static final int ITEM_HEADROOM_DIVISOR = 16;
    /** Target encoded size of one page: small enough that one changed key rewrites little. */
    static final int PAGE_TARGET_BYTES = 64 * 1024;
    /** Manifest of this many pages is about 300 KB: the head still fits in one item. */
    static final int MAX_PAGES = 8192;
    static final int DIGEST_BYTES = 16;

    private ChunkedPartials() {
    }

    /** One page's version as a manifest names it. */
    record PageRef(long version, int slices, byte[] digest, long writtenAtSeconds) {

        boolean sameBytes(byte[] otherDigest) {
            return Arrays.equals(digest, otherDigest);
        }
    }

    /** Encoded pages of a partial about to be written. */
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

    /** Page {@code index}, holding {@code entries}, encoded and digested. */
    static Page page(Slot slot, int index, List<StateEntry> entries) {
        byte[] bytes = PartialCodec.encode(slot, entries);
        return new Page(index, bytes, digest(bytes));
    }

    /** The slices of a page's bytes, in order, each at most {@code sliceBytes}; at least one. */
    static List<byte[]> slices(byte[] page, int sliceBytes) {
        List<byte[]> slices = new ArrayList<>();
        for (int from = 0; from < page.length || from == 0; from += sliceBytes) {
            slices.add(Arrays.copyOfRange(page, from, Math.min(page.length, from + sliceBytes)));
        }
        return slices;
    }

    /** The sort key of one slice of one page version, under its head's sort key. */
    static String chunkSk(String headSk, int page, int slice, long version) {
        return headSk + "#c" + page + '.' + slice + '.' + Long.toHexString(version);
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

    /** Layout: varint page count, then per page 8-byte version, varint slices, 16-byte digest, varint written-at. */
    static byte[] encodeManifest(List<PageRef> pages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + pages.size() * 32);
        varLong(out, pages.size());
        for (PageRef p : pages) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (p.version() >>> shift));
            }
            varLong(out, p.slices());
            out.write(p.digest(), 0, DIGEST_BYTES);
            varLong(out, p.writtenAtSeconds());
        }
        return out.toByteArray();
    }

    static List<PageRef> decodeManifest(byte[] bytes) {
        int[] pos = {0};
        int count = (int) readVarLong(bytes, pos);
        List<PageRef> pages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (pos[0] + 8 > bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            long version = 0;
            for (int b = 0; b < 8; b++) {
                version = (version << 8) | (bytes[pos[0]++] & 0xFF);
            }
            int slices = (int) readVarLong(bytes, pos);
            if (pos[0] + DIGEST_BYTES > bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            byte[] digest = Arrays.copyOfRange(bytes, pos[0], pos[0] + DIGEST_BYTES);
            pos[0] += DIGEST_BYTES;
            pages.add(new PageRef(version, slices, digest, readVarLong(bytes, pos)));
        }
        return List.copyOf(pages);
    }

    private static void varLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarLong(byte[] bytes, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            byte b = bytes[pos[0]++];
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new StateStoreException("malformed varint in chunk manifest");
    }
}
