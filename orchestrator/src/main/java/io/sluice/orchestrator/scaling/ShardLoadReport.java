package io.sluice.orchestrator.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator handler reports per Kinesis batch: records and bytes read from a shard, how far
 * behind the tip it was, and its hottest partition keys. It travels as an Embedded Metric Format log
 * line, so CloudWatch gets the same numbers as metrics:
 *
 * <pre>{@code
 * {"_aws":{"Timestamp":1794326400000,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["ShardId"]],
 *   "Metrics":[{"Name":"RecordsIn","Unit":"Count"},{"Name":"BytesIn","Unit":"Bytes"},{"Name":"IteratorAgeMillis","Unit":"Milliseconds"}]}]},
 *  "ShardId":"shardId-000000000001","RecordsIn":1000,"BytesIn":480000,"IteratorAgeMillis":1200,"HotKeys":{"c-42":800,"c-7":20}}
 * }</pre>
 *
 * @param at when the batch was processed
 * @param shardId the shard
 * @param records records in the batch
 * @param bytes their total size
 * @param iteratorAgeMillis age of the batch's last record (now minus its arrival time)
 * @param hotKeys record counts of the batch's hottest partition keys
 */
public record ShardLoadReport(Instant at, String shardId, long records, long bytes, long iteratorAgeMillis, Map<String, Long> hotKeys) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the key counts. */
    public ShardLoadReport {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(shardId, "shardId");
        hotKeys = Map.copyOf(hotKeys);
    }

    /**
     * @param line a log line
     * @return the report, or empty if the line is not an EMF line with {@code ShardId} and {@code RecordsIn}
     */
    public static Optional<ShardLoadReport> parseEmf(String line) {
        if (line == null || !line.startsWith("{") || !line.contains("\"_aws\"")) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(line);
            if (!n.hasNonNull("ShardId") || !n.hasNonNull("RecordsIn")) {
                return Optional.empty();
            }
            Map<String, Long> keys = new LinkedHashMap<>();
            n.path("HotKeys").fields().forEachRemaining(e -> keys.put(e.getKey(), e.getValue().asLong()));
            return Optional.of(new ShardLoadReport(Instant.ofEpochMilli(n.path("_aws").path("Timestamp").asLong()), n.get("ShardId").asText(),
                    n.get("RecordsIn").asLong(), n.path("BytesIn").asLong(), n.path("IteratorAgeMillis").asLong(), keys));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();   // not every log line is ours; a broken one is skipped, not fatal
        }
    }

    /** @return this report as one EMF log line */
    public String toEmf() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("_aws", Map.of("Timestamp", at.toEpochMilli(), "CloudWatchMetrics", java.util.List.of(Map.of("Namespace", "Sluice",
                "Dimensions", java.util.List.of(java.util.List.of("ShardId")), "Metrics", java.util.List.of(
                        Map.of("Name", "RecordsIn", "Unit", "Count"), Map.of("Name", "BytesIn", "Unit", "Bytes"),
                        Map.of("Name", "IteratorAgeMillis", "Unit", "Milliseconds"))))));
        root.put("ShardId", shardId);
        root.put("RecordsIn", records);
        root.put("BytesIn", bytes);
        root.put("IteratorAgeMillis", iteratorAgeMillis);
        root.put("HotKeys", hotKeys);
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize " + this, e);
        }
    }
}
