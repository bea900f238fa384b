package io.sluice.state.dynamodb;

import io.sluice.state.StateStoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a handful of independent DynamoDB calls at once, at most {@code maxInFlight} together, and waits for all of
 * them: a batch's independent writes then cost about one round trip of waiting (what Lambda bills) instead of one
 * per item. The sync client is thread-safe; each task is one item's whole conditional write (or one bucket's query,
 * or one {@code BatchWriteItem} of a window's result rows), so nothing a task does depends on another.
 *
 * <p>{@link #all} returns, or throws, only when every task has finished, never with a call still in flight: a caller
 * that writes progress next writes it after every partial. The caller's thread runs the first task itself, so one
 * task costs no thread hop. Threads are daemons and time out when idle (a frozen or ending Lambda keeps none busy).
 */
public final class ConcurrentCalls {

    private static final AtomicInteger POOLS = new AtomicInteger();
    /**
     * The pool a thread belongs to: a task that fans out on its own pool runs those calls inline, so a pool never
     * waits on itself; on another pool (a results sink's, under the sinks' fan-out) they still go out together.
     */
    private static final ThreadLocal<ConcurrentCalls> POOL_OF_THREAD = new ThreadLocal<>();

    private final int maxInFlight;
    private final ThreadPoolExecutor pool;

    /** @param maxInFlight calls in flight at once, {@code >= 1}; 1 runs every task on the caller's thread */
    public ConcurrentCalls(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1 but was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        if (maxInFlight == 1) {
            this.pool = null;
            return;
        }
        int id = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        // The caller runs one task, the pool the other maxInFlight - 1; the rest wait in the queue.
        this.pool = new ThreadPoolExecutor(maxInFlight - 1, maxInFlight - 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(() -> {
                        POOL_OF_THREAD.set(this);
                        r.run();
                    }, "sluice-dynamodb-" + id + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    int maxInFlight() {
        return maxInFlight;
    }

    /**
     * The results of {@code tasks}, in their order, once all have finished.
     *
     * @throws RuntimeException the first failure in the order of {@code tasks}, as thrown, after every task finished
     */
    public <T> List<T> all(List<? extends Callable<T>> tasks) {
        List<T> results = new ArrayList<>(tasks.size());
        if (pool == null || tasks.size() <= 1 || POOL_OF_THREAD.get() == this) {
            for (Callable<T> task : tasks) {
                results.add(call(task));
            }
            return results;
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size() - 1);
        for (Callable<T> task : tasks.subList(1, tasks.size())) {
            futures.add(pool.submit(task));
        }
        RuntimeException failure = null;
        try {
            results.add(call(tasks.get(0)));
        } catch (RuntimeException e) {
            failure = e;
            results.add(null);
        }
        boolean interrupted = false;
        for (Future<T> f : futures) {
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // a call in flight cannot be recalled: wait for it, then report
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r
                                : new StateStoreException("DynamoDB call failed", e.getCause());
                    }
                    results.add(null);
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();   // every call has finished: the results stand
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private static <T> T call(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StateStoreException("DynamoDB call failed", e);
        }
    }
}
