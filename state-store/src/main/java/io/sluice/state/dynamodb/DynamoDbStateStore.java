package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.FiringClaimLostException;
import io.sluice.state.Partial;
import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;
import io.sluice.state.PartialWrite;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import static io.sluice.state.dynamodb.Coordination.key;
import static io.sluice.state.dynamodb.Coordination.s;
import static io.sluice.state.dynamodb.StateTables.ENTRIES;
import static io.sluice.state.dynamodb.StateTables.FENCE;
import static io.sluice.state.dynamodb.StateTables.PK;
import static io.sluice.state.dynamodb.StateTables.SK;
import static io.sluice.state.dynamodb.StateTables.TTL;

/**
 * A {@link StateStore} on two DynamoDB tables (layout in {@link StateTables}): partials in the state table, one
 * item per (pipeline, slot, split, bucket) written with a condition on its fence; slot index, firing claims,
 * splits and fired watermark in the coordination table. Every item carries a TTL of now + retention, so fired
 * windows are deleted by DynamoDB for free instead of by billed deletes.
 *
 * <pre>{@code
 * StateStore store = DynamoDbStateStore.builder()
 *         .withClient(DynamoDbClient.create())
 *         .withStateTable("sluice-state")
 *         .withCoordinationTable("sluice-coordination")
 *         .withWindowBuckets(4)                 // a window's partials spread over 4 partition keys
 *         .withRetention(Duration.ofDays(7))    // TTL of every item
 *         .build();
 * }</pre>
 *
 * <p>All reads are strongly consistent: a firing must see every partial written before the watermark passed.
 * {@link #capacity()} meters every call ({@code ReturnConsumedCapacity.TOTAL}) for cost benchmarks. Throttling is
 * retried with exponential back-off and full jitter ({@link DynamoDbStateStoreBuilder#withMaxAttempts}).
 *
 * <p>Independent calls go out together, at most {@link DynamoDbStateStoreBuilder#withMaxInFlight} at once: a batch's
 * partial writes ({@link #writePartials}), its slot registrations, a slot's per-bucket queries and the 100-key
 * requests of a read; a firing's claims, completions and releases, and the per-bucket queries of all its slots
 * ({@link #readSlots}: {@code maxInFlight × windowBuckets} in flight, so as many slots as one wave of claims). Each partial has one writer and its own fence condition, so concurrent writes of different
 * partials change nothing of what is written or billed; only the waiting shrinks, from one round trip per item to
 * about one per batch.
 *
 * <p>{@code windowBuckets} is part of the table layout: a store reading with a different value than the writers
 * misses partials, so fix it per deployment.
 */
public final class DynamoDbStateStore implements StateStore {

    /** BatchGetItem's limit of keys per request. */
    private static final int BATCH_GET_KEYS = 100;
    private static final ReturnConsumedCapacity TOTAL = ReturnConsumedCapacity.TOTAL;
    private static final int REGISTERED_SLOTS_CACHED = 10_000;
    /** Reads of a head whose chunks keep being replaced before giving up (one writer per split: never in practice). */
    private static final int MAX_HEAD_READS = 5;

