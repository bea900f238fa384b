package io.sluice.functions.driver;

import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.dynamodb.ConcurrentCalls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

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
        List<Callable<Void>> writes = new ArrayList<>(results.size());
        for (ResultsSink sink : results) {
            writes.add(() -> {
                sink.write(rows);
                return null;
            });
        }
        concurrent.all(writes);
        rowsOut.add(rows.size());
    }

    @Override
    public void late(LateRecord record) {
        late.write(record);
    }

    @Override
    public void rejected(RejectedRecord record) {
        rejected.write(record);
    }

    /** Rows (final and early) handed to the results sinks so far. */
    public long rowsOut() {
        return rowsOut.sum();
    }
}
