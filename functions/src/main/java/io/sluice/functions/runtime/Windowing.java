package io.sluice.functions.runtime;

import io.sluice.functions.api.AggregateFunction;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WindowAssigner;
import io.sluice.state.Slot;

import java.util.Map;

/**
 * Window assignment, lateness and cell merging for one {@link WindowAssigner}. Tumbling and sliding windows are
 * their own slots; session fragments are stored in panes of {@value #SESSION_PANE_GAPS} gaps by start time and
 * merged across splits and panes when they fire.
 */
abstract sealed class Windowing {

    /** Session pane width in gaps: wide enough that most sessions sit in one pane. */
    static final int SESSION_PANE_GAPS = 4;

    final AggregateFunction<Object, Object, Object> aggregate;
    final long lateness;

    private Windowing(AggregateFunction<Object, Object, Object> aggregate, long lateness) {
        this.aggregate = aggregate;
        this.lateness = lateness;
    }

    static Windowing of(WindowAssigner assigner, AggregateFunction<Object, Object, Object> aggregate) {
        if (assigner instanceof TumblingWindows t) {
            return new Tumbling(aggregate, t);
        }
        if (assigner instanceof SlidingWindows s) {
            return new Sliding(aggregate, s);
        }
        return new Session(aggregate, (SessionWindows) assigner);
    }

    /**
     * Adds {@code value} to every window of {@code ts} that is not late against {@code watermark}.
     *
     * @return false if the record is late for all its windows (nothing was added)
     */
    abstract boolean add(Accumulators into, String key, Object value, long ts, long watermark);

    /** The slot a cell is stored under. */
    abstract Slot slotOf(Cell cell);

    /** Merges {@code incoming} (detached, owned by the caller) into the cells of its key in {@code content}. */
    abstract void merge(Map<String, Cell> content, Cell incoming);

    /** The first window of {@code ts}, for late-record messages: {start, end}. */
    abstract long[] windowOf(long ts);

    boolean isSession() {
        return false;
    }

    /** Largest slot end that is final at {@code watermark}: {@code end + lateness <= watermark}. */
    long maxFinalEnd(long watermark) {
        return saturatingSubtract(watermark, lateness);
    }

