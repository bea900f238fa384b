package io.sluice.functions.runtime;

import io.sluice.state.Slot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory combiner of one batch: cells by slot, then by key. Records of a batch mostly fall in the same window,
 * so the last slot is cached to spare a map lookup per record.
 */
final class Accumulators {

    private final Map<Slot, Map<String, Cell>> slots = new HashMap<>();
    private final int expectedKeys;
    private Slot lastSlot;
    private Map<String, Cell> lastCells;

    Accumulators() {
        this(0);
    }

    /** Cells whose slots start with room for {@code expectedKeys} keys (a split's batches touch about as many). */
    Accumulators(int expectedKeys) {
        this.expectedKeys = expectedKeys;
    }

    /** The cells of the slot {@code [start, end)}, created if absent. */
    Map<String, Cell> slot(long start, long end) {
        Slot last = lastSlot;
        if (last != null && last.start() == start && last.end() == end) {
            return lastCells;
        }
        Slot slot = new Slot(start, end);
        Map<String, Cell> cells = slots.computeIfAbsent(slot, s -> new CellMap(expectedKeys));
        lastSlot = slot;
        lastCells = cells;
        return cells;
    }

    /** Keys of the slot that has the most. */
    int largestSlot() {
        int largest = 0;
        for (Map<String, Cell> cells : slots.values()) {
            largest = Math.max(largest, cells.size());
        }
        return largest;
    }

    boolean isEmpty() {
        return slots.isEmpty();
    }

    /** Every cell, chains unrolled. */
    List<Cell> cells() {
        List<Cell> all = new ArrayList<>();
        for (Map<String, Cell> byKey : slots.values()) {
            for (Cell head : byKey.values()) {
                for (Cell c = head; c != null; c = c.next) {
                    all.add(c);
                }
            }
        }
        return all;
    }
}
