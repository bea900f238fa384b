package io.sluice.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums of result rows: per window over every key (the total curve), and per key (the top keys).
 *
 * <pre>{@code
 * Series s = Series.of(rows);
 * s.total();          // one Point per window start, ascending
 * s.topKeys(5);       // the 5 keys with the highest GMV over the rows, highest first (ties: key ascending)
 * }</pre>
 */
public final class Series {

    private final TreeMap<Long, Point> total = new TreeMap<>();
    private final Map<String, TreeMap<Long, Point>> byKey = new LinkedHashMap<>();

    private Series() {
    }

    public static Series of(List<ResultItem> rows) {
        Series s = new Series();
        for (ResultItem row : rows) {
            s.total.merge(row.windowStart(), new Point(row.windowStart(), 0, 0, true).plus(row), (a, b) -> a.plus(row));
            s.byKey.computeIfAbsent(row.key(), k -> new TreeMap<>())
                    .merge(row.windowStart(), new Point(row.windowStart(), 0, 0, true).plus(row), (a, b) -> a.plus(row));
        }
        return s;
    }

    public List<Point> total() {
        return List.copyOf(total.values());
    }

    /** The window of {@code t}'s series at or before {@code t}, if any. */
    public Point totalAt(long t) {
        Point p = total.get(t);
        return p == null ? new Point(t, 0, 0, true) : p;
    }

    /** GMV of a key in one window (0 when it has no row). */
    public long keyAt(String key, long t) {
        TreeMap<Long, Point> points = byKey.get(key);
        Point p = points == null ? null : points.get(t);
        return p == null ? 0 : p.sumCents();
    }

    /** Total GMV of windows starting at or before {@code t}. */
    public long sumThrough(long t) {
        long sum = 0;
        for (Point p : total.headMap(t, true).values()) {
            sum = Math.addExact(sum, p.sumCents());
        }
        return sum;
    }

    /** The latest window start at or before {@code t} that has rows, or -1. */
    public long latestAtOrBefore(long t) {
        Long k = total.floorKey(t);
        return k == null ? -1 : k;
    }

    /** The {@code n} keys with the highest GMV over all windows, highest first, with their series. */
    public List<KeySeries> topKeys(int n) {
        return rank(points -> points.values().stream().mapToLong(Point::sumCents).reduce(0L, Math::addExact)).stream()
                .limit(n).toList();
    }

    /** The {@code n} keys with the highest GMV in window {@code t}, highest first. */
    public List<KeySeries> topKeysAt(int n, long t) {
        return rank(points -> points.containsKey(t) ? points.get(t).sumCents() : -1L).stream()
                .filter(k -> k.score() >= 0).limit(n).toList();
    }

    private List<KeySeries> rank(java.util.function.ToLongFunction<TreeMap<Long, Point>> score) {
        List<KeySeries> all = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, Point>> e : byKey.entrySet()) {
            TreeMap<Long, Point> points = e.getValue();
            long count = points.values().stream().mapToLong(Point::count).reduce(0L, Math::addExact);
            long sum = points.values().stream().mapToLong(Point::sumCents).reduce(0L, Math::addExact);
            all.add(new KeySeries(e.getKey(), count, sum, score.applyAsLong(points), List.copyOf(points.values())));
        }
        all.sort(Comparator.comparingLong(KeySeries::score).reversed().thenComparing(KeySeries::key));
        return all;
    }

    /**
     * A key's series: its totals over the range and its points.
     *
     * @param score what it was ranked by (not serialised)
     */
    public record KeySeries(String key, long count, long sumCents,
                            @com.fasterxml.jackson.annotation.JsonIgnore long score, List<Point> points) {
    }
}
