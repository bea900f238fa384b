package io.sluice.functions.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte scans eight bytes at a time (SWAR, "SIMD within a register"): the next newline, for the line readers; a run of
 * plain string bytes passed in one step, for the projected decoders and the Kinesis event's scanner; up to eight
 * digits read with three multiplications. Byte loops reading an order's 13-digit timestamp and skipping its unread
 * strings were most of the projected JSON decoder's CPU (issue 15); Lambda's JVM (C1) runs a byte loop as written.
 *
 * <p>The scans only ever move a caller's byte loop forward to where it would have arrived itself: the first byte that
 * is not a plain string byte, or the first that is not a digit. The byte loop then goes on as before, so what a line
 * decodes to, or why it is refused, cannot change ({@code AsciiWordsTest}, {@code ProjectedDecodersPropertyTest},
 * {@code KinesisEventScannerTest}).
 */
public final class AsciiWords {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long HIGH_NIBBLES = 0xF0F0F0F0F0F0F0F0L;
    private static final long ZEROS = 0x3030303030303030L;
    private static final long SIXES = 0x0606060606060606L;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long DELETES = 0x7F7F7F7F7F7F7F7FL;
    private static final long SPACES = 0x2020202020202020L;
    /** {@code TENS[k]} is 10^k: a value read so far, shifted left by {@code k} digits. */
    private static final long[] TENS = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L};

    private AsciiWords() {
    }

    /** The index of the first {@code '\n'} in {@code b[from, to)}, or {@code to} if there is none. */
    public static int newline(byte[] b, int from, int to) {
        int i = from;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            // High bit set in each byte that was '\n' (zero after the xor); a borrow flags only bytes above a true one.
            long flags = (x - ONES) & ~x & HIGHS;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        while (i < to && b[i] != '\n') {
            i++;
        }
        return i;
    }

    /**
     * The index of the first byte in {@code [from, end)} that may end or spoil a plain string: a quote, a backslash,
     * a control character, DEL or a non-ASCII byte; or where fewer than eight bytes are left before {@code end}. The
     * caller's byte loop goes on from there and judges that byte.
     */
    public static int plainRunEnd(byte[] b, int from, int end) {
        int i = from;
        for (int last = end - Long.BYTES; i <= last; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            long q = w ^ QUOTES;
            long s = w ^ BACKSLASHES;
            long d = w ^ DELETES;
            // High bit set in each byte that is '"', '\\' or DEL (zero after the xor), below 0x20, or 0x80 and above. A
            // borrow can flag a byte above a flagged one too, never one below: the lowest flag is a true one.
            long flags = (((q - ONES) & ~q) | ((s - ONES) & ~s) | ((d - ONES) & ~d) | ((w - SPACES) & ~w) | w) & HIGHS;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        return i;
    }

    /**
     * The eight bytes at {@code b[i]}, the lowest first; {@code i + 8 <= b.length}.
     */
    public static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** {@code value} followed by the word's lowest {@code k} bytes, {@code 0 <= k <= 8} ASCII digits. */
    static long append(long value, long w, int k) {
        return k == 0 ? value : value * TENS[k] + valueOf(w, k);
    }

    /** How many of the word's bytes, from its lowest, are ASCII digits before the first that is not: 0 to 8. */
    static int leadingDigits(long w) {
        // A byte is a digit if its high nibble is 3, and still 3 after adding 6 (0x30-0x39 only). Adding 6 carries
        // into the next byte only from a byte of 0xFA or more, itself flagged: the lowest flag is a true one.
        long notDigits = ((w & HIGH_NIBBLES) ^ ZEROS) | (((w + SIXES) & HIGH_NIBBLES) ^ ZEROS);
        return notDigits == 0 ? Long.BYTES : Long.numberOfTrailingZeros(notDigits) >>> 3;
    }

    /** The value of the word's lowest {@code k} bytes, {@code 1 <= k <= 8} ASCII digits, the lowest byte first. */
    static long valueOf(long w, int k) {
        int shift = (Long.BYTES - k) << 3;
        // The k digits moved to the top, '0's below them: eight digits with leading zeros, the same value.
        long v = (w << shift) | (ZEROS & ((1L << shift) - 1));
        v = (v & 0x0F0F0F0F0F0F0F0FL) * 2561 >>> 8;               // pairs of digits: 10 * high + low
        v = (v & 0x00FF00FF00FF00FFL) * 6553601 >>> 16;           // fours: 100 * high pair + low pair
        return (v & 0x0000FFFF0000FFFFL) * 42949672960001L >>> 32; // eight: 10,000 * high four + low four
    }
}
