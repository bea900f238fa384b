package io.sluice.orchestrator.batch;

import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
 *   <li><b>Bind</b> (first submission): the job record binds the id to a fingerprint of its input; another input under
 *       the same id is refused.</li>
 *   <li><b>Plan</b>, 1,000 listing rows per checkpoint, HeadObject in parallel: rows naming one object twice are
 *       dropped (and reported), every task is pinned to the object's ETag, small objects share tasks up to
 *       {@link JobSpec#objectsPerTask}, and a resumed planning continues over the same listing or starts over
 *       (dropping the old tasks) over another. The plan is stored compactly ({@link JobStore#putPlan}): 100,000
 *       rows are a few hundred items, not 100,000.</li>
 *   <li><b>Register</b> every task as a PENDING split before any runs: a pending split holds the global watermark
 *       at its minimum, so no window can fire while any task of the job is unread.</li>
 *   <li><b>Fan out</b> with bounded concurrency ({@link FanOut}); answers and retries are recorded per task and
 *       attempt.</li>
 *   <li><b>Complete</b>, all or nothing: with a failed task the job is REFUSED (nothing fires; the report says which
 *       tasks failed and what each had applied) unless {@link JobSpec#allowPartial()}; otherwise every split is
 *       finished, every window fires, each fired window is recorded, and the report's figures are read back from
 *       those records.</li>
 * </ol>
 *
 * <p>One coordinator per job at a time: a lease in the {@link JobStore}, held by a {@link Heartbeat} from the claim
 * to the release (final firing included) and checked before every step and state-store write; every job-store write
 * is checked against the lease's epoch atomically with the write, so a coordinator whose lease was taken over writes
 * nothing more. A second submission meanwhile gets a {@link JobInProgressException}. Deadlines are checked
 * between planning checkpoints, registration writes, task answers and fired windows; past it, {@code submit} returns
 * an uncompleted report and a resubmission continues.
 *
 * <p>Idempotent: resubmitting a completed job re-runs nothing and rewrites the same report; results sinks have
 * deterministic keys, and fired windows are never fired again.
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
    private long leaseMillis = JOB_LEASE_MILLIS;
    private int threads = 16;
    private CrashPoints crashPoints = step -> { };

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

    /** How long the job lease lasts without a heartbeat (default 2 minutes; tests shorten it). */
    BatchCoordinator withLease(Duration lease) {
        this.leaseMillis = lease.toMillis();
        return this;
    }

    /** Called at each step of a job, for crash-point tests: a hook that throws is a coordinator dying there. */
    BatchCoordinator withCrashPoints(CrashPoints points) {
        this.crashPoints = points;
        return this;
    }

    /** Steps of a job at which a coordinator may die. */
    interface CrashPoints {
        /** {@code planned}, {@code registered}, {@code tasks-done}, {@code window-fired}, {@code completed}. */
        void reached(String step);
    }

    /**
     * Runs {@code spec} to completion, or resumes it.
     *
     * @throws IllegalArgumentException if the spec names another pipeline than this coordinator's, or the job id
     *                                  was used for another pipeline or another input
     * @throws JobInProgressException   if another coordinator holds the job's lease
     */
    public JobReport submit(JobSpec spec) throws InterruptedException {
        return submit(spec, Instant.MAX);
    }

    /**
     * Like {@link #submit(JobSpec)}, but returns an uncompleted report ({@link JobReport#completed()} false) when
     * {@code deadline} passes first (checked between planning checkpoints, registration writes, task answers and
     * fired windows); submitting the spec again continues.
     *
     * @throws LeaseLostException if the job's lease was lost midway (another coordinator took the job)
     */
    public JobReport submit(JobSpec spec, Instant deadline) throws InterruptedException {
        if (!spec.pipeline().equals(pipeline.name())) {
            throw new IllegalArgumentException("job " + spec.jobId() + " is for pipeline [" + spec.pipeline()
                    + "] but this coordinator runs [" + pipeline.name() + "]");
        }
        String owner = "coordinator-" + UUID.randomUUID();
        long claimed = clock.millis();
        if (!jobs.claim(spec.jobId(), owner, claimed, leaseMillis)) {
            throw new JobInProgressException(spec.jobId(), owner);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sluice-job-planning");
            t.setDaemon(true);
            return t;
        });
        try (Heartbeat lease = Heartbeat.start(jobs, spec.jobId(), owner, clock, leaseMillis, claimed)) {
            return run(spec, deadline, lease, pool);
        } finally {
            pool.shutdownNow();
            jobs.release(spec.jobId(), owner);
        }
    }

    private JobReport run(JobSpec spec, Instant deadline, Heartbeat lease, ExecutorService pool)
            throws InterruptedException {
        // The job's own pipeline, as the batch function runs it (PipelineDefinition.forJob): its task splits,
        // partials, fired windows and results are apart from the live pipeline's and every other job's.
        CompiledPipeline jobPipeline = CompiledPipeline.compile(pipeline.definition().forJob(spec.jobId()));
        JobPlanning planning = new JobPlanning(s3, pool);
        JobRecord job = bind(spec, planning.fingerprint(spec), lease);
        try {
            if (job.state() == JobRecord.State.PLANNING) {
                lease.check();
                job = planning.checkpointed(spec, job, jobs, lease.owner(), clock, deadline);
                crashPoints.reached("planned");
            }
            List<TaskRecord> tasks = jobs.tasks(spec.jobId());
            if (job.state() == JobRecord.State.RUNNING) {
                register(jobPipeline, tasks, lease, deadline, pool);
                crashPoints.reached("registered");
                tasks = new FanOut(spec, jobs, invoker, clock, tasks, lease.owner(), lease::check).run(deadline);
                if (tasks.stream().anyMatch(t -> !t.status().done())) {
                    return JobReport.of(job, jobPipeline.name(), tasks);
                }
                crashPoints.reached("tasks-done");
            }
            if (job.state() == JobRecord.State.RUNNING
                    || (job.state() == JobRecord.State.REFUSED && spec.allowPartial())) {
                job = complete(spec, jobPipeline, job, tasks, lease, deadline);
                tasks = jobs.tasks(spec.jobId());
                crashPoints.reached("completed");
            }
            JobReport report = JobReport.of(job, jobPipeline.name(), tasks);
            lease.check();
            s3.putObject(b -> b.bucket(spec.outputBucket()).key(spec.reportKey()).contentType("application/json"),
                    RequestBody.fromString(report.toJson(), StandardCharsets.UTF_8));
            return report;
        } catch (HandOverException handOver) {
            LOG.log(Level.INFO, handOver.getMessage());
            JobRecord now = jobs.readJob(spec.jobId()).orElse(job);
            // Handed over while planning: the plan so far is counted in the job record; reading it back (100,000
            // tasks at 70 %) would eat the hand-over margin for a report nobody acts on.
            return JobReport.of(now, jobPipeline.name(),
                    now.state() == JobRecord.State.PLANNING ? List.of() : jobs.tasks(spec.jobId()));
        }
    }

    /**
     * The job's record, created at its first submission: binds the id to the input's fingerprint.
     *
     * @throws IllegalArgumentException if the id was first submitted for another pipeline or another input
     */
    private JobRecord bind(JobSpec spec, String fingerprint, Heartbeat lease) {
        JobRecord job = jobs.readJob(spec.jobId()).orElse(null);
        if (job == null) {
            JobRecord fresh = JobRecord.planning(spec.jobId(), spec.pipeline(), fingerprint, JobRequest.toJson(spec),
                    clock.millis());
            job = jobs.createJob(fresh, lease.owner()) ? fresh : jobs.readJob(spec.jobId()).orElseThrow();
        }
        if (!job.pipeline().equals(spec.pipeline())) {
            throw new IllegalArgumentException("job " + spec.jobId() + " exists for pipeline [" + job.pipeline()
                    + "], not [" + spec.pipeline() + "]");
        }
        if (!job.fingerprint().equals(fingerprint)) {
            throw new IllegalArgumentException("job " + spec.jobId() + " was first submitted with another input "
                    + "(fingerprint " + job.fingerprint() + "); this submission reads " + spec.input().uri()
                    + " (fingerprint " + fingerprint + "): a job id names one input, submit this one under a new id");
        }
        return job;
    }

    /** Registers the splits not yet known (one query, then the new splits' writes in parallel). */
    private void register(CompiledPipeline pipeline, List<TaskRecord> tasks, Heartbeat lease, Instant deadline,
                          ExecutorService pool) throws InterruptedException {
        Set<String> known = new HashSet<>();
        store.splits(pipeline.name()).forEach(s -> known.add(s.split()));
        long now = clock.millis();
        List<Future<?>> writes = new ArrayList<>();
        for (TaskRecord t : tasks) {
            if (!known.contains(t.taskId())) {
                writes.add(pool.submit(() -> {
                    if (!clock.instant().isBefore(deadline)) {
                        throw new HandOverException(t.taskId(), "registering");
                    }
                    lease.check();
                    store.createSplit(SplitState.pending(pipeline.name(), t.taskId(), now, List.of()));
                }));
            }
        }
        for (Future<?> w : writes) {
            try {
                w.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * Fires the job, all or nothing: with a failed task the job refuses (and says which tasks failed and what each
     * had applied) unless the spec allows partial results; then the failed tasks' splits are finished, every window
     * fires, and the figures are read back from the fired-window records.
     */
    private JobRecord complete(JobSpec spec, CompiledPipeline pipeline, JobRecord job, List<TaskRecord> tasks,
                               Heartbeat lease, Instant deadline) {
        List<TaskRecord> failed = new ArrayList<>();
        for (TaskRecord t : tasks) {
            if (t.status() == TaskRecord.Status.FAILED) {
                failed.add(t.withApplied(applied(pipeline, t)));
            }
        }
        if (!failed.isEmpty()) {
            jobs.putTasks(spec.jobId(), failed, lease.owner());
            if (!spec.allowPartial()) {
                JobRecord refused = job.refused(refusal(failed));
                jobs.putJob(refused, lease.owner());
                LOG.log(Level.WARNING, "Batch job refused to fire. job=[{0}] {1}", job.jobId(), refused.refusal());
                return refused;
            }
            for (TaskRecord t : failed) {
                SplitState split = store.readSplit(pipeline.name(), t.taskId())
                        .orElseGet(() -> SplitState.pending(pipeline.name(), t.taskId(), 0, List.of()));
                if (split.status() != SplitStatus.FINISHED) {
                    lease.check();
                    store.advanceSplit(split.finished(split.fence()));
                }
            }
        }
        long now = clock.millis();
        FiringOutputs firing = new FiringOutputs(outputs, jobs, job.jobId(), lease, deadline, clock,
                () -> crashPoints.reached("window-fired"));
        long watermark = PipelineRun.batch(pipeline, store, firing, new RunMetrics())
                .withOwnerPrefix("coordinator-" + job.jobId()).fire(now);
        Map<String, Long> fired = jobs.fired(job.jobId());
        long rows = fired.values().stream().mapToLong(Long::longValue).sum();
        JobRecord done = job.completed(clock.millis(), watermark, fired.size(), rows, !failed.isEmpty());
        jobs.putJob(done, lease.owner());
        LOG.log(Level.INFO, "Batch job completed. job=[{0}] tasks=[{1}] failed=[{2}] windowsFired=[{3}] rowsOut=[{4}] "
                + "watermark=[{5}] partial=[{6}]", job.jobId(), tasks.size(), failed.size(), fired.size(), rows,
                watermark == Long.MAX_VALUE ? "+infinity" : Long.toString(watermark), !failed.isEmpty());
        return done;
    }

    /** Lines a task's split had applied: its fence (line n has fence n). */
    private long applied(CompiledPipeline pipeline, TaskRecord t) {
        Fence fence = store.readSplit(pipeline.name(), t.taskId()).map(SplitState::fence).orElse(Fence.NONE);
        return fence.equals(Fence.NONE) ? 0 : new BigInteger(fence.sequenceNumber()).longValueExact();
    }

    private static String refusal(List<TaskRecord> failed) {
        StringBuilder why = new StringBuilder(failed.size() + " task(s) failed, so nothing was fired (submit again "
                + "with allowPartial to fire the other tasks' results, and these tasks' applied lines):");
        for (TaskRecord t : failed) {
            why.append(" task ").append(t.taskId()).append(" (").append(t.task().describe()).append(") failed after ")
                    .append(t.attempts()).append(" attempt(s): ").append(t.reason()).append("; it had applied ")
                    .append(t.applied()).append(" lines.");
        }
        return why.toString();
    }
}
