package io.sluice.state.coordination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One task of a batch job, and its wire form in the batch function's task event: the orchestrator plans and writes it
 * ({@link #toEventTask}), the batch function reads it ({@link #fromEventTask}). A task is a whole object, or the lines
 * of a plain object whose first byte lies in {@code [rangeStart, rangeEnd)}, so one large object can be several
 * tasks; or a group of small whole objects read in order as one split ({@link #more}), so a manifest of many small
 * objects needs few invocations. Its id is the task's split id in the state store.
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
 * @param more           whole objects read after the first, in this order, as the same split ({@code "more"}; empty
 *                       for one object); their bucket defaults to the task's on the wire
 */
public record BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                        long rangeEnd, long notAfterMillis, List<Part> more) {

    /**
     * One more object of a grouped task.
     *
     * @param bucket    bucket
     * @param key       key, decoded
     * @param versionId version or null
     * @param etag      the ETag seen at planning, or null
     */
    public record Part(String bucket, String key, String versionId, String etag) {
        public Part {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(key, "key");
        }
    }

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
        this(taskId, bucket, key, versionId, etag, rangeStart, rangeEnd, 0, List.of());
    }

    /** A task without a start limit, maybe of several whole objects. */
    public BatchTask(String taskId, String bucket, String key, String versionId, String etag, long rangeStart,
                     long rangeEnd, List<Part> more) {
        this(taskId, bucket, key, versionId, etag, rangeStart, rangeEnd, 0, more);
    }

    /**
     * @throws NullPointerException     if the id, bucket or key is null
     * @throws IllegalArgumentException if the range is not {@code [start, end)} with {@code 0 <= start < end}, or a
     *                                  task of several objects is not over whole objects
     */
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

    /** This task with a start limit for one attempt (0: none). */
    public BatchTask withNotAfter(long notAfterMillis) {
        return new BatchTask(taskId, bucket, key, versionId, etag, rangeStart, rangeEnd, notAfterMillis, more);
    }

    /** Every object of the task, in reading order: the first one, then {@link #more}. */
    public List<Part> objects() {
        List<Part> all = new ArrayList<>(1 + more.size());
        all.add(new Part(bucket, key, versionId, etag));
        all.addAll(more);
        return all;
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
        return "s3://" + bucket + "/" + key + (ranged() ? " bytes [" + rangeStart + "," + rangeEnd + ")" : "")
                + (more.isEmpty() ? "" : " and " + more.size() + " more object(s), last s3://"
                + more.get(more.size() - 1).bucket() + "/" + more.get(more.size() - 1).key());
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
        if (!more.isEmpty()) {
            ArrayNode parts = node.putArray("more");
            for (Part o : more) {
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
            return new BatchTask(id, bucket, key, version, etag, 0, Long.MAX_VALUE, notAfter, more(t.path("more"), bucket));
        }
        long start = range.path(0).asLong(-1);
        long end = range.path(1).asLong(-1);
        if (range.size() != 2 || start < 0 || end <= start || t.has("more")) {
            throw new IllegalArgumentException("batch task range must be [start, end) with 0 <= start < end, of one"
                    + " object: " + t);
        }
        return new BatchTask(id, bucket, key, version, etag, start, end, notAfter, List.of());
    }

    /**
     * Reads the {@code "more"} objects {@link #toEventTask} wrote, their bucket {@code bucket} unless they name one.
     *
     * @throws IllegalArgumentException if one lacks its key
     */
    public static List<Part> more(JsonNode parts, String bucket) {
        List<Part> out = new ArrayList<>();
        for (JsonNode p : parts) {
            out.add(new Part(p.hasNonNull("bucket") ? text(p, "bucket") : bucket, text(p, "key"),
                    p.path("versionId").textValue(), p.path("etag").textValue()));
        }
        return out;
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
