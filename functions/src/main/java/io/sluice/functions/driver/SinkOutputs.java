package io.sluice.functions.driver;

import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Binds the runtime's {@link Outputs} to sinks: every results sink gets each firing, late and rejected records go to
 * their own sink. Counts what it forwarded, for metrics.
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

    public SinkOutputs(List<ResultsSink> results, RecordSink<LateRecord> late, RecordSink<RejectedRecord> rejected) {
        this.results = List.copyOf(results);
        this.late = late;
        this.rejected = rejected;
    }

    @Override
    public void results(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        for (ResultsSink sink : results) {
            sink.write(rows);
        }
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
