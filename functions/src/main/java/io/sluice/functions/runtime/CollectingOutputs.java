package io.sluice.functions.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link Outputs} kept in memory; thread-safe. Final results are available sorted by window start then key. */
public final class CollectingOutputs implements Outputs {

    /** Order of CSV output: window start, then key (global rows have no key), then window end. */
    public static final Comparator<ResultRow> ROW_ORDER = Comparator.comparingLong(ResultRow::windowStart)
            .thenComparing(ResultRow::key, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(ResultRow::windowEnd);

    private final List<ResultRow> finalRows = new ArrayList<>();
    private final List<ResultRow> earlyRows = new ArrayList<>();
    private final List<LateRecord> late = new ArrayList<>();
    private final List<RejectedRecord> rejected = new ArrayList<>();

    CollectingOutputs() {
    }

    @Override
    public synchronized void results(List<ResultRow> rows) {
        for (ResultRow row : rows) {
            (row.isFinal() ? finalRows : earlyRows).add(row);
        }
    }

    @Override
    public synchronized void late(LateRecord record) {
        late.add(record);
    }

    @Override
    public synchronized void rejected(RejectedRecord record) {
        rejected.add(record);
    }

    /** Final rows sorted by {@link #ROW_ORDER}. */
    public synchronized List<ResultRow> finalResults() {
        List<ResultRow> sorted = new ArrayList<>(finalRows);
        sorted.sort(ROW_ORDER);
        return sorted;
    }

    /** Early (non-final) rows, in emission order. */
    public synchronized List<ResultRow> earlyResults() {
        return List.copyOf(earlyRows);
    }

    public synchronized List<LateRecord> lateRecords() {
        return List.copyOf(late);
    }

    public synchronized List<RejectedRecord> rejectedRecords() {
        return List.copyOf(rejected);
    }
}
