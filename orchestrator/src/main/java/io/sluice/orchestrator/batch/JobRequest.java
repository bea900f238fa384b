package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;

/**
 * A job submission as JSON (the coordinator function's event) to a {@link JobSpec}.
 *
 * <pre>{@code
 * {"jobId": "nightly-2020-11-11",
 *  "input": {"csvManifest": "s3://sluice-dev-data/manifests/2020-11-11.csv"},   // or "inventory": ".../manifest.json",
 *                                                                                // or "prefix": "s3://bucket/orders/"
 *  "output": "s3://sluice-dev-results/batch-reports/",     // optional, default s3://<results bucket>/batch-reports/
 *  "pipeline": "gmv-by-category",                          // optional, default the deployment's
 *  "concurrency": 32, "maxAttempts": 4, "maxTaskBytes": 67108864,               // optional
 *  "taskTimeoutSeconds": 960, "allowPartial": false,                          // optional: fire despite failed tasks
 *  "objectsPerTask": 1000}                                                     // optional: small objects per task
 * JobSpec spec = JobRequest.parse(event, "gmv-by-category", "sluice-dev-results");
 * }</pre>
 */
public final class JobRequest {

    private JobRequest() {
    }

    /**
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static JobSpec parse(JsonNode event, String defaultPipeline, String defaultOutputBucket) {
        String jobId = event.path("jobId").asText("");
        JsonNode in = event.path("input");
        JobInput input;
        if (in.hasNonNull("csvManifest")) {
            String[] s3 = s3Uri(in.path("csvManifest").asText(), "input.csvManifest");
            input = JobInput.csvManifest(s3[0], s3[1]);
        } else if (in.hasNonNull("inventory")) {
            String[] s3 = s3Uri(in.path("inventory").asText(), "input.inventory");
            input = JobInput.inventory(s3[0], s3[1]);
        } else if (in.hasNonNull("prefix")) {
            String[] s3 = s3Uri(in.path("prefix").asText(), "input.prefix");
            input = JobInput.prefix(s3[0], s3[1]);
        } else {
            throw new IllegalArgumentException("job needs input.csvManifest, input.inventory or input.prefix: " + event);
        }
        String[] output = event.hasNonNull("output") ? s3Uri(event.path("output").asText(), "output")
                : new String[] {defaultOutputBucket, "batch-reports/"};
        JobSpec spec = JobSpec.of(jobId, event.path("pipeline").asText(defaultPipeline), input, output[0], output[1]);
        if (event.hasNonNull("concurrency")) {
            spec = spec.withConcurrency(event.path("concurrency").asInt());
        }
        if (event.hasNonNull("maxAttempts")) {
            spec = spec.withMaxAttempts(event.path("maxAttempts").asInt());
        }
        if (event.hasNonNull("maxTaskBytes")) {
            spec = spec.withMaxTaskBytes(event.path("maxTaskBytes").asLong());
        }
        if (event.hasNonNull("allowPartial")) {
            spec = spec.withAllowPartial(event.path("allowPartial").asBoolean());
        }
        if (event.hasNonNull("objectsPerTask")) {
            spec = spec.withObjectsPerTask(event.path("objectsPerTask").asInt());
        }
        if (event.hasNonNull("taskTimeoutSeconds")) {
            spec = spec.withTaskTimeout(Duration.ofSeconds(event.path("taskTimeoutSeconds").asLong()));
        }
        return spec;
    }

    /** The request that {@link #parse} reads back as {@code spec} (back-off aside): what the sweep resubmits. */
    public static String toJson(JobSpec spec) {
        ObjectNode event = TaskEvents.JSON.createObjectNode().put("jobId", spec.jobId()).put("pipeline", spec.pipeline());
        String field = switch (spec.input().kind()) {
            case CSV_MANIFEST -> "csvManifest";
            case INVENTORY -> "inventory";
            case PREFIX -> "prefix";
        };
        event.putObject("input").put(field, spec.input().uri());
        event.put("output", "s3://" + spec.outputBucket() + "/" + spec.outputPrefix());
        event.put("concurrency", spec.concurrency()).put("maxAttempts", spec.maxAttempts())
                .put("maxTaskBytes", spec.maxTaskBytes()).put("taskTimeoutSeconds", spec.taskTimeout().toSeconds());
        if (spec.objectsPerTask() != 1) {
            event.put("objectsPerTask", spec.objectsPerTask());
        }
        if (spec.allowPartial()) {
            event.put("allowPartial", true);
        }
        return event.toString();
    }

    /** {@code s3://bucket/key} as {bucket, key}; the key may be empty. */
    static String[] s3Uri(String uri, String field) {
        if (!uri.startsWith("s3://") || uri.length() == 5) {
            throw new IllegalArgumentException(field + " must be s3://bucket/key but was [" + uri + "]");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
