package io.sluice.functions.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.state.coordination.BatchTask;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch invocation, whichever schema brought it: S3 Batch Operations 1.0 ({@code s3BucketArn}), 2.0
 * ({@code s3Bucket}; both URL-encode {@code s3Key}), or the orchestrator's own task event, whose tasks are
 * {@link BatchTask}'s wire form ({@link BatchTask#fromEventTask}: {@code bucket}, {@code key} as is, optionally
 * {@code "range":[start,end]}, {@code etag}, {@code notAfter}).
 *
 * <pre>{@code
 * List<BatchTask> tasks = S3BatchInvocation.tasks(event);   // event: the invocation's JSON
 * S3BatchInvocation.Firing firing = S3BatchInvocation.firing(event);
 * }</pre>
 */
public final class S3BatchInvocation {

    private S3BatchInvocation() {
    }

    /** Whether {@code event} is an S3 Batch Operations invocation (else the orchestrator's task event). */
    public static boolean isS3BatchOperations(JsonNode event) {
        return event.hasNonNull("invocationSchemaVersion");
    }

    /**
     * The invocation's tasks, in order.
     *
     * @throws IllegalArgumentException if a task lacks its id, bucket or key, or has a malformed range
     */
    public static List<BatchTask> tasks(JsonNode event) {
        boolean s3Batch = isS3BatchOperations(event);
        List<BatchTask> tasks = new ArrayList<>();
        for (JsonNode t : event.path("tasks")) {
            tasks.add(s3Batch ? s3BatchOperationsTask(t) : BatchTask.fromEventTask(t));
        }
        return tasks;
    }

    /** S3 Batch Operations gives whole objects, no ETag and no start limit. */
    private static BatchTask s3BatchOperationsTask(JsonNode t) {
        String id = BatchTask.text(t, "taskId");
        String bucket = t.hasNonNull("s3Bucket") ? BatchTask.text(t, "s3Bucket")
                : bucketOfArn(BatchTask.text(t, "s3BucketArn"));
        // S3 Batch Operations URL-encodes keys (a space arrives as "+" or "%20").
        String key = URLDecoder.decode(BatchTask.text(t, "s3Key"), StandardCharsets.UTF_8);
        return new BatchTask(id, bucket, key, t.path("s3VersionId").textValue());
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
}
