package io.sluice.orchestrator.scaling;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One resharding call the policy asks for. Three shapes, one per Kinesis API:
 *
 * <pre>{@code
 * new ScalingDecision.Split("shardId-000000000003", new BigInteger("170141183460469231731687303715884105728"));
 * new ScalingDecision.Merge("shardId-000000000004", "shardId-000000000005");   // adjacent: 4 ends where 5 starts
 * new ScalingDecision.UpdateShardCount(64);                                    // uniform scaling
 * }</pre>
 */
public sealed interface ScalingDecision {

    /** @return shards the stream gains (negative: loses) when the call completes, given its current count */
    int shardDelta(int currentShards);

    /**
     * SplitShard: the parent closes, children cover {@code [start, newStartingHashKey)} and
     * {@code [newStartingHashKey, end]}.
     *
     * @param shardId shard to split
     * @param newStartingHashKey first hash key of the upper child, strictly inside the parent's range
     */
    record Split(String shardId, BigInteger newStartingHashKey) implements ScalingDecision {
        public Split {
            Objects.requireNonNull(shardId, "shardId");
            Objects.requireNonNull(newStartingHashKey, "newStartingHashKey");
        }

        @Override
        public int shardDelta(int currentShards) {
            return 1;
        }
    }

    /**
     * MergeShards: two shards with adjacent ranges become one.
     *
     * @param shardId the lower shard
     * @param adjacentShardId the shard whose range starts right after it
     */
    record Merge(String shardId, String adjacentShardId) implements ScalingDecision {
        public Merge {
            Objects.requireNonNull(shardId, "shardId");
            Objects.requireNonNull(adjacentShardId, "adjacentShardId");
        }

        @Override
        public int shardDelta(int currentShards) {
            return -1;
        }
    }

    /**
     * UpdateShardCount with {@code UNIFORM_SCALING}: Kinesis splits and merges until the stream has
     * {@code targetShardCount} equal ranges. Limited to 10 calls per stream per rolling 24 hours, and to
     * at most double / at least half the current count per call.
     *
     * @param targetShardCount open shards after the call
     */
    record UpdateShardCount(int targetShardCount) implements ScalingDecision {
        public UpdateShardCount {
            if (targetShardCount < 1) {
                throw new IllegalArgumentException("targetShardCount must be >= 1, got " + targetShardCount);
            }
        }

        @Override
        public int shardDelta(int currentShards) {
            return targetShardCount - currentShards;
        }
    }
}
