package io.sluice.orchestrator.scaling;

import java.time.Instant;

/**
 * Where the policy's per-shard load comes from. On AWS it would be CloudWatch's per-shard metrics
 * ({@code GetMetricData}); this project's implementation, {@link ReportedShardMetrics}, aggregates what
 * the operator handler reports in its Embedded Metric Format lines, and tests supply fixed values.
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
