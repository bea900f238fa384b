package io.sluice.functions.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings of short ASCII byte slices, recently built ones reused: a key such as a category repeats across millions
 * of records, so the decoder hands out the same {@code String} instead of a new one per record. A slice maps to one
 * slot by its hash; a miss builds the string and takes the slot. Thread-safe: slots hold immutable entries, and a
 * racing writer only costs a miss.
 */
final class AsciiStrings {

    /** Longer slices are unlikely to repeat (ids): built every time, never cached. */
    static final int MAX_CACHED_BYTES = 32;
    private static final int SLOT_BITS = 12;
    private static final int SLOTS = 1 << SLOT_BITS;

    /** Slices up to this long are identified by their bytes packed into a long, compared in one step. */
    static final int MAX_PACKED_BYTES = 7;
    private static final long NOT_PACKED = -1L;

    /**
     * A cached string: short slices by {@code packed} (their bytes and length in one long, so a hit costs the load of
     * the entry and one comparison), longer ones by their bytes ({@code packed} is {@link #NOT_PACKED}).
     */
    private record Entry(long packed, byte[] bytes, String value) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    private static boolean same(byte[] cached, byte[] bytes, int offset, int length) {
        if (cached == null || cached.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (cached[i] != bytes[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes of a slice of at most {@value #MAX_PACKED_BYTES} bytes and its length as one long: bytes in the low
     * 56 bits, length in the top 8. Distinct slices give distinct values.
     */
    static long pack(byte[] bytes, int offset, int length) {
        long packed = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            packed = packed << 8 | (bytes[i] & 0xff);
        }
        return packed | (long) length << 56;
    }

    /** The string of {@code bytes[offset, offset + length)}, every byte in {@code [0x20, 0x7e]}. */
    String get(byte[] bytes, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        return get(bytes, offset, length, h);
    }

    /** As {@link #get(byte[], int, int)}, {@code h} being the slice's {@code String.hashCode}. */
    String get(byte[] bytes, int offset, int length, int h) {
        return get(bytes, offset, length, h, length <= MAX_PACKED_BYTES ? pack(bytes, offset, length) : NOT_PACKED);
    }

    /**
     * As {@link #get(byte[], int, int, int)}, {@code packed} being {@link #pack} of the slice when it is at most
     * {@value #MAX_PACKED_BYTES} bytes long (any value otherwise): a scanner computes both on its one pass.
     */
    String get(byte[] bytes, int offset, int length, int h, long packed) {
        if (length > MAX_CACHED_BYTES) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        long key = length <= MAX_PACKED_BYTES ? packed : NOT_PACKED;
        // Two slots per string (a pair): 1,000 categories share no pair, where one slot each left a tenth of them
        // evicting each other on every record, a new string and a write to the shared table each time.
        int slot = (h * 0x9E3779B9) >>> (32 - SLOT_BITS) & ~1;
        Entry e = slots[slot];
        if (e != null && (key != NOT_PACKED ? e.packed == key : same(e.bytes, bytes, offset, length))) {
            return e.value;
        }
        Entry other = slots[slot + 1];
        if (other != null && (key != NOT_PACKED ? other.packed == key : same(other.bytes, bytes, offset, length))) {
            return other.value;
        }
        String value = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        Entry fresh = key != NOT_PACKED ? new Entry(key, null, value)
                : new Entry(NOT_PACKED, Arrays.copyOfRange(bytes, offset, offset + length), value);
        slots[e == null || other != null ? slot : slot + 1] = fresh;
        return value;
    }
}
