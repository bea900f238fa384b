package io.sluice.orchestrator.scaling;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a stream for one policy evaluation: its open shards with their load, and whether the
 * stream is {@code ACTIVE} (Kinesis allows one resharding at a time per stream; while it is
 * {@code UPDATING} every resharding call fails with {@code ResourceInUseException}).
 *
 * <pre>{@code
 * StreamMetrics snapshot = StreamMetrics.active(clock.instant(), List.of(shard0, shard1));
 * }</pre>
 *
 * @param at when the metrics were taken: the policy's clock
 * @param active whether the stream is ACTIVE (not UPDATING)
 * @param shards open shards, sorted by starting hash key
 */
public record StreamMetrics(Instant at, boolean active, List<ShardMetrics> shards) {

    /** Sorts the shards by hash key so that adjacent list entries are adjacent ranges. */
    public StreamMetrics {
        Objects.requireNonNull(at, "at");
        shards = shards.stream().sorted(Comparator.comparing(s -> s.range().start())).toList();
    }

    /**
     * @param at evaluation time
     * @param shards open shards
     * @return an ACTIVE stream's snapshot
     */
    public static StreamMetrics active(Instant at, List<ShardMetrics> shards) {
        return new StreamMetrics(at, true, shards);
    }

    /**
     * @param at evaluation time
     * @param shards open shards
     * @return a snapshot of a stream that is resharding
     */
    public static StreamMetrics updating(Instant at, List<ShardMetrics> shards) {
        return new StreamMetrics(at, false, shards);
    }

    /** @return number of open shards */
    public int shardCount() {
        return shards.size();
    }

    /** @return whether every open shard has metrics */
    public boolean fullyReported() {
        return shards.stream().allMatch(ShardMetrics::reported);
    }

    /** @return producers' total demand in records per second */
    public double demandRecordsPerSecond() {
        return shards.stream().mapToDouble(ShardMetrics::demandRecordsPerSecond).sum();
    }
}
