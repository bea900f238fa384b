package io.sluice.functions.io.s3;

import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.runtime.ResultRow;
import software.amazon.awssdk.core.sync.RequestBody;
import io.sluice.state.dynamodb.ConcurrentCalls;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Final results as one CSV object ({@link ResultCsv}) per fired window range, under a key derived from the rows
 * only: {@code <prefix><pipeline>/<first window start>-<last window end>.csv}, with starts and ends zero-padded to
 * 13 digits so keys list in time order. A repeated firing rewrites the same key with the same bytes. Early
 * (non-final) rows are left to the results table: an object per early update would only be overwritten.
 *
 * <pre>{@code
 * ResultsSink sink = new S3ResultsSink(s3, "sluice-dev-results", "results/", ResultCsv.of(GmvPipelines.byCategory()));
 * // results/gmv-by-category/1605024000000-1605024060000.csv
 * }</pre>
 */
public final class S3ResultsSink implements ResultsSink {

    private static final int MAX_IN_FLIGHT = 16;
    private static final Comparator<ResultRow> ORDER = Comparator.comparingLong(ResultRow::windowStart)
            .thenComparing(r -> r.key() == null ? "" : r.key());

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final ResultCsv csv;
    /** Objects put at once when several windows fire together. */
    private final ConcurrentCalls concurrent = new ConcurrentCalls(MAX_IN_FLIGHT);

    public S3ResultsSink(S3Client s3, String bucket, String prefix, ResultCsv csv) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.csv = csv;
    }

    @Override
    public void write(List<ResultRow> rows) {
        List<ResultRow> finals = new ArrayList<>(rows.size());
        for (ResultRow row : rows) {
            if (row.isFinal()) {
                finals.add(row);
            }
        }
        if (finals.isEmpty()) {
            return;
        }
        finals.sort(ORDER);
        long start = finals.get(0).windowStart();
        long end = finals.stream().mapToLong(ResultRow::windowEnd).max().orElseThrow();
        s3.putObject(b -> b.bucket(bucket).key(key(finals.get(0).pipeline(), start, end)).contentType("text/csv"),
                RequestBody.fromBytes(render(finals)));
    }

    /** One object per window, as {@link #write} of each, put together: each key names its own window. */
    @Override
    public void writeWindows(List<List<ResultRow>> windows) {
        List<Callable<Void>> puts = new ArrayList<>(windows.size());
        for (List<ResultRow> rows : windows) {
            puts.add(() -> {
                write(rows);
                return null;
            });
        }
        concurrent.all(puts);
    }

    /** The object key of the window range {@code [start, end)}. */
    public String key(String pipeline, long start, long end) {
        return prefix + pipeline + "/" + padded(start) + "-" + padded(end) + ".csv";
    }

    private byte[] render(List<ResultRow> rows) {
        StringWriter out = new StringWriter(64 + rows.size() * 32);
        try {
            csv.write(rows, out);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String padded(long millis) {
        String s = Long.toString(millis);
        return millis >= 0 && s.length() < 13 ? "0".repeat(13 - s.length()) + s : s;
    }
}
