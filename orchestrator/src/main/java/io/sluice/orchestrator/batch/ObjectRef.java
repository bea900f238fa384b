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
 * @param etag      the object's ETag when known (a listing or HeadObject gives it), or null
 */
public record ObjectRef(String bucket, String key, String versionId, long size, String etag) {

    public ObjectRef(String bucket, String key, String versionId, long size) {
        this(bucket, key, versionId, size, null);
    }

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("object needs a bucket and a key: [" + bucket + "] [" + key + "]");
        }
        versionId = versionId == null || versionId.isEmpty() ? null : versionId;
        etag = etag == null || etag.isEmpty() ? null : etag;
    }

    /** Identity for de-duplication: the decoded key, bucket and version (a manifest may name one object twice). */
    public String identity() {
        return bucket + "/" + key + (versionId == null ? "" : "?versionId=" + versionId);
    }

    /** {@code s3://bucket/key}, for messages. */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
