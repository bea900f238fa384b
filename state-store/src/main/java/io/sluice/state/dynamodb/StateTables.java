package io.sluice.state.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The one definition of the two DynamoDB tables the state store uses: key schema, attribute names and TTL
 * attribute. Tests create their tables from here; {@code infra} and {@code template.yaml} must declare the same
 * (both tables: partition key {@code pk} (S), sort key {@code sk} (S), TTL attribute {@code ttl},
 * {@code PAY_PER_REQUEST}).
 *
 * <pre>{@code
 * StateTables.create(dynamo, "sluice-state");         // partials
 * StateTables.create(dynamo, "sluice-coordination");  // slot index, firing claims, splits, fired watermark
 * }</pre>
 *
 * <h2>State table: one item per (pipeline, slot, split, bucket)</h2>
 * <ul>
 *   <li>{@code pk} = {@code pipeline#slotId#wb}, where {@code wb} in {@code [0, windowBuckets)} is derived from
 *       (split, bucket): one window's partials spread over {@code windowBuckets} partition keys (write sharding).</li>
 *   <li>{@code sk} = {@code split#bucket}.</li>
 *   <li>{@code f} = {@link io.sluice.state.Fence#encoded()}, {@code e} = entries (binary, see {@link PartialCodec}),
 *       {@code ttl}.</li>
 *   <li>A partial over one item is a <em>head</em> with {@code f}, {@code m} = manifest (binary, see
 *       {@link ChunkedPartials}) and {@code ttl} instead of {@code e}, plus immutable <em>chunk</em> items:
 *       {@code pk} = {@code pipeline#slotId#wb'#c} ({@link Keys#chunkPk}: apart from the heads, so a window's query
 *       reads no chunk and replaced chunks are left to TTL unread; chunks of whole-page heads ({@link ChunkManifest})
 *       sit beside the heads at {@code pipeline#slotId#wb'} and are deleted when replaced; {@code wb'} derived from
 *       (split#c{page}, bucket), so one partial's pages spread over the window's write shards),
 *       {@code sk} = {@code split#bucket#c{page}.{slice}.{version hex}}
 *       ({@code slice}: its position in its page when that version was written; a later head may name it at
 *       another), {@code e} = a slice of the page's plain entries packed on its own ({@link PartialCodec#pack};
 *       heads of the whole-page layout, {@link ChunkManifest}: a fixed-size piece of the page as
 *       {@link PartialCodec#encode} stores it), {@code ttl}; no {@code f}, which is how a query over a window tells
 *       whole-page chunks from heads.</li>
 * </ul>
 *
 * <h2>Coordination table</h2>
 * Shared with the job store, the shard scaler and the operator's shard load; its whole key space, and why no two
 * writers' partitions can meet, is documented in {@link io.sluice.state.coordination.CoordinationKeys}. The state
 * store's items:
 * <ul>
 *   <li>slot index (unfired slots only) and firing claims: {@code pk} = {@code pipeline#slots}, {@code sk} =
 *       sortable(end)#sortable(start) ({@link Keys#sortable(long)}), {@code st} = PENDING | CLAIMED, {@code o}
 *       owner, {@code lu} lease until (epoch ms), {@code ttl};</li>
 *   <li>fired slots: {@code pk} = {@code pipeline#fired-slots}, same {@code sk}, {@code o} the firer, {@code ttl}.
 *       Completing a firing moves a slot from the index to here in one transaction, so listing pending slots
 *       never reads the fired past (with 1-minute windows and 7 days of retention that would be 10,000 items,
 *       about 270 read units, per firing round);</li>
 *   <li>splits: {@code pk} = {@code pipeline#splits}, {@code sk} = split id, {@code st}, {@code wm} watermark,
 *       {@code f} fence, {@code la} last activity, {@code p} parents (list of strings), {@code ttl};</li>
 *   <li>fired watermark: {@code pk} = {@code pipeline#fired}, {@code sk} = {@code -}, {@code fw}, {@code ttl}.</li>
 * </ul>
 * Attribute names are short because DynamoDB counts them in every item's size, and size is cost.
 */
public final class StateTables {

    /** Partition key attribute of both tables (S). */
    public static final String PK = "pk";
    /** Sort key attribute of both tables (S). */
    public static final String SK = "sk";
    /** TTL attribute of both tables: epoch seconds after which DynamoDB may delete the item. */
    public static final String TTL = "ttl";

    /** Fence, as {@link io.sluice.state.Fence#encoded()} (S). */
    public static final String FENCE = "f";
    /** Encoded entries of a partial (B). */
    public static final String ENTRIES = "e";
    /** Manifest of a chunked partial's head, naming its chunk items (B, see {@link ChunkedPartials}). */
    public static final String MANIFEST = "m";
    /** Status of a slot or split (S). */
    public static final String STATUS = "st";
    /** Owner of a firing claim (S). */
    public static final String OWNER = "o";
    /** End of a firing claim's lease, epoch ms (N). */
    public static final String LEASE_UNTIL = "lu";
    /** Watermark of a split, epoch ms (N). */
    public static final String WATERMARK = "wm";
    /** Last activity of a split, epoch ms (N). */
    public static final String LAST_ACTIVITY = "la";
    /** Parent splits (L of S). */
    public static final String PARENTS = "p";
    /** Attempt fence of a split, as {@link io.sluice.state.Fence#encoded()} (S). */
    public static final String ATTEMPT_FENCE = "af";
    /** Key-bucket count a split's partials are written with, set once (N). */
    public static final String KEY_BUCKETS = "kb";
    /** Fired watermark of a pipeline, epoch ms (N). */
    public static final String FIRED_WATERMARK = "fw";

    private StateTables() {
    }

    /** The request that creates a table with the key schema above, billed per request. */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SK).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build())
                .build();
    }

    /** The request that enables TTL on {@link #TTL}. */
    public static UpdateTimeToLiveRequest timeToLiveRequest(String tableName) {
        return UpdateTimeToLiveRequest.builder()
                .tableName(tableName)
                .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName(TTL).enabled(true).build())
                .build();
    }

    /**
     * Creates {@code tableName} if it does not exist, waits until it is active and enables TTL. Idempotent.
     */
    public static void create(DynamoDbClient dynamo, String tableName) {
        try {
            dynamo.createTable(createTableRequest(tableName));
        } catch (ResourceInUseException alreadyExists) {
            // Idempotent by design: the table is there, possibly with TTL already enabled.
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        try {
            dynamo.updateTimeToLive(timeToLiveRequest(tableName));
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException ttlAlreadyEnabled) {
            // DynamoDB refuses to re-enable TTL that is already enabled ("TimeToLive is already enabled").
            if (ttlAlreadyEnabled.getMessage() == null || !ttlAlreadyEnabled.getMessage().contains("already")) {
                throw ttlAlreadyEnabled;
            }
        }
    }
}
