package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
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
 * @param more       small whole objects read after the first, in this order, as the same split (empty for one
 *                   object): a manifest of many small objects becomes few tasks
 */
public record BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                        long rangeEnd, List<ObjectRef> more) {

    /** A task over one object, or a range of it. */
    public BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                     long rangeEnd) {
        this(taskId, bucket, key, versionId, etag, rangeStart, rangeEnd, List.of());
    }

    /** A task not pinned to an ETag. */
    public BatchTask(String taskId, String bucket, String key, String versionId, long rangeStart, long rangeEnd) {
        this(taskId, bucket, key, versionId, null, rangeStart, rangeEnd);
    }

    public BatchTask {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        etag = etag == null || etag.isEmpty() ? null : etag;
        more = List.copyOf(more == null ? List.of() : more);
        if (!more.isEmpty() && (rangeStart != 0 || rangeEnd != Long.MAX_VALUE)) {
            throw new IllegalArgumentException("a task of several objects reads them whole: " + taskId);
        }
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
        return "s3://" + bucket + "/" + key + (ranged() ? " bytes [" + rangeStart + "," + rangeEnd + ")" : "")
                + (more.isEmpty() ? "" : " and " + more.size() + " more object(s), last s3://"
                + more.get(more.size() - 1).bucket() + "/" + more.get(more.size() - 1).key());
    }

    /** The task {@link #toEventTask} wrote. */
    public static BatchTask fromEventTask(JsonNode node) {
        String bucket = node.path("bucket").textValue();
        JsonNode range = node.path("range");
        return new BatchTask(node.path("taskId").textValue(), bucket, node.path("key").textValue(),
                node.path("versionId").textValue(), node.path("etag").textValue(),
                range.isArray() ? range.path(0).asLong() : 0, range.isArray() ? range.path(1).asLong() : Long.MAX_VALUE,
                more(node.path("more"), bucket));
    }

    /** The {@code "more"} objects {@link #toEventTask} wrote, their bucket {@code bucket} unless they name one. */
    static List<ObjectRef> more(JsonNode parts, String bucket) {
        List<ObjectRef> out = new java.util.ArrayList<>();
        for (JsonNode p : parts) {
            out.add(new ObjectRef(p.hasNonNull("bucket") ? p.path("bucket").textValue() : bucket,
                    p.path("key").textValue(), p.path("versionId").textValue(), -1, p.path("etag").textValue()));
        }
        return out;
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
        if (!more.isEmpty()) {
            var parts = node.putArray("more");
            for (ObjectRef o : more) {
                ObjectNode part = parts.addObject().put("key", o.key());
                if (!o.bucket().equals(bucket)) {
                    part.put("bucket", o.bucket());
                }
                if (o.versionId() != null) {
                    part.put("versionId", o.versionId());
                }
                if (o.etag() != null) {
                    part.put("etag", o.etag());
                }
            }
        }
        return node;
    }
}
