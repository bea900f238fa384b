package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import java.util.Objects;

/**
 * What the coordination table knows of one task: status, attempts made, the last reason and, once succeeded, its
 * counts (from the batch function's {@code resultString}).
 *
 * <pre>{@code
 * TaskRecord r = TaskRecord.planned(task).started(now).succeeded(500, 0, 0, "lines=500 rejected=0 late=0");
 * }</pre>
 *
 * @param task     the planned task
 * @param status   lifecycle state
 * @param attempts invocations started so far
 * @param reason   result string of the last attempt (why it failed, or its counts); empty before the first
 * @param lines    lines read (applied, rejected, late or skipped as already applied)
 * @param rejected lines sent to the dead-letter output
 * @param late     records sent to the late output
 * @param startedMillis when the last attempt started (epoch ms), 0 before the first
 * @param applied  for a FAILED task, the lines its split had applied when it was given up (its fence): what a
 *                 partial job would fire of it; 0 otherwise
 */
public record TaskRecord(BatchTask task, Status status, int attempts, String reason, long lines, long rejected,
                         long late, long startedMillis, long applied) {

    public TaskRecord(BatchTask task, Status status, int attempts, String reason, long lines, long rejected,
                      long late, long startedMillis) {
        this(task, status, attempts, reason, lines, rejected, late, startedMillis, 0);
    }

    /** Lifecycle of a task. */
    public enum Status {
        /** Planned or waiting for a retry. */
        PENDING,
        /** Invoked, no answer yet. */
        RUNNING,
        /** Done; its split is finished. */
        SUCCEEDED,
        /** Given up: a permanent failure, or a temporary one on the last attempt. */
        FAILED;

        public boolean done() {
            return this == SUCCEEDED || this == FAILED;
        }
    }

    public TaskRecord {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
    }

    public static TaskRecord planned(BatchTask task) {
        return new TaskRecord(task, Status.PENDING, 0, "", 0, 0, 0, 0);
    }

    public String taskId() {
        return task.taskId();
    }

    /** The attempt an answer must carry to be credited: the last one started. */
    public int attempt() {
        return attempts;
    }

    /** A failed task whose split had applied {@code lines} lines. */
    public TaskRecord withApplied(long lines) {
        return new TaskRecord(task, status, attempts, reason, this.lines, rejected, late, startedMillis, lines);
    }

    /** One more attempt is under way. */
    public TaskRecord started(long nowMillis) {
        return new TaskRecord(task, Status.RUNNING, attempts + 1, reason, lines, rejected, late, nowMillis);
    }

    public TaskRecord succeeded(long lines, long rejected, long late, String reason) {
        return new TaskRecord(task, Status.SUCCEEDED, attempts, reason, lines, rejected, late, startedMillis);
    }

    /** Waits for a retry. */
    public TaskRecord retrying(String reason) {
        return new TaskRecord(task, Status.PENDING, attempts, reason, lines, rejected, late, startedMillis);
    }

    public TaskRecord failed(String reason, long lines, long rejected) {
        return new TaskRecord(task, Status.FAILED, attempts, reason, lines, rejected, late, startedMillis);
    }
}
