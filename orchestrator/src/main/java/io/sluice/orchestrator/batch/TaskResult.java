package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The batch function's answer for one task: {@code resultCode} Succeeded, TemporaryFailure or PermanentFailure and
 * its {@code resultString} (counts on success, the reason otherwise).
 *
 * <pre>{@code
 * TaskResult r = TaskResult.of(response.path("results").get(0));
 * r.lines();   // 500 for "lines=500 rejected=0 late=0"
 * }</pre>
 *
 * @param attempt the attempt of the task this answers (from the task event), 0 if unknown: an answer of an older
 *                attempt than the task's last one is never credited to it
 * @param receipt the invoker's handle to acknowledge the answer ({@link TaskInvoker#ack}) once it is recorded, or null
 */
public record TaskResult(String taskId, String code, String message, int attempt, String receipt) {

    public static final String SUCCEEDED = "Succeeded";
    public static final String TEMPORARY_FAILURE = "TemporaryFailure";
    public static final String PERMANENT_FAILURE = "PermanentFailure";

    private static final Pattern COUNTS = Pattern.compile("lines=(\\d+) rejected=(\\d+) late=(\\d+)");
    private static final Pattern UNDECODABLE = Pattern.compile("none of its (\\d+) lines");

    public TaskResult {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    public TaskResult(String taskId, String code, String message) {
        this(taskId, code, message, 0, null);
    }

    /** The same answer, for attempt {@code n} and acknowledged by {@code handle}. */
    public TaskResult of(int n, String handle) {
        return new TaskResult(taskId, code, message, n, handle);
    }

    /** One element of the batch function's {@code results}. */
    public static TaskResult of(JsonNode result) {
        return new TaskResult(result.path("taskId").asText(), result.path("resultCode").asText(TEMPORARY_FAILURE),
                result.path("resultString").asText(""));
    }

    public static TaskResult temporaryFailure(String taskId, String message) {
        return new TaskResult(taskId, TEMPORARY_FAILURE, message);
    }

    public boolean succeeded() {
        return SUCCEEDED.equals(code);
    }

    /** Anything but Succeeded and PermanentFailure is worth another attempt. */
    public boolean temporary() {
        return !succeeded() && !PERMANENT_FAILURE.equals(code);
    }

    /** Lines read; for a file none of whose lines decoded, all of them. */
    public long lines() {
        Matcher m = COUNTS.matcher(message);
        if (m.find()) {
            return Long.parseLong(m.group(1));
        }
        Matcher u = UNDECODABLE.matcher(message);
        return u.find() ? Long.parseLong(u.group(1)) : 0;
    }

    /** Lines rejected to the dead-letter output; for a file none of whose lines decoded, all of them. */
    public long rejected() {
        Matcher m = COUNTS.matcher(message);
        if (m.find()) {
            return Long.parseLong(m.group(2));
        }
        Matcher u = UNDECODABLE.matcher(message);
        return u.find() ? Long.parseLong(u.group(1)) : 0;
    }

    public long late() {
        Matcher m = COUNTS.matcher(message);
        return m.find() ? Long.parseLong(m.group(3)) : 0;
    }
}
