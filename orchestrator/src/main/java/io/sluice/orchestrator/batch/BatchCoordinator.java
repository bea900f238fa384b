package io.sluice.orchestrator.batch;

import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Runs a bounded job over S3 objects: plan, register, fan out, complete, report.
 *
 * <pre>{@code
 * BatchCoordinator coordinator = new BatchCoordinator(pipeline, store, outputs, jobs, invoker, s3, Clock.systemUTC());
 * JobReport report = coordinator.submit(JobSpec.of("nightly-2020-11-11", "gmv-by-category",
 *         JobInput.csvManifest("sluice-dev-data", "manifests/2020-11-11.csv"), "sluice-dev-results", "batch-reports/"));
 * report.failed();   // missing or malformed objects, each with its reason
 * }</pre>
 *
 * <p>The job runs as its own pipeline, {@code <pipeline>-<jobId>} ({@code PipelineDefinition.forJob}), exactly as the
 * batch function runs the job's tasks: its splits, partials, fired windows and results ({@code results/<pipeline>-
 * <jobId>/} of the results sinks) are apart from the live pipeline's and other jobs', so a recomputation next to the
 * live stream in the same tables neither adds to its windows nor holds its watermark back.
 *
 * <ol>
 *   <li><b>Plan</b> (first submission only): list the objects, one task per object or byte range, stored in the
 *       {@link JobStore} before the job record that says the plan is complete. A resubmission reuses the stored
 *       plan, so the same job id always means the same tasks and splits.</li>
 *   <li><b>Register</b> every task as a PENDING split before any runs: a pending split holds the global watermark
 *       at its minimum, so no window can fire while any task of the job is unread.</li>
 *   <li><b>Fan out</b> with bounded concurrency ({@link FanOut}); answers and retries are recorded per task.</li>
 *   <li><b>Complete</b>: a failed task's split is marked FINISHED (it will contribute nothing more), so every split
 *       of the job is finished and the job's watermark is +infinity; every window fires; the job record is marked
 *       completed; the report is written from the table.</li>
 * </ol>
 *
 * <p>One coordinator per job at a time: a lease in the {@link JobStore}, renewed while the job runs and released when
 * {@code submit} returns or throws; a second submission meanwhile gets a {@link JobInProgressException}.
 *
 * <p>Idempotent: resubmitting a completed job re-runs nothing and rewrites the same report; results sinks have
 * deterministic keys, and fired windows are never fired again. A coordinator that dies (or hits its deadline)
 * midway is resumed by submitting the same spec again.
 */
public final class BatchCoordinator {

    private static final System.Logger LOG = System.getLogger(BatchCoordinator.class.getName());
    /** A coordinator that dies without releasing blocks resubmission this long; renewed a third of it ahead. */
    static final long JOB_LEASE_MILLIS = Duration.ofMinutes(2).toMillis();

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final Outputs outputs;
    private final JobStore jobs;
    private final TaskInvoker invoker;
    private final S3Client s3;
    private final Clock clock;

    /**
     * @param pipeline the pipeline the batch function runs
     * @param store    the state store the batch function writes to (splits, partials, firing claims)
     * @param outputs  the sinks of the final firing (the batch function's results sinks)
     * @param jobs     where jobs and tasks are tracked (the coordination table)
     * @param invoker  runs tasks
     * @param s3       reads manifests, writes the report
     */
    public BatchCoordinator(CompiledPipeline pipeline, StateStore store, Outputs outputs, JobStore jobs,
                            TaskInvoker invoker, S3Client s3, Clock clock) {
        this.pipeline = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.jobs = jobs;
        this.invoker = invoker;
        this.s3 = s3;
        this.clock = clock;
    }

    /**
     * Runs {@code spec} to completion, or resumes it.
     *
     * @throws IllegalArgumentException if the spec names another pipeline than this coordinator's, or the job id
     *                                  was used for another pipeline
     * @throws JobInProgressException   if another coordinator holds the job's lease
     */
    public JobReport submit(JobSpec spec) throws InterruptedException {
        return submit(spec, Instant.MAX);
    }

    /**
     * Like {@link #submit(JobSpec)}, but returns an uncompleted report ({@link JobReport#completed()} false) when
     * {@code deadline} passes first; submitting the spec again continues.
     */
    public JobReport submit(JobSpec spec, Instant deadline) throws InterruptedException {
        if (!spec.pipeline().equals(pipeline.name())) {
            throw new IllegalArgumentException("job " + spec.jobId() + " is for pipeline [" + spec.pipeline()
                    + "] but this coordinator runs [" + pipeline.name() + "]");
        }
        String owner = "coordinator-" + UUID.randomUUID();
        if (!jobs.claim(spec.jobId(), owner, clock.millis(), JOB_LEASE_MILLIS)) {
            throw new JobInProgressException(spec.jobId(), owner);
        }
        try {
            return run(spec, deadline, owner);
        } finally {
            jobs.release(spec.jobId(), owner);
        }
    }

