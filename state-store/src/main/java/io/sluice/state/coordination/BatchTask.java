package io.sluice.state.coordination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One task of a batch job, and its wire form in the batch function's task event: the orchestrator plans and writes it
 * ({@link #toEventTask}), the batch function reads it ({@link #fromEventTask}). A task is a whole object, or the lines
 * of a plain object whose first byte lies in {@code [rangeStart, rangeEnd)}, so one large object can be several
 * tasks. Its id is the task's split id in the state store.
 *
 * <pre>{@code
 * BatchTask t = new BatchTask("nightly-2020-11-11-00007", "sluice-dev-data", "orders/big.jsonl", null, 0, 64 << 20);
 * t.toEventTask(node);                  // {"taskId":..,"bucket":..,"key":..,"range":[0,67108864]}
 * BatchTask.fromEventTask(node);        // equals t
 * }</pre>
 *
 * @param taskId         split id: {@code <jobId>-<5-digit ordinal>} for the orchestrator's jobs
 * @param bucket         bucket name
 * @param key            object key, decoded
 * @param versionId      object version or null
 * @param etag           the object's ETag seen at planning ({@code "etag"}), or null: the batch function reads the
 *                       object with {@code If-Match}, so an object rewritten since planning fails the task permanently
 *                       instead of being read as a mix of two versions
 * @param rangeStart     first byte, 0 for a whole object
 * @param rangeEnd       end (exclusive), {@link Long#MAX_VALUE} for a whole object
 * @param notAfterMillis epoch ms after which this attempt must not start ({@code "notAfter"}: the orchestrator gave
 *                       up on it by then), 0 for no limit
 */
public record BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                        long rangeEnd, long notAfterMillis) {

    /** A task over a whole object. */
    public BatchTask(String taskId, String bucket, String key, String versionId) {
        this(taskId, bucket, key, versionId, 0, Long.MAX_VALUE);
    }

    /** A task not pinned to an ETag, without a start limit. */
    public BatchTask(String taskId, String bucket, String key, String versionId, long rangeStart, long rangeEnd) {
        this(taskId, bucket, key, versionId, null, rangeStart, rangeEnd);
    }

    /** A task without a start limit. */
    public BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                     long rangeEnd) {
        this(taskId, bucket, key, versionId, etag, rangeStart, rangeEnd, 0);
    }

    /**
     * @throws NullPointerException     if the id, bucket or key is null
     * @throws IllegalArgumentException if the range is not {@code [start, end)} with {@code 0 <= start < end}
     */
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

    /** This task with a start limit for one attempt (0: none). */
    public BatchTask withNotAfter(long notAfterMillis) {
        return new BatchTask(taskId, bucket, key, versionId, etag, rangeStart, rangeEnd, notAfterMillis);
    }

    /** Whether the orchestrator gave up on this attempt before {@code nowMillis}: it must not run. */
    public boolean expired(long nowMillis) {
        return notAfterMillis > 0 && nowMillis > notAfterMillis;
    }

    /** Whether the task covers a byte range rather than a whole object. */
    public boolean ranged() {
        return rangeStart != 0 || rangeEnd != Long.MAX_VALUE;
    }

    /** {@code s3://bucket/key} and the range if any, for reports. */
    public String describe() {
        return "s3://" + bucket + "/" + key + (ranged() ? " bytes [" + rangeStart + "," + rangeEnd + ")" : "");
    }

    /** Writes the task into {@code node}, one element of the task event's {@code tasks}, and returns it. */
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
        if (notAfterMillis > 0) {
            node.put("notAfter", notAfterMillis);
        }
        return node;
    }

    /**
     * Reads one element of a task event's {@code tasks} ({@code key} as is, not URL-encoded).
     *
     * @throws IllegalArgumentException if the id, bucket or key is missing or empty, or the range is malformed
     */
    public static BatchTask fromEventTask(JsonNode t) {
        String id = text(t, "taskId");
        String bucket = text(t, "bucket");
        String key = text(t, "key");
        String version = t.path("versionId").textValue();
        String etag = t.path("etag").textValue();
        long notAfter = t.path("notAfter").asLong(0);
        JsonNode range = t.path("range");
        if (!range.isArray()) {
            return new BatchTask(id, bucket, key, version, etag, 0, Long.MAX_VALUE, notAfter);
        }
        long start = range.path(0).asLong(-1);
        long end = range.path(1).asLong(-1);
        if (range.size() != 2 || start < 0 || end <= start) {
            throw new IllegalArgumentException("batch task range must be [start, end) with 0 <= start < end: " + t);
        }
        return new BatchTask(id, bucket, key, version, etag, start, end, notAfter);
    }

    /**
     * The non-empty text of {@code field}.
     *
     * @throws IllegalArgumentException if it is missing, not text or empty
     */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw new IllegalArgumentException("batch task without [" + field + "]: " + node);
        }
        return v.textValue();
    }
}
