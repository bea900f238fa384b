package io.sluice.state.dynamodb;

import io.sluice.state.StateStoreException;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a chunked partial's head names ({@link ChunkedPartials}): per page the digest of its plain bytes and its
 * slices; per slice the chunk item holding it (written under {@code version} as slice {@code ordinal} of its page),
 * its stored size, the digest of its plain bytes (equal digest: the slice keeps its item) and when it was written
 * (a slice older than half the retention is written again, so no head names a chunk TTL may delete).
 *
 * <p>A manifest may also name a <b>log</b>: deltas written after the pages ({@link PartialLog}), each a list of
 * chunk items under one version, applied to the pages' entries in order. The pages are the base; the log is what
 * batches changed since the base was written.
 *
 * <p>Binary layout, stored in attribute {@link StateTables#MANIFEST}:
 * <ul>
 *   <li><b>sliced</b> (this build): ten {@code 0xFF} bytes, format byte {@code 2}, varint slice target, varint page
 *       count; per page its 16-byte digest and varint slice count; per slice varint {@code ordinal << 1 | same},
 *       where {@code same = 1} means "written with the previous slice" (else 8-byte version and varint written-at
 *       follow), varint stored size, 16-byte digest. Slices of one write share version and time, so a run of them
 *       costs about 20 bytes a slice. The ten {@code 0xFF} bytes are a malformed varint to the <b>whole-page</b>
 *       decoder of builds before slices: a rollback across this change fails loudly on open chunked windows
 *       ({@code malformed varint in chunk manifest}) instead of reading a partial wrongly.</li>
 *   <li><b>logged</b> (this build, only when the log is not empty): format byte {@code 3}, then the sliced layout's
 *       fields, then varint delta count; per delta its 8-byte version, varint written-at, varint chunk count and per
 *       chunk its varint stored size. Builds before the log refuse it ({@code unknown chunk manifest format 3}),
 *       again loudly; a manifest without a log is written in format {@code 2}, readable by them.</li>
 *   <li><b>whole-page</b> (builds before): varint page count, then per page 8-byte version, varint slice count,
 *       16-byte digest (of the page as {@link PartialCodec#encode} stores it, deflated as a whole), varint
 *       written-at. Read as pages whose slices, concatenated, are one {@link PartialCodec#encode} output; a write
 *       replaces every such page (none has a plain-bytes digest to compare).</li>
 * </ul>
 *
 * @param sliceTarget the {@link SliceCutter} target the slices were cut with; 0 for a whole-page manifest
 * @param pages       in page order: the base
 * @param log         deltas written since the base, oldest first; empty for a whole-page manifest
 */
record ChunkManifest(int sliceTarget, List<PageRef> pages, List<DeltaRef> log) {

    static final int DIGEST_BYTES = 16;
    private static final int MAGIC_BYTES = 10;
    private static final int SLICED = 2;
    private static final int LOGGED = 3;

    /**
     * One delta of the log: the chunk items written under {@code version} (chunk {@code i} holds the i-th piece of
     * the delta's packed bytes, {@code storedBytes[i]} of them) at {@code writtenAtSeconds}.
     */
    record DeltaRef(long version, long writtenAtSeconds, List<Integer> storedBytes) {

        DeltaRef {
            storedBytes = List.copyOf(storedBytes);
        }

        long stored() {
            return storedBytes.stream().mapToLong(Integer::longValue).sum();
        }
    }

    /** One slice as its head names it; {@code storedBytes} is -1 and {@code digest} null in whole-page manifests. */
    record SliceRef(long version, int ordinal, int storedBytes, byte[] digest, long writtenAtSeconds) {
    }

    /**
     * One page: the digest of its plain bytes (whole-page: of its stored bytes) and its slices in order.
     *
     * @param whole whether the slices are cut from the page as stored whole (a whole-page manifest)
     */
    record PageRef(byte[] digest, boolean whole, List<SliceRef> slices) {

        boolean sameBytes(byte[] otherDigest) {
            return !whole && Arrays.equals(digest, otherDigest);
        }
    }

    ChunkManifest {
        pages = List.copyOf(pages);
        log = List.copyOf(log);
    }

    /** A manifest of pages only. */
    ChunkManifest(int sliceTarget, List<PageRef> pages) {
        this(sliceTarget, pages, List.of());
    }

    /** Slices named over all pages. */
    int sliceCount() {
        return pages.stream().mapToInt(p -> p.slices().size()).sum();
    }

    /** Stored bytes of the base's slices; -1 slices (whole-page manifests) count as none. */
    long baseStoredBytes() {
        return pages.stream().flatMap(p -> p.slices().stream()).mapToLong(s -> Math.max(0, s.storedBytes())).sum();
    }

    /** Stored bytes of the log's chunks. */
    long logStoredBytes() {
        return log.stream().mapToLong(DeltaRef::stored).sum();
    }

    /** This manifest with {@code delta} appended to its log. */
    ChunkManifest withDelta(DeltaRef delta) {
        List<DeltaRef> longer = new ArrayList<>(log);
        longer.add(delta);
        return new ChunkManifest(sliceTarget, pages, longer);
    }

    /** The oldest write time of any chunk named, base or log, in epoch seconds ({@code Long.MAX_VALUE}: none). */
    long oldestWriteSeconds() {
        long oldest = Long.MAX_VALUE;
        for (PageRef page : pages) {
            for (SliceRef s : page.slices()) {
                oldest = Math.min(oldest, s.writtenAtSeconds());
            }
        }
        for (DeltaRef d : log) {
            oldest = Math.min(oldest, d.writtenAtSeconds());
        }
        return oldest;
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + sliceCount() * 24 + pages.size() * 20);
        for (int i = 0; i < MAGIC_BYTES; i++) {
            out.write(0xFF);
        }
        out.write(log.isEmpty() ? SLICED : LOGGED);
        varLong(out, sliceTarget);
        varLong(out, pages.size());
        SliceRef previous = null;
        for (PageRef page : pages) {
            out.write(page.digest(), 0, DIGEST_BYTES);
            varLong(out, page.slices().size());
            for (SliceRef s : page.slices()) {
                boolean same = previous != null && previous.version() == s.version()
                        && previous.writtenAtSeconds() == s.writtenAtSeconds();
                varLong(out, ((long) s.ordinal() << 1) | (same ? 1 : 0));
                if (!same) {
                    fixedLong(out, s.version());
                    varLong(out, s.writtenAtSeconds());
                }
                varLong(out, s.storedBytes());
                out.write(s.digest(), 0, DIGEST_BYTES);
                previous = s;
            }
        }
        if (!log.isEmpty()) {
            varLong(out, log.size());
            for (DeltaRef d : log) {
                fixedLong(out, d.version());
                varLong(out, d.writtenAtSeconds());
                varLong(out, d.storedBytes().size());
                for (int stored : d.storedBytes()) {
                    varLong(out, stored);
                }
            }
        }
        return out.toByteArray();
    }

    /** A manifest in either layout. */
    static ChunkManifest decode(byte[] bytes) {
        In in = new In(bytes);
        boolean sliced = bytes.length > MAGIC_BYTES;
        for (int i = 0; i < MAGIC_BYTES && sliced; i++) {
            sliced = bytes[i] == (byte) 0xFF;
        }
        if (!sliced) {
            return decodeWholePages(in);
        }
        in.pos = MAGIC_BYTES;
        int format = in.next();
        if (format != SLICED && format != LOGGED) {
            throw new StateStoreException("unknown chunk manifest format " + format);
        }
        int target = in.size();
        int pageCount = in.count();
        List<PageRef> pages = new ArrayList<>(pageCount);
        long version = 0;
        long writtenAt = 0;
        for (int p = 0; p < pageCount; p++) {
            byte[] pageDigest = in.bytes(DIGEST_BYTES);
            int sliceCount = in.count();
            List<SliceRef> slices = new ArrayList<>(sliceCount);
            for (int i = 0; i < sliceCount; i++) {
                long ordinalAndSame = in.varLong();
                if ((ordinalAndSame & 1) == 0) {
                    version = in.fixedLong();
                    writtenAt = in.varLong();
                }
                int stored = in.size();
                slices.add(new SliceRef(version, (int) (ordinalAndSame >>> 1), stored, in.bytes(DIGEST_BYTES),
                        writtenAt));
            }
            pages.add(new PageRef(pageDigest, false, List.copyOf(slices)));
        }
        List<DeltaRef> log = new ArrayList<>();
        if (format == LOGGED) {
            int deltas = in.count();
            for (int d = 0; d < deltas; d++) {
                long deltaVersion = in.fixedLong();
                long deltaWrittenAt = in.varLong();
                int chunks = in.count();
                List<Integer> stored = new ArrayList<>(chunks);
                for (int c = 0; c < chunks; c++) {
                    stored.add(in.size());
                }
                log.add(new DeltaRef(deltaVersion, deltaWrittenAt, stored));
            }
        }
        return new ChunkManifest(target, pages, log);
    }

    private static ChunkManifest decodeWholePages(In in) {
        int count = in.count();
        List<PageRef> pages = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            long version = in.fixedLong();
            int sliceCount = in.count();
            byte[] digest = in.bytes(DIGEST_BYTES);
            long writtenAt = in.varLong();
            List<SliceRef> slices = new ArrayList<>(sliceCount);
            for (int i = 0; i < sliceCount; i++) {
                slices.add(new SliceRef(version, i, -1, null, writtenAt));
            }
            pages.add(new PageRef(digest, true, List.copyOf(slices)));
        }
        return new ChunkManifest(0, pages);
    }

    private static void fixedLong(ByteArrayOutputStream out, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
    }

    static void varLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A cursor over a manifest's bytes that reports truncation as a {@link StateStoreException}. */
    private static final class In {
        private final byte[] bytes;
        private int pos;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        int next() {
            if (pos >= bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            return bytes[pos++] & 0xFF;
        }

        long varLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = next();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new StateStoreException("malformed varint in chunk manifest");
        }

        /** A count of pages or slices: each takes a byte at least, so corrupt bytes never allocate gigabytes. */
        int count() {
            long v = varLong();
            if (v < 0 || v > bytes.length) {
                throw new StateStoreException("malformed count in chunk manifest: " + v);
            }
            return (int) v;
        }

        int size() {
            long v = varLong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new StateStoreException("malformed size in chunk manifest: " + v);
            }
            return (int) v;
        }

        long fixedLong() {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v = (v << 8) | next();
            }
            return v;
        }

        byte[] bytes(int n) {
            if (pos + n > bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            byte[] b = Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return b;
        }
    }
}
