package io.sluice.orchestrator.batch;

import java.util.Objects;

/**
 * One input object of a batch job, as a manifest names it.
 *
 * <pre>{@code
 * ObjectRef ref = new ObjectRef("sluice-dev-data", "orders/2020-11-11 part-1.jsonl", null, 1_048_576);
 * }</pre>
 *
 * @param bucket    bucket name
 * @param key       object key, decoded (manifests URL-encode it)
 * @param versionId object version, or null for the latest
 * @param size      size in bytes, or {@code -1} when the manifest does not say (a CSV manifest)
 */
public record ObjectRef(String bucket, String key, String versionId, long size) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("object needs a bucket and a key: [" + bucket + "] [" + key + "]");
        }
        versionId = versionId == null || versionId.isEmpty() ? null : versionId;
    }

    /** {@code s3://bucket/key}, for messages. */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
