package io.sluice.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.functions.io.s3.S3ObjectTask;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One task of a batch invocation, whichever schema brought it: S3 Batch Operations 1.0 ({@code s3BucketArn}),
 * 2.0 ({@code s3Bucket}; both URL-encode {@code s3Key}), or the orchestrator's own event ({@code bucket},
 * {@code key} as is, and optionally {@code "range":[start,end]}: the lines whose first byte lies in that byte range
 * of an uncompressed object, so one large object can be several tasks; or {@code "more":[{"key":..,"bucket":..,
 * "versionId":..,"etag":..}, ..]}: small whole objects read after the first one, in order, as the same split, so a
 * manifest of many small objects needs few invocations and splits; {@code bucket} defaults to the task's).
 *
 * <pre>{@code
 * List<S3BatchTask> tasks = S3BatchTask.parse(event);   // event: the invocation's JSON
 * }</pre>
 *
 * @param taskId    the split id of the task
 * @param bucket    bucket name
 * @param key       object key, decoded
 * @param versionId object version or null
 * @param rangeStart first byte of the task's range, 0 for a whole object
 * @param rangeEnd   end of the range (exclusive), {@link Long#MAX_VALUE} for a whole object
 * @param etag       the ETag the orchestrator saw when it planned the task ({@code "etag"}), or null: the object is
 *                   read with {@code If-Match}, so a rewritten object fails the task permanently instead of being
 *                   read as a mix of two versions
 * @param notAfterMillis epoch ms after which the task must not start ({@code "notAfter"}: the orchestrator gave up
 *                   on this attempt by then), 0 for no limit
 * @param more       whole objects read after the first, in this order, as the same split (empty for one object)
 */
public record S3BatchTask(String taskId, String bucket, String key, String versionId, long rangeStart,
                          long rangeEnd, String etag, long notAfterMillis, List<S3ObjectTask.Part> more) {

    public S3BatchTask {
        more = List.copyOf(more == null ? List.of() : more);
        if (!more.isEmpty() && (rangeStart != 0 || rangeEnd != Long.MAX_VALUE)) {
            throw new IllegalArgumentException("a task of several objects reads them whole: " + taskId);
        }
    }

    /** A task over one object or a range of it. */
    public S3BatchTask(String taskId, String bucket, String key, String versionId, long rangeStart, long rangeEnd,
                       String etag, long notAfterMillis) {
        this(taskId, bucket, key, versionId, rangeStart, rangeEnd, etag, notAfterMillis, List.of());
    }

    /** Every object of the task, in reading order: the first one, then {@link #more}. */
    public List<S3ObjectTask.Part> objects() {
        List<S3ObjectTask.Part> all = new ArrayList<>(1 + more.size());
        all.add(new S3ObjectTask.Part(bucket, key, versionId, etag));
        all.addAll(more);
        return all;
    }

    /** A task over a whole object. */
    public S3BatchTask(String taskId, String bucket, String key, String versionId) {
        this(taskId, bucket, key, versionId, 0, Long.MAX_VALUE);
    }

    /** A task not pinned to an ETag, without a start limit. */
    public S3BatchTask(String taskId, String bucket, String key, String versionId, long rangeStart, long rangeEnd) {
        this(taskId, bucket, key, versionId, rangeStart, rangeEnd, null, 0);
    }

    /** Whether the orchestrator gave up on this attempt before {@code nowMillis}: it must not run. */
    public boolean expired(long nowMillis) {
        return notAfterMillis > 0 && nowMillis > notAfterMillis;
    }

    /** Whether the task covers a byte range rather than a whole object. */
    public boolean ranged() {
        return rangeStart != 0 || rangeEnd != Long.MAX_VALUE;
    }

    /** Whether {@code event} is an S3 Batch Operations invocation (else the orchestrator's task event). */
    public static boolean isS3BatchOperations(JsonNode event) {
        return event.hasNonNull("invocationSchemaVersion");
    }

    /**
     * @throws IllegalArgumentException if a task lacks its id, bucket or key
     */
    public static List<S3BatchTask> parse(JsonNode event) {
        boolean s3Batch = isS3BatchOperations(event);
        List<S3BatchTask> tasks = new ArrayList<>();
        for (JsonNode t : event.path("tasks")) {
            String id = text(t, "taskId");
            String bucket;
            String key;
            if (s3Batch) {
                bucket = t.hasNonNull("s3Bucket") ? text(t, "s3Bucket") : bucketOfArn(text(t, "s3BucketArn"));
                // S3 Batch Operations URL-encodes keys (a space arrives as "+" or "%20").
                key = URLDecoder.decode(text(t, "s3Key"), StandardCharsets.UTF_8);
            } else {
                bucket = text(t, "bucket");
                key = text(t, "key");
            }
            String version = s3Batch ? t.path("s3VersionId").textValue() : t.path("versionId").textValue();
            String etag = s3Batch ? null : t.path("etag").textValue();
            long notAfter = s3Batch ? 0 : t.path("notAfter").asLong(0);
            JsonNode range = t.path("range");
            if (!s3Batch && range.isArray()) {
                long start = range.path(0).asLong(-1);
                long end = range.path(1).asLong(-1);
                if (range.size() != 2 || start < 0 || end <= start || t.has("more")) {
                    throw new IllegalArgumentException("batch task range must be [start, end) with 0 <= start < end, of one object: "
                            + t);
                }
                tasks.add(new S3BatchTask(id, bucket, key, version, start, end, etag, notAfter));
            } else {
                tasks.add(new S3BatchTask(id, bucket, key, version, 0, Long.MAX_VALUE, etag, notAfter,
                        s3Batch ? List.of() : more(t, bucket)));
            }
        }
        return tasks;
    }

    private static List<S3ObjectTask.Part> more(JsonNode task, String bucket) {
        List<S3ObjectTask.Part> parts = new ArrayList<>();
        for (JsonNode o : task.path("more")) {
            parts.add(new S3ObjectTask.Part(o.hasNonNull("bucket") ? text(o, "bucket") : bucket, text(o, "key"),
                    o.path("versionId").textValue(), o.path("etag").textValue()));
        }
        return parts;
    }

    /** When the batch function fires a job's windows. */
    public enum Firing {
        /** After the invocation's tasks: only for jobs whose every task is registered before the first one runs. */
        AUTO,
        /** Never: the orchestrator's completion step fires once at the end of the job. */
        NONE,
        /** Only fire (the event's tasks, if any, run first): the completion step of a job. */
        COMPLETE
    }

    /**
     * When the handler fires, from {@code "fire"} in the orchestrator's event ({@code auto}, the default, {@code none}
     * or {@code complete}) or in {@code job.userArguments} of an S3 Batch Operations 2.0 job. S3 Batch Operations
     * invokes the function with one task at a time, and no task knows whether the others are registered: the first
     * task to finish would let the watermark pass windows later tasks still feed. So its default is {@code none}, and
     * {@code auto} is refused; the job's windows fire when it is complete, by an invocation with
     * {@code {"jobId":"<job id>","fire":"complete"}} (an EventBridge rule on the job's completion, or by hand).
     *
     * @throws IllegalArgumentException for another value, or {@code auto} in an S3 Batch Operations event
     */
    public static Firing firing(JsonNode event) {
        boolean s3Batch = isS3BatchOperations(event);
        JsonNode fire = s3Batch ? event.path("job").path("userArguments").path("fire") : event.path("fire");
        String value = fire.isTextual() ? fire.textValue() : s3Batch ? "none" : "auto";
        Firing firing = switch (value) {
            case "auto" -> Firing.AUTO;
            case "none" -> Firing.NONE;
            case "complete" -> Firing.COMPLETE;
            default -> throw new IllegalArgumentException("fire must be auto, none or complete, was [" + value + "]");
        };
        if (s3Batch && firing == Firing.AUTO) {
            throw new IllegalArgumentException("fire=auto is refused for S3 Batch Operations jobs: a task cannot know "
                    + "that the job's other tasks are registered; fire with {\"jobId\":\"<job id>\",\"fire\":"
                    + "\"complete\"} once the job is complete");
        }
        return firing;
    }

    /** The job the invocation belongs to: {@code job.id} of S3 Batch Operations, {@code jobId} of the orchestrator. */
    public static String jobId(JsonNode event) {
        JsonNode id = isS3BatchOperations(event) ? event.path("job").path("id") : event.path("jobId");
        return id.isTextual() && !id.textValue().isBlank() ? id.textValue() : null;
    }

    private static String bucketOfArn(String arn) {
        int colons = arn.lastIndexOf(':');
        return colons < 0 ? arn : arn.substring(colons + 1);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw new IllegalArgumentException("batch task without [" + field + "]: " + node);
        }
        return v.textValue();
    }
}
