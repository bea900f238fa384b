package io.sluice.state.dynamodb;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.ItemTooLargeException;
import io.sluice.state.PartialKey;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.ChunkManifest.PageRef;
import io.sluice.state.dynamodb.ChunkManifest.SliceRef;
import io.sluice.state.dynamodb.ChunkedPartials.Page;
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
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@link io.sluice.state}'s package docs): slices whose bytes the previous head does not already name are written as
 * immutable chunk items under a fresh random version id, then the head is written with the partial's fence
 * condition. Chunks only the previous head named are left to TTL: they live in partitions of their own
 * ({@link Keys#chunkPk}), which no query reads, so keeping them unread for the retention costs storage only, where
 * deleting them was billed like writing them again (whole-page chunks of older heads sit beside the heads and are
 * deleted). Chunk items carry no fence: only a head names them, so they are invisible until the head that names them
 * is written.
 *
 * <p>Why a crash or a lost race never shows a mix: a write puts only items under its own fresh version, which no
 * head names yet, and deletes (whole-page chunks) only after its head is stored, and then only chunks its head does
 * not name; a chunk it keeps is named by the old head and the new one and is neither overwritten nor deleted; a
 * reader holding the old head still finds every chunk it names until TTL. A writer that loses the fence race deletes
 * only the items of its own version. A kept slice is younger than half the retention, so its TTL is at least half the
 * retention away whenever a head names it.
 *
 * <p>A write may instead append a delta to the head's log ({@link #writeLog}, layout in {@link PartialLog}): the same
 * order and the same argument, its chunks put under a fresh version no head names, then the head naming the old
 * pages, the old deltas and the new one, with the fence condition; a refused head deletes the delta's chunks. The
 * delta is relative to the version whose fence the condition checks, so it is applied to exactly the entries it was
 * computed from, or not at all. Only a head with no chunk half the retention old is logged, as above.
 */
final class ChunkedItems {

    private static final ReturnConsumedCapacity TOTAL = ReturnConsumedCapacity.TOTAL;
    /** Deltas a log holds at most: each is read at firing, one chunk item or more. */
    static final int MAX_LOG_DELTAS = 64;

    /** What a head says: its fence and, if chunked, its manifest ({@code null}: entries inline). */
    record Head(Fence fence, ChunkManifest manifest) {
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
    private final ChunkWrites chunkWrites;
    /** Chunks read before: immutable, so a later read of a head naming them asks only for the others. */
    private final ChunkCache chunkCache = ChunkCache.eighthOfTheHeap();

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
        this.chunkWrites = new ChunkWrites(client, table, calls);
    }

    /**
     * Writes a partial's entries as a chunked partial at {@code fence} if the head's fence is {@code expected}.
     *
     * @param pages     the entries encoded over a given number of pages ({@link ChunkedPartials#pages}, or the
     *                  store's {@link EncodedPages}, which re-encodes only changed pages)
     * @param known     the head as this store last wrote or read it, or {@code null}: it is read first (one small read)
     * @param bodyBytes the encoded size of the entries, which sizes the page count
     * @param forLog    whether the partial is chunked to be logged from now on: its slices are cut at the logged
     *                  target ({@link ChunkedPartials#LOGGED_SLICE_TARGET_BYTES}), as a compaction of a log does
     * @return the head now stored
     * @throws FenceConflictException if the stored fence is not {@code expected}; no chunk it wrote stays behind
     */
    Head write(PartialKey key, Map<String, AttributeValue> headKey, Fence fence, IntFunction<List<Page>> pages,
               Fence expected, Head known, long bodyBytes, boolean forLog) {
        Head old = known != null && known.fence().equals(expected) ? known : readHead(headKey);
        Fence storedFence = old == null ? Fence.NONE : old.fence();
        if (!storedFence.equals(expected)) {
            throw new FenceConflictException(key, expected); // before writing any chunk: nothing to clean up
        }
        ChunkManifest previous = old == null ? null : old.manifest();
        int pageCount = ChunkedPartials.pagesFor(bodyBytes, previous == null ? 0 : previous.pages().size(),
                ChunkedPartials.pageTargetBytes(itemLimitBytes));
        List<Page> encoded = pages.apply(pageCount);
        long plainBytes = encoded.stream().mapToLong(p -> p.bytes().length).sum();
        int floor = previous == null ? 0 : previous.sliceTarget();
        if (forLog || previous != null && !previous.log().isEmpty()) {   // chunked to be logged, or a compaction
            floor = Math.max(floor, ChunkedPartials.loggedSliceTarget(itemLimitBytes));
        }
        int target = ChunkedPartials.sliceTarget(plainBytes, floor, itemLimitBytes);
        boolean samePages = previous != null && previous.pages().size() == pageCount;
        long version = versions.nextLong();
        long now = clock.instant().getEpochSecond();
        List<PageRef> refs = new ArrayList<>(pageCount);
        Map<Map<String, AttributeValue>, Integer> written = new LinkedHashMap<>();   // chunk key -> stored bytes
        List<Map<String, AttributeValue>> newChunks = new ArrayList<>();
        String headSk = headKey.get(StateTables.SK).s();
        for (Page page : encoded) {
            PageRef prev = samePages ? previous.pages().get(page.index()) : null;
            if (prev != null && prev.sameBytes(page.digest()) && target == previous.sliceTarget() && young(prev, now)) {
                refs.add(prev);   // unchanged and far from its TTL: keep its chunks, bill nothing
                continue;
            }
            Map<ByteBuffer, SliceRef> kept = keepable(prev, now);
            List<byte[]> slices = ChunkedPartials.slices(page.bytes(), target,
                    ChunkedPartials.maxSlice(target, itemLimitBytes));
            List<SliceRef> sliceRefs = new ArrayList<>(slices.size());
            for (int i = 0; i < slices.size(); i++) {
                byte[] digest = ChunkedPartials.digest(slices.get(i));
                SliceRef same = kept.get(ByteBuffer.wrap(digest));
                if (same != null) {
                    sliceRefs.add(same);   // these bytes are stored already, under a chunk the old head names
                    continue;
                }
                byte[] stored = PartialCodec.pack(slices.get(i));
                Map<String, AttributeValue> chunkKey = chunkKey(key, headSk, page.index(), i, version, false);
                Map<String, AttributeValue> item = new HashMap<>(chunkKey);
                item.put(ENTRIES, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(stored)));
                item.put(TTL, Coordination.n(ttl.getAsLong()));
                newChunks.add(item);
                written.put(chunkKey, stored.length);
                sliceRefs.add(new SliceRef(version, i, stored.length, digest, now));
            }
            refs.add(new PageRef(page.digest(), false, List.copyOf(sliceRefs)));
        }
        ChunkManifest manifest = new ChunkManifest(target, refs);
        Map<String, AttributeValue> head = headItem(headKey, fence, manifest);
        if (ItemSizes.itemSize(head) > StateStore.ITEM_LIMIT_BYTES) {   // checked before any chunk is written
            throw new ItemTooLargeException(key, (int) Math.min(Integer.MAX_VALUE, bodyBytes),
                    ChunkedPartials.MAX_PAGES * ChunkedPartials.pageTargetBytes(itemLimitBytes));
        }
        putChunksThenHead(key, newChunks, head, expected, () -> written.forEach(this::deleteQuietly));
        if (previous != null) {
            deleteReplaced(key, headSk, previous, manifest, false);
        }
        return new Head(fence, manifest);
    }

    /**
     * Writes {@code delta} to the log of the chunked partial {@code known} names, then the head naming it, at
     * {@code fence} if the head's fence is {@code expected} (which must be {@code known}'s: the delta is relative to
     * the entries it holds). Not taken, nothing written, when a log write does not pay or is not safe: the log would
     * outgrow the base (so a partial's stored bytes stay within twice its base, and a batch's bytes amortised within
     * twice what it changed), it holds {@link #MAX_LOG_DELTAS} deltas, or a chunk the head names is half the
     * retention old (a head names only chunks TTL keeps for half the retention more). The caller then writes pages,
     * which compacts the log.
     *
     * @return the head now stored, or {@code null} if not taken
     * @throws FenceConflictException if the stored fence is not {@code expected}; no chunk it wrote stays behind
     */
    Head writeLog(PartialKey key, Map<String, AttributeValue> headKey, Fence fence, PartialLog delta,
                  Fence expected, Head known) {
        ChunkManifest previous = known.manifest();
        long now = clock.instant().getEpochSecond();
        if (previous.sliceTarget() == 0 || previous.log().size() >= MAX_LOG_DELTAS
                || now - previous.oldestWriteSeconds() >= retentionSeconds / 2) {
            return null;
        }
        long version = versions.nextLong();
        String headSk = headKey.get(StateTables.SK).s();
        List<Map<String, AttributeValue>> newChunks = new ArrayList<>();
        List<Integer> stored = new ArrayList<>();
        ChunkManifest manifest = previous;
        if (!delta.isEmpty()) {
            List<byte[]> pieces = PartialLog.pieces(delta.encode(key.slot()),
                    ChunkedPartials.sliceBytes(itemLimitBytes) - 1);
            for (int i = 0; i < pieces.size(); i++) {
                byte[] packed = PartialCodec.pack(pieces.get(i));
                Map<String, AttributeValue> item = new HashMap<>(logChunkKey(key, headSk, i, version));
                item.put(ENTRIES, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(packed)));
                item.put(TTL, Coordination.n(ttl.getAsLong()));
                newChunks.add(item);
                stored.add(packed.length);
            }
            manifest = previous.withDelta(new ChunkManifest.DeltaRef(version, now, stored));
            if (manifest.logStoredBytes() > previous.baseStoredBytes()) {
                return null;
            }
        }
        Map<String, AttributeValue> head = headItem(headKey, fence, manifest);
        if (ItemSizes.itemSize(head) > StateStore.ITEM_LIMIT_BYTES) {
            return null;
        }
        putChunksThenHead(key, newChunks, head, expected, () -> {
            for (int i = 0; i < newChunks.size(); i++) {
                deleteQuietly(logChunkKey(key, headSk, i, version), stored.get(i));
            }
        });
        return new Head(fence, manifest);
    }

    private Map<String, AttributeValue> headItem(Map<String, AttributeValue> headKey, Fence fence,
                                                 ChunkManifest manifest) {
        Map<String, AttributeValue> head = new HashMap<>(headKey);
        head.put(FENCE, s(fence.encoded()));
        head.put(MANIFEST, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(manifest.encode())));
        head.put(TTL, Coordination.n(ttl.getAsLong()));
        return head;
    }

    /**
     * Puts a write's new chunks, then its head if the stored fence is {@code expected}: the order that keeps a write
     * invisible until it is whole. A chunk put that fails leaves chunks no head names (left to TTL, as a crash);
     * a refused head deletes them ({@code deleteOwnChunks}: nobody reads them) and throws.
     */
    private void putChunksThenHead(PartialKey key, List<Map<String, AttributeValue>> chunks,
                                   Map<String, AttributeValue> head, Fence expected, Runnable deleteOwnChunks) {
        chunkWrites.putAll(chunks);
        PutItemRequest.Builder request = PutItemRequest.builder().tableName(table).item(head)
                .returnConsumedCapacity(TOTAL);
        conditionOn(request, expected);
        try {
            put(request, head);
        } catch (ConditionalCheckFailedException e) {
            deleteOwnChunks.run();
            throw new FenceConflictException(key, expected);
        }
    }

    /** Whether every slice of {@code page} is far enough from its TTL to stay named by a new head. */
    private boolean young(PageRef page, long now) {
        return page.slices().stream().allMatch(s -> now - s.writtenAtSeconds() < retentionSeconds / 2);
    }

    /** The slices of {@code page} a new head may name again, by digest: none of a whole-page manifest's. */
    private Map<ByteBuffer, SliceRef> keepable(PageRef page, long now) {
        Map<ByteBuffer, SliceRef> kept = new HashMap<>();
        if (page != null && !page.whole()) {
            for (SliceRef s : page.slices()) {
                if (now - s.writtenAtSeconds() < retentionSeconds / 2) {
                    kept.putIfAbsent(ByteBuffer.wrap(s.digest()), s);
                }
            }
        }
        return kept;
    }

    /**
     * Deletes every chunk of {@code manifest}: the head that named it now holds its entries inline (rare: a partial
     * back under one item), so no chunk of it stays behind.
     */
    void deleteAll(PartialKey key, Map<String, AttributeValue> headKey, ChunkManifest manifest) {
        deleteReplaced(key, headKey.get(StateTables.SK).s(), manifest, new ChunkManifest(0, List.of()), true);
    }

    /**
     * The entries a chunked head names, from chunk items already at hand ({@code found}, by sort key) or else read.
     *
     * @return the entries, or {@code null} if a named chunk is gone (a newer head replaced it: read the head again)
     */
    List<StateEntry> read(PartialKey key, String headSk, ChunkManifest manifest, Map<String, byte[]> found,
                          Function<List<Map<String, AttributeValue>>, List<Map<String, AttributeValue>>> batchGet) {
        List<Map<String, AttributeValue>> named = new ArrayList<>();
        for (int page = 0; page < manifest.pages().size(); page++) {
            for (SliceRef s : manifest.pages().get(page).slices()) {
                named.add(chunkKey(key, headSk, page, s.ordinal(), s.version(), manifest.pages().get(page).whole()));
            }
        }
        for (ChunkManifest.DeltaRef d : manifest.log()) {
            for (int piece = 0; piece < d.storedBytes().size(); piece++) {
                named.add(logChunkKey(key, headSk, piece, d.version()));
            }
        }
        Map<String, byte[]> chunks = new HashMap<>(found);
        List<Map<String, AttributeValue>> missing = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        for (Map<String, AttributeValue> k : named) {
            String sk = k.get(StateTables.SK).s();
            byte[] cached = chunks.containsKey(sk) ? null : chunkCache.get(ChunkCache.key(k.get(PK).s(), sk));
            if (cached != null) {
                chunks.put(sk, cached);
            } else if (!chunks.containsKey(sk) && asked.add(sk)) {
                missing.add(k);
            }
        }
        if (!missing.isEmpty()) {
            for (Map<String, AttributeValue> item : batchGet.apply(missing)) {
                byte[] stored = item.get(ENTRIES).b().asByteArrayUnsafe();
                chunks.put(item.get(StateTables.SK).s(), stored);
                chunkCache.put(ChunkCache.key(item.get(PK).s(), item.get(StateTables.SK).s()), stored);
            }
        }
        List<StateEntry> entries = new ArrayList<>();
        for (int page = 0; page < manifest.pages().size(); page++) {
            PageRef ref = manifest.pages().get(page);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (SliceRef s : ref.slices()) {
                byte[] slice = chunks.get(ChunkedPartials.chunkSk(headSk, page, s.ordinal(), s.version()));
                if (slice == null) {
                    return null;
                }
                byte[] plain = ref.whole() ? slice : PartialCodec.unpack(slice);
                bytes.write(plain, 0, plain.length);
            }
            entries.addAll(ref.whole() ? PartialCodec.decode(key.slot(), bytes.toByteArray())
                    : PartialCodec.decodeBody(key.slot(), bytes.toByteArray()));
        }
        List<PartialLog> deltas = new ArrayList<>(manifest.log().size());
        for (ChunkManifest.DeltaRef d : manifest.log()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int piece = 0; piece < d.storedBytes().size(); piece++) {
                byte[] chunk = chunks.get(ChunkedPartials.logChunkSk(headSk, piece, d.version()));
                if (chunk == null) {
                    return null;
                }
                byte[] plain = PartialCodec.unpack(chunk);
                bytes.write(plain, 0, plain.length);
            }
            deltas.add(PartialLog.decode(key.slot(), bytes.toByteArray()));
        }
        return PartialLog.apply(entries, deltas);
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
                m == null ? null : ChunkManifest.decode(m.b().asByteArrayUnsafe()));
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

    /** The key of chunk {@code piece} of a log delta, under {@link Keys#chunkPk} as sliced chunks. */
    Map<String, AttributeValue> logChunkKey(PartialKey key, String headSk, int piece, long version) {
        int shard = Keys.windowBucket(key.split() + "#l" + piece, key.bucket(), windowBuckets);
        return key(Keys.chunkPk(key.pipeline(), key.slot(), shard), ChunkedPartials.logChunkSk(headSk, piece, version));
    }

    /** The key of a sliced chunk (under {@link Keys#chunkPk}), or of a whole-page one (beside the heads). */
    Map<String, AttributeValue> chunkKey(PartialKey key, String headSk, int page, int slice, long version,
                                         boolean whole) {
        int shard = Keys.windowBucket(ChunkedPartials.chunkShardName(key.split(), page), key.bucket(), windowBuckets);
        return key(whole ? Keys.partialPk(key.pipeline(), key.slot(), shard)
                        : Keys.chunkPk(key.pipeline(), key.slot(), shard),
                ChunkedPartials.chunkSk(headSk, page, slice, version));
    }

    /**
     * Deletes the chunks {@code previous} names and {@code kept} does not: whole-page chunks always (they share the
     * window's partition with the heads, so a firing's query would read them), sliced ones only if {@code sliced}
     * (else TTL removes them: a delete is billed per KB like a write, storing them until then costs far less).
     */
    private void deleteReplaced(PartialKey key, String headSk, ChunkManifest previous, ChunkManifest kept,
                                boolean sliced) {
        Set<String> named = new HashSet<>();
        for (int page = 0; page < kept.pages().size(); page++) {
            for (SliceRef s : kept.pages().get(page).slices()) {
                named.add(ChunkedPartials.chunkSk(headSk, page, s.ordinal(), s.version()));
            }
        }
        Set<String> deleted = new HashSet<>();
        for (int page = 0; page < previous.pages().size(); page++) {
            boolean whole = previous.pages().get(page).whole();
            for (SliceRef s : previous.pages().get(page).slices()) {
                String sk = ChunkedPartials.chunkSk(headSk, page, s.ordinal(), s.version());
                if ((whole || sliced) && !named.contains(sk) && deleted.add(sk)) {
                    deleteQuietly(chunkKey(key, headSk, page, s.ordinal(), s.version(), whole), s.storedBytes());
                }
            }
        }
        if (sliced) {
            for (ChunkManifest.DeltaRef d : previous.log()) {   // a kept manifest has no log: deleteAll's is empty
                for (int piece = 0; piece < d.storedBytes().size(); piece++) {
                    deleteQuietly(logChunkKey(key, headSk, piece, d.version()), d.storedBytes().get(piece));
                }
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
     * a write of the deleted item's size: its keys, TTL and {@code storedBytes} of entries (-1: unknown, one slice).
     */
    private void deleteQuietly(Map<String, AttributeValue> chunkKey, int storedBytes) {
        try {
            int entries = storedBytes < 0 ? ChunkedPartials.sliceBytes(itemLimitBytes) : storedBytes;
            calls.estimateWrite(ItemSizes.writeUnits(ItemSizes.itemSize(chunkKey) + ENTRIES.length() + entries
                    + TTL.length() + 6));
            calls.write("DeleteItem", () -> client.deleteItem(b -> b.tableName(table).key(chunkKey)
                    .returnConsumedCapacity(TOTAL)), DeleteItemResponse::consumedCapacity);
        } catch (RuntimeException e) {
            // left to TTL: unreferenced, so no reader ever sees it
        }
    }
}
