package io.sluice.orchestrator.batch;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Manifest to plan: lists the objects and drops rows naming an object listed before (by decoded key, bucket and
 * version: {@code part%201} and {@code part+1} are one object), then plans them chunk by chunk: learns the sizes and
 * ETags the listing does not give (HeadObject, {@code threads} at a time; a missing object keeps size -1 and becomes
 * one task that fails with its reason), pins every task to the ETag seen here, and cuts large plain objects into
 * ranges. Gzip is recognised by its magic bytes, as the batch function does, and only for objects large enough to be
 * cut.
 *
 * <pre>{@code
 * JobPlanning.Listing listing = planning.list(spec);
 * List<BatchTask> tasks = planning.plan(spec, listing.objects().subList(0, 1000), 0);
 * }</pre>
 */
final class JobPlanning {

    /**
     * A de-duplicated listing.
     *
     * @param objects    objects in manifest order, each once
     * @param duplicates {@code s3://bucket/key} of each row left out
     * @param hash       digest of the listing: a resumed planning continues only over the same listing
     */
    record Listing(List<ObjectRef> objects, List<String> duplicates, String hash) {
    }

    private final S3Client s3;
    private final ExecutorService pool;

    JobPlanning(S3Client s3, ExecutorService pool) {
        this.s3 = s3;
        this.pool = pool;
    }

    Listing list(JobSpec spec) {
        Map<String, ObjectRef> unique = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        MessageDigest digest = sha256();
        for (ObjectRef o : new ManifestReader(s3).read(spec.input())) {
            if (unique.putIfAbsent(o.identity(), o) != null) {
                duplicates.add(o.uri());
                continue;
            }
            digest.update((o.identity() + "|" + o.size() + "|" + o.etag() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Listing(List.copyOf(unique.values()), duplicates, HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * The digest of what a job reads: pipeline, listing kind and location, task size and, for a manifest, the
     * manifest object's ETag. A job id keeps the fingerprint of its first submission.
     */
    String fingerprint(JobSpec spec) {
        String manifest = "";
        if (spec.input().kind() != JobInput.Kind.PREFIX) {
            manifest = s3.headObject(b -> b.bucket(spec.input().bucket()).key(spec.input().key())).eTag();
        }
        MessageDigest digest = sha256();
        digest.update(String.join("|", spec.pipeline(), spec.input().kind().name(), spec.input().bucket(),
                spec.input().key(), Long.toString(spec.maxTaskBytes()), manifest).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Tasks of {@code objects}, numbered from {@code firstOrdinal}; HeadObject and gzip checks run in parallel. */
    List<BatchTask> plan(JobSpec spec, List<ObjectRef> objects, int firstOrdinal) throws InterruptedException {
        List<Future<Pinned>> pinned = new ArrayList<>();
        for (ObjectRef o : objects) {
            pinned.add(pool.submit(() -> {
                ObjectRef p = o.size() >= 0 && o.etag() != null ? o : pin(o);
                return new Pinned(p, p.size() > spec.maxTaskBytes() && gzip(p));
            }));
        }
        List<ObjectRef> sized = new ArrayList<>();
        Set<String> gzipped = new HashSet<>();
        for (Future<Pinned> f : pinned) {
            try {
                Pinned p = f.get();
                sized.add(p.ref());
                if (p.gzip()) {
                    gzipped.add(p.ref().identity());
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return TaskPlanner.of(spec.maxTaskBytes()).plan(spec.jobId(), sized, o -> gzipped.contains(o.identity()),
                firstOrdinal);
    }

    private record Pinned(ObjectRef ref, boolean gzip) {
    }

    /** Size and ETag of the object as it is now: the version every task of it will read. */
    private ObjectRef pin(ObjectRef o) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(o.bucket()).key(o.key()).versionId(o.versionId()));
            return new ObjectRef(o.bucket(), o.key(), o.versionId(), head.contentLength(), head.eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return new ObjectRef(o.bucket(), o.key(), o.versionId(), -1, null); // the task reports it missing
            }
            throw e;
        }
    }

    private boolean gzip(ObjectRef o) {
        try (InputStream head = s3.getObject(b -> b.bucket(o.bucket()).key(o.key()).versionId(o.versionId())
                .ifMatch(o.etag()).range("bytes=0-1"))) {
            return head.read() == 0x1F && head.read() == 0x8B;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the first bytes of " + o.uri(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
