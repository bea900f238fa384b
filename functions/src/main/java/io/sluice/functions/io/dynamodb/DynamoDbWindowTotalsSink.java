package io.sluice.functions.io.dynamodb;

import io.sluice.functions.api.Tabular;
import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.runtime.ResultRow;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One item per fired window next to the rows of {@link DynamoDbResultsSink}, so a dashboard reads a day's curve as
 * 1,440 items instead of 1,440 times the number of keys: {@code pk = <pipeline>#totals}, {@code sk} = window start
 * zero-padded to 13 digits, {@code ws}, {@code we}, {@code final}, {@code keys} (rows summed), and each integer value
 * column summed over the window's keys ({@code count}, {@code sum_cents}: meaningful for additive aggregates).
 *
 * <p>The firer hands all rows of a window to one {@code write} (a fixed window's final rows, or every open window's
 * early rows), so the item is the window's whole total; a repeated firing writes the same item, and the final total
 * overwrites an early one. A pipeline name holds no {@code #}, so the partition never meets a pipeline's own.
 *
 * <pre>{@code
 * ResultsSink totals = new DynamoDbWindowTotalsSink(dynamo, "sluice-dev-results", List.of("count", "sum_cents"),
 *         Duration.ofDays(400));
 * // query: pk = "gmv-by-category#totals" AND sk BETWEEN "1605024000000" AND "1605110399999"
 * }</pre>
 */
public final class DynamoDbWindowTotalsSink implements ResultsSink {

    /** Suffix of the totals partition: {@code <pipeline>#totals}. */
    public static final String SUFFIX = "#totals";

    private final DynamoDbResultsSink items;
    private final DynamoDbClient dynamo;
    private final String table;
    private final List<String> columns;
    private final long retentionSeconds;

    public DynamoDbWindowTotalsSink(DynamoDbClient dynamo, String table, List<String> columns, Duration retention) {
        this.items = new DynamoDbResultsSink(dynamo, table, columns, retention);
        this.dynamo = dynamo;
        this.table = table;
        this.columns = List.copyOf(columns);
        this.retentionSeconds = retention.toSeconds();
    }

    @Override
    public void write(List<ResultRow> rows) {
        Map<String, Total> totals = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            totals.computeIfAbsent(row.pipeline() + "@" + row.windowStart(), k -> new Total(row)).add(row);
        }
        List<Map<String, AttributeValue>> batch = new ArrayList<>();
        for (Total t : totals.values()) {
            batch.add(t.item());
        }
        items.putItems(batch);
    }

    /** One item per window, as {@link #write} of each, sent in the same batches of 25. */
    @Override
    public void writeWindows(List<List<ResultRow>> windows) {
        List<ResultRow> all = new ArrayList<>();
        windows.forEach(all::addAll);
        write(all);
    }

    private final class Total {
        private final ResultRow first;
        private final BigInteger[] sums = new BigInteger[columns.size()];
        private boolean isFinal = true;
        private long keys;

        Total(ResultRow first) {
            this.first = first;
        }

        void add(ResultRow row) {
            keys++;
            isFinal &= row.isFinal();
            List<String> values = row.value() instanceof Tabular t ? t.columnValues() : List.of(String.valueOf(row.value()));
            for (int i = 0; i < values.size() && i < columns.size(); i++) {
                try {
                    BigInteger v = new BigInteger(values.get(i));
                    sums[i] = sums[i] == null ? v : sums[i].add(v);
                } catch (NumberFormatException notAnInteger) {
                    sums[i] = null;   // not additive: left out of the total
                }
            }
        }

        Map<String, AttributeValue> item() {
            Map<String, AttributeValue> item = new HashMap<>();
            String start = Long.toString(first.windowStart());
            item.put("pk", AttributeValue.fromS(first.pipeline() + SUFFIX));
            item.put("sk", AttributeValue.fromS(start.length() < 13 && first.windowStart() >= 0
                    ? "0".repeat(13 - start.length()) + start : start));
            item.put("ws", AttributeValue.fromN(start));
            item.put("we", AttributeValue.fromN(Long.toString(first.windowEnd())));
            item.put("final", AttributeValue.fromBool(isFinal));
            item.put("keys", AttributeValue.fromN(Long.toString(keys)));
            for (int i = 0; i < columns.size(); i++) {
                if (sums[i] != null) {
                    item.put(columns.get(i), AttributeValue.fromN(sums[i].toString()));
                }
            }
            if (retentionSeconds > 0) {
                item.put(DynamoDbResultsSink.TTL, AttributeValue.fromN(
                        Long.toString(Math.floorDiv(first.windowEnd(), 1000L) + retentionSeconds)));
            }
            return item;
        }
    }
}
