package io.sluice.orchestrator.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A batch job: which pipeline, over which objects, where the report goes, and how hard to push. Immutable; the
 * defaults are 8 concurrent tasks, 4 attempts per task with back-off from 1 s doubling up to 30 s, tasks of at most
 * 64 MiB of a plain object, and 16 minutes before a started task without an answer counts as a temporary failure
 * (the batch function's timeout is 15).
 *
 * <pre>{@code
 * JobSpec job = JobSpec.of("nightly-2020-11-11", "gmv-by-category",
 *                 JobInput.csvManifest("sluice-dev-data", "manifests/2020-11-11.csv"),
 *                 "sluice-dev-results", "batch-reports/")
 *         .withConcurrency(32)
 *         .withMaxAttempts(5);
 * // report: s3://sluice-dev-results/batch-reports/nightly-2020-11-11/report.json
 * }</pre>
 *
 * @param jobId         identity of the job: {@code [a-z0-9-]{1,80}} (the job runs as pipeline
 *                      {@code <pipeline>-<jobId>}, which folds case and other characters: refusing them keeps two jobs
 *                      from sharing state); resubmitting the same id resumes it
 * @param pipeline      the pipeline's name in the registry; must be the one the batch function runs
 * @param input         where the objects are listed
 * @param outputBucket  bucket of the job report
 * @param outputPrefix  key prefix of the job report ({@code <prefix><jobId>/report.json}); may be empty
 * @param concurrency   tasks running at once, {@code [1, 1000]}
 * @param maxAttempts   attempts per task before a temporary failure becomes permanent, {@code [1, 100]}
 * @param backoffBase   delay before the second attempt; doubles per attempt
 * @param backoffCap    longest delay between attempts
 * @param maxTaskBytes  plain objects larger than this are cut into byte ranges
 * @param taskTimeout   how long a started task may stay unanswered
 * @param allowPartial  the operator's override: fire even though tasks failed (their applied lines included, and the
 *                      report says so); by default a job with a failed task refuses to fire
 * @param objectsPerTask whole objects one task may read, {@code [1, 1000]}: consecutive small objects of the listing
 *                      (together at most {@code maxTaskBytes}) share a task and its split, so a manifest of 100,000
 *                      small objects is not 100,000 invocations, splits and task records; 1 (the default) keeps one
 *                      task per object, which a failure report names exactly. A group fails as a whole (a missing or
 *                      rewritten object names itself in the reason), and an object none of whose lines decode sends
 *                      them to the dead letters like any rejected line instead of failing its group
 */
public record JobSpec(String jobId, String pipeline, JobInput input, String outputBucket, String outputPrefix,
                      int concurrency, int maxAttempts, Duration backoffBase, Duration backoffCap, long maxTaskBytes,
                      Duration taskTimeout, boolean allowPartial, int objectsPerTask) {

    private static final Pattern JOB_ID = Pattern.compile("[a-z0-9-]{1,80}");

    public JobSpec {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(outputBucket, "outputBucket");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffCap, "backoffCap");
        Objects.requireNonNull(taskTimeout, "taskTimeout");
        if (!JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("jobId must match " + JOB_ID + " but was [" + jobId + "]");
        }
        if (concurrency < 1 || concurrency > 1000) {
            throw new IllegalArgumentException("concurrency must be in [1, 1000] but was " + concurrency);
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be in [1, 100] but was " + maxAttempts);
        }
        if (backoffBase.isNegative() || backoffCap.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("back-off must satisfy 0 <= base <= cap but was " + backoffBase + ", "
                    + backoffCap);
        }
        if (maxTaskBytes < 1) {
            throw new IllegalArgumentException("maxTaskBytes must be positive but was " + maxTaskBytes);
        }
        if (objectsPerTask < 1 || objectsPerTask > 1_000) {
            throw new IllegalArgumentException("objectsPerTask must be in [1, 1000] but was " + objectsPerTask);
        }
        if (taskTimeout.isNegative() || taskTimeout.isZero()) {
            throw new IllegalArgumentException("taskTimeout must be positive but was " + taskTimeout);
        }
    }

    /** A job with the defaults above. */
    public static JobSpec of(String jobId, String pipeline, JobInput input, String outputBucket, String outputPrefix) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, 8, 4, Duration.ofSeconds(1),
                Duration.ofSeconds(30), 64L << 20, Duration.ofMinutes(16), false, 1);
    }

    public JobSpec withConcurrency(int n) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, n, maxAttempts, backoffBase, backoffCap,
                maxTaskBytes, taskTimeout, allowPartial, objectsPerTask);
    }

    public JobSpec withMaxAttempts(int n) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, concurrency, n, backoffBase, backoffCap,
                maxTaskBytes, taskTimeout, allowPartial, objectsPerTask);
    }

    public JobSpec withBackoff(Duration base, Duration cap) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, concurrency, maxAttempts, base, cap,
                maxTaskBytes, taskTimeout, allowPartial, objectsPerTask);
    }

    public JobSpec withMaxTaskBytes(long bytes) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, concurrency, maxAttempts, backoffBase,
                backoffCap, bytes, taskTimeout, allowPartial, objectsPerTask);
    }

    public JobSpec withTaskTimeout(Duration timeout) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, concurrency, maxAttempts, backoffBase,
                backoffCap, maxTaskBytes, timeout, allowPartial, objectsPerTask);
    }

    /**
     * The operator's override of all-or-nothing: with {@code true}, a job whose tasks failed still fires, with what
     * those tasks had applied, and its report says so ({@code partial}).
     */
    public JobSpec withAllowPartial(boolean allow) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, concurrency, maxAttempts, backoffBase,
                backoffCap, maxTaskBytes, taskTimeout, allow, objectsPerTask);
    }

    /** Up to {@code n} small whole objects per task (see {@link #objectsPerTask}). */
    public JobSpec withObjectsPerTask(int n) {
        return new JobSpec(jobId, pipeline, input, outputBucket, outputPrefix, concurrency, maxAttempts, backoffBase,
                backoffCap, maxTaskBytes, taskTimeout, allowPartial, n);
    }

    /** Key of the job report in {@link #outputBucket}. */
    public String reportKey() {
        return outputPrefix + jobId + "/report.json";
    }

    /** Delay before attempt {@code attempt} (2 is the first retry): base * 2^(attempt-2), at most the cap. */
    public Duration backoff(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        long millis = backoffBase.toMillis() << Math.min(30, attempt - 2);
        return Duration.ofMillis(Math.min(backoffCap.toMillis(), millis < 0 ? Long.MAX_VALUE : millis));
    }
}
