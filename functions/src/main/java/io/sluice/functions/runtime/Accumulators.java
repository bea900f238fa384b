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
    private Slot lastSlot;
    private Map<String, Cell> lastCells;

    /** The cells of the slot {@code [start, end)}, created if absent. */
    Map<String, Cell> slot(long start, long end) {
        Slot last = lastSlot;
        if (last != null && last.start() == start && last.end() == end) {
            return lastCells;
        }
        Slot slot = new Slot(start, end);
        Map<String, Cell> cells = slots.computeIfAbsent(slot, s -> new CellMap());
        lastSlot = slot;
        lastCells = cells;
        return cells;
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
