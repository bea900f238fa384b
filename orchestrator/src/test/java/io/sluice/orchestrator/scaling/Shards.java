package io.sluice.orchestrator.scaling;

import java.util.ArrayList;
import java.util.List;

/** Test fixtures: uniform streams with a given load per shard. */
final class Shards {
    static final double RECORD_BYTES = 200;

    private Shards() {
    }

    static String id(int i) {
        return String.format("shardId-%012d", i);
    }

    /** n uniform shards, each taking {@code recordsPerSecond} (and throttling what exceeds 1,000/s). */
    static List<ShardMetrics> uniform(int n, double recordsPerSecond) {
        List<ShardMetrics> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(shard(i, HashKeyRange.uniform(i, n), recordsPerSecond));
        }
        return out;
    }

    static ShardMetrics shard(int i, HashKeyRange range, double demand) {
        double accepted = Math.min(demand, KinesisLimits.SHARD_IN_RECORDS_PER_SECOND);
        return ShardMetrics.of(id(i), range, accepted, accepted * RECORD_BYTES)
                .withThrottledRecordsPerSecond(demand - accepted);
    }
}
