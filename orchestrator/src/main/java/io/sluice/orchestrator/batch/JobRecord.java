package io.sluice.orchestrator.batch;

import java.util.List;
import java.util.Objects;

/**
 * What the coordination table knows of a job as a whole. The record is created once, with a condition, when a job id
 * is first submitted: it binds the id to the fingerprint of its input, and says how far planning got (a checkpoint),
 * so a resumed coordinator continues the same plan and never keeps leftovers of another.
 *
 * <pre>{@code
 * JobRecord job = JobRecord.planning("nightly-2020-11-11", "gmv-by-category", fingerprint, requestJson, clock.millis());
 * job.state();   // PLANNING -> RUNNING -> COMPLETED, or REFUSED when a task failed and partial results were not allowed
 * }</pre>
 *
 * @param jobId          job id
 * @param pipeline       pipeline name
 * @param state          lifecycle state
 * @param fingerprint    digest of the job's input (pipeline, listing, manifest ETag, task size): a resubmission with
 *                       another input is refused
 * @param request        the submission as JSON, so the scheduled sweep can resume the job
 * @param tasks          number of planned tasks (so far, while planning)
 * @param createdMillis  first submission
 * @param finishedMillis completion, or 0
 * @param watermark      global watermark of the final firing ({@link Long#MAX_VALUE}: +infinity), or 0
 * @param windowsFired   windows the final firing wrote (from the job's fired-window records)
 * @param rowsOut        result rows the final firing wrote
 * @param listingHash    digest of the de-duplicated listing the plan was made from; planning restarts (dropping the
 *                       tasks of the first listing) when a resumed coordinator lists something else
 * @param plannedRows    listing rows planned so far (the checkpoint)
 * @param duplicates     manifest rows left out because they name an object listed before (decoded key, bucket and
 *                       version), as {@code s3://bucket/key}
 * @param refusal        why the job refused to fire (its failed tasks and what they had applied), or empty
 * @param partial        whether the job fired with failed tasks because the operator allowed it
 */
public record JobRecord(String jobId, String pipeline, State state, String fingerprint, String request, int tasks,
                        long createdMillis, long finishedMillis, long watermark, long windowsFired, long rowsOut,
                        String listingHash, long plannedRows, List<String> duplicates, String refusal,
                        boolean partial) {

    /** Lifecycle of a job. */
    public enum State {
        /** The plan is being made; tasks so far are a checkpoint. */
        PLANNING,
        /** The plan is complete; tasks run. */
        RUNNING,
        /** A task failed and the job was not allowed to fire partial results: nothing fired. */
        REFUSED,
        /** Every window fired and the report was written. */
        COMPLETED
    }

    public JobRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(state, "state");
        fingerprint = fingerprint == null ? "" : fingerprint;
        request = request == null ? "" : request;
        listingHash = listingHash == null ? "" : listingHash;
        duplicates = List.copyOf(duplicates == null ? List.of() : duplicates);
        refusal = refusal == null ? "" : refusal;
    }

    public static JobRecord planning(String jobId, String pipeline, String fingerprint, String request,
                                     long createdMillis) {
        return new JobRecord(jobId, pipeline, State.PLANNING, fingerprint, request, 0, createdMillis, 0, 0, 0, 0, "",
                0, List.of(), "", false);
    }

    public boolean completed() {
        return state == State.COMPLETED;
    }

    /** A planning checkpoint: {@code rows} listing rows of listing {@code hash} are planned into {@code tasks}. */
    public JobRecord planned(String hash, long rows, int tasks, List<String> duplicates) {
        return new JobRecord(jobId, pipeline, State.PLANNING, fingerprint, request, tasks, createdMillis, 0, 0, 0, 0,
                hash, rows, duplicates, "", false);
    }

    /** The plan is complete. */
    public JobRecord running() {
        return new JobRecord(jobId, pipeline, State.RUNNING, fingerprint, request, tasks, createdMillis, 0, 0, 0, 0,
                listingHash, plannedRows, duplicates, "", false);
    }

    public JobRecord refused(String why) {
        return new JobRecord(jobId, pipeline, State.REFUSED, fingerprint, request, tasks, createdMillis, 0, 0, 0, 0,
                listingHash, plannedRows, duplicates, why, false);
    }

    public JobRecord completed(long finishedMillis, long watermark, long windowsFired, long rowsOut, boolean partial) {
        return new JobRecord(jobId, pipeline, State.COMPLETED, fingerprint, request, tasks, createdMillis,
                finishedMillis, watermark, windowsFired, rowsOut, listingHash, plannedRows, duplicates, refusal,
                partial);
    }
}
