package io.sluice.functions.codec;

/**
 * Plain decimal integers for the projected decoders' fast paths: {@code 0} or an optional minus and 1 to 18 digits
 * without a leading zero, which always fit a {@code long}. Anything else (a fraction, an exponent, a plus sign,
 * {@code -0}, leading zeros, 19 digits or more) is not plain, and left to the full decoder's rules.
 */
final class Numbers {

    /** Not a plain integer: never the value of one (18 digits stay far from {@code Long.MIN_VALUE}). */
    static final long NOT_PLAIN = Long.MIN_VALUE;

    static final int MAX_DIGITS = 18;

    private Numbers() {
    }

    /** Whether {@code digits} digits from {@code bytes[first]} (after a minus if {@code negative}) are plain. */
    static boolean plain(byte[] bytes, int first, int digits, boolean negative) {
        return digits > 0 && digits <= MAX_DIGITS && (bytes[first] != '0' || (digits == 1 && !negative));
    }

    /** The integer that is exactly {@code bytes[from, to)}, or {@link #NOT_PLAIN}. */
    static long parseExact(byte[] bytes, int from, int to) {
        int i = from;
        boolean negative = i < to && bytes[i] == '-';
        if (negative) {
            i++;
        }
        int first = i;
        long value = 0;
        while (i < to) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_PLAIN;
            }
            value = value * 10 + d;
            i++;
        }
        if (!plain(bytes, first, to - first, negative)) {
            return NOT_PLAIN;
        }
        return negative ? -value : value;
    }
}
