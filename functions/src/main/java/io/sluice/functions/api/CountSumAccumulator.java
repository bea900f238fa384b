package io.sluice.functions.api;

/**
 * Mutable accumulator of {@link Aggregates#countAndSum}: a count and an exact sum. Adding past
 * {@code Long.MAX_VALUE} throws {@link ArithmeticException} instead of wrapping around.
 */
public final class CountSumAccumulator {

    private long count;
    private long sum;

    public CountSumAccumulator() {
    }

    public CountSumAccumulator(long count, long sum) {
        this.count = count;
        this.sum = sum;
    }

    /**
     * Adds one value.
     *
     * @throws ArithmeticException if the count or the sum would overflow
     */
    public CountSumAccumulator add(long value) {
        sum = Math.addExact(sum, value);
        count = Math.addExact(count, 1);
        return this;
    }

    /**
     * Adds another accumulator's count and sum to this one.
     *
     * @throws ArithmeticException if the count or the sum would overflow
     */
    public CountSumAccumulator merge(CountSumAccumulator other) {
        sum = Math.addExact(sum, other.sum);
        count = Math.addExact(count, other.count);
        return this;
    }

    public long count() {
        return count;
    }

    public long sum() {
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CountSumAccumulator a && a.count == count && a.sum == sum;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Long.hashCode(sum);
    }

    @Override
    public String toString() {
        return "CountSumAccumulator[count=" + count + ", sum=" + sum + "]";
    }
}
