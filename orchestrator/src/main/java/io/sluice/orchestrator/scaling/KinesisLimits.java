package io.sluice.orchestrator.scaling;

/**
 * Kinesis Data Streams quotas (provisioned mode) the policy, actuator and simulator respect. Values from
 * the Kinesis API reference and the "Quotas and limits" page of the developer guide.
 *
 * <pre>{@code
 * double shardsForRate = recordsPerSecond / KinesisLimits.SHARD_IN_RECORDS_PER_SECOND;
 * }</pre>
 */
public final class KinesisLimits {
    /** Records per second one shard accepts. */
    public static final double SHARD_IN_RECORDS_PER_SECOND = 1_000;
    /** Bytes per second one shard accepts (1 MiB). */
    public static final double SHARD_IN_BYTES_PER_SECOND = 1_048_576;
    /** Bytes per second one shard serves to all shared-throughput consumers together (2 MiB). */
    public static final double SHARD_OUT_BYTES_PER_SECOND = 2_097_152;
    /** UpdateShardCount calls per stream per rolling 24 hours. */
    public static final int UPDATE_SHARD_COUNT_CALLS_PER_24H = 10;
    /** Open shards UpdateShardCount scales a stream up to. */
    public static final int UPDATE_SHARD_COUNT_MAX_SHARDS = 10_000;
    /** SplitShard and MergeShards transactions per second per account (each). */
    public static final int RESHARD_TRANSACTIONS_PER_SECOND = 5;

    private KinesisLimits() {
    }
}
