package io.sluice.state;

/**
 * A time range that partials are grouped by: a window {@code [start, end)} for tumbling and sliding windows, or a
 * pane of session start times for session windows. Slots are indexed by end so a firing finds those the
 * watermark has passed.
 *
 * @param start inclusive start, epoch milliseconds
 * @param end   exclusive end, epoch milliseconds; greater than {@code start}
 */
public record Slot(long start, long end) implements Comparable<Slot> {

    public Slot {
        if (end <= start) {
            throw new IllegalArgumentException("slot end must be after start: [" + start + "," + end + ")");
        }
    }

    /** A stable textual identity, {@code "start_end"}, usable in item keys. */
    public String id() {
        return start + "_" + end;
    }

    /**
     * Parses {@link #id()}.
     *
     * @throws IllegalArgumentException if {@code id} is not of that form
     */
    public static Slot parse(String id) {
        int sep = id.indexOf('_', 1);
        if (sep < 0) {
            throw new IllegalArgumentException("not a slot id: [" + id + "]");
        }
        return new Slot(Long.parseLong(id.substring(0, sep)), Long.parseLong(id.substring(sep + 1)));
    }

    @Override
    public int compareTo(Slot o) {
        int c = Long.compare(end, o.end);
        return c != 0 ? c : Long.compare(start, o.start);
    }

    @Override
    public String toString() {
        return "[" + start + "," + end + ")";
    }
}
