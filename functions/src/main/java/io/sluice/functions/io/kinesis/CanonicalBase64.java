package io.sluice.functions.io.kinesis;

import io.sluice.functions.codec.AsciiWords;

import java.util.Arrays;
import java.util.Base64;

/**
 * A Kinesis record's {@code data} decoded from base64, eight characters per step and two per table read, for
 * {@link KinesisEventScanner}. {@link Base64#getDecoder()} reads a character at a time, and in Lambda's C1-only JVM it
 * was 40 % of the event's scan (issue 15).
 *
 * <p>It decodes only the <em>canonical</em> form, what an encoder writes: the standard alphabet (RFC 4648, section 4),
 * a length that is a multiple of 4, {@code '='} only as the last one or two characters, and the unused bits of the
 * last group zero. On that form its bytes are {@link Base64#getDecoder()}'s. Anything else gives null, never a
 * guess: the scanner then gives up and Jackson decides, as it does for everything outside its subset
 * ({@code CanonicalBase64Test} holds it to the JDK's decoder on random and mutated input).
 *
 * <pre>{@code
 * byte[] data = CanonicalBase64.decode(json, start, end);   // null: not canonical base64
 * }</pre>
 */
final class CanonicalBase64 {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** A character's six bits, or -1 if it is not in the alphabet. */
    private static final byte[] SIXES = new byte[256];
    /**
     * Two characters' twelve bits, indexed by the first character's byte plus 256 times the second's (the order
     * {@link AsciiWords#word} reads them in), or -1 if either is not in the alphabet.
     */
    private static final short[] PAIRS = new short[1 << 16];

    static {
        Arrays.fill(SIXES, (byte) -1);
        Arrays.fill(PAIRS, (short) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            SIXES[ALPHABET.charAt(i)] = (byte) i;
        }
        for (int first = 0; first < ALPHABET.length(); first++) {
            for (int second = 0; second < ALPHABET.length(); second++) {
                PAIRS[ALPHABET.charAt(first) | ALPHABET.charAt(second) << 8] = (short) (first << 6 | second);
            }
        }
    }

    private CanonicalBase64() {
    }

    /**
     * @return the bytes {@code in[from, to)} encode, or null if that range is not canonical base64
     */
    static byte[] decode(byte[] in, int from, int to) {
        int length = to - from;
        if (length % 4 != 0) {
            return null;
        }
        if (length == 0) {
            return new byte[0];
        }
        int padding = in[to - 1] != '=' ? 0 : in[to - 2] != '=' ? 1 : 2;
        byte[] out = new byte[length / 4 * 3 - padding];
        int last = padding == 0 ? to : to - 4;   // a last group holding padding is decoded on its own
        int p = from;
        int o = 0;
        for (; p + 8 <= last; p += 8, o += 6) {
            long w = AsciiWords.word(in, p);
            int a = PAIRS[(int) w & 0xFFFF];
            int b = PAIRS[(int) (w >>> 16) & 0xFFFF];
            int c = PAIRS[(int) (w >>> 32) & 0xFFFF];
            int d = PAIRS[(int) (w >>> 48)];
            if ((a | b | c | d) < 0) {
                return null;
            }
            int x = a << 12 | b;
            int y = c << 12 | d;
            out[o] = (byte) (x >> 16);
            out[o + 1] = (byte) (x >> 8);
            out[o + 2] = (byte) x;
            out[o + 3] = (byte) (y >> 16);
            out[o + 4] = (byte) (y >> 8);
            out[o + 5] = (byte) y;
        }
        for (; p < last; p += 4, o += 3) {
            int x = group(in, p);
            if (x < 0) {
                return null;
            }
            out[o] = (byte) (x >> 16);
            out[o + 1] = (byte) (x >> 8);
            out[o + 2] = (byte) x;
        }
        if (padding == 0) {
            return out;
        }
        int head = PAIRS[in[p] & 0xFF | (in[p + 1] & 0xFF) << 8];
        if (head < 0) {
            return null;
        }
        if (padding == 1) {
            int third = SIXES[in[p + 2] & 0xFF];
            int x = head << 6 | third;
            if (third < 0 || (x & 0b11) != 0) {
                return null;
            }
            out[o] = (byte) (x >> 10);
            out[o + 1] = (byte) (x >> 2);
        } else {
            if ((head & 0b1111) != 0) {
                return null;
            }
            out[o] = (byte) (head >> 4);
        }
        return out;
    }

    /** The 24 bits of the four characters at {@code p}, or a negative number if one is not in the alphabet. */
    private static int group(byte[] in, int p) {
        int high = PAIRS[in[p] & 0xFF | (in[p + 1] & 0xFF) << 8];
        int low = PAIRS[in[p + 2] & 0xFF | (in[p + 3] & 0xFF) << 8];
        return (high | low) < 0 ? -1 : high << 12 | low;
    }
}
