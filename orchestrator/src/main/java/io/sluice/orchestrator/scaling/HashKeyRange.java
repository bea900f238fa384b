package io.sluice.orchestrator.scaling;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An inclusive range of Kinesis hash keys, {@code [start, end]} within {@code [0, 2^128 - 1]}. A record
 * goes to the shard whose range holds the MD5 of its partition key read as an unsigned 128-bit integer.
 *
 * <pre>{@code
 * HashKeyRange whole = HashKeyRange.WHOLE;                       // [0, 340282366920938463463374607431768211455]
 * HashKeyRange left = HashKeyRange.of(BigInteger.ZERO, whole.midpoint().subtract(BigInteger.ONE));
 * double f = left.fraction();                                      // 0.5
 * }</pre>
 *
 * @param start first hash key of the range
 * @param end last hash key of the range, {@code >= start}
 */
public record HashKeyRange(BigInteger start, BigInteger end) {
    /** Largest Kinesis hash key, {@code 2^128 - 1}. */
    public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    /** The whole hash key space: what a one-shard stream covers. */
    public static final HashKeyRange WHOLE = new HashKeyRange(BigInteger.ZERO, MAX_HASH_KEY);
    private static final double SPACE = Math.pow(2, 128);

    /**
     * @throws IllegalArgumentException if the range is empty or outside {@code [0, 2^128 - 1]}
     */
    public HashKeyRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.signum() < 0 || end.compareTo(MAX_HASH_KEY) > 0 || start.compareTo(end) > 0) {
            throw new IllegalArgumentException("Invalid hash key range [" + start + ", " + end + "]");
        }
    }

    /**
     * @param start first hash key
     * @param end last hash key
     * @return the range {@code [start, end]}
     */
    public static HashKeyRange of(BigInteger start, BigInteger end) {
        return new HashKeyRange(start, end);
    }

    /**
     * @param start first hash key in decimal, as ListShards returns it
     * @param end last hash key in decimal
     * @return the range
     */
    public static HashKeyRange of(String start, String end) {
        return new HashKeyRange(new BigInteger(start), new BigInteger(end));
    }

    /**
     * The {@code i}-th of {@code n} equal ranges, as UpdateShardCount with uniform scaling lays them out.
     *
     * @param i index in {@code [0, n)}
     * @param n number of ranges
     * @return the range
     */
    public static HashKeyRange uniform(int i, int n) {
        BigInteger size = MAX_HASH_KEY.add(BigInteger.ONE);
        BigInteger from = size.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(n));
        BigInteger to = size.multiply(BigInteger.valueOf(i + 1L)).divide(BigInteger.valueOf(n)).subtract(BigInteger.ONE);
        return new HashKeyRange(from, to);
    }

    /** @return number of hash keys in the range */
    public BigInteger size() {
        return end.subtract(start).add(BigInteger.ONE);
    }

    /** @return share of the whole hash key space, in {@code (0, 1]} */
    public double fraction() {
        return size().doubleValue() / SPACE;
    }

    /** @return the first key of the upper half: what a split at the midpoint passes as NewStartingHashKey */
    public BigInteger midpoint() {
        return start.add(size().shiftRight(1)).max(start.add(BigInteger.ONE)).min(end);
    }

    /**
     * @param key a hash key
     * @return whether the key is in the range
     */
    public boolean contains(BigInteger key) {
        return key.compareTo(start) >= 0 && key.compareTo(end) <= 0;
    }

    /**
     * @param other another range
     * @return whether {@code other} starts right after this range ends (a mergeable pair)
     */
    public boolean isFollowedBy(HashKeyRange other) {
        return end.add(BigInteger.ONE).equals(other.start);
    }

    /**
     * @param other another range
     * @return whether the two ranges share a hash key
     */
    public boolean overlaps(HashKeyRange other) {
        return start.compareTo(other.end) <= 0 && other.start.compareTo(end) <= 0;
    }

    /**
     * @param position position of a key as a fraction of the range (0 = start, 1 = end)
     * @return the hash key at that position, clamped into the range
     */
    public BigInteger keyAt(double position) {
        double p = Math.max(0, Math.min(1, position));
        BigInteger offset = new java.math.BigDecimal(size().subtract(BigInteger.ONE))
                .multiply(java.math.BigDecimal.valueOf(p)).toBigInteger();
        return start.add(offset);
    }

    /**
     * @param key a hash key inside the range
     * @return its position as a fraction of the range, in {@code [0, 1]}
     */
    public double positionOf(BigInteger key) {
        return key.subtract(start).doubleValue() / size().doubleValue();
    }
}
