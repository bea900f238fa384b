package io.sluice.orchestrator.batch;

import software.amazon.awssdk.core.exception.SdkException;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a job's unfinished tasks with at most {@link JobSpec#concurrency()} in flight, recording every start and
 * every answer in the {@link JobStore} before acting on it, so a coordinator that dies at any point resumes from
 * the table: tasks already answered are never run again, tasks it was waiting for are started again (or, if they
 * outlive the coordinator, awaited until their timeout). Temporary failures are retried after
 * {@link JobSpec#backoff(int)}; the last attempt's temporary failure and any permanent one are final.
 *
 * <p>Each attempt carries its number: an answer is credited only to the attempt it answers, so a late answer of an
 * attempt given up on is dropped, never taken for the new attempt's. An answer is acknowledged to the invoker (its
 * queue message deleted) only after it is recorded, and a failing poll is retried, never thrown.
 */
final class FanOut {

    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());
    private static final long MAX_POLL_MILLIS = 1_000;
    private static final long FUNCTION_TIMEOUT_MILLIS = Duration.ofMinutes(15).toMillis();

    private final JobSpec spec;
    private final JobStore jobs;
    private final TaskInvoker invoker;
    private final Clock clock;
    private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final Map<String, Long> dueAt = new java.util.TreeMap<>(); // starts in task id order
    private final Map<String, Long> inFlight = new HashMap<>();
    private final Runnable checkLease;
    private final String owner;

    /**
     * @param owner      the lease owner every write is made under
     * @param checkLease called every loop; throws {@link LeaseLostException} once the lease is lost
     */
    FanOut(JobSpec spec, JobStore jobs, TaskInvoker invoker, Clock clock, List<TaskRecord> stored, String owner,
           Runnable checkLease) {
        this.checkLease = checkLease;
        this.owner = owner;
        this.spec = spec;
        this.jobs = jobs;
        this.invoker = invoker;
        this.clock = clock;
        long now = clock.millis();
        for (TaskRecord t : stored) {
            tasks.put(t.taskId(), t);
            if (t.status() == TaskRecord.Status.RUNNING) {
                if (invoker.outlivesCoordinator()) {
                    inFlight.put(t.taskId(), t.startedMillis()); // its answer may still come
                } else {
                    dueAt.put(t.taskId(), now); // it died with the previous coordinator
                }
            } else if (t.status() == TaskRecord.Status.PENDING) {
                dueAt.put(t.taskId(), now);
            }
        }
    }

    /**
     * Runs until every task is done or {@code deadline} passes.
     *
     * @return every task record, in task id order
     * @throws InterruptedException if the coordinator is interrupted (the table keeps where it got)
     */
    List<TaskRecord> run(Instant deadline) throws InterruptedException {
        while (!dueAt.isEmpty() || !inFlight.isEmpty()) {
            if (!clock.instant().isBefore(deadline)) {
                break;
            }
            checkLease.run();
            long now = clock.millis();
            startDue(now);
            for (TaskResult r : poll(now)) {
                TaskRecord t = tasks.get(r.taskId());
                if (t == null) {
                    continue; // not a task of this plan: left to whoever waits for it
                }
                if (inFlight.containsKey(r.taskId()) && (r.attempt() == 0 || r.attempt() == t.attempt())) {
                    inFlight.remove(r.taskId());
                    answer(r, clock.millis());
                } else if (r.attempt() != 0 && r.attempt() < t.attempt() || t.status().done()) {
                    // A late answer of an attempt given up on, or of a task already answered: never credited.
                    LOG.log(Level.INFO, "Stale batch task answer dropped. job=[{0}] task=[{1}] answerAttempt=[{2}] "
                            + "currentAttempt=[{3}] status=[{4}]", spec.jobId(), r.taskId(), r.attempt(),
                            t.attempt(), t.status());
                    invoker.ack(r);
                }
            }
            timeOut(clock.millis());
        }
        return new ArrayList<>(tasks.values());
    }

    /** Answers that arrived; a failing poll (throttled, unreachable) is logged and tried again next loop. */
    private List<TaskResult> poll(long now) throws InterruptedException {
        try {
            return invoker.poll(spec.jobId(), Duration.ofMillis(waitMillis(now)));
        } catch (SdkException e) {
            LOG.log(Level.WARNING, "Polling batch task answers failed; trying again. job=[{0}] cause=[{1}]",
                    spec.jobId(), e.toString());
            Thread.sleep(MAX_POLL_MILLIS);
            return List.of();
        }
    }

    private void startDue(long now) {
        for (var it = dueAt.entrySet().iterator(); it.hasNext() && inFlight.size() < spec.concurrency(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() > now) {
                continue;
            }
            TaskRecord started = tasks.get(e.getKey()).started(now);
            // Recorded before the invocation: a coordinator that dies in between restarts the task, never loses it.
            jobs.putTasks(spec.jobId(), List.of(started), owner);
            tasks.put(started.taskId(), started);
            it.remove();
            inFlight.put(started.taskId(), now);
            try {
                invoker.start(spec.jobId(), started.task(), started.attempt(), now + startWindowMillis());
            } catch (SdkException failed) {
                // Invoke throttled or unreachable: the task never started, so it is an attempt that failed at once.
                inFlight.remove(started.taskId());
                answer(TaskResult.temporaryFailure(started.taskId(), "could not start: " + failed.getMessage()), now);
            }
        }
    }

    private void answer(TaskResult r, long now) {
        TaskRecord t = tasks.get(r.taskId());
        TaskRecord next;
        if (r.succeeded()) {
            next = t.succeeded(r.lines(), r.rejected(), r.late(), r.message());
        } else if (!r.temporary()) {
            next = t.failed(r.message(), r.lines(), r.rejected());
        } else if (t.attempts() >= spec.maxAttempts()) {
            next = t.failed("gave up after " + t.attempts() + " attempts: " + r.message(), 0, 0);
        } else {
            next = t.retrying(r.message());
            dueAt.put(t.taskId(), now + spec.backoff(t.attempts() + 1).toMillis());
        }
        jobs.putTasks(spec.jobId(), List.of(next), owner);
        tasks.put(next.taskId(), next);
        invoker.ack(r); // only now that the answer is recorded
        if (next.status() != TaskRecord.Status.SUCCEEDED) {
            LOG.log(Level.WARNING, "Batch task not succeeded. job=[{0}] task=[{1}] object=[{2}] attempt=[{3}] "
                    + "status=[{4}] reason=[{5}]", spec.jobId(), t.taskId(), t.task().describe(), t.attempts(),
                    next.status(), r.message());
        }
    }

    private void timeOut(long now) {
        long limit = spec.taskTimeout().toMillis();
        for (String id : new ArrayList<>(inFlight.keySet())) {
            if (now - inFlight.get(id) >= limit) {
                inFlight.remove(id);
                answer(TaskResult.temporaryFailure(id, "no answer within " + spec.taskTimeout()), now);
            }
        }
    }

    /**
     * How long after its start an attempt may still begin to run: the task timeout less the batch function's own
     * timeout (15 minutes), at least a second. A function that gets the event later refuses it, so an attempt the
     * coordinator gave up on never runs after its answer stopped counting (or after the final firing).
     */
    private long startWindowMillis() {
        return Math.max(1_000, spec.taskTimeout().toMillis() - FUNCTION_TIMEOUT_MILLIS);
    }

    /** Until the next retry is due when nothing runs; short polls while tasks run, so new slots fill quickly. */
    private long waitMillis(long now) {
        long next = Long.MAX_VALUE;
        for (long due : dueAt.values()) {
            next = Math.min(next, due);
        }
        boolean slotsFree = inFlight.size() < spec.concurrency();
        long untilDue = next == Long.MAX_VALUE || !slotsFree ? MAX_POLL_MILLIS : Math.max(0, next - now);
        return Math.max(1, Math.min(MAX_POLL_MILLIS, untilDue));
    }
}
