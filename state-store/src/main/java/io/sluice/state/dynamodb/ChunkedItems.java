package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.ItemTooLargeException;
import io.sluice.state.PartialKey;
import io.sluice.state.StateEntry;
import io.sluice.state.dynamodb.ChunkedPartials.Page;
import io.sluice.state.dynamodb.ChunkedPartials.PageRef;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import static io.sluice.state.dynamodb.Coordination.key;
import static io.sluice.state.dynamodb.Coordination.s;
import static io.sluice.state.dynamodb.StateTables.ENTRIES;
import static io.sluice.state.dynamodb.StateTables.FENCE;
import static io.sluice.state.dynamodb.StateTables.MANIFEST;
import static io.sluice.state.dynamodb.StateTables.PK;
import static io.sluice.state.dynamodb.StateTables.TTL;

/**
 * Writes and reads the chunks of partials that outgrow one item (layout in {@link ChunkedPartials}; protocol in
 * {@link io.sluice.state}'s package docs): new or changed pages are written as immutable chunk items under a fresh
 * random version id, then the head is written with the partial's fence condition. Chunk items carry no fence: only
 * a head names them, so they are invisible until the head that names them is written.
 */
final class ChunkedItems {

    private static final ReturnConsumedCapacity TOTAL = ReturnConsumedCapacity.TOTAL;

    /** What a head says: its fence and, if chunked, its manifest ({@code null}: entries inline). */
    record Head(Fence fence, List<PageRef> manifest) {
    }

    private final DynamoDbClient client;
    private final String table;
    private final int windowBuckets;
    private final int itemLimitBytes;
    private final long retentionSeconds;
    private final Clock clock;
    private final DynamoCalls calls;
    private final LongSupplier ttl;
    private final SecureRandom versions = new SecureRandom();

    ChunkedItems(DynamoDbClient client, String table, int windowBuckets, int itemLimitBytes, long retentionSeconds,
                 Clock clock, DynamoCalls calls, LongSupplier ttl) {
        this.client = client;
        this.table = table;
        this.windowBuckets = windowBuckets;
        this.itemLimitBytes = itemLimitBytes;
        this.retentionSeconds = retentionSeconds;
        this.clock = clock;
        this.calls = calls;
        this.ttl = ttl;
    }

