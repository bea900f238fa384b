package io.sluice.functions.api;

import java.util.Arrays;

/**
 * Mutable accumulator of {@link Aggregates#min} and {@link Aggregates#max}: the smallest (or largest) value seen,
 * or none yet. Merging takes the smaller (larger) of two, so the order of merges never matters.
 */
public final class LongExtremum {

    /** One presence byte, then the value as a zig-zag varint if present. */
    public static final AccumulatorCodec<LongExtremum> CODEC = AccumulatorCodec.of(LongExtremum::encode,
            LongExtremum::decode);

    private boolean present;
    private long value;

    public LongExtremum() {
    }

    private LongExtremum(boolean present, long value) {
        this.present = present;
        this.value = value;
    }

    /** Keeps {@code candidate} if it is the new minimum ({@code max == false}) or maximum. */
    public LongExtremum offer(long candidate, boolean max) {
        if (!present || (max ? candidate > value : candidate < value)) {
            present = true;
            value = candidate;
        }
        return this;
    }

    /** The extremum of both. */
    public LongExtremum merge(LongExtremum other, boolean max) {
        return other.present ? offer(other.value, max) : this;
    }

    public boolean isPresent() {
        return present;
    }

    /**
     * @throws IllegalStateException if no value was seen (a window never holds an empty accumulator)
     */
    public long value() {
        if (!present) {
            throw new IllegalStateException("no value seen");
        }
        return value;
    }

    private static byte[] encode(LongExtremum acc) {
        byte[] buffer = new byte[11];
        buffer[0] = (byte) (acc.present ? 1 : 0);
        int n = acc.present ? VarLongCodec.write(acc.value, buffer, 1) : 1;
        return Arrays.copyOf(buffer, n);
    }

    private static LongExtremum decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] > 1 || bytes[0] < 0) {
            throw new IllegalArgumentException("corrupt extremum");
        }
        if (bytes[0] == 0) {
            return new LongExtremum();
        }
        long[] read = VarLongCodec.read(bytes, 1);
        if (read[1] != bytes.length) {
            throw new IllegalArgumentException("trailing bytes after extremum");
        }
        return new LongExtremum(true, read[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongExtremum e && e.present == present && (!present || e.value == value);
    }

    @Override
    public int hashCode() {
        return present ? Long.hashCode(value) : -1;
    }

    @Override
    public String toString() {
        return present ? "LongExtremum[" + value + "]" : "LongExtremum[none]";
    }
}
