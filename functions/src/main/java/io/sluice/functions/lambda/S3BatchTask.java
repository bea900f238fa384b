package io.sluice.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One task of a batch invocation, whichever schema brought it: S3 Batch Operations 1.0 ({@code s3BucketArn}),
 * 2.0 ({@code s3Bucket}; both URL-encode {@code s3Key}), or the orchestrator's own event ({@code bucket},
 * {@code key} as is).
 *
 * <pre>{@code
 * List<S3BatchTask> tasks = S3BatchTask.parse(event);   // event: the invocation's JSON
 * }</pre>
 *
 * @param taskId    the split id of the task
 * @param bucket    bucket name
 * @param key       object key, decoded
 * @param versionId object version or null
 */
public record S3BatchTask(String taskId, String bucket, String key, String versionId) {

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
            tasks.add(new S3BatchTask(id, bucket, key, version));
        }
        return tasks;
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
