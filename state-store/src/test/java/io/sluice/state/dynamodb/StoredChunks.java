package io.sluice.state.dynamodb;

import io.sluice.state.PartialKey;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** What a state table holds of chunked partials, read straight from the engine: to check what writes leave behind. */
final class StoredChunks {

    private StoredChunks() {
    }

    /** Sort keys of every chunk item stored for {@code pipeline}, named by a head or not. */
    static Set<String> stored(DynamoDbClient dynamo, String table, String pipeline) {
        return dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
                .filter(i -> i.get(StateTables.PK).s().startsWith(pipeline + "#"))
                .filter(ChunkedItems::isChunk).map(i -> i.get(StateTables.SK).s()).collect(Collectors.toSet());
    }

    /** The manifest the stored head of {@code key} holds. */
    static ChunkManifest manifest(DynamoDbClient dynamo, String table, PartialKey key, int windowBuckets) {
        Map<String, AttributeValue> head = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Coordination.key(Keys.partialPk(key, windowBuckets), Keys.partialSk(key)))).item();
        return ChunkManifest.decode(head.get(StateTables.MANIFEST).b().asByteArray());
    }

    /** Sort keys of the chunks the stored head of {@code key} names. */
    static Set<String> named(DynamoDbClient dynamo, String table, PartialKey key, int windowBuckets) {
        Map<String, AttributeValue> head = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Coordination.key(Keys.partialPk(key, windowBuckets), Keys.partialSk(key)))).item();
        ChunkManifest manifest = ChunkManifest.decode(head.get(StateTables.MANIFEST).b().asByteArray());
        Set<String> named = new HashSet<>();
        for (int page = 0; page < manifest.pages().size(); page++) {
            for (ChunkManifest.SliceRef s : manifest.pages().get(page).slices()) {
                named.add(ChunkedPartials.chunkSk(Keys.partialSk(key), page, s.ordinal(), s.version()));
            }
        }
        for (ChunkManifest.DeltaRef d : manifest.log()) {
            for (int piece = 0; piece < d.storedBytes().size(); piece++) {
                named.add(ChunkedPartials.logChunkSk(Keys.partialSk(key), piece, d.version()));
            }
        }
        return named;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
