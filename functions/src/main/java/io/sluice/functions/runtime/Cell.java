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

    Cell(String key, long start, long end, Object acc) {
        this.key = key;
        this.start = start;
        this.end = end;
        this.acc = acc;
    }
}
