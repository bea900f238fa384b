package io.sluice.orchestrator.nightly;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a batch job's rows with the live rows of the same windows in the results table, row for row, and stores
 * the verdict next to the results: item {@code pk = consistency#<pipeline>}, {@code sk = <day>}, attribute
 * {@code report} (the JSON below), which the dashboard reads.
 *
 * <p>A window differs when its set of keys or any value column differs, or when a live row is not final (the live
 * pipeline never finalised it). Values are compared as stored (exact integers), so "equal" means byte for byte.
 *
 * <pre>{@code
 * ConsistencyReport r = new ConsistencyCheck(dynamo, "sluice-prod-results").compare("gmv-by-category",
 *         "gmv-by-category-nightly-2026-11-11", "2026-11-11", dayStart, dayEnd, clock.millis());
 * r.json();   // {"day":"2026-11-11","status":"CONSISTENT","windowsCompared":1440,"windowsDiffering":0,...}
 * }</pre>
 */
public final class ConsistencyCheck {

    /** Partition prefix of the reports; the dashboard's {@code ResultsReader} reads the same. */
    public static final String REPORT_PREFIX = "consistency#";
    /** How many differing rows a report lists. */
    static final int FIRST_DIFFERENCES = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DynamoDbClient dynamo;
    private final String table;

    public ConsistencyCheck(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Compares the windows starting in {@code [from, to)} and stores the report; returns it. */
    public ConsistencyReport compareAndStore(String pipeline, String jobPipeline, String day, Instant from, Instant to,
                                             long nowMillis) {
        ConsistencyReport report = compare(pipeline, jobPipeline, day, from, to, nowMillis);
        dynamo.putItem(b -> b.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS(REPORT_PREFIX + pipeline),
                "sk", AttributeValue.fromS(day),
                "report", AttributeValue.fromS(report.json()))));
        return report;
    }

    /** Compares the windows starting in {@code [from, to)}. */
    public ConsistencyReport compare(String pipeline, String jobPipeline, String day, Instant from, Instant to,
                                     long nowMillis) {
        Map<Long, Map<String, Map<String, AttributeValue>>> live = rows(pipeline, from, to);
        Map<Long, Map<String, Map<String, AttributeValue>>> offline = rows(jobPipeline, from, to);
        TreeSet<Long> windows = new TreeSet<>(live.keySet());
        windows.addAll(offline.keySet());
        int differing = 0;
        long rows = 0;
        ArrayNode first = JSON.createArrayNode();
        for (long window : windows) {
            Map<String, Map<String, AttributeValue>> l = live.getOrDefault(window, Map.of());
            Map<String, Map<String, AttributeValue>> o = offline.getOrDefault(window, Map.of());
            TreeSet<String> keys = new TreeSet<>(l.keySet());
            keys.addAll(o.keySet());
            boolean differs = false;
            for (String key : keys) {
                rows++;
                Map<String, AttributeValue> lr = l.get(key);
                Map<String, AttributeValue> or = o.get(key);
                boolean liveFinal = lr == null || !lr.containsKey("final") || lr.get("final").bool();
                if (!liveFinal || !Objects.equals(values(lr), values(or))) {
                    differs = true;
                    if (first.size() < FIRST_DIFFERENCES) {
                        ObjectNode d = first.addObject();
                        d.put("window", Instant.ofEpochMilli(window).toString());
                        d.put("windowStart", window);
                        d.put("key", key);
                        d.set("live", lr == null ? null : JSON.valueToTree(values(lr)));
                        d.set("offline", or == null ? null : JSON.valueToTree(values(or)));
                        d.put("liveFinal", liveFinal);
                    }
                }
            }
            if (differs) {
                differing++;
            }
        }
        return new ConsistencyReport(day, pipeline, jobPipeline, windows.size(), differing, rows, nowMillis, first);
    }

    // The value columns of a row, as their stored text: everything but the keys, the window bounds' flag and ttl.
    private static Map<String, String> values(Map<String, AttributeValue> item) {
        if (item == null) {
            return null;
        }
        Map<String, String> values = new TreeMap<>();
        item.forEach((name, v) -> {
            if (!name.equals("pk") && !name.equals("sk") && !name.equals("ttl") && !name.equals("final")) {
                values.put(name, v.n() != null ? v.n() : v.s() != null ? v.s() : v.toString());
            }
        });
        return values;
    }

    private Map<Long, Map<String, Map<String, AttributeValue>>> rows(String pipeline, Instant from, Instant to) {
        Map<Long, Map<String, Map<String, AttributeValue>>> rows = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :p AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pipeline),
                            ":from", AttributeValue.fromS(pad(from.toEpochMilli()) + "#"),
                            // '$' sorts right after '#': every key of the last window is inside, nothing later is.
                            ":to", AttributeValue.fromS(pad(to.toEpochMilli() - 1) + "$")));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(request.build());
            for (Map<String, AttributeValue> item : response.items()) {
                long ws = Long.parseLong(item.get("ws").n());
                String key = item.containsKey("k") ? item.get("k").s() : "";
                rows.computeIfAbsent(ws, w -> new HashMap<>()).put(key, item);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return rows;
    }

    private static String pad(long ms) {
        String s = Long.toString(ms);
        return s.length() < 13 ? "0".repeat(13 - s.length()) + s : s;
    }
}
