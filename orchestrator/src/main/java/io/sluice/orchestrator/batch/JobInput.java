package io.sluice.orchestrator.batch;

import java.util.Objects;

/**
 * Where a batch job's objects are listed: an S3 Batch Operations CSV manifest ({@code bucket,key[,versionId]}, keys
 * URL-encoded), an S3 Inventory {@code manifest.json} (with its CSV data files), or every object under a prefix.
 *
 * <pre>{@code
 * JobInput a = JobInput.csvManifest("sluice-dev-data", "manifests/2020-11-11.csv");
 * JobInput b = JobInput.inventory("sluice-dev-inventory", "data/orders/2020-11-11T01-00Z/manifest.json");
 * JobInput c = JobInput.prefix("sluice-dev-data", "orders/2020-11-11/");
 * }</pre>
 *
 * @param kind   how to read the listing
 * @param bucket bucket of the manifest, or of the objects for {@link Kind#PREFIX}
 * @param key    key of the manifest, or the prefix (may be empty: the whole bucket)
 */
public record JobInput(Kind kind, String bucket, String key) {

    /** How the objects are listed. */
    public enum Kind { CSV_MANIFEST, INVENTORY, PREFIX }

    public JobInput {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isEmpty() || (kind != Kind.PREFIX && key.isEmpty())) {
            throw new IllegalArgumentException(kind + " input needs a bucket and a key: [" + bucket + "] [" + key + "]");
        }
    }

    public static JobInput csvManifest(String bucket, String key) {
        return new JobInput(Kind.CSV_MANIFEST, bucket, key);
    }

    public static JobInput inventory(String bucket, String manifestJsonKey) {
        return new JobInput(Kind.INVENTORY, bucket, manifestJsonKey);
    }

    public static JobInput prefix(String bucket, String prefix) {
        return new JobInput(Kind.PREFIX, bucket, prefix);
    }

    /** {@code s3://bucket/key}. */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
