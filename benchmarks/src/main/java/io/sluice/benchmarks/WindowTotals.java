package io.sluice.benchmarks;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.runtime.ResultRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain loops' aggregation state: count and exact sum per tumbling window and key, in {@code HashMap}s, with
 * the last window's map cached (records arrive nearly in time order). Also the canonical, sorted form of a result
 * that every variant of the benchmark is compared in.
 *
 * <pre>{@code
 * WindowTotals totals = new WindowTotals(60_000);
 * totals.add(order.ts(), order.category(), order.amount());
 * List<WindowTotals.Row> rows = totals.rows();   // sorted by window start, then key
 * }</pre>
 */
final class WindowTotals {

    /** One result row: window {@code [start, end)}, key ("" for a global window), count and sum. */
    record Row(long start, long end, String key, long count, long sum) {
    }

    private static final Comparator<Row> ORDER = Comparator.comparingLong(Row::start).thenComparing(Row::key)
            .thenComparingLong(Row::end);

    private final long size;
    private final Map<Long, Map<String, long[]>> windows = new HashMap<>();
    private long lastStart = Long.MIN_VALUE;
    private Map<String, long[]> last;

    /** @param sizeMillis tumbling window size, windows aligned to the epoch */
    WindowTotals(long sizeMillis) {
        this.size = sizeMillis;
    }

    /** Adds one record; {@code key} is "" for a global window. */
    void add(long ts, String key, long amount) {
        long start = ts - Math.floorMod(ts, size);
        if (start != lastStart || last == null) {
            last = windows.computeIfAbsent(start, s -> new HashMap<>());
            lastStart = start;
        }
        long[] cs = last.get(key);
        if (cs == null) {
            cs = new long[2];
            last.put(key, cs);
        }
        cs[0]++;
        cs[1] = Math.addExact(cs[1], amount);
    }

    /** The totals as sorted rows. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Long, Map<String, long[]>> w : windows.entrySet()) {
            long start = w.getKey();
            for (Map.Entry<String, long[]> k : w.getValue().entrySet()) {
                rows.add(new Row(start, start + size, k.getKey(), k.getValue()[0], k.getValue()[1]));
            }
        }
        rows.sort(ORDER);
        return rows;
    }

    /** Sluice's final results as sorted rows. */
    static List<Row> rowsOf(List<ResultRow> results) {
        List<Row> rows = new ArrayList<>(results.size());
        for (ResultRow r : results) {
            CountAndSum v = (CountAndSum) r.value();
            rows.add(new Row(r.windowStart(), r.windowEnd(), r.key() == null ? "" : r.key(), v.count(), v.sum()));
        }
        rows.sort(ORDER);
        return rows;
    }

    /** Null if equal, else a description of the first difference. */
    static String difference(List<Row> expected, List<Row> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "row " + i + ": expected " + expected.get(i) + " but was " + actual.get(i);
            }
        }
        if (expected.size() != actual.size()) {
            return "expected " + expected.size() + " rows but was " + actual.size() + " (first extra: "
                    + (expected.size() > n ? expected.get(n) : actual.get(n)) + ")";
        }
        return null;
    }
}
