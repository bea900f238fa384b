package io.sluice.orchestrator.scaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.state.coordination.CoordinationKeys;
import io.sluice.state.dynamodb.StateTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * A {@link ScalingHistoryStore} in the coordination table: one item per stream, {@code pk} =
 * {@code scaler:<stream>} ({@link CoordinationKeys}), {@code sk} = {@code history}, holding the history as JSON ({@code h}, a few KiB: at most
 * an hour of per-minute demand samples and a day of UpdateShardCount calls) and a version ({@code v}) that every
 * save increments under a condition. Reads are strongly consistent. The item has no TTL: cooldowns and the
 * UpdateShardCount budget must survive any pause of the scaler.
 *
 * <pre>{@code
 * ScalingHistoryStore store = new DynamoDbScalingHistoryStore(dynamo, "sluice-prod-coordination", "sluice-prod-orders");
 * }</pre>
 */
public final class DynamoDbScalingHistoryStore implements ScalingHistoryStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<String, AttributeValue> key;
    /** Version read by the last load or written by the last save; 0 = no item. */
    private long version;

    /**
     * @param dynamo the client
     * @param table the coordination table
     * @param stream the scaled stream: each stream has its own history
     */
    public DynamoDbScalingHistoryStore(DynamoDbClient dynamo, String table, String stream) {
        this.dynamo = dynamo;
        this.table = table;
        this.key = Map.of(StateTables.PK, AttributeValue.fromS(CoordinationKeys.scalerPk(stream)),
                StateTables.SK, AttributeValue.fromS(CoordinationKeys.SCALER_HISTORY_SK));
    }

    @Override
    public synchronized ScalingHistory load() {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            version = 0;
            return ScalingHistory.empty();
        }
        version = Long.parseLong(item.get("v").n());
        return decode(item.get("h").s());
    }

    @Override
    public synchronized boolean save(ScalingHistory history) {
        try {
            PutItemRequest.Builder put = PutItemRequest.builder().tableName(table)
                    .item(Map.of(StateTables.PK, key.get(StateTables.PK), StateTables.SK, key.get(StateTables.SK),
                            "h", AttributeValue.fromS(encode(history)), "v", AttributeValue.fromN(Long.toString(version + 1))));
            if (version == 0) {
                put.conditionExpression("attribute_not_exists(v)");
            } else {
                put.conditionExpression("v = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version))));
            }
            dynamo.putItem(put.build());
            version++;
            return true;
        } catch (ConditionalCheckFailedException superseded) {
            return false;
        }
    }

    static String encode(ScalingHistory h) {
        ObjectNode root = JSON.createObjectNode();
        root.put("lastScaleOut", h.lastScaleOut().toEpochMilli());
        root.put("lastScaleIn", h.lastScaleIn().toEpochMilli());
        root.put("lastSeenResharding", h.lastSeenResharding().toEpochMilli());
        root.put("lastSeenBehind", h.lastSeenBehind().toEpochMilli());
        ArrayNode calls = root.putArray("updateShardCountCalls");
        h.updateShardCountCalls().forEach(t -> calls.add(t.toEpochMilli()));
        ArrayNode demand = root.putArray("demand");
        h.demand().forEach(s -> demand.addObject().put("at", s.at().toEpochMilli()).put("shards", s.demandShards()));
        return root.toString();
    }

    static ScalingHistory decode(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            List<Instant> calls = new ArrayList<>();
            root.path("updateShardCountCalls").forEach(n -> calls.add(Instant.ofEpochMilli(n.asLong())));
            List<ScalingHistory.Sample> demand = new ArrayList<>();
            root.path("demand").forEach(n -> demand.add(new ScalingHistory.Sample(Instant.ofEpochMilli(n.path("at").asLong()),
                    n.path("shards").asDouble())));
            return ScalingHistory.restore(Instant.ofEpochMilli(root.path("lastScaleOut").asLong()),
                    Instant.ofEpochMilli(root.path("lastScaleIn").asLong()), Instant.ofEpochMilli(root.path("lastSeenResharding").asLong()),
                    Instant.ofEpochMilli(root.path("lastSeenBehind").asLong()), calls, demand);   // absent in older items: never
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The scaling history item is not valid JSON: " + json, e);
        }
    }
}
