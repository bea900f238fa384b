package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The outcome of a batch job, as written to {@code s3://<outputBucket>/<outputPrefix><jobId>/report.json}. Built from
 * the coordination table only, so a resubmitted job writes the same bytes again.
 *
 * <pre>{@code
 * JobReport report = coordinator.submit(spec);
 * report.linesIn();          // lines read by succeeded tasks (each task counted once)
 * report.failed();           // the tasks given up on, each with its reason
 * report.toJson();
 * }</pre>
 *
 * @param jobId          job id
 * @param pipeline       pipeline name
 * @param jobPipeline    the name the job ran under ({@code <pipeline>-<jobId>}): its results are under it
 * @param completed      whether every task is done, every window fired and the report written
 * @param linesIn        lines read by succeeded tasks, plus the lines of files none of whose lines decoded, plus (for
 *                       a partial job) the lines failed tasks had applied
 * @param rejected       lines sent to the dead-letter output
 * @param late           records sent to the late output
 * @param windowsFired   windows fired by the job's final firing
 * @param rowsOut        result rows written by it
 * @param watermark      global watermark of the final firing ({@link Long#MAX_VALUE}: +infinity)
 * @param durationMillis first submission to completion (including any time the coordinator was down)
 * @param tasks          every task with its status, attempts and reason, in task id order
 * @param state          PLANNING / RUNNING (handed over or resumable), REFUSED (a task failed: nothing fired), COMPLETED
 * @param refusal        for a refused job, which tasks failed and what each had applied; else empty
 * @param partial        whether the job fired despite failed tasks (the operator's {@code allowPartial})
 * @param duplicates     manifest rows left out because they name an object listed before ({@code s3://bucket/key})
 */
public record JobReport(String jobId, String pipeline, String jobPipeline, boolean completed, long linesIn, long rejected, long late,
                        long windowsFired, long rowsOut, long watermark, long durationMillis, List<TaskRecord> tasks,
                        JobRecord.State state, String refusal, boolean partial, List<String> duplicates) {

    public JobReport {
        tasks = List.copyOf(tasks);
        duplicates = List.copyOf(duplicates);
    }

    static JobReport of(JobRecord job, String jobPipeline, List<TaskRecord> tasks) {
        long lines = 0;
        long rejected = 0;
        long late = 0;
        for (TaskRecord t : tasks) {
            lines += t.lines() + (job.partial() ? t.applied() : 0);
            rejected += t.rejected();
            late += t.late();
        }
        return new JobReport(job.jobId(), job.pipeline(), jobPipeline, job.completed(), lines, rejected, late, job.windowsFired(),
                job.rowsOut(), job.watermark(), job.completed() ? job.finishedMillis() - job.createdMillis() : 0,
                tasks, job.state(), job.refusal(), job.partial(), job.duplicates());
    }

    public List<TaskRecord> succeeded() {
        return tasks.stream().filter(t -> t.status() == TaskRecord.Status.SUCCEEDED).toList();
    }

    public List<TaskRecord> failed() {
        return tasks.stream().filter(t -> t.status() == TaskRecord.Status.FAILED).toList();
    }

    /** The report as pretty-printed JSON; the watermark +infinity is written as {@code "+infinity"}. */
    public String toJson() {
        ObjectNode root = TaskEvents.JSON.createObjectNode();
        root.put("jobId", jobId).put("pipeline", pipeline).put("jobPipeline", jobPipeline).put("completed", completed);
        root.put("state", state.name()).put("partial", partial);
        if (!refusal.isEmpty()) {
            root.put("refusal", refusal);
        }
        root.put("duplicatesDropped", duplicates.size());
        duplicates.forEach(root.withArray("duplicates")::add);
        root.put("tasks", tasks.size()).put("succeeded", succeeded().size()).put("failed", failed().size());
        root.put("linesIn", linesIn).put("rejected", rejected).put("late", late);
        root.put("windowsFired", windowsFired).put("rowsOut", rowsOut);
        if (watermark == Long.MAX_VALUE) {
            root.put("watermark", "+infinity");
        } else {
            root.put("watermark", watermark);
        }
        root.put("durationMillis", durationMillis);
        ArrayNode list = root.putArray("taskStatus");
        for (TaskRecord t : tasks) {
            list.addObject().put("taskId", t.taskId()).put("object", t.task().describe())
                    .put("status", t.status().name()).put("attempts", t.attempts()).put("reason", t.reason())
                    .put("lines", t.lines()).put("rejected", t.rejected()).put("late", t.late());
            if (t.status() == TaskRecord.Status.FAILED) {
                ((ObjectNode) list.get(list.size() - 1)).put("applied", t.applied());
            }
        }
        try {
            return TaskEvents.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }
}
