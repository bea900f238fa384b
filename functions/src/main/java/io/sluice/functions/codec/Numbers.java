package io.sluice.functions.codec;

/**
 * Plain decimal integers for the projected decoders' fast paths: {@code 0} or an optional minus and 1 to 18 digits
 * without a leading zero, which always fit a {@code long}. Anything else (a fraction, an exponent, a plus sign,
 * {@code -0}, leading zeros, 19 digits or more) is {@link #NOT_PLAIN}, left to the full decoder's rules.
 */
final class Numbers {

    /** Not a plain integer: never the value of one (18 digits stay far from {@code Long.MIN_VALUE}). */
    static final long NOT_PLAIN = Long.MIN_VALUE;

    private static final int MAX_DIGITS = 18;

    private Numbers() {
    }

    /** The integer starting at {@code bytes[from]} (its digits end at the first non-digit), or {@link #NOT_PLAIN}. */
    static long parse(byte[] bytes, int from, int to) {
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
                break;
            }
            value = value * 10 + d;
            i++;
        }
        int digits = i - first;
        if (digits == 0 || digits > MAX_DIGITS || (bytes[first] == '0' && (digits > 1 || negative))) {
            return NOT_PLAIN;
        }
        return negative ? -value : value;
    }

    /** The index after the integer {@link #parse} read at {@code from}. */
    static int end(byte[] bytes, int from, int to) {
        int i = from < to && bytes[from] == '-' ? from + 1 : from;
        while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
            i++;
        }
        return i;
    }
}
