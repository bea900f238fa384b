package io.sluice.functions.io.kinesis;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.api.Tabular;
import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.runtime.ResultRow;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Results to a Kinesis output stream, one JSON record per row with the row's coordinates as its identity
 * ({@code pipeline, window_start_ms, window_end_ms, key, final}) and partition key {@code pipeline#key}. Kinesis
 * cannot deduplicate, so a repeated firing appends the same records again: consumers keep the last record per
 * identity (an upsert), which makes the output idempotent end to end.
 *
 * <pre>{@code
 * ResultsSink sink = new KinesisOutputSink(kinesis, "sluice-dev-results", List.of("count", "sum_cents"));
 * }</pre>
 */
public final class KinesisOutputSink implements ResultsSink {

    private static final int BATCH = 500;
    private static final int MAX_ATTEMPTS = 8;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KinesisClient kinesis;
    private final String stream;
    private final List<String> columns;

    public KinesisOutputSink(KinesisClient kinesis, String stream, List<String> columns) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.columns = List.copyOf(columns);
    }

    @Override
    public void write(List<ResultRow> rows) {
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (ResultRow row : rows.subList(from, Math.min(rows.size(), from + BATCH))) {
                entries.add(PutRecordsRequestEntry.builder()
                        .partitionKey(row.pipeline() + "#" + (row.key() == null ? "" : row.key()))
                        .data(SdkBytes.fromUtf8String(json(row)))
                        .build());
            }
            put(entries);
        }
    }

    /**
     * Every window's records share the {@code PutRecords} calls: consumers keep the last record per row identity,
     * which names the window, so the order of windows (never promised across records anyway) changes nothing.
     */
    @Override
    public void writeWindows(List<List<ResultRow>> windows) {
        List<ResultRow> all = new ArrayList<>();
        windows.forEach(all::addAll);
        write(all);
    }

    /** The record of {@code row}. */
    String json(ResultRow row) {
        ObjectNode node = JSON.createObjectNode()
                .put("pipeline", row.pipeline())
                .put("window_start_ms", row.windowStart())
                .put("window_end_ms", row.windowEnd())
                .put("key", row.key())
                .put("final", row.isFinal());
        List<String> values = row.value() instanceof Tabular t ? t.columnValues() : List.of(String.valueOf(row.value()));
        for (int i = 0; i < values.size() && i < columns.size(); i++) {
            String v = values.get(i);
            // Exact integers stay numbers (sums in cents can pass 2^53, so as BigInteger, never as double).
            if (v.matches("-?\\d{1,38}")) {
                node.put(columns.get(i), new BigInteger(v));
            } else {
                node.put(columns.get(i), v);
            }
        }
        return node.toString();
    }

    private void put(List<PutRecordsRequestEntry> entries) {
        List<PutRecordsRequestEntry> pending = entries;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException("output stream [" + stream + "] refused " + pending.size()
                        + " records after " + MAX_ATTEMPTS + " attempts");
            }
            List<PutRecordsRequestEntry> batch = pending;
            PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(batch));
            if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                return;
            }
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(batch.get(i));
                }
            }
            pending = failed;
        }
    }
}