    private JobReport run(JobSpec spec, Instant deadline, String owner) throws InterruptedException {
        // The job's own pipeline, as the batch function runs it (PipelineDefinition.forJob): its task splits,
        // partials, fired windows and results are apart from the live pipeline's and every other job's.
        CompiledPipeline jobPipeline = CompiledPipeline.compile(pipeline.definition().forJob(spec.jobId()));
        JobRecord job = jobs.readJob(spec.jobId()).orElse(null);
        if (job == null) {
            List<BatchTask> plan = new JobPlanning(s3).plan(spec);
            jobs.putTasks(spec.jobId(), plan.stream().map(TaskRecord::planned).toList());
            job = JobRecord.planned(spec.jobId(), spec.pipeline(), plan.size(), clock.millis());
            jobs.putJob(job);
            LOG.log(Level.INFO, "Batch job planned. job=[{0}] input=[{1}] tasks=[{2}]", spec.jobId(),
                    spec.input().uri(), plan.size());
        } else if (!job.pipeline().equals(spec.pipeline())) {
            throw new IllegalArgumentException("job " + spec.jobId() + " exists for pipeline [" + job.pipeline()
                    + "], not [" + spec.pipeline() + "]");
        }
        List<TaskRecord> tasks = jobs.tasks(spec.jobId());
        if (!job.completed()) {
            register(jobPipeline, tasks);
            tasks = new FanOut(spec, jobs, invoker, clock, tasks, renewer(spec.jobId(), owner)).run(deadline);
            if (tasks.stream().anyMatch(t -> !t.status().done())) {
                return JobReport.of(job, jobPipeline.name(), tasks);
            }
            job = complete(jobPipeline, job, tasks);
        }
        JobReport report = JobReport.of(job, jobPipeline.name(), tasks);
        s3.putObject(b -> b.bucket(spec.outputBucket()).key(spec.reportKey()).contentType("application/json"),
                RequestBody.fromString(report.toJson(), StandardCharsets.UTF_8));
        return report;
    }

    /** Renews the lease when a third of it is left; a lost lease stops this coordinator. */
    private Runnable renewer(String jobId, String owner) {
        long[] renewed = {clock.millis()};
        return () -> {
            long now = clock.millis();
            if (now - renewed[0] >= JOB_LEASE_MILLIS * 2 / 3) {
                if (!jobs.claim(jobId, owner, now, JOB_LEASE_MILLIS)) {
                    throw new JobInProgressException(jobId, owner);
                }
                renewed[0] = now;
            }
        };
    }

    /** Registers the splits not yet known (one query, then one write per new split). */
    private void register(CompiledPipeline pipeline, List<TaskRecord> tasks) {
        Set<String> known = new HashSet<>();
        store.splits(pipeline.name()).forEach(s -> known.add(s.split()));
        long now = clock.millis();
        for (TaskRecord t : tasks) {
            if (!known.contains(t.taskId())) {
                store.createSplit(SplitState.pending(pipeline.name(), t.taskId(), now, List.of()));
            }
        }
    }

    private JobRecord complete(CompiledPipeline pipeline, JobRecord job, List<TaskRecord> tasks) {
        for (TaskRecord t : tasks) {
            if (t.status() == TaskRecord.Status.FAILED) {
                SplitState split = store.readSplit(pipeline.name(), t.taskId())
                        .orElseGet(() -> SplitState.pending(pipeline.name(), t.taskId(), 0, List.of()));
                if (split.status() != SplitStatus.FINISHED) {
                    store.advanceSplit(split.finished(split.fence()));
                }
            }
        }
        long now = clock.millis();
        RunMetrics metrics = new RunMetrics();
        long watermark = PipelineRun.batch(pipeline, store, outputs, metrics).withOwnerPrefix("coordinator-" + job.jobId())
                .fire(now);
        JobRecord done = job.completed(clock.millis(), watermark, metrics.windowsFired(), metrics.rowsOut());
        jobs.putJob(done);
        LOG.log(Level.INFO, "Batch job completed. job=[{0}] tasks=[{1}] failed=[{2}] windowsFired=[{3}] rowsOut=[{4}] "
                + "watermark=[{5}]", job.jobId(), tasks.size(),
                tasks.stream().filter(t -> t.status() == TaskRecord.Status.FAILED).count(), metrics.windowsFired(),
                metrics.rowsOut(), watermark == Long.MAX_VALUE ? "+infinity" : Long.toString(watermark));
        return done;
    }
}
