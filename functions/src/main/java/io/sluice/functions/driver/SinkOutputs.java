package io.sluice.functions.driver;

import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.dynamodb.ConcurrentCalls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Binds the runtime's {@link Outputs} to sinks: every results sink gets each firing, late and rejected records go to
 * their own sink. Counts what it forwarded, for metrics.
 *
 * <p>The results sinks are written together (the S3 object, the results table, its totals, an output stream): each
 * is independent of the others, so a firing waits for the slowest, not for their sum. {@link #results} returns, or
 * throws the first failure in the sinks' order, only when every sink has finished, so the firer marks a window fired
 * after all of them hold its rows; a failed firing writes them all again, which the sinks absorb (deterministic keys,
 * or an upsert by row identity for an output stream).
 *
 * <p>Late and rejected records are held per split until the runtime {@linkplain #flush flushes} the split (before it
 * writes the batch's partials), then handed to their sink in one {@link RecordSink#writeAll} each: a batch's side
 * outputs cost a few calls, not one per record (issue 14). A record emitted again before the flush (an attempt that
 * failed before its flush, then its retry) replaces the first by its position, so it is sent once.
 *
 * <pre>{@code
 * Outputs outputs = new SinkOutputs(List.of(s3Results, dynamoResults), lateSink, deadLetters);
 * }</pre>
 */
public final class SinkOutputs implements Outputs {

    private final List<ResultsSink> results;
    private final RecordSink<LateRecord> late;
    private final RecordSink<RejectedRecord> rejected;
    private final LongAdder rowsOut = new LongAdder();
    private final ConcurrentCalls concurrent;
    /** Per split: its records not yet flushed, by position. A split is processed by one thread at a time. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public SinkOutputs(List<ResultsSink> results, RecordSink<LateRecord> late, RecordSink<RejectedRecord> rejected) {
        this.results = List.copyOf(results);
        this.late = late;
        this.rejected = rejected;
        this.concurrent = new ConcurrentCalls(Math.max(1, this.results.size()));
    }

    @Override
    public void results(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        toEverySink(sink -> sink.write(rows));
        rowsOut.add(rows.size());
    }

    /**
     * Each sink gets every window at once ({@link ResultsSink#writeWindows}), the sinks together as for one window: a
     * firing of several windows waits for the slowest sink's one wave, not for one wave per window. No sink depends
     * on the order of windows (each object, item and record is keyed by its window), and a sink that would keeps
     * {@code writeWindows}' default, one window after the other in firing order. Windows without rows are skipped,
     * as in {@link #results}.
     */
    @Override
    public void resultsOfWindows(List<List<ResultRow>> windows) {
        List<List<ResultRow>> withRows = windows.stream().filter(rows -> !rows.isEmpty()).toList();
        if (withRows.isEmpty()) {
            return;
        }
        toEverySink(sink -> sink.writeWindows(withRows));
        rowsOut.add(withRows.stream().mapToLong(List::size).sum());
    }

    /** {@code write} to every results sink at once; returns, or throws the first failure, once all have finished. */
    private void toEverySink(Consumer<ResultsSink> write) {
        List<Callable<Void>> writes = new ArrayList<>(results.size());
        for (ResultsSink sink : results) {
            writes.add(() -> {
                write.accept(sink);
                return null;
            });
        }
        concurrent.all(writes);
    }

    @Override
    public void late(LateRecord record) {
        pendingOf(record.split()).add(record.position(), record);
    }

    @Override
    public void rejected(RejectedRecord record) {
        pendingOf(record.split()).add(record.position(), record);
    }

    /**
     * Sends the split's held records, dead letters first; they are forgotten only once their sink took them, so a
     * failed send leaves them for the retry's flush (which emits the same records again, replacing them).
     */
    @Override
    public void flush(String split) {
        Pending p = pending.get(split);
        if (p == null) {
            return;
        }
        List<RejectedRecord> deadLetters = p.snapshot(RejectedRecord.class);
        if (!deadLetters.isEmpty()) {
            rejected.writeAll(deadLetters);
            p.sent(deadLetters.stream().map(RejectedRecord::position).toList(), deadLetters);
        }
        List<LateRecord> lateRecords = p.snapshot(LateRecord.class);
        if (!lateRecords.isEmpty()) {
            late.writeAll(lateRecords);
            p.sent(lateRecords.stream().map(LateRecord::position).toList(), lateRecords);
        }
    }

    /** Late and rejected records held for {@code split} (0 after its flush). */
    public int pending(String split) {
        Pending p = pending.get(split);
        return p == null ? 0 : p.size();
    }

    /** Rows (final and early) handed to the results sinks so far. */
    public long rowsOut() {
        return rowsOut.sum();
    }

    private Pending pendingOf(String split) {
        return pending.computeIfAbsent(split, s -> new Pending());
    }

    /**
     * A split's held records, late and rejected apart (a record is never both), insertion-ordered by first emission.
     * Synchronized: the "firing" split's rows can come from two runs of one S3 batch instance at once.
     */
    private static final class Pending {
        private final Map<String, LateRecord> late = new LinkedHashMap<>();
        private final Map<String, RejectedRecord> rejected = new LinkedHashMap<>();

        synchronized void add(String position, Object record) {
            if (record instanceof LateRecord l) {
                late.put(position, l);
            } else {
                rejected.put(position, (RejectedRecord) record);
            }
        }

        @SuppressWarnings("unchecked")
        synchronized <T> List<T> snapshot(Class<T> type) {
            return new ArrayList<>((type == LateRecord.class ? late : rejected).values().stream().map(v -> (T) v)
                    .toList());
        }

        /** Forgets what was sent, unless a record was emitted again meanwhile (then that one is still due). */
        synchronized void sent(List<String> positions, List<?> records) {
            for (int i = 0; i < positions.size(); i++) {
                Object record = records.get(i);
                (record instanceof LateRecord ? late : rejected).remove(positions.get(i), record);
            }
        }

        synchronized int size() {
            return late.size() + rejected.size();
        }
    }
}