    static long saturatingSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** Fixed windows: one cell per key and window, merged by {@link AggregateFunction#merge}. */
    private abstract static sealed class Fixed extends Windowing permits Tumbling, Sliding {
        Fixed(AggregateFunction<Object, Object, Object> aggregate, long lateness) {
            super(aggregate, lateness);
        }

        final boolean isLate(long end, long watermark) {
            return end <= maxFinalEnd(watermark);
        }

        final void addTo(Accumulators into, long start, long end, String key, Object value) {
            Map<String, Cell> cells = into.slot(start, end);
            Cell cell = cells.get(key);
            if (cell == null) {
                cells.put(key, new Cell(key, start, end, aggregate.add(value, aggregate.createAccumulator())));
            } else {
                cell.acc = aggregate.add(value, cell.acc);
            }
        }

        @Override
        final Slot slotOf(Cell cell) {
            return new Slot(cell.start, cell.end);
        }

        @Override
        final void merge(Map<String, Cell> content, Cell incoming) {
            Cell existing = content.get(incoming.key);
            if (existing == null) {
                incoming.next = null;
                content.put(incoming.key, incoming);
            } else {
                existing.acc = aggregate.merge(existing.acc, incoming.acc);
            }
        }
    }

    private static final class Tumbling extends Fixed {
        private final long size;
        private final long offset;

        Tumbling(AggregateFunction<Object, Object, Object> aggregate, TumblingWindows windows) {
            super(aggregate, windows.allowedLatenessMillis());
            this.size = windows.size().toMillis();
            this.offset = windows.offset().toMillis();
        }

        /** As {@link TumblingWindows#windowStart}, without converting durations per record. */
        private long windowStart(long ts) {
            return ts - Math.floorMod(ts - offset, size);
        }

        @Override
        boolean add(Accumulators into, String key, Object value, long ts, long watermark) {
            long start = windowStart(ts);
            long end = saturatingAdd(start, size);
            if (isLate(end, watermark)) {
                return false;
            }
            addTo(into, start, end, key, value);
            return true;
        }

        @Override
        long[] windowOf(long ts) {
            long start = windowStart(ts);
            return new long[] {start, saturatingAdd(start, size)};
        }
    }

    private static final class Sliding extends Fixed {
        private final long size;
        private final long slide;

        Sliding(AggregateFunction<Object, Object, Object> aggregate, SlidingWindows windows) {
            super(aggregate, windows.allowedLatenessMillis());
            this.size = windows.size().toMillis();
            this.slide = windows.slide().toMillis();
        }

        /**
         * Overflow-safe: the window starts are computed saturating and at most {@code ceil(size / slide)} windows are
         * visited, so a timestamp at either end of the long range never walks ~10^15 windows.
         */
        @Override
        boolean add(Accumulators into, String key, Object value, long ts, long watermark) {
            boolean added = false;
            long firstStart = saturatingSubtract(ts, size);
            long windowsPerRecord = (size + slide - 1) / slide;
            long start = lastStart(ts);
            for (long i = 0; i < windowsPerRecord && start > firstStart; i++) {
                long end = saturatingAdd(start, size);
                if (!isLate(end, watermark)) {
                    addTo(into, start, end, key, value);
                    added = true;
                }
                long next = saturatingSubtract(start, slide);
                if (next == start) {
                    break;
                }
                start = next;
            }
            return added;
        }

        private long lastStart(long ts) {
            return saturatingSubtract(ts, Math.floorMod(ts, slide));
        }

        @Override
        long[] windowOf(long ts) {
            long start = lastStart(ts);
            return new long[] {start, saturatingAdd(start, size)};
        }
    }

    /**
     * Session windows: a record opens {@code [ts, ts + gap)}; windows of one key that overlap or touch merge. A
     * session fires once {@code end + lateness < watermark} (strictly: a record at exactly {@code end} would still
     * extend it). {@link #add} counts a record at once when {@code ts + lateness >= watermark}: it cannot touch a
     * session that is final (it lies after its end). The others are candidates, judged by the session they would
     * join ({@link SessionRescue}).
     */
    static final class Session extends Windowing {
        private final long gap;
        private final long pane;
        private final long firingInterval;

        Session(AggregateFunction<Object, Object, Object> aggregate, SessionWindows windows) {
            super(aggregate, windows.allowedLatenessMillis());
            this.gap = windows.gap().toMillis();
            this.pane = gap > Long.MAX_VALUE / SESSION_PANE_GAPS ? gap : gap * SESSION_PANE_GAPS;
            this.firingInterval = windows.firingInterval().toMillis();
        }

        @Override
        boolean isSession() {
            return true;
        }

        long gap() {
            return gap;
        }

        /** How far the watermark moves between two rounds of a stream ({@link SessionWindows#withFiringInterval}). */
        long firingInterval() {
            return firingInterval;
        }

        /** Width of a pane: fragments are stored in the pane of their start. */
        long pane() {
            return pane;
        }

        long paneStart(long ts) {
            return Math.floorDiv(ts, pane) * pane;
        }

        Slot paneSlot(long paneStart) {
            return new Slot(paneStart, saturatingAdd(paneStart, pane));
        }

        /**
         * Whether a round at {@code watermark} may retire {@code pane} (its sessions being final too): a record two
         * gaps after its last instant would have a final window, so only records whose own window is final, and
         * which touch an open session, can find it retired.
         */
        boolean mayRetire(Slot pane, long watermark) {
            return isFinal(saturatingAdd(pane.end() - 1, saturatingAdd(gap, gap)), watermark);
        }

        /** Whether a session ending at {@code end} is final at {@code watermark}. */
        boolean isFinal(long end, long watermark) {
            return saturatingAdd(end, lateness) < watermark;
        }

        @Override
        boolean add(Accumulators into, String key, Object value, long ts, long watermark) {
            if (saturatingAdd(ts, lateness) < watermark) {
                return false;
            }
            // A batch merges a record's session only with the batch's fragments of the same pane (the pane of the
            // record's timestamp), so each record is stored in that pane whatever else its batch holds: a retry that
            // cuts the batch differently finds it applied by its item's fence instead of writing it again into
            // another pane (found by the simulator, seed 11992). Fragments across panes merge at firing.
            long paneStart = Math.floorDiv(ts, pane) * pane;
            Map<String, Cell> cells = into.slot(paneStart, saturatingAdd(paneStart, pane));
            merge(cells, new Cell(key, ts, saturatingAdd(ts, gap), aggregate.add(value, aggregate.createAccumulator())));
            return true;
        }

        @Override
        Slot slotOf(Cell cell) {
            long start = Math.floorDiv(cell.start, pane) * pane;
            return new Slot(start, saturatingAdd(start, pane));
        }

        @Override
        void merge(Map<String, Cell> content, Cell incoming) {
            Cell merged = incoming;
            merged.next = null;
            Cell head = content.get(merged.key);
            boolean changed = true;
            while (changed) {
                changed = false;
                Cell prev = null;
                for (Cell c = head; c != null; c = c.next) {
                    if (c.start <= merged.end && merged.start <= c.end) {
                        merged.start = Math.min(merged.start, c.start);
                        merged.end = Math.max(merged.end, c.end);
                        merged.acc = aggregate.merge(c.acc, merged.acc);
                        if (prev == null) {
                            head = c.next;
                        } else {
                            prev.next = c.next;
                        }
                        changed = true;
                        break;
                    }
                    prev = c;
                }
            }
            // insert sorted by start
            if (head == null || merged.start < head.start) {
                merged.next = head;
                head = merged;
            } else {
                Cell c = head;
                while (c.next != null && c.next.start < merged.start) {
                    c = c.next;
                }
                merged.next = c.next;
                c.next = merged;
            }
            content.put(merged.key, head);
        }

        @Override
        long[] windowOf(long ts) {
            return new long[] {ts, saturatingAdd(ts, gap)};
        }
    }
}
