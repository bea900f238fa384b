package io.sluice.orchestrator.scaling;

import java.time.Instant;

/**
 * Where the policy's per-shard load comes from. The deployed scaler uses {@link TableShardMetrics}: what the
 * operator handler wrote to the coordination table for the last complete minute, hot partition keys included
 * (CloudWatch's per-shard metrics have no per-key load); the simulator and tests supply values directly.
 *
 * <pre>{@code
 * ShardMetricsSource source = now -> StreamMetrics.active(now, List.of(ShardMetrics.of(id, range, 900, 450_000)));
 * }</pre>
 */
@FunctionalInterface
public interface ShardMetricsSource {

    /**
     * @param now the evaluation's clock
     * @return the stream's open shards with their load over the last period
     */
    StreamMetrics collect(Instant now);
}
