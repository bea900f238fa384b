package io.sluice.orchestrator.batch;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the coordinator keeps jobs and their tasks, so a coordinator that dies midway resumes from it and a
 * resubmitted job finds its plan and finished tasks. Thread-safe.
 *
 * <p>Every write of a coordinator names the owner of the job's lease and is made only while no other coordinator has
 * taken the lease since that owner took it: the lease carries an epoch, raised by every take-over, and each write is
 * checked against the epoch its owner took, atomically with the write (in {@link DynamoDbJobStore}: a transaction
 * with a condition on the lease item). A coordinator whose lease was taken over gets a {@link LeaseLostException} and
 * stops, so two coordinators never both write a job.
 *
 * <pre>{@code
 * JobStore jobs = new DynamoDbJobStore(dynamo, "sluice-dev-coordination");   // or new InMemoryJobStore()
 * jobs.claim(jobId, owner, now, leaseMillis);
 * jobs.createJob(JobRecord.planning(..));   // binds the job id to its input's fingerprint, once
 * jobs.putPlan(jobId, plan, owner);         // the plan, checkpoint by checkpoint
 * jobs.putJob(job.running(), owner);        // then the record that says the plan is complete
 * }</pre>
 */
public interface JobStore {

    Optional<JobRecord> readJob(String jobId);

    /**
     * Creates the job record if the id was never used.
     *
     * @return false if a record of that id exists (read it to compare fingerprints)
     */
    boolean createJob(JobRecord job, String owner);

    /** Replaces the job record. @throws LeaseLostException if {@code owner} does not hold the job's lease */
    void putJob(JobRecord job, String owner);

    /** Creates or replaces task records of {@code jobId}. @throws LeaseLostException as {@link #putJob} */
    void putTasks(String jobId, List<TaskRecord> tasks, String owner);

    /**
     * Stores the tasks of one planning checkpoint (all {@code PENDING}, as planned); a store may keep them compactly,
     * many to an item, apart from the records {@link #putTasks} writes as tasks run; {@link #tasks} reads both.
     * Writing the same checkpoint again replaces it. @throws LeaseLostException as {@link #putJob}
     */
    default void putPlan(String jobId, List<TaskRecord> planned, String owner) {
        putTasks(jobId, planned, owner);
    }

    /** Deletes every task record of {@code jobId} (leftovers of an abandoned plan). @throws LeaseLostException */
    void deleteTasks(String jobId, String owner);

    /** Every task of the job, in task id order. */
    List<TaskRecord> tasks(String jobId);

    /**
     * Records that the final firing wrote window {@code window} ({@code start-end}) with {@code rows} rows;
     * idempotent (a re-fired window writes the same record).
     */
    void putFired(String jobId, String window, long rows, String owner);

    /** The windows the job's final firing wrote, with their row counts. */
    Map<String, Long> fired(String jobId);

    /** Ids of jobs neither completed nor refused, for the scheduled sweep. */
    List<String> openJobs();

    /**
     * Takes or renews the job's lease: one coordinator per job at a time. A take-over (of a free or lapsed lease)
     * raises the lease's epoch; the epoch an owner first took is the one its writes are checked against, so an owner
     * that lost the lease and takes it again still cannot write.
     *
     * @return true if {@code owner} now holds it until {@code nowMillis + leaseMillis}; false if another owner holds
     *     an unexpired lease
     */
    boolean claim(String jobId, String owner, long nowMillis, long leaseMillis);

    /** Gives the lease up, so a resubmission need not wait for it to lapse. No-op if not held by {@code owner}. */
    void release(String jobId, String owner);
}
