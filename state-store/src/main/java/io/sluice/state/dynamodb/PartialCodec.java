package io.sluice.state.dynamodb;

import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStoreException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The binary form of a partial's entries, stored in attribute {@link StateTables#ENTRIES}.
 *
 * <p>Layout: one format byte ({@code 0} plain, {@code 1} raw DEFLATE of the plain body), then the body: varint
 * entry count, and per entry varint key length, UTF-8 key, zig-zag varint of {@code windowStart - slot.start},
 * zig-zag varint of {@code windowEnd - slot.end}, varint accumulator length, accumulator bytes. Window bounds are
 * stored relative to the slot because they are almost always equal to it (one byte each instead of eight).
 *
 * <p>The body is deflated only past {@link #COMPRESS_ABOVE_BYTES} and only when that makes it smaller: DynamoDB
 * bills writes per started KB, so a body under 1 KB gains nothing and costs CPU.
 */
final class PartialCodec {

    static final int COMPRESS_ABOVE_BYTES = 768;
    private static final byte PLAIN = 0;
    private static final byte DEFLATED = 1;

    private PartialCodec() {
    }

    static byte[] encode(Slot slot, List<StateEntry> entries) {
        return pack(encodeBody(slot, entries));
    }

    static List<StateEntry> decode(Slot slot, byte[] stored) {
        return decodeBody(slot, unpack(stored));
    }

    /** The plain body: what {@link #encode} stores, before the format byte and compression. */
    static byte[] encodeBody(Slot slot, List<StateEntry> entries) {
        Out out = new Out(64 + entries.size() * 32);
        out.varLong(entries.size());
        for (StateEntry e : entries) {
            byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
            out.varLong(key.length);
            out.bytes(key);
            out.zigZag(e.windowStart() - slot.start());
            out.zigZag(e.windowEnd() - slot.end());
            out.varLong(e.accumulator().length);
            out.bytes(e.accumulator());
        }
        return out.toByteArray();
    }

    /** The entries of a plain body ({@link #encodeBody}). */
    static List<StateEntry> decodeBody(Slot slot, byte[] body) {
        In in = new In(body);
        int count = (int) in.varLong();
        List<StateEntry> entries = new ArrayList<>(Math.min(count, body.length));
        for (int i = 0; i < count; i++) {
            String key = new String(in.bytes((int) in.varLong()), StandardCharsets.UTF_8);
            long start = slot.start() + in.zigZag();
            long end = slot.end() + in.zigZag();
            entries.add(new StateEntry(key, start, end, in.bytes((int) in.varLong())));
        }
        return Collections.unmodifiableList(entries);
    }

    /**
     * Any bytes as stored: the format byte, then the bytes deflated if over {@link #COMPRESS_ABOVE_BYTES} and smaller
     * so, else as they are. Chunked pages pack each slice on its own ({@link ChunkedPartials}).
     */
    static byte[] pack(byte[] plain) {
        if (plain.length > COMPRESS_ABOVE_BYTES) {
            byte[] deflated = deflate(plain);
            if (deflated.length < plain.length) {
                return prefixed(DEFLATED, deflated);
            }
        }
        return prefixed(PLAIN, plain);
    }

    /** The bytes {@link #pack} was given. */
    static byte[] unpack(byte[] stored) {
        if (stored.length == 0) {
            throw new StateStoreException("empty entries attribute");
        }
        return switch (stored[0]) {
            case PLAIN -> java.util.Arrays.copyOfRange(stored, 1, stored.length);
            case DEFLATED -> inflate(stored);
            default -> throw new StateStoreException("unknown entries format " + stored[0]);
        };
    }

    private static byte[] prefixed(byte format, byte[] body) {
        byte[] stored = new byte[body.length + 1];
        stored[0] = format;
        System.arraycopy(body, 0, stored, 1, body.length);
        return stored;
    }

    private static byte[] deflate(byte[] body) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(body);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 16);
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] stored) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored, 1, stored.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 3);
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new StateStoreException("truncated deflated entries");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new StateStoreException("corrupt deflated entries", e);
        } finally {
            inflater.end();
        }
    }

    private static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        void varLong(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void zigZag(long v) {
            varLong((v << 1) ^ (v >> 63));
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }
    }

    private static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        long varLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new StateStoreException("malformed varint in entries");
        }

        long zigZag() {
            long v = varLong();
            return (v >>> 1) ^ -(v & 1);
        }

        byte[] bytes(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new StateStoreException("truncated entries");
            }
            byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }
    }
}
