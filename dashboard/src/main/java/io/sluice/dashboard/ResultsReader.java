package io.sluice.dashboard;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads result rows and consistency reports from the results table, and nothing else (the function's role grants
 * {@code dynamodb:Query} on that table only).
 *
 * <p>A range is read as hour slices queried in parallel ({@value #PARALLEL} at a time), each projecting only
 * {@code ws, k, count, sum_cents, final}: the sort key orders items by window start, so slices never overlap and
 * every item is read once.
 *
 * <pre>{@code
 * ResultsReader reader = new ResultsReader(dynamo, "sluice-dev-results");
 * List<ResultItem> rows = reader.rows("gmv-by-category", from, to);
 * }</pre>
 */
public final class ResultsReader implements AutoCloseable {

    /** Partition prefix of consistency reports: {@code consistency#<pipeline>}. */
    public static final String CONSISTENCY_PREFIX = "consistency#";
    /** Partition suffix of per-window totals ({@code DynamoDbWindowTotalsSink}): {@code <pipeline>#totals}. */
    public static final String TOTALS_SUFFIX = "#totals";
    static final int PARALLEL = 8;
    private static final long SLICE_MILLIS = 3_600_000L;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
        Thread t = new Thread(r, "results-reader");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong itemsRead = new AtomicLong();

    public ResultsReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Rows with window start in {@code [from, to)}, ordered by window start, then key. */
    public List<ResultItem> rows(String pipeline, Instant from, Instant to) {
        List<Future<List<ResultItem>>> slices = new ArrayList<>();
        for (long start = from.toEpochMilli(); start < to.toEpochMilli(); start += SLICE_MILLIS) {
            long s = start;
            long e = Math.min(to.toEpochMilli(), start + SLICE_MILLIS);
            slices.add(pool.submit(() -> slice(pipeline, s, e)));
        }
        List<ResultItem> rows = new ArrayList<>();
        for (Future<List<ResultItem>> slice : slices) {
            try {
                rows.addAll(slice.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading results", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return rows;
    }

    /**
     * Per-window totals in {@code [from, to)} from the {@code <pipeline>#totals} items the firing writes beside the
     * rows (one per window, whatever the number of keys), as items with key {@code ""}.
     */
    public List<ResultItem> totals(String pipeline, Instant from, Instant to) {
        return query(pipeline + TOTALS_SUFFIX, pad(from.toEpochMilli()), pad(to.toEpochMilli() - 1));
    }

    /** The latest consistency report of a pipeline's nightly runs, as stored (attribute name to value). */
    public Optional<Map<String, AttributeValue>> latestConsistencyReport(String pipeline) {
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(CONSISTENCY_PREFIX + pipeline)))
                .scanIndexForward(false).limit(1).build());
        itemsRead.addAndGet(response.count());
        return response.items().stream().findFirst();
    }

    /** Items read from the table since this reader was made (for the benchmark). */
    public long itemsRead() {
        return itemsRead.get();
    }

    // [from, to) as sort keys: "<from>#" <= sk <= "<to - 1>$": '$' sorts right after '#', so every key of the window
    // starting at to - 1 ms is inside and nothing of a later window is.
    private List<ResultItem> slice(String pipeline, long from, long to) {
        return query(pipeline, pad(from) + "#", pad(to - 1) + "$");
    }

    // Every item of pk = partition with sk in [fromKey, toKey], page by page, as result items (key "" when absent).
    private List<ResultItem> query(String partition, String fromKey, String toKey) {
        List<ResultItem> rows = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :p AND sk BETWEEN :from AND :to")
                    .projectionExpression("ws, k, #c, sum_cents, #f")
                    .expressionAttributeNames(Map.of("#c", "count", "#f", "final"))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(partition),
                            ":from", AttributeValue.fromS(fromKey), ":to", AttributeValue.fromS(toKey)));
            if (startKey != null) {
                request.exclusiveStartKey(startKey);
            }
            QueryResponse response = dynamo.query(request.build());
            itemsRead.addAndGet(response.count());
            for (Map<String, AttributeValue> item : response.items()) {
                rows.add(new ResultItem(Long.parseLong(item.get("ws").n()),
                        item.containsKey("k") ? item.get("k").s() : "",
                        number(item.get("count")), number(item.get("sum_cents")),
                        !item.containsKey("final") || item.get("final").bool()));
            }
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (startKey != null);
        return rows;
    }

    private static long number(AttributeValue v) {
        return v == null || v.n() == null ? 0L : Long.parseLong(v.n());
    }

    static String pad(long windowStart) {
        String s = Long.toString(windowStart);
        return s.length() < 13 ? "0".repeat(13 - s.length()) + s : s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
