package io.sluice.functions.api;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Mutable accumulator of {@link Aggregates#approxCountDistinct}: an Apache DataSketches HyperLogLog sketch of
 * {@code 2^}{@value #LG_K} registers (about 2.5 KB once past a few hundred values, exact below that), relative
 * standard error {@code 1.04 / sqrt(4096)} = 1.6 % (3.2 % at 95 % confidence).
 *
 * <p>Merging is a union (the register-wise maximum), which does not depend on order or grouping; the estimate is
 * the sketch's composite estimate, a function of the registers alone (not of the history of updates, as the
 * default HIP estimate is), so a window merged from any partials gives the same number: stream equals batch.
 */
public final class ApproxDistinct {

    /** log2 of the number of registers. */
    public static final int LG_K = 12;

    /** The sketch's compact serialization. */
    public static final AccumulatorCodec<ApproxDistinct> CODEC = AccumulatorCodec.of(
            a -> a.sketch.toCompactByteArray(),
            bytes -> {
                try {
                    return new ApproxDistinct(HllSketch.heapify(bytes));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("corrupt HyperLogLog sketch", e);
                }
            });

    private HllSketch sketch;

    public ApproxDistinct() {
        this(new HllSketch(LG_K, TgtHllType.HLL_8));
    }

    private ApproxDistinct(HllSketch sketch) {
        this.sketch = sketch;
    }

    /** Adds one value, by its {@link String#valueOf} form. */
    public ApproxDistinct add(Object value) {
        sketch.update(String.valueOf(value));
        return this;
    }

    /** The union of both. */
    public ApproxDistinct merge(ApproxDistinct other) {
        Union union = new Union(LG_K);
        union.update(sketch);
        union.update(other.sketch);
        sketch = union.getResult(TgtHllType.HLL_8);
        return this;
    }

    /** The estimated number of distinct values, rounded to the nearest integer. */
    public long estimate() {
        return Math.round(sketch.getCompositeEstimate());
    }

    @Override
    public String toString() {
        return "ApproxDistinct[~" + estimate() + "]";
    }
}
