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

    private record Entry(byte[] bytes, String value) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    private static boolean same(byte[] cached, byte[] bytes, int offset, int length) {
        if (cached.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (cached[i] != bytes[offset + i]) {
                return false;
            }
        }
        return true;
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
        if (length > MAX_CACHED_BYTES) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        // Two slots per string (a pair): 1,000 categories share no pair, where one slot each left a tenth of them
        // evicting each other on every record, a new string and a write to the shared table each time.
        int slot = (h * 0x9E3779B9) >>> (32 - SLOT_BITS) & ~1;
        Entry e = slots[slot];
        if (e != null && same(e.bytes, bytes, offset, length)) {
            return e.value;
        }
        Entry other = slots[slot + 1];
        if (other != null && same(other.bytes, bytes, offset, length)) {
            return other.value;
        }
        String value = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        slots[e == null || other != null ? slot : slot + 1] = new Entry(Arrays.copyOfRange(bytes, offset, offset + length), value);
        return value;
    }
}
