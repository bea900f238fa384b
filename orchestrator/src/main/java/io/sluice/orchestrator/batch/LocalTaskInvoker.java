package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs tasks in a fixed pool of this JVM, each thread with its own batch function instance (as Lambda gives each
 * concurrent invocation its own instance: an instance's counters are per invocation only if it runs one at a time).
 *
 * <pre>{@code
 * TaskInvoker invoker = LocalTaskInvoker.of(8, () -> wiring.s3BatchOperator(Clock.systemUTC(), System.out)::handle);
 * }</pre>
 */
public final class LocalTaskInvoker implements TaskInvoker {

    private final ExecutorService pool;
    private final ThreadLocal<Function<JsonNode, JsonNode>> instance;
    private final LinkedBlockingQueue<TaskResult> results = new LinkedBlockingQueue<>();

    private LocalTaskInvoker(int threads, Supplier<Function<JsonNode, JsonNode>> instances) {
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sluice-batch-task");
            t.setDaemon(true);
            return t;
        });
        this.instance = ThreadLocal.withInitial(instances);
    }

    /**
     * @param threads   tasks running at once (the job's concurrency bounds it again)
     * @param instances builds one batch function instance per thread: event in, response out
     */
    public static LocalTaskInvoker of(int threads, Supplier<Function<JsonNode, JsonNode>> instances) {
        return new LocalTaskInvoker(threads, instances);
    }

    @Override
    public void start(String jobId, BatchTask task) {
        start(jobId, task, 0, 0);
    }

    @Override
    public void start(String jobId, BatchTask task, int attempt, long notAfterMillis) {
        pool.execute(() -> {
            try {
                JsonNode response = instance.get().apply(TaskEvents.event(jobId, task, attempt, notAfterMillis));
                JsonNode result = response.path("results").path(0);
                results.add((result.isMissingNode() ? TaskResult.temporaryFailure(task.taskId(), "no result")
                        : TaskResult.of(result)).of(attempt, null));
            } catch (RuntimeException e) {
                // A function error: Lambda would report it to the on-failure destination.
                results.add(TaskResult.temporaryFailure(task.taskId(), "function error: " + e).of(attempt, null));
            }
        });
    }

    @Override
    public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
        List<TaskResult> out = new ArrayList<>();
        TaskResult first = results.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
            out.add(first);
            results.drainTo(out);
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            // Let running tasks end before the caller tears down what they use.
            pool.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
