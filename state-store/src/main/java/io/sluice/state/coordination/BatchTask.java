package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One planned task of a job: a whole object, or the lines of a plain object whose first byte lies in
 * {@code [rangeStart, rangeEnd)}. Its id is the task's split id in the state store.
 *
 * <pre>{@code
 * BatchTask t = new BatchTask("nightly-2020-11-11-00007", "sluice-dev-data", "orders/big.jsonl", null, 0, 64 << 20);
 * t.toEventTask();   // {"taskId":..,"bucket":..,"key":..,"range":[0,67108864]}
 * }</pre>
 *
 * @param taskId     split id: {@code <jobId>-<5-digit ordinal>}
 * @param bucket     bucket
 * @param key        key, decoded
 * @param versionId  version or null
 * @param etag       the object's ETag seen at planning, or null: the batch function reads the object with
 *                   {@code If-Match}, so an object rewritten since planning is a permanent failure, never a mix
 * @param rangeStart first byte, 0 for a whole object
 * @param rangeEnd   end (exclusive), {@link Long#MAX_VALUE} for a whole object
 */
public record BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                        long rangeEnd) {

    /** A task not pinned to an ETag. */
    public BatchTask(String taskId, String bucket, String key, String versionId, long rangeStart, long rangeEnd) {
        this(taskId, bucket, key, versionId, null, rangeStart, rangeEnd);
    }

    public BatchTask {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        etag = etag == null || etag.isEmpty() ? null : etag;
        if (rangeStart < 0 || rangeEnd <= rangeStart) {
            throw new IllegalArgumentException("range must be [start, end) with 0 <= start < end: [" + rangeStart
                    + ", " + rangeEnd + ")");
        }
    }

    /** Whether the task covers a byte range rather than a whole object. */
    public boolean ranged() {
        return rangeStart != 0 || rangeEnd != Long.MAX_VALUE;
    }

    /** {@code s3://bucket/key} and the range if any, for reports. */
    public String describe() {
        return "s3://" + bucket + "/" + key + (ranged() ? " bytes [" + rangeStart + "," + rangeEnd + ")" : "");
    }

    /** The task in the batch function's orchestrator event ({@code S3BatchTask} reads it). */
    public ObjectNode toEventTask(ObjectNode node) {
        node.put("taskId", taskId).put("bucket", bucket).put("key", key);
        if (versionId != null) {
            node.put("versionId", versionId);
        }
        if (etag != null) {
            node.put("etag", etag);
        }
        if (ranged()) {
            node.putArray("range").add(rangeStart).add(rangeEnd);
        }
        return node;
    }
}
