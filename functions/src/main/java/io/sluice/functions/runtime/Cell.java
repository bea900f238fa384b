package io.sluice.functions.runtime;

/**
 * The accumulator of one key in one window. For session windows, cells of one key form a chain sorted by start,
 * pairwise non-touching.
 */
final class Cell {

    final String key;
    long start;
    long end;
    Object acc;
    Cell next;
    /**
     * The last encoding of this cell in a partial item, reused while {@link #acc} is unchanged: a stream batch touches
     * a few hundred keys of items that hold a thousand, and re-encoding them all was 15 % of stream mode's CPU.
     * Whoever changes {@code acc} of a cell in an item's content clears it ({@code PartialWriter.merge}).
     */
    io.sluice.state.StateEntry encoded;
    /** Where this cell's entry sits in its item's last {@link ItemEncoding}, or -1 if it is new to the item. */
    int entryIndex = -1;

    Cell(String key, long start, long end, Object acc) {
        this.key = key;
        this.start = start;
        this.end = end;
        this.acc = acc;
    }
}
