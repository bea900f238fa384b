package io.sluice.state.coordination;

import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-minute load of each shard in the coordination table: the operator adds every batch's
 * {@link ShardLoadReport}, the scheduled shard scaler reads the last complete minute. This is how load reaches
 * the scaler on AWS and locally alike (CloudWatch's per-shard metrics cannot carry per-partition-key load, and
 * the local emulators serve no metrics).
 *
 * <p>One item per (stream, shard, pipeline, minute), so writes spread over one partition key per shard (an
 * event source mapping with {@code ParallelizationFactor: 1} sends a shard one or two batches a second):
 * <pre>
 * pk = load:&lt;stream&gt;#&lt;shardId&gt;    sk = &lt;pipeline&gt;#2026-11-11T00:01:00Z   ({@link CoordinationKeys})
 * RecordsIn, BytesIn, Batches    ADDed by every batch: one atomic UpdateItem, 1 write unit
 * IteratorAgeMillis              the latest batch's lag (the scaler wants the current lag, not the minute's worst)
 * HotKeys, HotKeysOf             the latest batch's hottest keys as hash key -> records, out of HotKeysOf records:
 *                                a sample of the key distribution, bounded in size whatever the keys
 * ttl                            one hour after the minute
 * </pre>
 * A batch that Lambda retries is counted again: the scaler sees the reads the shard really served.
 *
 * <pre>{@code
 * ShardLoadTable loads = new ShardLoadTable(dynamo, coordinationTable, "gmv-by-category");
 * loads.add("orders", report);                                              // operator, per batch
 * Map<String, ShardLoadTable.MinuteLoad> m = loads.read("orders", shardIds, now.minus(Duration.ofMinutes(1)));
 * }</pre>
 */
public final class ShardLoadTable {
    /** Load items expire this long after their minute; the scaler reads only the last one. */
    static final Duration RETENTION = Duration.ofHours(1);
    private static final int BATCH_GET_KEYS = 100;
    private static final int BATCH_GET_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String pipeline;

    /**
     * One minute of a shard's load as the operator reported it.
     *
     * @param shardId the shard
     * @param records records read in the minute
     * @param bytes their size
     * @param batches batches that reported
     * @param iteratorAgeMillis the latest batch's lag behind the shard's tip
     * @param hotKeys the latest batch's hottest partition keys, by hash key, with their records in that batch
     * @param hotKeysOf records in that batch
     */
    public record MinuteLoad(String shardId, long records, long bytes, long batches, long iteratorAgeMillis,
                             Map<BigInteger, Long> hotKeys, long hotKeysOf) {
        public MinuteLoad {
            Objects.requireNonNull(shardId, "shardId");
            hotKeys = Map.copyOf(hotKeys);
        }
    }

    /**
     * @param dynamo the client
     * @param table the coordination table
     * @param pipeline the reporting pipeline: several pipelines may read one stream, each reports its own reads
     */
    public ShardLoadTable(DynamoDbClient dynamo, String table, String pipeline) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    /**
     * Adds one batch's load to its minute.
     *
     * @param stream the stream's name
     * @param report the batch's load
     * @throws software.amazon.awssdk.core.exception.SdkException if the write fails
     */
    public void add(String stream, ShardLoadReport report) {
        Instant minute = report.at().truncatedTo(ChronoUnit.MINUTES);
        Map<String, AttributeValue> keys = new LinkedHashMap<>();
        report.hotKeys().forEach((k, n) -> keys.put(ShardLoadReport.hashKeyOf(k).toString(), number(n)));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":r", number(report.records()));
        values.put(":b", number(report.bytes()));
        values.put(":one", number(1));
        values.put(":age", number(report.iteratorAgeMillis()));
        values.put(":keys", AttributeValue.fromM(keys));
        values.put(":of", number(report.records()));
        values.put(":ttl", number(minute.plus(RETENTION).getEpochSecond()));
        dynamo.updateItem(b -> b.tableName(table).key(key(stream, report.shardId(), minute))
                .updateExpression("ADD RecordsIn :r, BytesIn :b, Batches :one "
                        + "SET IteratorAgeMillis = :age, HotKeys = :keys, HotKeysOf = :of, #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", StateTables.TTL))
                .expressionAttributeValues(values));
    }

    /**
     * Reads one minute of the given shards' load (eventually consistent: the minute is over).
     *
     * @param stream the stream's name
     * @param shardIds the shards to read
     * @param minute any instant within the minute
     * @return the load of each shard that reported in the minute; a shard that did not is absent
     * @throws software.amazon.awssdk.core.exception.SdkException if a read fails
     * @throws IllegalStateException if DynamoDB keeps returning keys unprocessed
     */
    public Map<String, MinuteLoad> read(String stream, Collection<String> shardIds, Instant minute) {
        Instant m = minute.truncatedTo(ChronoUnit.MINUTES);
        List<String> shards = List.copyOf(shardIds);
        Map<String, MinuteLoad> loads = new HashMap<>();
        for (int from = 0; from < shards.size(); from += BATCH_GET_KEYS) {
            List<Map<String, AttributeValue>> pending = new ArrayList<>();
            for (String shard : shards.subList(from, Math.min(shards.size(), from + BATCH_GET_KEYS))) {
                pending.add(key(stream, shard, m));
            }
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt == BATCH_GET_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left " + pending.size() + " shard load keys unprocessed "
                            + BATCH_GET_ATTEMPTS + " times in table [" + table + "]");
                }
                backOff(attempt);
                List<Map<String, AttributeValue>> request = pending;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(
                        Map.of(table, KeysAndAttributes.builder().keys(request).build())));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    MinuteLoad load = decode(item);
                    loads.put(load.shardId(), load);
                });
                KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
                pending = unprocessed == null ? List.of() : unprocessed.keys();
            }
        }
        return loads;
    }

    private Map<String, AttributeValue> key(String stream, String shard, Instant minute) {
        return Map.of(StateTables.PK, AttributeValue.fromS(CoordinationKeys.loadPk(stream, shard)),
                StateTables.SK, AttributeValue.fromS(CoordinationKeys.loadSk(pipeline, minute.toString())));
    }

    private static MinuteLoad decode(Map<String, AttributeValue> item) {
        String pk = item.get(StateTables.PK).s();
        Map<BigInteger, Long> keys = new HashMap<>();
        AttributeValue hot = item.get("HotKeys");
        if (hot != null && hot.hasM()) {
            hot.m().forEach((k, v) -> keys.put(new BigInteger(k), Long.parseLong(v.n())));
        }
        return new MinuteLoad(CoordinationKeys.shardOfLoadPk(pk), longOf(item, "RecordsIn"), longOf(item, "BytesIn"),
                longOf(item, "Batches"), longOf(item, "IteratorAgeMillis"), keys, longOf(item, "HotKeysOf"));
    }

    private static long longOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    /** Unprocessed keys mean the table is throttled: wait 0, 25, 50, 100 ... ms (capped at 1.6 s) before retrying. */
    private static void backOff(int attempt) {
        if (attempt == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(1_600, 25L << (attempt - 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading shard load", e);
        }
    }
}
