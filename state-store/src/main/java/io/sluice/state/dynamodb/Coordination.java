package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.FiringClaimLostException;
import io.sluice.state.StateStoreException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import static io.sluice.state.dynamodb.StateTables.ATTEMPT_FENCE;
import static io.sluice.state.dynamodb.StateTables.FENCE;
import static io.sluice.state.dynamodb.StateTables.FIRED_WATERMARK;
import static io.sluice.state.dynamodb.StateTables.KEY_BUCKETS;
import static io.sluice.state.dynamodb.StateTables.LAST_ACTIVITY;
import static io.sluice.state.dynamodb.StateTables.LEASE_UNTIL;
import static io.sluice.state.dynamodb.StateTables.OWNER;
import static io.sluice.state.dynamodb.StateTables.PARENTS;
import static io.sluice.state.dynamodb.StateTables.PK;
import static io.sluice.state.dynamodb.StateTables.SK;
import static io.sluice.state.dynamodb.StateTables.STATUS;
import static io.sluice.state.dynamodb.StateTables.TTL;
import static io.sluice.state.dynamodb.StateTables.WATERMARK;

/** Slot index, firing claims, splits and fired watermark in the coordination table (layout in {@link StateTables}). */
final class Coordination {

    static final String PENDING = "PENDING";
    static final String CLAIMED = "CLAIMED";
    private static final String FIRED_SK = io.sluice.state.coordination.CoordinationKeys.FIRED_WATERMARK_SK;
    /** The published watermark shares the fired watermark's partition. */
    private static final String PUBLISHED_SK = "published";
    private static final int MAX_SPLIT_ATTEMPTS = 8;
    private static final ReturnConsumedCapacity TOTAL = ReturnConsumedCapacity.TOTAL;

    private final DynamoDbClient client;
    private final String table;
    private final DynamoCalls calls;
    private final LongSupplier ttl;

    Coordination(DynamoDbClient client, String table, DynamoCalls calls, LongSupplier ttl) {
        this.client = client;
        this.table = table;
        this.calls = calls;
        this.ttl = ttl;
    }

    /**
     * Adds the slot to the index unless it was fired: a fired slot has a tombstone, and registering never re-opens
     * it. The tombstone check is a separate read, so a registration racing with the completion of the same slot
     * (a late writer) could put it back in the index; the next claim attempt removes it again.
     */
    void registerSlot(String pipeline, Slot slot) {
        if (get(key(Keys.firedSlotsPk(pipeline), Keys.slotSk(slot))).isPresent()) {
            return;
        }
        // if_not_exists keeps a claim: registering is idempotent.
        update(key(Keys.slotsPk(pipeline), Keys.slotSk(slot)),
                "SET " + STATUS + " = if_not_exists(" + STATUS + ", :pending), #ttl = :ttl", null,
                Map.of(":pending", s(PENDING), ":ttl", n(ttl.getAsLong())));
    }

