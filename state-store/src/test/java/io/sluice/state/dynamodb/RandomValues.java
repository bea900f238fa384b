package io.sluice.state.dynamodb;

import java.util.Random;

/**
 * Generated values for the property tests of this package ({@link KeysTest}, {@link PartialCodecTest}): edge
 * values a tenth of the time, small magnitudes as likely as large ones, strings over the whole Basic Multilingual
 * Plane. Each test lists its edge cases first and draws the rest from a fixed seed.
 */
final class RandomValues {

    /** Zero, its neighbours and both ends of the range with theirs. */
    static final long[] LONG_EDGES = {0, 1, -1, 2, -2, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE,
            Long.MAX_VALUE - 1};

    private RandomValues() {
    }

    /** An edge a tenth of the time, else a random bit length and sign: 3 is as likely as 3 billion. */
    static long anyLong(Random random) {
        if (random.nextInt(10) == 0) {
            return LONG_EDGES[random.nextInt(LONG_EDGES.length)];
        }
        int bits = random.nextInt(64);
        long magnitude = bits == 0 ? 0 : random.nextLong() >>> (64 - bits);
        return random.nextBoolean() ? magnitude : ~magnitude; // ~ reaches Long.MIN_VALUE at 63 bits
    }

    /** An end of {@code [min, max]} or a neighbour a tenth of the time, else uniform. */
    static int between(Random random, int min, int max) {
        if (random.nextInt(10) == 0) {
            int[] edges = {min, min + 1, max - 1, max};
            return Math.max(min, Math.min(max, edges[random.nextInt(edges.length)]));
        }
        return random.nextInt(min, max + 1);
    }

    /**
     * Up to {@code maxLength} chars, half the strings ASCII (control characters and {@code #} included), half any
     * char of the Basic Multilingual Plane but surrogates, noncharacters and private use ones.
     */
    static String anyString(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        boolean ascii = random.nextBoolean();
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            char c = (char) random.nextInt(ascii ? 0x80 : 0x10000);
            if (!Character.isSurrogate(c) && !(c >= 0xfdd0 && c <= 0xfdef) && c != 0xfffe && c != 0xffff
                    && Character.getType(c) != Character.PRIVATE_USE) {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** Up to {@code maxSize} bytes, either uniform or drawn from a few values (so some bodies deflate). */
    static byte[] anyBytes(Random random, int maxSize) {
        byte[] bytes = new byte[random.nextInt(maxSize + 1)];
        if (random.nextBoolean()) {
            random.nextBytes(bytes);
        } else {
            byte[] few = {0, 1, -1, 2, -2, Byte.MIN_VALUE, Byte.MAX_VALUE};
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = few[random.nextInt(few.length)];
            }
        }
        return bytes;
    }

    /** {@code s} with every char outside printable ASCII as {@code \}{@code uXXXX}, for display names. */
    static String escaped(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append('"').toString();
    }
}
