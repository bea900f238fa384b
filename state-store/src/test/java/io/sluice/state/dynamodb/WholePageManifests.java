package io.sluice.state.dynamodb;

import io.sluice.state.StateStoreException;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole-page manifest as builds before slices wrote and read it (their {@code ChunkedPartials.encodeManifest}
 * and {@code decodeManifest}, copied): to store old-format heads and to show what such a build does with a new one.
 */
final class WholePageManifests {

    record Page(long version, int slices, byte[] digest, long writtenAtSeconds) {
    }

    private WholePageManifests() {
    }

    static byte[] encode(List<Page> pages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varLong(out, pages.size());
        for (Page p : pages) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (p.version() >>> shift));
            }
            varLong(out, p.slices());
            out.write(p.digest(), 0, 16);
            varLong(out, p.writtenAtSeconds());
        }
        return out.toByteArray();
    }

    static List<Page> decode(byte[] bytes) {
        int[] pos = {0};
        int count = (int) readVarLong(bytes, pos);
        List<Page> pages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (pos[0] + 8 > bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            long version = 0;
            for (int b = 0; b < 8; b++) {
                version = (version << 8) | (bytes[pos[0]++] & 0xFF);
            }
            int slices = (int) readVarLong(bytes, pos);
            if (pos[0] + 16 > bytes.length) {
                throw new StateStoreException("truncated chunk manifest");
            }
            byte[] digest = java.util.Arrays.copyOfRange(bytes, pos[0], pos[0] + 16);
            pos[0] += 16;
            pages.add(new Page(version, slices, digest, readVarLong(bytes, pos)));
        }
        return pages;
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