    /** The index holds unfired slots only, so this query never reads the fired past. */
    List<Slot> pendingSlots(String pipeline, long maxEnd) {
        List<Slot> slots = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(QueryRequest.builder()
                .keyConditionExpression(PK + " = :pk AND " + SK + " < :bound")
                .expressionAttributeValues(Map.of(":pk", s(Keys.slotsPk(pipeline)),
                        ":bound", s(Keys.slotSkBoundAfter(maxEnd)))))) {
            slots.add(Keys.parseSlotSk(item.get(SK).s()));
        }
        return slots;
    }

    boolean claimFiring(String pipeline, Slot slot, String owner, long nowMillis, long leaseMillis) {
        Map<String, AttributeValue> index = key(Keys.slotsPk(pipeline), Keys.slotSk(slot));
        Map<String, AttributeValue> tombstone = key(Keys.firedSlotsPk(pipeline), Keys.slotSk(slot));
        try {
            transact(
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(tombstone)
                            .conditionExpression("attribute_not_exists(" + PK + ")")).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(index)
                            .updateExpression("SET " + STATUS + " = :claimed, " + OWNER + " = :owner, "
                                    + LEASE_UNTIL + " = :until, #ttl = :ttl")
                            .conditionExpression("attribute_not_exists(" + OWNER + ") OR " + OWNER + " = :owner OR "
                                    + LEASE_UNTIL + " <= :now")
                            .expressionAttributeNames(Map.of("#ttl", TTL))
                            .expressionAttributeValues(Map.of(":claimed", s(CLAIMED), ":owner", s(owner),
                                    ":until", n(nowMillis + leaseMillis), ":ttl", n(ttl.getAsLong()),
                                    ":now", n(nowMillis)))).build());
            return true;
        } catch (TransactionCanceledException e) {
            if (failedCondition(e, 0)) {
                // Fired already; an index entry can only be a registration that raced the completion.
                calls.estimateWrite(1);
                calls.write("DeleteItem", () -> client.deleteItem(b -> b.tableName(table).key(index)
                        .returnConsumedCapacity(TOTAL)), DeleteItemResponse::consumedCapacity);
            }
            return false;
        }
    }

    /** Moves the slot from the index to its tombstone, in one transaction conditional on the claim. */
    void completeFiring(String pipeline, Slot slot, String owner) {
        Map<String, AttributeValue> index = key(Keys.slotsPk(pipeline), Keys.slotSk(slot));
        Map<String, AttributeValue> tombstone = key(Keys.firedSlotsPk(pipeline), Keys.slotSk(slot));
        Map<String, AttributeValue> fired = new HashMap<>(tombstone);
        fired.put(OWNER, s(owner));
        fired.put(TTL, n(ttl.getAsLong()));
        try {
            transact(
                    TransactWriteItem.builder().delete(d -> d.tableName(table).key(index)
                            .conditionExpression(OWNER + " = :owner")
                            .expressionAttributeValues(Map.of(":owner", s(owner)))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(fired)).build());
        } catch (TransactionCanceledException e) {
            Optional<Map<String, AttributeValue>> done = get(tombstone);
            if (done.isPresent() && owner.equals(done.get().get(OWNER).s())) {
                return; // completed before by this owner: idempotent
            }
            AttributeValue holder = done.map(item -> item.get(OWNER))
                    .or(() -> get(index).map(item -> item.get(OWNER))).orElse(null);
            throw new FiringClaimLostException(holder == null
                    ? "No claim on slot " + slot + " of pipeline [" + pipeline + "] held by [" + owner + "]"
                    : "Slot " + slot + " of pipeline [" + pipeline + "] is claimed by [" + holder.s() + "], not ["
                    + owner + "]", List.of(slot));
        }
    }

    /** One strongly consistent read of the slot's tombstone. */
    boolean isFired(String pipeline, Slot slot) {
        return get(key(Keys.firedSlotsPk(pipeline), Keys.slotSk(slot))).isPresent();
    }

    void releaseFiring(String pipeline, Slot slot, String owner) {
        try {
            update(key(Keys.slotsPk(pipeline), Keys.slotSk(slot)),
                    "SET " + STATUS + " = :pending REMOVE " + OWNER + ", " + LEASE_UNTIL, OWNER + " = :owner",
                    Map.of(":pending", s(PENDING), ":owner", s(owner)));
        } catch (ConditionalCheckFailedException notHeld) {
            // Releasing a claim one does not hold (or of a fired slot, no longer indexed) is a no-op by contract.
        }
    }

    private void transact(TransactWriteItem... items) {
        calls.estimateWrite(2.0 * items.length); // transactional writes cost twice, per item of at most 1 KB
        calls.batch("TransactWriteItems", true, () -> client.transactWriteItems(b -> b.transactItems(items)
                .returnConsumedCapacity(TOTAL)), TransactWriteItemsResponse::consumedCapacity);
    }

    private static boolean failedCondition(TransactionCanceledException e, int item) {
        return e.hasCancellationReasons() && e.cancellationReasons().size() > item
                && "ConditionalCheckFailed".equals(e.cancellationReasons().get(item).code());
    }

    /** Monotone merge (see {@link SplitState#merge}): a write conditional on the stored state being dominated. */
    SplitState advanceSplit(SplitState proposed) {
        SplitState next = proposed;
        for (int attempt = 1; attempt <= MAX_SPLIT_ATTEMPTS; attempt++) {
            try {
                writeDominating(next);
                return next;
            } catch (ConditionalCheckFailedException e) {
                Optional<SplitState> stored = readSplit(proposed.pipeline(), proposed.split());
                if (stored.isPresent()) {
                    next = stored.get().merge(proposed);
                    if (next.equals(stored.get())) {
                        return next;   // the stored progress is already at least as far
                    }
                }
            }
        }
        throw new StateStoreException("Split [" + proposed.split() + "] of pipeline [" + proposed.pipeline()
                + "] kept changing under " + MAX_SPLIT_ATTEMPTS + " conditional writes");
    }

    /** Writes {@code state} unless the stored split is ahead of it in any respect. */
    private void writeDominating(SplitState state) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":st", s(state.status().name()));
        values.put(":wm", n(state.watermarkMillis()));
        values.put(":f", s(state.fence().encoded()));
        values.put(":la", n(state.lastActivityMillis()));
        values.put(":af", s(state.attemptFence().encoded()));
        values.put(":ttl", n(ttl.getAsLong()));
        StringBuilder set = new StringBuilder("SET " + STATUS + " = :st, " + WATERMARK + " = :wm, " + FENCE + " = :f, "
                + LAST_ACTIVITY + " = :la, " + ATTEMPT_FENCE + " = :af, #ttl = :ttl");
        if (!state.parents().isEmpty()) {
            set.append(", " + PARENTS + " = :p");
            values.put(":p", AttributeValue.fromL(state.parents().stream().map(Coordination::s).toList()));
        }
        StringBuilder condition = new StringBuilder("attribute_not_exists(" + PK + ") OR (" + WATERMARK + " <= :wm AND "
                + FENCE + " <= :f AND " + LAST_ACTIVITY + " <= :la AND (attribute_not_exists(" + ATTEMPT_FENCE + ") OR "
                + ATTEMPT_FENCE + " <= :af)");
        switch (state.status()) {
            case PENDING -> {
                condition.append(" AND " + STATUS + " = :st");
            }
            case ACTIVE -> {
                condition.append(" AND " + STATUS + " <> :fin");
                values.put(":fin", s(SplitStatus.FINISHED.name()));
            }
            case FINISHED -> {
                // FINISHED is the last status: nothing stored is ahead of it.
            }
        }
        condition.append(')');
        update(key(Keys.splitsPk(state.pipeline()), state.split()), set.toString(), condition.toString(), values);
    }

    boolean createSplit(SplitState state) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.putAll(key(Keys.splitsPk(state.pipeline()), state.split()));
        item.put(STATUS, s(state.status().name()));
        item.put(WATERMARK, n(state.watermarkMillis()));
        item.put(FENCE, s(state.fence().encoded()));
        item.put(LAST_ACTIVITY, n(state.lastActivityMillis()));
        item.put(ATTEMPT_FENCE, s(state.attemptFence().encoded()));
        if (state.keyBuckets() != SplitState.UNRECORDED) {
            item.put(KEY_BUCKETS, n(state.keyBuckets()));
        }
        item.put(PARENTS, AttributeValue.fromL(state.parents().stream().map(Coordination::s).toList()));
        item.put(TTL, n(ttl.getAsLong()));
        calls.estimateWrite(ItemSizes.writeUnits(ItemSizes.itemSize(item)));
        try {
            calls.write("PutItem", () -> client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(" + PK + ")").returnConsumedCapacity(TOTAL)),
                    PutItemResponse::consumedCapacity);
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * One UpdateItem in the common case: activity and attempt fence set, the split created if new, the old item
     * returned. When a higher attempt fence is stored (the first half of a bisected retry), only the activity is set.
     * The key-bucket count is set only where none is stored: it never changes.
     */
    SplitState startAttempt(String pipeline, String split, Fence through, long nowMillis, int keyBuckets) {
        SplitState.checkKeyBuckets(keyBuckets);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pending", s(SplitStatus.PENDING.name()));
        values.put(":min", n(Long.MIN_VALUE));
        values.put(":none", s(Fence.NONE.encoded()));
        values.put(":now", n(nowMillis));
        values.put(":ttl", n(ttl.getAsLong()));
        values.put(":kb", n(keyBuckets));
        String create = "SET " + STATUS + " = if_not_exists(" + STATUS + ", :pending), " + WATERMARK + " = if_not_exists("
                + WATERMARK + ", :min), " + FENCE + " = if_not_exists(" + FENCE + ", :none), " + LAST_ACTIVITY
                + " = :now, #ttl = :ttl, " + KEY_BUCKETS + " = if_not_exists(" + KEY_BUCKETS + ", :kb)";
        Map<String, AttributeValue> key = key(Keys.splitsPk(pipeline), split);
        Map<String, AttributeValue> old;
        try {
            Map<String, AttributeValue> withFence = new HashMap<>(values);
            withFence.put(":af", s(through.encoded()));
            old = updateReturningOld(key, create + ", " + ATTEMPT_FENCE + " = :af",
                    "attribute_not_exists(" + ATTEMPT_FENCE + ") OR " + ATTEMPT_FENCE + " <= :af", withFence);
        } catch (ConditionalCheckFailedException higherAttempt) {
            old = updateReturningOld(key, create, null, values);
        }
        return old.containsKey(STATUS) ? toSplit(pipeline, old) : SplitState.pending(pipeline, split, nowMillis, List.of());
    }

    Optional<SplitState> readSplit(String pipeline, String split) {
        return get(key(Keys.splitsPk(pipeline), split)).map(item -> toSplit(pipeline, item));
    }

    List<SplitState> splits(String pipeline) {
        List<SplitState> splits = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(QueryRequest.builder()
                .keyConditionExpression(PK + " = :pk")
                .expressionAttributeValues(Map.of(":pk", s(Keys.splitsPk(pipeline)))))) {
            splits.add(toSplit(pipeline, item));
        }
        return splits;
    }

    long firedWatermark(String pipeline) {
        return get(key(Keys.firedPk(pipeline), FIRED_SK))
                .map(item -> Long.parseLong(item.get(FIRED_WATERMARK).n()))
                .orElse(Long.MIN_VALUE);
    }

    long publishedWatermark(String pipeline) {
        return get(key(Keys.firedPk(pipeline), PUBLISHED_SK))
                .map(item -> Long.parseLong(item.get(FIRED_WATERMARK).n()))
                .orElse(Long.MIN_VALUE);
    }

    /**
     * No TTL: the published watermark is the floor lateness is judged against, so it must outlive every window's
     * state (fired tombstones and partials expire; a record for a window fired long ago must still be late). One
     * small item per pipeline and job.
     */
    void publishWatermark(String pipeline, long watermark) {
        try {
            update(key(Keys.firedPk(pipeline), PUBLISHED_SK), "SET " + FIRED_WATERMARK + " = :w",
                    "attribute_not_exists(" + FIRED_WATERMARK + ") OR " + FIRED_WATERMARK + " < :w",
                    Map.of(":w", n(watermark)));
        } catch (ConditionalCheckFailedException alreadyHigher) {
            // Monotonic by contract: a lower or equal watermark leaves the stored one.
        }
    }

    void advanceFiredWatermark(String pipeline, long watermark) {
        raise(pipeline, FIRED_SK, watermark);
    }

    private void raise(String pipeline, String sk, long watermark) {
        try {
            update(key(Keys.firedPk(pipeline), sk),
                    "SET " + FIRED_WATERMARK + " = :w, #ttl = :ttl",
                    "attribute_not_exists(" + FIRED_WATERMARK + ") OR " + FIRED_WATERMARK + " < :w",
                    Map.of(":w", n(watermark), ":ttl", n(ttl.getAsLong())));
        } catch (ConditionalCheckFailedException alreadyHigher) {
            // Monotonic by contract: a lower or equal watermark leaves the stored one.
        }
    }

    private static SplitState toSplit(String pipeline, Map<String, AttributeValue> item) {
        List<String> parents = item.containsKey(PARENTS)
                ? item.get(PARENTS).l().stream().map(AttributeValue::s).toList() : List.of();
        return new SplitState(pipeline, item.get(SK).s(), SplitStatus.valueOf(item.get(STATUS).s()),
                Long.parseLong(item.get(WATERMARK).n()), Fence.decode(item.get(FENCE).s()),
                Long.parseLong(item.get(LAST_ACTIVITY).n()), parents,
                item.containsKey(ATTEMPT_FENCE) ? Fence.decode(item.get(ATTEMPT_FENCE).s()) : Fence.NONE,
                item.containsKey(KEY_BUCKETS) ? Integer.parseInt(item.get(KEY_BUCKETS).n()) : SplitState.UNRECORDED);
    }

    private Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
        GetItemResponse r = calls.read("GetItem", () -> client.getItem(b -> b.tableName(table).key(key)
                .consistentRead(true).returnConsumedCapacity(TOTAL)), GetItemResponse::consumedCapacity);
        boolean found = r.hasItem() && !r.item().isEmpty();
        calls.estimateRead(ItemSizes.readUnits(found ? ItemSizes.itemSize(r.item()) : 0));
        return found ? Optional.of(r.item()) : Optional.empty();
    }

    private void update(Map<String, AttributeValue> key, String updateExpression, String condition,
                        Map<String, AttributeValue> values) {
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(key)
                .updateExpression(updateExpression).conditionExpression(condition)
                .expressionAttributeValues(values)
                .expressionAttributeNames(updateExpression.contains("#ttl") ? Map.of("#ttl", TTL) : null)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .returnConsumedCapacity(TOTAL).build();
        calls.estimateWrite(1); // coordination items stay far under 1 KB; a failed condition is billed too
        calls.write("UpdateItem", () -> client.updateItem(request), UpdateItemResponse::consumedCapacity);
    }

    private Map<String, AttributeValue> updateReturningOld(Map<String, AttributeValue> key, String updateExpression,
                                                          String condition, Map<String, AttributeValue> values) {
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(key)
                .updateExpression(updateExpression).conditionExpression(condition)
                .expressionAttributeValues(values).expressionAttributeNames(Map.of("#ttl", TTL))
                .returnValues(ReturnValue.ALL_OLD).returnConsumedCapacity(TOTAL).build();
        calls.estimateWrite(1);
        UpdateItemResponse r = calls.write("UpdateItem", () -> client.updateItem(request),
                UpdateItemResponse::consumedCapacity);
        return r.hasAttributes() ? r.attributes() : Map.of();
    }

    /** All items of a paginated query, strongly consistent. */
    private List<Map<String, AttributeValue>> query(QueryRequest.Builder request) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest page = request.tableName(table).consistentRead(true).exclusiveStartKey(start)
                    .returnConsumedCapacity(TOTAL).build();
            QueryResponse r = calls.read("Query", () -> client.query(page), QueryResponse::consumedCapacity);
            long bytes = 0;
            for (Map<String, AttributeValue> item : r.items()) {
                bytes += ItemSizes.itemSize(item);
            }
            calls.estimateRead(ItemSizes.readUnits(bytes));
            items.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
