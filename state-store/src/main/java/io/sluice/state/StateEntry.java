package io.sluice.state;

import java.util.Arrays;
import java.util.Objects;

/**
 * The encoded accumulator of one key in one window, inside a {@link Partial}.
 *
 * @param key         the grouping key in its string form ({@code ""} for global windows)
 * @param windowStart inclusive window start, epoch ms (for tumbling windows the slot's start)
 * @param windowEnd   exclusive window end, epoch ms
 * @param accumulator the accumulator as encoded by the pipeline's codec; never mutated
 */
public record StateEntry(String key, long windowStart, long windowEnd, byte[] accumulator) {

    public StateEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(accumulator, "accumulator");
    }

    /** Bytes this entry adds to a stored item, as a store would count them (key, two longs, the accumulator). */
    public int approximateSize() {
        return key.length() + 16 + accumulator.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateEntry e && key.equals(e.key) && windowStart == e.windowStart
                && windowEnd == e.windowEnd && Arrays.equals(accumulator, e.accumulator);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, windowStart, windowEnd) * 31 + Arrays.hashCode(accumulator);
    }

    @Override
    public String toString() {
        return "StateEntry[" + key + " [" + windowStart + "," + windowEnd + ") " + accumulator.length + " bytes]";
    }
}
