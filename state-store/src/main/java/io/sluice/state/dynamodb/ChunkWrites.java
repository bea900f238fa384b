package io.sluice.state.dynamodb;

import io.sluice.state.StateStoreException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts a write's new chunk items with {@code BatchWriteItem}, 25 a call: chunks carry no condition (no head names
 * them yet), so nothing is lost by batching, and a partial whose slices are all new (its first chunked write, a new
 * page count, a key encoded whole again) waits one round trip per 25 slices, not per slice. Billed as the same puts.
 * A call that fails part-way leaves some chunks written and no head naming them: invisible, left to TTL, exactly
 * like a crash between single puts.
 */
final class ChunkWrites {

    /** BatchWriteItem's limit of requests per call. */
    static final int PER_CALL = 25;

    private final DynamoDbClient client;
    private final String table;
    private final DynamoCalls calls;

    ChunkWrites(DynamoDbClient client, String table, DynamoCalls calls) {
        this.client = client;
        this.table = table;
        this.calls = calls;
    }

    /**
     * Puts {@code items}, {@value #PER_CALL} a call, retrying unprocessed ones with back-off.
     *
     * @throws StateStoreException if items are still unprocessed after the store's attempts
     */
    void putAll(List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += PER_CALL) {
            List<WriteRequest> pending = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + PER_CALL))) {
                calls.estimateWrite(ItemSizes.writeUnits(ItemSizes.itemSize(item)));
                pending.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round > 0) {
                    calls.pause(round - 1);   // unprocessed items mean throttling: back off before sending again
                }
                List<WriteRequest> send = pending;
                BatchWriteItemResponse r = calls.batch("BatchWriteItem", true, () -> client.batchWriteItem(b -> b
                        .requestItems(Map.of(table, send)).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)),
                        BatchWriteItemResponse::consumedCapacity);
                List<WriteRequest> unprocessed = r.unprocessedItems().get(table);
                pending = unprocessed == null ? List.of() : unprocessed;
                if (!pending.isEmpty() && round + 1 >= calls.maxAttempts()) {
                    throw new StateStoreException("BatchWriteItem left " + pending.size() + " chunk items of table ["
                            + table + "] unprocessed after " + (round + 1) + " attempts");
                }
            }
        }
    }
}