    /**
     * Writes a partial's entries as a chunked partial at {@code fence} if the head's fence is {@code expected}.
     *
     * @param pages     the entries encoded over a given number of pages ({@link ChunkedPartials#pages}, or the
     *                  store's {@link EncodedPages}, which re-encodes only changed pages)
     * @param known     the head as this store last wrote or read it, or {@code null}: it is read first (one small read)
     * @param bodyBytes the encoded size of the entries, which sizes the page count
     * @return the head now stored
     * @throws FenceConflictException if the stored fence is not {@code expected}; no chunk it wrote stays behind
     */
    Head write(PartialKey key, Map<String, AttributeValue> headKey, Fence fence, IntFunction<List<Page>> pages,
               Fence expected, Head known, long bodyBytes) {
        Head old = known != null && known.fence().equals(expected) ? known : readHead(headKey);
        Fence storedFence = old == null ? Fence.NONE : old.fence();
        if (!storedFence.equals(expected)) {
            throw new FenceConflictException(key, expected); // before writing any chunk: nothing to clean up
        }
        List<PageRef> previous = old == null ? null : old.manifest();
        int pageCount = ChunkedPartials.pagesFor(bodyBytes, previous == null ? 0 : previous.size(),
                ChunkedPartials.pageTargetBytes(itemLimitBytes));
        List<Page> encoded = pages.apply(pageCount);
        long version = versions.nextLong();
        long now = clock.instant().getEpochSecond();
        List<PageRef> refs = new ArrayList<>(pageCount);
        List<Map<String, AttributeValue>> written = new ArrayList<>();
        String headSk = headKey.get(StateTables.SK).s();
        for (Page page : encoded) {
            PageRef prev = previous != null && previous.size() == pageCount ? previous.get(page.index()) : null;
            if (prev != null && prev.sameBytes(page.digest()) && now - prev.writtenAtSeconds() < retentionSeconds / 2) {
                refs.add(prev);   // unchanged and far from its TTL: keep its chunks, bill nothing
                continue;
            }
            List<byte[]> slices = ChunkedPartials.slices(page.bytes(), ChunkedPartials.sliceBytes(itemLimitBytes));
            for (int i = 0; i < slices.size(); i++) {
                Map<String, AttributeValue> item = new HashMap<>(chunkKey(key, headSk, page.index(), i, version));
                item.put(ENTRIES, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(slices.get(i))));
                item.put(TTL, Coordination.n(ttl.getAsLong()));
                put(PutItemRequest.builder().tableName(table).item(item).returnConsumedCapacity(TOTAL), item);
                written.add(chunkKey(key, headSk, page.index(), i, version));
            }
            refs.add(new PageRef(version, slices.size(), page.digest(), now));
        }
        Map<String, AttributeValue> head = new HashMap<>(headKey);
        head.put(FENCE, s(fence.encoded()));
        head.put(MANIFEST, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(ChunkedPartials.encodeManifest(refs))));
        head.put(TTL, Coordination.n(ttl.getAsLong()));
        int headSize = ItemSizes.itemSize(head);
        if (headSize > ItemSizes.ITEM_LIMIT_BYTES) {
            written.forEach(this::deleteQuietly);
            throw new ItemTooLargeException(key, (int) Math.min(Integer.MAX_VALUE, bodyBytes),
                    ChunkedPartials.MAX_PAGES * ChunkedPartials.pageTargetBytes(itemLimitBytes));
        }
        PutItemRequest.Builder request = PutItemRequest.builder().tableName(table).item(head)
                .returnConsumedCapacity(TOTAL);
        conditionOn(request, expected);
        try {
            put(request, head);
        } catch (ConditionalCheckFailedException e) {
            written.forEach(this::deleteQuietly);  // never named by any head: nobody reads them
            throw new FenceConflictException(key, expected);
        }
        if (previous != null) {
            deleteReplaced(key, headSk, previous, refs);
        }
        return new Head(fence, List.copyOf(refs));
    }

    /** Deletes every chunk of {@code manifest}: the head that named it now holds its entries inline. */
    void deleteAll(PartialKey key, Map<String, AttributeValue> headKey, List<PageRef> manifest) {
        deleteReplaced(key, headKey.get(StateTables.SK).s(), manifest, List.of());
    }

    /**
     * The entries a chunked head names, from chunk items already at hand ({@code found}, by sort key) or else read.
     *
     * @return the entries, or {@code null} if a named chunk is gone (a newer head replaced it: read the head again)
     */
    List<StateEntry> read(PartialKey key, String headSk, List<PageRef> manifest, Map<String, byte[]> found,
                          Function<List<Map<String, AttributeValue>>, List<Map<String, AttributeValue>>> batchGet) {
        List<Map<String, AttributeValue>> missing = new ArrayList<>();
        for (int page = 0; page < manifest.size(); page++) {
            PageRef ref = manifest.get(page);
            for (int i = 0; i < ref.slices(); i++) {
                Map<String, AttributeValue> k = chunkKey(key, headSk, page, i, ref.version());
                if (!found.containsKey(k.get(StateTables.SK).s())) {
                    missing.add(k);
                }
            }
        }
        Map<String, byte[]> chunks = new HashMap<>(found);
        if (!missing.isEmpty()) {
            for (Map<String, AttributeValue> item : batchGet.apply(missing)) {
                chunks.put(item.get(StateTables.SK).s(), item.get(ENTRIES).b().asByteArrayUnsafe());
            }
        }
        List<StateEntry> entries = new ArrayList<>();
        for (int page = 0; page < manifest.size(); page++) {
            PageRef ref = manifest.get(page);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < ref.slices(); i++) {
                byte[] slice = chunks.get(ChunkedPartials.chunkSk(headSk, page, i, ref.version()));
                if (slice == null) {
                    return null;
                }
                bytes.write(slice, 0, slice.length);
            }
            entries.addAll(PartialCodec.decode(key.slot(), bytes.toByteArray()));
        }
        return entries;
    }

    /** The head's fence and manifest, without its entries; {@code null} if there is no head. */
    Head readHead(Map<String, AttributeValue> headKey) {
        GetItemResponse r = calls.read("GetItem", () -> client.getItem(b -> b.tableName(table).key(headKey)
                .consistentRead(true).projectionExpression(FENCE + ", " + MANIFEST).returnConsumedCapacity(TOTAL)),
                GetItemResponse::consumedCapacity);
        calls.estimateRead(1);
        return r.hasItem() && !r.item().isEmpty() ? head(r.item()) : null;
    }

    static Head head(Map<String, AttributeValue> item) {
        AttributeValue m = item.get(MANIFEST);
        return new Head(Fence.decode(item.get(FENCE).s()),
                m == null ? null : ChunkedPartials.decodeManifest(m.b().asByteArrayUnsafe()));
    }

    static boolean isChunk(Map<String, AttributeValue> item) {
        return !item.containsKey(FENCE);
    }

    static void conditionOn(PutItemRequest.Builder request, Fence expected) {
        if (expected.equals(Fence.NONE)) {
            request.conditionExpression("attribute_not_exists(" + PK + ")");
        } else {
            request.conditionExpression(FENCE + " = :expected")
                    .expressionAttributeValues(Map.of(":expected", s(expected.encoded())));
        }
    }

    Map<String, AttributeValue> chunkKey(PartialKey key, String headSk, int page, int slice, long version) {
        int shard = Keys.windowBucket(ChunkedPartials.chunkShardName(key.split(), page), key.bucket(), windowBuckets);
        return key(Keys.partialPk(key.pipeline(), key.slot(), shard),
                ChunkedPartials.chunkSk(headSk, page, slice, version));
    }

    private void deleteReplaced(PartialKey key, String headSk, List<PageRef> previous, List<PageRef> kept) {
        for (int page = 0; page < previous.size(); page++) {
            PageRef ref = previous.get(page);
            if (kept.size() == previous.size() && kept.get(page) == ref) {
                continue;
            }
            for (int i = 0; i < ref.slices(); i++) {
                deleteQuietly(chunkKey(key, headSk, page, i, ref.version()));
            }
        }
    }

    private void put(PutItemRequest.Builder request, Map<String, AttributeValue> item) {
        // DynamoDB bills a failed conditional write like a successful one, so estimate before knowing the outcome.
        calls.estimateWrite(ItemSizes.writeUnits(ItemSizes.itemSize(item)));
        calls.write("PutItem", () -> client.putItem(request.build()), PutItemResponse::consumedCapacity);
    }

    /**
     * Best effort: a chunk no head names is invisible, so a failed delete only leaves it to its TTL. Billed like
     * a write of the deleted item's size (estimated at one slice).
     */
    private void deleteQuietly(Map<String, AttributeValue> chunkKey) {
        try {
            calls.estimateWrite(ItemSizes.writeUnits(ChunkedPartials.sliceBytes(itemLimitBytes)));
            calls.write("DeleteItem", () -> client.deleteItem(b -> b.tableName(table).key(chunkKey)
                    .returnConsumedCapacity(TOTAL)), DeleteItemResponse::consumedCapacity);
        } catch (RuntimeException e) {
            // left to TTL: unreferenced, so no reader ever sees it
        }
    }
}
