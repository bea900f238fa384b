package io.sluice.dashboard;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.io.dynamodb.DynamoDbResultsSink;
import io.sluice.functions.io.dynamodb.DynamoDbWindowTotalsSink;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.Service;
import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh results table on local AWS, written by the real {@link DynamoDbResultsSink} (so the API reads exactly what
 * the firing writes), and the dashboard served over it.
 */
final class ResultsFixture implements AutoCloseable {

    final DynamoDbClient dynamo;
    final String table = "results-" + UUID.randomUUID();
    final DynamoDbResultsSink sink;
    final DynamoDbWindowTotalsSink totals;
    final String endpoint;

    ResultsFixture(LocalAws aws) {
        dynamo = aws.dynamoDb();
        endpoint = aws.endpoint(Service.DYNAMODB).toString();
        // Same key schema (pk, sk strings) as the template's ResultsTable.
        dynamo.createTable(StateTables.createTableRequest(table));
        sink = new DynamoDbResultsSink(dynamo, table, List.of("count", "sum_cents"), Duration.ZERO);
        totals = new DynamoDbWindowTotalsSink(dynamo, table, List.of("count", "sum_cents"), Duration.ZERO);
    }

    static ResultRow row(String pipeline, long windowStart, String key, long count, long sumCents, boolean isFinal) {
        return new ResultRow(pipeline, windowStart, windowStart + 60_000, key, new CountAndSum(count, sumCents), isFinal);
    }

    /** Writes rows as the firer does: each window's rows in one call to the rows sink and the totals sink. */
    void rows(List<ResultRow> rows) {
        Map<String, List<ResultRow>> byWindow = new LinkedHashMap<>();
        rows.forEach(r -> byWindow.computeIfAbsent(r.pipeline() + "@" + r.windowStart(), w -> new ArrayList<>()).add(r));
        for (List<ResultRow> window : byWindow.values()) {
            sink.write(window);
            totals.write(window);
        }
    }

    /** Overwrites one row behind the firer's back (the totals item stays as fired). */
    void tamper(ResultRow row) {
        sink.write(List.of(row));
    }

    /** A consistency report item as the nightly check stores it. */
    void report(String pipeline, String day, String reportJson) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS(ResultsReader.CONSISTENCY_PREFIX + pipeline),
                "sk", AttributeValue.fromS(day),
                "report", AttributeValue.fromS(reportJson))));
    }

    DashboardServer serve() {
        return DashboardServer.start(0, table, endpoint);
    }

    @Override
    public void close() {
        dynamo.deleteTable(b -> b.tableName(table));
        dynamo.close();
    }
}
