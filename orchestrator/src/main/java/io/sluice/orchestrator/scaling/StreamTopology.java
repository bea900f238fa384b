package io.sluice.orchestrator.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A stream's status and open shards, read with {@code DescribeStreamSummary} and {@code ListShards}
 * (paginated). A shard is open while it has no ending sequence number.
 *
 * <pre>{@code
 * StreamTopology t = StreamTopology.read(kinesis, "sluice-dev-orders");
 * if (t.active()) { ... t.openShards() ... }
 * }</pre>
 *
 * @param streamName the stream
 * @param active whether its status is ACTIVE
 * @param openShards open shards with their hash key ranges and parents, sorted by starting hash key
 */
public record StreamTopology(String streamName, boolean active, List<OpenShard> openShards) {

    /**
     * @param shardId the shard
     * @param range its hash key range
     * @param parents the shards it was split or merged from (none for a shard the stream was created with): Lambda
     *                reads it only after them
     */
    public record OpenShard(String shardId, HashKeyRange range, List<String> parents) {
        /** Copies the parents. */
        public OpenShard {
            Objects.requireNonNull(shardId, "shardId");
            Objects.requireNonNull(range, "range");
            parents = List.copyOf(parents);
        }

        /**
         * @param shardId a shard without parents
         * @param range its hash key range
         */
        public OpenShard(String shardId, HashKeyRange range) {
            this(shardId, range, List.of());
        }
    }

    /** Copies and sorts the shards. */
    public StreamTopology {
        Objects.requireNonNull(streamName, "streamName");
        openShards = openShards.stream().sorted(java.util.Comparator.comparing(s -> s.range().start())).toList();
    }

    /**
     * @param kinesis a client
     * @param streamName the stream
     * @return its status and open shards now
     */
    public static StreamTopology read(KinesisClient kinesis, String streamName) {
        boolean active = kinesis.describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary()
                .streamStatus() == StreamStatus.ACTIVE;
        List<OpenShard> open = new ArrayList<>();
        for (Shard s : listAllShards(kinesis, streamName)) {
            if (s.sequenceNumberRange().endingSequenceNumber() == null) {
                List<String> parents = new ArrayList<>();
                if (s.parentShardId() != null) {
                    parents.add(s.parentShardId());
                }
                if (s.adjacentParentShardId() != null) {
                    parents.add(s.adjacentParentShardId());
                }
                open.add(new OpenShard(s.shardId(), HashKeyRange.of(s.hashKeyRange().startingHashKey(), s.hashKeyRange().endingHashKey()),
                        parents));
            }
        }
        return new StreamTopology(streamName, active, open);
    }

    /**
     * @param kinesis a client
     * @param streamName the stream
     * @return every shard the stream still retains, open and closed, in ListShards order
     */
    public static List<Shard> listAllShards(KinesisClient kinesis, String streamName) {
        List<Shard> all = new ArrayList<>();
        ListShardsResponse page = kinesis.listShards(b -> b.streamName(streamName));
        all.addAll(page.shards());
        while (page.nextToken() != null) {
            String token = page.nextToken();
            page = kinesis.listShards(b -> b.nextToken(token));   // StreamName must be absent with NextToken
            all.addAll(page.shards());
        }
        return all;
    }
}
