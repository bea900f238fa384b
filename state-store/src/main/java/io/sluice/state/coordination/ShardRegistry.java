package io.sluice.state.coordination;

import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers the open shards of a stream in the coordination table before the first batch of an instance is
 * applied. The global watermark is the minimum over known splits; a shard that has not delivered yet is unknown, so
 * without this the first shard to deliver would fire windows its siblings still hold records for, and those
 * records would arrive late. Costs one {@code ListShards} per instance and per reshard. It also returns a shard's
 * parents: Lambda delivers a child only after its parents are fully processed, so the child's first batch is the
 * moment to mark them finished (nothing else tells a handler that a shard ended).
 *
 * <p>Registration is put-if-absent ({@link StateStore#createSplit}): a split already known is left exactly as it is,
 * so a registration racing with the shard's own progress never moves it back.
 *
 * <pre>{@code
 * ShardRegistry shards = new ShardRegistry(kinesis, store, "gmv-by-category");
 * List<String> parents = shards.ensureRegistered(streamArn, "shardId-000000000002", now);
 * }</pre>
 */
public final class ShardRegistry {

    private final KinesisClient kinesis;
    private final StateStore store;
    private final String pipeline;
    /** Shards listed so far, with their parents; a shard not in here triggers a new listing (a reshard). */
    private final Map<String, List<String>> lineage = new ConcurrentHashMap<>();

    public ShardRegistry(KinesisClient kinesis, StateStore store, String pipeline) {
        this.kinesis = kinesis;
        this.store = store;
        this.pipeline = pipeline;
    }

    /**
     * Makes sure the open shards of {@code streamArn} are registered, listing them again when {@code shardId} was not
     * seen before (a new instance, or a child shard after a reshard).
     *
     * @return the parents of {@code shardId} (empty for an original shard)
     * @throws software.amazon.awssdk.core.exception.SdkException if listing fails (the batch is then retried)
     */
    public List<String> ensureRegistered(String streamArn, String shardId, long nowMillis) {
        List<String> parents = lineage.get(shardId);
        if (parents != null || streamArn == null) {
            return parents == null ? List.of() : parents;
        }
        Set<String> known = new HashSet<>();
        store.splits(pipeline).forEach(s -> known.add(s.split()));
        // Lineage is remembered only once every open shard of the listing is registered: a registration that fails
        // midway (throttled) lists and registers again with the retry (found by the simulator, seed 17).
        Map<String, List<String>> listed = new LinkedHashMap<>();
        String next = null;
        do {
            ListShardsRequest request = next == null
                    ? ListShardsRequest.builder().streamARN(streamArn).build()
                    : ListShardsRequest.builder().nextToken(next).build();
            ListShardsResponse page = kinesis.listShards(request);
            for (Shard shard : page.shards()) {
                List<String> shardParents = new ArrayList<>(2);
                if (shard.parentShardId() != null) {
                    shardParents.add(shard.parentShardId());
                }
                if (shard.adjacentParentShardId() != null) {
                    shardParents.add(shard.adjacentParentShardId());
                }
                boolean open = shard.sequenceNumberRange() == null
                        || shard.sequenceNumberRange().endingSequenceNumber() == null;
                if (open && !known.contains(shard.shardId())) {
                    store.createSplit(SplitState.pending(pipeline, shard.shardId(), nowMillis, shardParents));
                }
                listed.put(shard.shardId(), List.copyOf(shardParents));
            }
            next = page.nextToken();
        } while (next != null);
        lineage.putAll(listed);
        // A shard the listing does not show (trimmed, or a test stream) has no known parents; do not list again.
        return lineage.computeIfAbsent(shardId, s -> List.of());
    }

    /**
     * @return the parents of {@code shardId} as the last listing showed them, closed shards included (empty for an
     *     original shard or one no listing showed)
     */
    public List<String> parentsOf(String shardId) {
        return lineage.getOrDefault(shardId, List.of());
    }
}
