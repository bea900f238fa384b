package io.sluice.orchestrator.scaling;

import java.util.List;
import java.util.Objects;

/**
 * Load of one open shard over the last metrics period: what CloudWatch's per-shard metrics
 * ({@code IncomingRecords}, {@code IncomingBytes}, {@code WriteProvisionedThroughputExceeded},
 * {@code IteratorAgeMilliseconds}) carry, plus the hottest partition keys the operator reports.
 *
 * <pre>{@code
 * ShardMetrics m = ShardMetrics.of("shardId-000000000000", HashKeyRange.WHOLE, 950, 300_000)
 *         .withThrottledRecordsPerSecond(120)
 *         .withIteratorAgeMillis(4_000)
 *         .withKeyLoads(List.of(KeyLoad.ofPartitionKey("c-42", 700)));
 * }</pre>
 *
 * @param shardId the shard
 * @param range its hash key range
 * @param recordsPerSecond records accepted per second
 * @param bytesPerSecond bytes accepted per second
 * @param throttledRecordsPerSecond records rejected per second (demand the shard could not take)
 * @param iteratorAgeMillis how far the consumer is behind the shard's tip
 * @param keyLoads sampled load of the hottest partition keys (may be empty; the rest is taken as uniform)
 * @param reported false when no metrics arrived for the shard: the policy then holds reactive decisions
 */
public record ShardMetrics(String shardId, HashKeyRange range, double recordsPerSecond, double bytesPerSecond,
                           double throttledRecordsPerSecond, long iteratorAgeMillis, List<KeyLoad> keyLoads,
                           boolean reported) {

    /** @throws IllegalArgumentException if a rate or the age is negative */
    public ShardMetrics {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(range, "range");
        keyLoads = List.copyOf(keyLoads);
        if (recordsPerSecond < 0 || bytesPerSecond < 0 || throttledRecordsPerSecond < 0 || iteratorAgeMillis < 0) {
            throw new IllegalArgumentException("Negative metric for shard [" + shardId + "]");
        }
    }

    /**
     * @param shardId the shard
     * @param range its hash key range
     * @param recordsPerSecond records accepted per second
     * @param bytesPerSecond bytes accepted per second
     * @return metrics without throttles, lag or key samples
     */
    public static ShardMetrics of(String shardId, HashKeyRange range, double recordsPerSecond, double bytesPerSecond) {
        return new ShardMetrics(shardId, range, recordsPerSecond, bytesPerSecond, 0, 0, List.of(), true);
    }

    /**
     * @param shardId the shard
     * @param range its hash key range
     * @return a shard nobody reported on (new, or the metrics source lost it)
     */
    public static ShardMetrics unreported(String shardId, HashKeyRange range) {
        return new ShardMetrics(shardId, range, 0, 0, 0, 0, List.of(), false);
    }

    /** @param rate rejected records per second @return a copy */
    public ShardMetrics withThrottledRecordsPerSecond(double rate) {
        return new ShardMetrics(shardId, range, recordsPerSecond, bytesPerSecond, rate, iteratorAgeMillis, keyLoads, reported);
    }

    /** @param millis consumer lag @return a copy */
    public ShardMetrics withIteratorAgeMillis(long millis) {
        return new ShardMetrics(shardId, range, recordsPerSecond, bytesPerSecond, throttledRecordsPerSecond, millis, keyLoads, reported);
    }

    /** @param loads hottest keys @return a copy */
    public ShardMetrics withKeyLoads(List<KeyLoad> loads) {
        return new ShardMetrics(shardId, range, recordsPerSecond, bytesPerSecond, throttledRecordsPerSecond, iteratorAgeMillis, loads, reported);
    }

    /** @return records per second the producers wanted to write: accepted plus throttled */
    public double demandRecordsPerSecond() {
        return recordsPerSecond + throttledRecordsPerSecond;
    }

    /** @return bytes per second the producers wanted to write, assuming throttled records have the mean size */
    public double demandBytesPerSecond() {
        if (recordsPerSecond <= 0) {
            return bytesPerSecond;
        }
        return bytesPerSecond * demandRecordsPerSecond() / recordsPerSecond;
    }
}
