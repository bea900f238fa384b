package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
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

    /** Listing rows per planning checkpoint. */
    static final int PLAN_CHUNK = 1_000;
    /** A chunk's key range is listed when it holds at most this many keys per object wanted. */
    private static final int LIST_SPAN = 4;
    private static final System.Logger LOG = System.getLogger(JobPlanning.class.getName());

    private final S3Client s3;
    private final ExecutorService pool;

    JobPlanning(S3Client s3, ExecutorService pool) {
        this.s3 = s3;
        this.pool = pool;
    }

    /**
     * Plans in checkpoints of {@value #PLAN_CHUNK} listing rows, each chunk's tasks stored before the job record
     * that counts them; a resumed coordinator continues after the last checkpoint if it lists the same objects, and
     * otherwise deletes the tasks of the old listing and starts over, so a plan never mixes two listings.
     */
    JobRecord checkpointed(JobSpec spec, JobRecord job, JobStore jobs, String owner, Clock clock, Instant deadline)
            throws InterruptedException {
        JobPlanning.Listing listing = list(spec);
        if (!listing.hash().equals(job.listingHash())) {
            if (!job.listingHash().isEmpty()) {
                LOG.log(Level.WARNING, "Batch job listing changed since planning began; planning again. job=[{0}] "
                        + "input=[{1}]", spec.jobId(), spec.input().uri());
            }
            jobs.deleteTasks(spec.jobId(), owner);
            job = job.planned(listing.hash(), 0, 0, listing.duplicates());
            jobs.putJob(job, owner);
        }
        List<ObjectRef> objects = listing.objects();
        while (job.plannedRows() < objects.size()) {
            if (!clock.instant().isBefore(deadline)) {
                throw new HandOverException(spec.jobId(), "planning");
            }
            int from = (int) job.plannedRows();
            int to = Math.min(objects.size(), from + PLAN_CHUNK);
            List<BatchTask> tasks = plan(spec, objects.subList(from, to), job.tasks());
            jobs.putPlan(spec.jobId(), tasks.stream().map(TaskRecord::planned).toList(), owner);
            job = job.planned(listing.hash(), to, job.tasks() + tasks.size(), listing.duplicates());
            jobs.putJob(job, owner);
        }
        job = job.running();
        jobs.putJob(job, owner);
        LOG.log(Level.INFO, "Batch job planned. job=[{0}] input=[{1}] tasks=[{2}] duplicates=[{3}]", spec.jobId(),
                spec.input().uri(), job.tasks(), job.duplicates().size());
        return job;
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
        // Objects per task shape the plan too; 1 adds nothing, so fingerprints of jobs from before it stay the same.
        String grouping = spec.objectsPerTask() == 1 ? "" : "|objectsPerTask=" + spec.objectsPerTask();
        digest.update((String.join("|", spec.pipeline(), spec.input().kind().name(), spec.input().bucket(),
                spec.input().key(), Long.toString(spec.maxTaskBytes()), manifest) + grouping)
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Tasks of {@code objects}, numbered from {@code firstOrdinal}; HeadObject and gzip checks run in parallel. */
    List<BatchTask> plan(JobSpec spec, List<ObjectRef> objects, int firstOrdinal) throws InterruptedException {
        Map<String, ObjectRef> listed = listed(objects);
        List<Future<Pinned>> pinned = new ArrayList<>();
        for (ObjectRef o : objects) {
            pinned.add(pool.submit(() -> {
                ObjectRef p = o.size() >= 0 && o.etag() != null ? o : listed.getOrDefault(o.identity(), null);
                p = p != null ? p : pin(o);
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
        return TaskPlanner.of(spec.maxTaskBytes()).withObjectsPerTask(spec.objectsPerTask()).plan(spec.jobId(), sized, o -> gzipped.contains(o.identity()),
                firstOrdinal);
    }

    private record Pinned(ObjectRef ref, boolean gzip) {
    }

    /**
     * Sizes and ETags of a chunk's unversioned objects from ListObjectsV2 over their key range in each bucket (1,000
     * keys per call instead of a HeadObject each), when the range is dense enough: at most {@value #LIST_SPAN} times
     * as many keys listed as wanted. Objects not found this way get a HeadObject.
     */
    private Map<String, ObjectRef> listed(List<ObjectRef> objects) {
        Map<String, java.util.TreeSet<String>> wanted = new java.util.HashMap<>();
        for (ObjectRef o : objects) {
            if ((o.size() < 0 || o.etag() == null) && o.versionId() == null) {
                wanted.computeIfAbsent(o.bucket(), b -> new java.util.TreeSet<>()).add(o.key());
            }
        }
        Map<String, ObjectRef> found = new java.util.HashMap<>();
        for (Map.Entry<String, java.util.TreeSet<String>> e : wanted.entrySet()) {
            String bucket = e.getKey();
            java.util.TreeSet<String> keys = e.getValue();
            if (keys.size() < 2) {
                continue;
            }
            long budget = (long) keys.size() * LIST_SPAN;
            String last = keys.last();
            String after = keys.first(); // listing starts after it: the first key gets a HeadObject
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).startAfter(after).maxKeys(1000))) {
                boolean done = false;
                for (var o : page.contents()) {
                    if (o.key().compareTo(last) > 0 || --budget < 0) {
                        done = true;
                        break;
                    }
                    if (keys.contains(o.key())) {
                        ObjectRef ref = new ObjectRef(bucket, o.key(), null, o.size(), o.eTag());
                        found.put(ref.identity(), ref);
                    }
                }
                if (done) {
                    break;
                }
            }
        }
        return found;
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
