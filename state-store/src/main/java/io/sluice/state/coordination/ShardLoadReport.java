package io.sluice.state.coordination;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the operator handler reports per Kinesis batch for the shard autoscaler: records and bytes read from a
 * shard, how far behind the tip it was, and the batch's hottest partition keys. It goes to the coordination
 * table ({@link ShardLoadTable}, which the scheduled scaler reads) and, as an Embedded Metric Format line, to
 * CloudWatch for dashboards.
 *
 * <pre>{@code
 * ShardLoadReport r = new ShardLoadReport(now, "shardId-000000000001", 1_000, 480_000, 1_200, Map.of("c-42", 800L));
 * BigInteger where = ShardLoadReport.hashKeyOf("c-42");   // the key's position in the stream's hash key space
 * }</pre>
 *
 * @param at when the batch was processed
 * @param shardId the shard
 * @param records records in the batch
 * @param bytes their total size
 * @param iteratorAgeMillis age of the batch's last record (now minus its arrival time)
 * @param hotKeys record counts of the batch's hottest partition keys
 */
public record ShardLoadReport(Instant at, String shardId, long records, long bytes, long iteratorAgeMillis,
                              Map<String, Long> hotKeys) {

    /** Copies the key counts. */
    public ShardLoadReport {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(shardId, "shardId");
        hotKeys = Map.copyOf(hotKeys);
    }

    /**
     * Kinesis maps a partition key to a shard by the MD5 of its UTF-8 bytes read as an unsigned integer.
     *
     * @param partitionKey the partition key
     * @return its hash key in {@code [0, 2^128 - 1]}
     */
    public static BigInteger hashKeyOf(String partitionKey) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }
}
