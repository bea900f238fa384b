package io.sluice.orchestrator.batch;

import java.util.List;
import java.util.Optional;

/**
 * Where the coordinator keeps jobs and their tasks, so a coordinator that dies midway resumes from it and a
 * resubmitted job finds its plan and finished tasks. Thread-safe.
 *
 * <pre>{@code
 * JobStore jobs = new DynamoDbJobStore(dynamo, "sluice-dev-coordination");   // or new InMemoryJobStore()
 * jobs.putTasks(plan);                       // the plan first,
 * jobs.putJob(JobRecord.planned(..));        // then the record that says the plan is complete
 * }</pre>
 */
public interface JobStore {

    Optional<JobRecord> readJob(String jobId);

    void putJob(JobRecord job);

    /** Creates or replaces task records of {@code jobId}. */
    void putTasks(String jobId, List<TaskRecord> tasks);

    /** Every task of the job, in task id order. */
    List<TaskRecord> tasks(String jobId);

    /**
     * Takes or renews the job's lease: one coordinator per job at a time.
     *
     * @return true if {@code owner} now holds it until {@code nowMillis + leaseMillis}; false if another owner holds
     *     an unexpired lease
     */
    boolean claim(String jobId, String owner, long nowMillis, long leaseMillis);

    /** Gives the lease up, so a resubmission need not wait for it to lapse. No-op if not held by {@code owner}. */
    void release(String jobId, String owner);
}
