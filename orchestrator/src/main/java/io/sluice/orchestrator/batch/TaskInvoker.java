package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import java.time.Duration;
import java.util.List;

/**
 * Runs tasks somewhere and hands their results back: {@link LocalTaskInvoker} in a thread pool of this JVM,
 * {@link LambdaTaskInvoker} as asynchronous invocations of the batch function whose answers come back through its
 * on-success / on-failure destination queue. Starting never waits for the task.
 *
 * <pre>{@code
 * invoker.start(jobId, task);
 * for (TaskResult r : invoker.poll(Duration.ofSeconds(1))) { ... }
 * }</pre>
 */
public interface TaskInvoker extends AutoCloseable {

    /**
     * Starts one attempt of {@code task}: the batch function's orchestrator event with {@code "fire":"none"}, since
     * the coordinator fires once at the end of the job.
     */
    void start(String jobId, BatchTask task);

    /**
     * Starts attempt {@code attempt} of {@code task}; its answer carries that attempt. The function refuses to start
     * it after {@code notAfterMillis} (0: no limit), when the coordinator has given up waiting for it.
     */
    default void start(String jobId, BatchTask task, int attempt, long notAfterMillis) {
        start(jobId, task);
    }

    /**
     * Acknowledges an answer once it is recorded (the queue message is deleted only then), or once it is known to be
     * stale. An answer never acknowledged comes back in a later poll.
     */
    default void ack(TaskResult result) {
    }

    /** Results of {@code jobId} that arrived, waiting at most {@code wait} for the first one. */
    List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException;

    /**
     * Whether a started task keeps running and reports after this coordinator dies (asynchronous Lambda
     * invocations do; a local pool dies with its JVM). A resumed coordinator waits for such tasks up to the task
     * timeout instead of starting them again.
     */
    default boolean outlivesCoordinator() {
        return false;
    }

    /** Stops what this invoker started locally (threads); tasks already sent elsewhere keep running. */
    @Override
    void close();
}
