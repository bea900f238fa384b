package io.sluice.orchestrator.scaling;

import io.sluice.state.coordination.ShardLoadReport;
import java.math.BigInteger;
import java.util.Objects;

/**
 * Load of one partition key on a shard, as the operator handler samples it (its hottest keys per batch).
 * The policy splits a hot shard where the cumulative load reaches half, so a single hot key ends up
 * alone in one child instead of being cut blindly at the midpoint.
 *
 * <pre>{@code
 * KeyLoad hot = KeyLoad.ofPartitionKey("c-42", 800.0);   // hash key = MD5("c-42") as unsigned 128-bit
 * }</pre>
 *
 * @param hashKey the key's Kinesis hash key
 * @param recordsPerSecond records per second with that key, {@code >= 0}
 */
public record KeyLoad(BigInteger hashKey, double recordsPerSecond) {

    /** @throws IllegalArgumentException if the load is negative or not finite */
    public KeyLoad {
        Objects.requireNonNull(hashKey, "hashKey");
        if (!(recordsPerSecond >= 0) || Double.isInfinite(recordsPerSecond)) {
            throw new IllegalArgumentException("recordsPerSecond must be >= 0, got " + recordsPerSecond);
        }
    }

    /**
     * @param partitionKey the partition key producers use
     * @param recordsPerSecond its load
     * @return the load at the key's hash key
     */
    public static KeyLoad ofPartitionKey(String partitionKey, double recordsPerSecond) {
        return new KeyLoad(hashKeyOf(partitionKey), recordsPerSecond);
    }

    /**
     * Kinesis maps a partition key to a shard by the MD5 of its UTF-8 bytes read as an unsigned integer.
     *
     * @param partitionKey the partition key
     * @return its hash key in {@code [0, 2^128 - 1]}
     */
    public static BigInteger hashKeyOf(String partitionKey) {
        return ShardLoadReport.hashKeyOf(partitionKey);
    }
}
