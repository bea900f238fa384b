package io.sluice.functions.io.dynamodb;

import io.sluice.functions.api.Tabular;
import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.dynamodb.ConcurrentCalls;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Results in a DynamoDB table a dashboard queries by time range: {@code pk} = pipeline, {@code sk} = window start
 * zero-padded to 13 digits, {@code #}, key; so {@code pk = :p AND sk BETWEEN :from AND :to} returns every key of a
 * time range in order. Attributes: {@code ws}, {@code we} (N), {@code k} (S, absent for global windows),
 * {@code final} (BOOL), one attribute per value column, and {@code ttl} (window end plus the retention, epoch
 * seconds) when a retention is set. Early rows are overwritten by the final row of the same window and key; a
 * repeated firing writes the same items, byte for byte, since nothing in them depends on when they were written.
 *
 * <p>A window's rows go out as {@code BatchWriteItem}s of 25, up to {@link #DEFAULT_MAX_IN_FLIGHT} at once: a window
 * of 1,600 keys waits 1 round trip instead of 64. The puts are unconditional and idempotent, so their order
 * does not matter; {@link #write} returns (or throws) only when every request has finished, so the firer marks the
 * window fired after all of its rows are stored.
 *
 * <pre>{@code
 * ResultsSink sink = new DynamoDbResultsSink(dynamo, "sluice-dev-results", List.of("count", "sum_cents"),
 *         Duration.ofDays(400));
 * // query: pk = "gmv-by-category" AND sk BETWEEN "1605024000000#" AND "1605027600000#"
 * }</pre>
 */
public final class DynamoDbResultsSink implements ResultsSink {

    /** TTL attribute of the results table. */
    public static final String TTL = "ttl";
    /** {@code BatchWriteItem} requests in flight at once, as the state store's partial writes. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    private static final int BATCH = 25;
    private static final int MAX_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final List<String> columns;
    private final long retentionSeconds;
    private final ConcurrentCalls concurrent;

    /**
     * @param columns   names of the value columns, as in the result CSV
     * @param retention how long after its window's end an item may expire; zero keeps items
     */
    public DynamoDbResultsSink(DynamoDbClient dynamo, String table, List<String> columns, Duration retention) {
        this(dynamo, table, columns, retention, DEFAULT_MAX_IN_FLIGHT);
    }

    /** @param maxInFlight {@code BatchWriteItem} requests sent at once, {@code >= 1} (1: one after the other) */
    public DynamoDbResultsSink(DynamoDbClient dynamo, String table, List<String> columns, Duration retention,
                               int maxInFlight) {
        this.dynamo = dynamo;
        this.table = table;
        this.columns = List.copyOf(columns);
        this.retentionSeconds = retention.toSeconds();
        this.concurrent = new ConcurrentCalls(maxInFlight);
    }

    @Override
    public void write(List<ResultRow> rows) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(rows.size());
        for (ResultRow row : rows) {
            items.add(item(row));
        }
        putItems(items);
    }

    /** Every window's rows share the batches of 25: items are keyed by window and key, so windows never collide. */
    @Override
    public void writeWindows(List<List<ResultRow>> windows) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (List<ResultRow> rows : windows) {
            for (ResultRow row : rows) {
                items.add(item(row));
            }
        }
        putItems(items);
    }

    /**
     * Writes items in batches of 25 sent together, each retrying its unprocessed items (also for the window totals
     * beside the rows); returns when all are stored.
     */
    void putItems(List<Map<String, AttributeValue>> items) {
        List<Callable<Void>> batches = new ArrayList<>((items.size() + BATCH - 1) / BATCH);
        for (int from = 0; from < items.size(); from += BATCH) {
            List<WriteRequest> requests = new ArrayList<>(BATCH);
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + BATCH))) {
                requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            batches.add(() -> {
                flush(requests);
                return null;
            });
        }
        concurrent.all(batches);
    }

    /** The sort key of a row: window start, then key, so a range of starts is one query. */
    public static String sortKey(ResultRow row) {
        String start = Long.toString(row.windowStart());
        String padded = row.windowStart() >= 0 && start.length() < 13 ? "0".repeat(13 - start.length()) + start : start;
        return padded + "#" + (row.key() == null ? "" : row.key());
    }

    private Map<String, AttributeValue> item(ResultRow row) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(row.pipeline()));
        item.put("sk", AttributeValue.fromS(sortKey(row)));
        item.put("ws", AttributeValue.fromN(Long.toString(row.windowStart())));
        item.put("we", AttributeValue.fromN(Long.toString(row.windowEnd())));
        if (row.key() != null) {
            item.put("k", AttributeValue.fromS(row.key()));
        }
        item.put("final", AttributeValue.fromBool(row.isFinal()));
        if (retentionSeconds > 0) {
            item.put(TTL, AttributeValue.fromN(Long.toString(Math.floorDiv(row.windowEnd(), 1000L) + retentionSeconds)));
        }
        List<String> values = row.value() instanceof Tabular t ? t.columnValues() : List.of(String.valueOf(row.value()));
        for (int i = 0; i < values.size() && i < columns.size(); i++) {
            String v = values.get(i);
            item.put(columns.get(i), isInteger(v) ? AttributeValue.fromN(v) : AttributeValue.fromS(v));
        }
        return item;
    }

    private void flush(List<WriteRequest> requests) {
        Map<String, List<WriteRequest>> unprocessed = Map.of(table, requests);
        for (int attempt = 1; !unprocessed.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException("results table [" + table + "] left " + unprocessed.get(table).size()
                        + " items unprocessed after " + MAX_ATTEMPTS + " attempts");
            }
            if (attempt > 1) {
                sleep(Math.min(1_000L, 25L << attempt));
            }
            Map<String, List<WriteRequest>> batch = unprocessed;
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(batch));
            unprocessed = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        }
    }

    private static boolean isInteger(String v) {
        if (v.isEmpty() || v.length() > 38) {
            return false;
        }
        for (int i = v.charAt(0) == '-' && v.length() > 1 ? 1 : 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed result items", e);
        }
    }
}