    private final DynamoDbClient client;
    private final String stateTable;
    private final int windowBuckets;
    private final int queryPageSize;
    private final long retentionSeconds;
    private final Clock clock;
    private final DynamoCalls calls;
    private final Coordination coordination;
    private final int itemLimitBytes;
    /** Partials larger than this are kept chunked when a batch changes little of them, and logged. */
    private final int logAboveBytes;
    private final boolean log;
    private final ChunkedItems chunks;
    private final ConcurrentCalls concurrent;
    /** A firing's slot queries: {@code maxInFlight} slots' buckets at once ({@link #readSlots}). */
    private final ConcurrentCalls slotReads;
    private final EncodedPages encodedPages = new EncodedPages();
    /** The entries of the partials this store wrote, by fence: what a log delta is relative to. */
    private final WrittenEntries written = WrittenEntries.quarterOfTheHeap();
    /**
     * Heads this instance last wrote or read, by partial: a writer of a chunked partial needs the manifest it
     * replaces (to keep unchanged pages and delete replaced ones) and has it here unless another instance moved on.
     */
    private final Map<PartialKey, ChunkedItems.Head> heads = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PartialKey, ChunkedItems.Head> eldest) {
                    return size() > REGISTERED_SLOTS_CACHED;
                }
            });
    /** Slots this instance registered: registering is idempotent, so repeats need no write (bounded LRU). */
    private final Set<String> registered = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REGISTERED_SLOTS_CACHED;
                }
            }));

    DynamoDbStateStore(DynamoDbStateStoreBuilder b) {
        this.client = b.client;
        this.stateTable = b.stateTable;
        this.windowBuckets = b.windowBuckets;
        this.queryPageSize = b.queryPageSize;
        this.retentionSeconds = b.retention.toSeconds();
        this.clock = b.clock;
        this.calls = new DynamoCalls(b.maxAttempts, b.backoffBase, b.backoffCap);
        this.coordination = new Coordination(client, b.coordinationTable, calls, this::ttl);
        this.itemLimitBytes = b.itemLimitBytes;
        this.logAboveBytes = b.log ? Math.min(b.logAboveBytes, b.itemLimitBytes) : b.itemLimitBytes;
        this.log = b.log;
        this.concurrent = new ConcurrentCalls(b.maxInFlight);
        this.slotReads = new ConcurrentCalls(b.maxInFlight == 1 ? 1 : Math.min(256, b.maxInFlight * windowBuckets));
        this.chunks = new ChunkedItems(client, stateTable, windowBuckets, itemLimitBytes, retentionSeconds, clock, calls,
                this::ttl);
    }

    /** A builder; client and both table names are required. */
    public static DynamoDbStateStoreBuilder builder() {
        return new DynamoDbStateStoreBuilder();
    }

    /** Capacity units and calls consumed by this store since it was built. */
    public CapacityUsage capacity() {
        return calls.usage();
    }

    /** Chunk pages encoded so far; pages a write found unchanged are not counted. For tests and benchmarks. */
    long pagesEncoded() {
        return encodedPages.pagesEncoded();
    }

    /** Number of write shards per window. */
    public int windowBuckets() {
        return windowBuckets;
    }

    @Override
    public Optional<Partial> readPartial(PartialKey key) {
        for (int attempt = 1; ; attempt++) {
            GetItemResponse r = calls.read("GetItem", () -> client.getItem(b -> b.tableName(stateTable)
                    .key(itemKey(key)).consistentRead(true).returnConsumedCapacity(TOTAL)),
                    GetItemResponse::consumedCapacity);
            boolean found = r.hasItem() && !r.item().isEmpty();
            calls.estimateRead(ItemSizes.readUnits(found ? ItemSizes.itemSize(r.item()) : 0));
            if (!found) {
                heads.remove(key);
                return Optional.empty();
            }
            Partial p = toPartial(key, r.item(), Map.of());
            if (p != null) {
                return Optional.of(p);
            }
            if (attempt >= MAX_HEAD_READS) {
                throw new StateStoreException("Partial [" + key + "] names chunks that are gone after " + attempt
                        + " reads of its head: is another invocation processing the same split?");
            }
        }
    }

    /** Reads heads with {@code BatchGetItem}, 100 keys a call, then the chunks the chunked ones name. */
    @Override
    public Map<PartialKey, Partial> readPartials(Collection<PartialKey> keys) {
        Map<Map<String, AttributeValue>, PartialKey> byItemKey = new LinkedHashMap<>();
        for (PartialKey key : keys) {
            byItemKey.put(itemKey(key), key);
        }
        Map<PartialKey, Partial> found = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(new ArrayList<>(byItemKey.keySet()))) {
            PartialKey key = byItemKey.get(key(item.get(PK).s(), item.get(SK).s()));
            Partial p = toPartial(key, item, Map.of());
            if (p == null) {
                readPartial(key).ifPresent(q -> found.put(key, q)); // a newer head replaced its chunks meanwhile
            } else {
                found.put(key, p);
            }
        }
        return found;
    }

    /** {@code BatchGetItem} of the state table, 100 keys a call (calls in flight together), unprocessed keys retried. */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> all) {
        List<Callable<List<Map<String, AttributeValue>>>> requests = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BATCH_GET_KEYS) {
            List<Map<String, AttributeValue>> keys = all.subList(from, Math.min(all.size(), from + BATCH_GET_KEYS));
            requests.add(() -> batchGetOnce(keys));
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        concurrent.all(requests).forEach(items::addAll);
        return items;
    }

    /** One {@code BatchGetItem} of at most 100 keys, retrying unprocessed keys with back-off. */
    private List<Map<String, AttributeValue>> batchGetOnce(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        List<Map<String, AttributeValue>> pending = keys;
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round > 0) {
                calls.pause(round - 1); // unprocessed keys mean throttling: back off before asking again
            }
            KeysAndAttributes request = KeysAndAttributes.builder().keys(pending).consistentRead(true).build();
            BatchGetItemResponse r = calls.batch("BatchGetItem", false, () -> client.batchGetItem(b -> b
                    .requestItems(Map.of(stateTable, request)).returnConsumedCapacity(TOTAL)),
                    BatchGetItemResponse::consumedCapacity);
            long bytes = 0;
            for (Map<String, AttributeValue> item : r.responses().getOrDefault(stateTable, List.of())) {
                bytes += ItemSizes.itemSize(item);
                items.add(item);
            }
            calls.estimateRead(ItemSizes.readUnits(bytes));
            KeysAndAttributes unprocessed = r.unprocessedKeys().get(stateTable);
            pending = unprocessed == null || !unprocessed.hasKeys() ? List.of() : unprocessed.keys();
            if (!pending.isEmpty() && round + 1 >= calls.maxAttempts()) {
                throw new StateStoreException("BatchGetItem left " + pending.size() + " keys of table ["
                        + stateTable + "] unprocessed after " + (round + 1) + " attempts");
            }
        }
        return items;
    }

    /**
     * Writes the partial as one item if it fits, else as chunks behind a head ({@link ChunkedItems}); either way
     * the condition is on the head's fence, so exactly one version of the partial is ever visible.
     *
     * <p>A chunked partial this store wrote last is written as a <em>log delta</em> when that pays (the batch changed
     * under an eighth of it; {@link ChunkedItems#writeLog}): the entries the batch changed since the version the head
     * holds, found from the groups that changed ({@link PartialLog#between}), in a chunk or a few, and the head naming
     * them. Otherwise its pages are written, only the changed ones encoded ({@link EncodedPages}), which compacts the
     * log. A partial
     * stays chunked while it is over half of {@link DynamoDbStateStoreBuilder#withLogAbove}, and an inline partial
     * over that size whose batch changed under an eighth of it becomes chunked, so its next batches are logged: an
     * item of 57,000 per-user sessions, 600 of them changed per batch, is then billed by those 600 (amortised twice,
     * with the compaction), not rewritten whole. Otherwise the body is encoded whole to learn whether it fits in one
     * item.
     */
    @Override
    public void writePartial(Partial partial, Fence expectedFence) {
        PartialKey key = partial.key();
        Map<String, AttributeValue> headKey = itemKey(key);
        ChunkedItems.Head known = heads.get(key);
        long size = partial.approximateSize();
        boolean chunked = known != null && known.manifest() != null;
        boolean staysChunked = log && chunked && size > logAboveBytes / 2;
        boolean loggable = log && known != null && known.fence().equals(expectedFence)
                && (staysChunked || !chunked && size > logAboveBytes);
        PartialEntries stored = loggable ? written.at(key, expectedFence) : null;  // what the known head holds
        PartialLog delta = stored == null ? null : PartialLog.between(stored, (PartialEntries) partial.entries());
        if (delta != null && 8 * delta.approximateBytes() > size) {
            delta = null;   // the batch changed much of it: its pages cost about as much, and read back faster
        }
        if (delta != null && chunked) {
            heads.remove(key); // unknown until the write's outcome is
            ChunkedItems.Head logged = chunks.writeLog(key, headKey, partial.fence(), delta, expectedFence, known);
            heads.put(key, logged != null ? logged : known);  // null: not taken, nothing written
            if (logged != null) {
                wrote(partial, size);
                return;
            }
        }
        boolean toLog = delta != null && !chunked;
        List<ChunkedPartials.Page> again = encodedPages.again(key, partial.entries());
        long pagesBytes = again == null ? 0 : again.stream().mapToLong(p -> p.bytes().length).sum();
        if (pagesBytes > itemLimitBytes || toLog || staysChunked) {
            writeChunked(partial, headKey, expectedFence, known, again == null ? size : pagesBytes, toLog, size);
            return;
        }
        byte[] body = PartialCodec.encode(key.slot(), partial.entries());
        Map<String, AttributeValue> item = new HashMap<>(headKey);
        item.put(FENCE, s(partial.fence().encoded()));
        item.put(ENTRIES, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(body)));
        item.put(TTL, Coordination.n(ttl()));
        int itemSize = ItemSizes.itemSize(item);
        if (itemSize > itemLimitBytes) {
            writeChunked(partial, headKey, expectedFence, known, body.length, false, size);
            return;
        }
        encodedPages.forget(key);
        PutItemRequest.Builder request = PutItemRequest.builder().tableName(stateTable).item(item)
                .returnConsumedCapacity(TOTAL);
        ChunkedItems.conditionOn(request, expectedFence);
        // DynamoDB bills a failed conditional write like a successful one, so estimate before knowing the outcome.
        calls.estimateWrite(ItemSizes.writeUnits(itemSize));
        try {
            heads.remove(key);
            calls.write("PutItem", () -> client.putItem(request.build()), PutItemResponse::consumedCapacity);
        } catch (ConditionalCheckFailedException e) {
            throw new FenceConflictException(key, expectedFence);
        }
        heads.put(key, new ChunkedItems.Head(partial.fence(), null));
        wrote(partial, size);
        if (chunked && known.fence().equals(expectedFence)) {
            chunks.deleteAll(key, headKey, known.manifest()); // shrunk back into one item
        }
    }

    /** Writes the partial's pages behind its head ({@link ChunkedItems#write}), only the changed pages encoded. */
    private void writeChunked(Partial partial, Map<String, AttributeValue> headKey, Fence expectedFence,
                              ChunkedItems.Head known, long bodyBytes, boolean forLog, long size) {
        PartialKey key = partial.key();
        heads.remove(key); // unknown until the write's outcome is
        heads.put(key, chunks.write(key, headKey, partial.fence(), n -> encodedPages.encode(key, partial.entries(), n),
                expectedFence, known, bodyBytes, forLog));
        wrote(partial, size);
    }

    /** Keeps the entries just written, if a later write of the partial may log a delta against them. */
    private void wrote(Partial partial, long size) {
        if (log && size > logAboveBytes / 2) {
            written.put(partial.key(), partial.fence(), (PartialEntries) partial.entries());
        }
    }

    /** The writes go out together, at most {@code maxInFlight} at once (see the class docs). */
    @Override
    public Set<PartialKey> writePartials(List<PartialWrite> writes) {
        List<Callable<PartialKey>> tasks = new ArrayList<>(writes.size());
        for (PartialWrite w : writes) {
            tasks.add(() -> {
                try {
                    writePartial(w.partial(), w.expectedFence());
                    return null;
                } catch (FenceConflictException e) {
                    return w.partial().key();
                }
            });
        }
        Set<PartialKey> refused = new LinkedHashSet<>();
        for (PartialKey key : concurrent.all(tasks)) {
            if (key != null) {
                refused.add(key);
            }
        }
        return refused;
    }

    /** Queries the slot's buckets together (each paged on its own), then assembles heads and chunks. */
    @Override
    public List<Partial> readSlot(String pipeline, Slot slot) {
        return assemble(pipeline, slot, concurrent.all(bucketQueries(pipeline, slot)));
    }

    /**
     * Every (slot, bucket) query at once, up to {@code maxInFlight × windowBuckets} in flight: a firing of up to
     * {@code maxInFlight} windows (the firer's group, claimed in one wave) reads them in one wave too.
     */
    @Override
    public Map<Slot, List<Partial>> readSlots(String pipeline, List<Slot> slots) {
        List<Callable<List<Map<String, AttributeValue>>>> queries = new ArrayList<>(slots.size() * windowBuckets);
        for (Slot slot : slots) {
            queries.addAll(bucketQueries(pipeline, slot));
        }
        List<List<Map<String, AttributeValue>>> buckets = slotReads.all(queries);
        Map<Slot, List<Partial>> read = new LinkedHashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            Slot slot = slots.get(i);
            read.put(slot, assemble(pipeline, slot, buckets.subList(i * windowBuckets, (i + 1) * windowBuckets)));
        }
        return read;
    }

    private List<Callable<List<Map<String, AttributeValue>>>> bucketQueries(String pipeline, Slot slot) {
        List<Callable<List<Map<String, AttributeValue>>>> queries = new ArrayList<>(windowBuckets);
        for (int wb = 0; wb < windowBuckets; wb++) {
            String pk = Keys.partialPk(pipeline, slot, wb);
            queries.add(() -> queryAll(pk));
        }
        return queries;
    }

    /** The partials of {@code slot} from its buckets' items: heads, with the chunks they name. */
    private List<Partial> assemble(String pipeline, Slot slot, List<List<Map<String, AttributeValue>>> buckets) {
        List<Map<String, AttributeValue>> headItems = new ArrayList<>();
        Map<String, byte[]> found = new HashMap<>();  // chunk items by sort key
        for (List<Map<String, AttributeValue>> bucket : buckets) {
            for (Map<String, AttributeValue> item : bucket) {
                if (ChunkedItems.isChunk(item)) {
                    found.put(item.get(SK).s(), item.get(ENTRIES).b().asByteArrayUnsafe());
                } else {
                    headItems.add(item);
                }
            }
        }
        List<Partial> partials = new ArrayList<>(headItems.size());
        for (Map<String, AttributeValue> item : headItems) {
            PartialKey key = Keys.parsePartialSk(pipeline, slot, item.get(SK).s());
            Partial p = toPartial(key, item, found);
            if (p == null) {
                readPartial(key).ifPresent(partials::add);  // its chunks were replaced while the query ran
            } else {
                partials.add(p);
            }
        }
        return partials;
    }

    /** Every item of one partition key of the state table, page after page. */
    private List<Map<String, AttributeValue>> queryAll(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder page = QueryRequest.builder().tableName(stateTable)
                    .keyConditionExpression(PK + " = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                    .consistentRead(true).exclusiveStartKey(start).returnConsumedCapacity(TOTAL);
            if (queryPageSize > 0) {
                page.limit(queryPageSize);
            }
            QueryResponse r = calls.read("Query", () -> client.query(page.build()), QueryResponse::consumedCapacity);
            long bytes = 0;
            for (Map<String, AttributeValue> item : r.items()) {
                bytes += ItemSizes.itemSize(item);
                items.add(item);
            }
            calls.estimateRead(ItemSizes.readUnits(bytes));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /**
     * Registers once per instance: later calls for the same slot cost nothing, since the item outlives the window
     * (TTL) and registering never changes a claimed or fired slot.
     */
    @Override
    public void registerSlot(String pipeline, Slot slot) {
        String id = pipeline + '#' + slot.id();
        if (!registered.contains(id)) {
            coordination.registerSlot(pipeline, slot);
            registered.add(id);
        }
    }

    /** The slots this instance has not registered yet, registered together. */
    @Override
    public void registerSlots(String pipeline, Collection<Slot> slots) {
        List<Slot> unregistered = new LinkedHashSet<>(slots).stream()
                .filter(slot -> !registered.contains(pipeline + '#' + slot.id())).toList();
        eachSlot(unregistered, slot -> {
            registerSlot(pipeline, slot);
            return null;
        });
    }

    @Override
    public List<Slot> pendingSlots(String pipeline, long maxEnd) {
        return coordination.pendingSlots(pipeline, maxEnd);
    }

    @Override
    public boolean claimFiring(String pipeline, Slot slot, String owner, long nowMillis, long leaseMillis) {
        return coordination.claimFiring(pipeline, slot, owner, nowMillis, leaseMillis);
    }

    /** Marks the slot fired. Its partials are left to expire by TTL: deleting them would be billed per KB. */
    @Override
    public void completeFiring(String pipeline, Slot slot, String owner) {
        coordination.completeFiring(pipeline, slot, owner);
    }

    @Override
    public void releaseFiring(String pipeline, Slot slot, String owner) {
        coordination.releaseFiring(pipeline, slot, owner);
    }

    /** One transaction per slot, as {@link #claimFiring}, all in flight together. */
    @Override
    public List<Slot> claimFirings(String pipeline, List<Slot> slots, String owner, long nowMillis,
                                   long leaseMillis) {
        List<Boolean> won = eachSlot(slots,
                slot -> coordination.claimFiring(pipeline, slot, owner, nowMillis, leaseMillis));
        List<Slot> claimed = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            if (won.get(i)) {
                claimed.add(slots.get(i));
            }
        }
        return claimed;
    }

    /**
     * One transaction per slot, as {@link #completeFiring}, all in flight together; failures as the interface says (a
     * store failure first, then the lost claims together).
     */
    @Override
    public void completeFirings(String pipeline, List<Slot> slots, String owner) {
        List<FiringClaimLostException> lost = eachSlot(slots, slot -> {
            try {
                coordination.completeFiring(pipeline, slot, owner);
                return null;
            } catch (FiringClaimLostException e) {
                return e;
            }
        }).stream().filter(Objects::nonNull).toList();
        if (!lost.isEmpty()) {
            throw FiringClaimLostException.merged(lost);
        }
    }

    @Override
    public void releaseFirings(String pipeline, List<Slot> slots, String owner) {
        eachSlot(slots, slot -> {
            coordination.releaseFiring(pipeline, slot, owner);
            return null;
        });
    }

    /** {@code call} of each of {@code slots}, all in flight together: the results in the order of {@code slots}. */
    private <T> List<T> eachSlot(Collection<Slot> slots, Function<Slot, T> call) {
        List<Callable<T>> calls = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            calls.add(() -> call.apply(slot));
        }
        return concurrent.all(calls);
    }

    @Override
    public boolean isFired(String pipeline, Slot slot) {
        return coordination.isFired(pipeline, slot);
    }

    @Override
    public SplitState advanceSplit(SplitState proposed) {
        return coordination.advanceSplit(proposed);
    }

    @Override
    public boolean createSplit(SplitState state) {
        return coordination.createSplit(state);
    }

    @Override
    public SplitState startAttempt(String pipeline, String split, Fence through, long nowMillis, int keyBuckets) {
        return coordination.startAttempt(pipeline, split, through, nowMillis, keyBuckets);
    }

    @Override
    public long publishedWatermark(String pipeline) {
        return coordination.publishedWatermark(pipeline);
    }

    @Override
    public void publishWatermark(String pipeline, long watermark) {
        coordination.publishWatermark(pipeline, watermark);
    }

    @Override
    public Optional<SplitState> readSplit(String pipeline, String split) {
        return coordination.readSplit(pipeline, split);
    }

    @Override
    public List<SplitState> splits(String pipeline) {
        return coordination.splits(pipeline);
    }

    @Override
    public long firedWatermark(String pipeline) {
        return coordination.firedWatermark(pipeline);
    }

    @Override
    public void advanceFiredWatermark(String pipeline, long watermark) {
        coordination.advanceFiredWatermark(pipeline, watermark);
    }

    private Map<String, AttributeValue> itemKey(PartialKey key) {
        return key(Keys.partialPk(key, windowBuckets), Keys.partialSk(key));
    }

    /**
     * The partial a head item holds or names; {@code null} if it names chunks that are gone (a newer head replaced
     * them since the head was read). Chunks already read ({@code found}, by sort key) are not read again.
     */
    private Partial toPartial(PartialKey key, Map<String, AttributeValue> item, Map<String, byte[]> found) {
        ChunkedItems.Head head = ChunkedItems.head(item);
        if (head.manifest() == null) {
            remember(key, head);
            return new Partial(key, head.fence(),
                    PartialCodec.decode(key.slot(), item.get(ENTRIES).b().asByteArrayUnsafe()));
        }
        List<io.sluice.state.StateEntry> entries = chunks.read(key, item.get(SK).s(), head.manifest(), found,
                this::batchGet);
        if (entries == null) {
            return null;
        }
        remember(key, head);
        return new Partial(key, head.fence(), entries);
    }

    /**
     * Keeps a head read from the table, unless this store knows a later one: a read that raced its own write (a
     * stream's session round reads every pending pane, its own split's partials among them) must not set its writer
     * back. Only a cache: every write is still conditional on the fence it expects.
     */
    private void remember(PartialKey key, ChunkedItems.Head read) {
        heads.compute(key, (k, known) -> known != null && known.fence().isAfter(read.fence()) ? known : read);
    }

    /**
     * How long a partial stays readable after its last write, at least: half the retention, since a chunked partial's
     * head may name slices written up to half the retention before it ({@link ChunkedItems}), and an item may be
     * deleted by TTL any time after it expires. A window whose partials wait longer than this between a write and
     * their firing could find a slice gone.
     */
    public Duration readableAfterLastWrite() {
        return Duration.ofSeconds(retentionSeconds / 2);
    }

    private long ttl() {
        return clock.instant().getEpochSecond() + retentionSeconds;
    }
}
