package io.sluice.orchestrator.batch;

import java.util.Objects;

/**
 * What the coordination table knows of a job as a whole. A job record exists only once its whole plan is stored
 * (tasks are written first), so a coordinator that finds it resumes with exactly that plan.
 *
 * <pre>{@code
 * JobRecord planned = JobRecord.planned("nightly-2020-11-11", "gmv-by-category", 22, clock.millis());
 * }</pre>
 *
 * @param jobId          job id
 * @param pipeline       pipeline name
 * @param completed      whether the final firing ran and the report was written
 * @param tasks          number of planned tasks
 * @param createdMillis  first submission
 * @param finishedMillis completion, or 0
 * @param watermark      global watermark of the final firing ({@link Long#MAX_VALUE}: +infinity), or 0
 * @param windowsFired   windows fired by the final firing
 * @param rowsOut        result rows written by the final firing
 */
public record JobRecord(String jobId, String pipeline, boolean completed, int tasks, long createdMillis,
                        long finishedMillis, long watermark, long windowsFired, long rowsOut) {

    public JobRecord {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(pipeline, "pipeline");
    }

    public static JobRecord planned(String jobId, String pipeline, int tasks, long createdMillis) {
        return new JobRecord(jobId, pipeline, false, tasks, createdMillis, 0, 0, 0, 0);
    }

    public JobRecord completed(long finishedMillis, long watermark, long windowsFired, long rowsOut) {
        return new JobRecord(jobId, pipeline, true, tasks, createdMillis, finishedMillis, watermark, windowsFired,
                rowsOut);
    }
}
