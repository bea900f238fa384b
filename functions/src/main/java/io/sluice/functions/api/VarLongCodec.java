package io.sluice.functions.api;


import java.util.Arrays;

/**
 * Zig-zag variable-length longs: small magnitudes take one or two bytes, so a count of 1,000 and a sum of
 * 2,000,000 cents take 6 bytes instead of 16. DynamoDB charges per KB written, so this is money.
 */
public final class VarLongCodec {

    /** {@link CountSumAccumulator} as two varints. */
    public static final AccumulatorCodec<CountSumAccumulator> COUNT_SUM = new AccumulatorCodec<>() {
        @Override
        public byte[] encode(CountSumAccumulator acc) {
            byte[] buffer = new byte[20];
            int n = write(acc.count(), buffer, 0);
            n = write(acc.sum(), buffer, n);
            return Arrays.copyOf(buffer, n);
        }

        @Override
        public CountSumAccumulator decode(byte[] bytes) {
            long[] count = read(bytes, 0);
            long[] sum = read(bytes, (int) count[1]);
            if (sum[1] != bytes.length) {
                throw new IllegalArgumentException("trailing bytes after count and sum: " + bytes.length);
            }
            return new CountSumAccumulator(count[0], sum[0]);
        }
    };

    private VarLongCodec() {
    }

    /** Writes {@code value} at {@code offset}; returns the offset after it. Needs up to 10 bytes. */
    public static int write(long value, byte[] buffer, int offset) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            buffer[offset++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[offset++] = (byte) v;
        return offset;
    }

    /**
     * Reads a value at {@code offset}.
     *
     * @return {value, offset after it}
     * @throws IllegalArgumentException if the bytes end inside a value or a value is longer than 10 bytes
     */
    public static long[] read(byte[] buffer, int offset) {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (offset >= buffer.length) {
                throw new IllegalArgumentException("truncated varint at byte " + offset);
            }
            byte b = buffer[offset++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return new long[] {(v >>> 1) ^ -(v & 1), offset};
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes at byte " + offset);
    }
}
