package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One handler instance (execution environment) and its threads ({@link InstanceThreads}): built on a worker
 * thread of its own group, so the pools its constructor creates belong to it, and invoked on that same worker.
 * The shared instance, built by the caller, is invoked on workers of its own (shared) group, several at once.
 */
final class HandlerInstance {
    private static final AtomicInteger WORKERS = new AtomicInteger();

    private final InstanceThreads threads;
    private final ExecutorService workers;
    private final RequestHandler<KinesisEvent, StreamsEventResponse> handler;

    private HandlerInstance(InstanceThreads threads, ExecutorService workers,
                            RequestHandler<KinesisEvent, StreamsEventResponse> handler) {
        this.threads = threads;
        this.workers = workers;
        this.handler = handler;
    }

    /**
     * Builds a new instance on its own worker thread (a cold start).
     *
     * @throws InterruptedException if the calling (shard) thread is interrupted while the constructor runs
     * @throws RuntimeException what the factory threw
     */
    static HandlerInstance build(HandlerFactory factory) throws InterruptedException {
        InstanceThreads threads = InstanceThreads.exclusive();
        ExecutorService worker = Executors.newSingleThreadExecutor(workerIn(threads));
        Future<RequestHandler<KinesisEvent, StreamsEventResponse>> built = worker.submit(factory::newInstance);
        try {
            return new HandlerInstance(threads, worker, built.get());
        } catch (ExecutionException e) {
            worker.shutdown();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("Handler constructor failed", e.getCause());
        } catch (InterruptedException e) {
            worker.shutdownNow();
            throw e;
        }
    }

    /** @return the caller's one instance, invoked on as many workers of a shared group as there are shards */
    static HandlerInstance shared(RequestHandler<KinesisEvent, StreamsEventResponse> handler) {
        InstanceThreads threads = InstanceThreads.shared();
        return new HandlerInstance(threads, Executors.newCachedThreadPool(workerIn(threads)), handler);
    }

    private static ThreadFactory workerIn(InstanceThreads threads) {
        return r -> {
            Thread t = new Thread(threads, r, "sluice-lambda-" + WORKERS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    RequestHandler<KinesisEvent, StreamsEventResponse> handler() {
        return handler;
    }

    InstanceThreads threads() {
        return threads;
    }

    /** Runs {@code invocation} on the instance's worker (exclusive: after the one before it has finished). */
    void execute(Runnable invocation) {
        workers.execute(invocation);
    }

    /** Lets the worker end once it is idle: a handler that ignores interruption keeps it until it returns. */
    void discard() {
        workers.shutdown();
    }

    /** Interrupts the worker (the mapping closes); its threads are daemons, never keeping the JVM alive. */
    void close() {
        workers.shutdownNow();
    }
}
