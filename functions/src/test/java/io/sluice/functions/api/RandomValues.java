package io.sluice.functions.api;

import java.util.Arrays;
import java.util.Random;

/**
 * Generated longs for the property tests of this package ({@link AggregatesTest}, {@link VarLongCodecTest}): edge
 * values a tenth of the time, else small magnitudes as likely as large ones. Each test lists its edge cases first
 * and draws the rest from a fixed seed.
 */
final class RandomValues {

    /** Zero, its neighbours and both ends of the range with theirs. */
    static final long[] LONG_EDGES = edges(Long.MIN_VALUE, Long.MAX_VALUE);

    private RandomValues() {
    }

    /** The edges of {@code [min, max]}: zero and its neighbours if inside, both ends and their neighbours. */
    static long[] edges(long min, long max) {
        return Arrays.stream(new long[] {0, 1, -1, 2, -2, min, min + 1, max, max - 1})
                .filter(v -> v >= min && v <= max).distinct().toArray();
    }

    /** A long of the whole range: an edge a tenth of the time, else a random bit length and sign. */
    static long anyLong(Random random) {
        return between(random, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** An edge of {@code [min, max]} a tenth of the time, else a random bit length and sign: 3 as likely as 3 billion. */
    static long between(Random random, long min, long max) {
        if (random.nextInt(10) == 0) {
            long[] edges = edges(min, max);
            return edges[random.nextInt(edges.length)];
        }
        while (true) {
            int bits = random.nextInt(64);
            long magnitude = bits == 0 ? 0 : random.nextLong() >>> (64 - bits);
            long value = random.nextBoolean() ? magnitude : ~magnitude; // ~ reaches Long.MIN_VALUE at 63 bits
            if (value >= min && value <= max) {
                return value;
            }
        }
    }
}
