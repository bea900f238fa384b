package io.sluice.functions.local;

import io.sluice.functions.runtime.LineBatch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the stream driver's batches: each shard's in order, different shards on a small pool of threads, as Lambda
 * runs one invocation per shard at a time. Batches come from a fixed set (one being filled per shard, two in flight
 * per thread), so the reader waits instead of running ahead of the workers. With one thread, a batch runs at once
 * on the caller's thread. The first failure stops later batches and is rethrown by {@link #awaitAll}.
 *
 * <pre>{@code
 * try (ShardWorkers workers = new ShardWorkers(threads, shards, 1_000)) {
 *     LineBatch batch = workers.take();                        // fill it with one shard's lines
 *     workers.submit(shard, batch, () -> clock.process(processor, batch, all));
 *     workers.awaitAll();
 * }
 * }</pre>
 */
final class ShardWorkers implements AutoCloseable {

    private final ExecutorService pool;
    private final CompletableFuture<?>[] tails;
    private final BlockingQueue<LineBatch> free = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    ShardWorkers(int threads, int shards, int batchCapacity) {
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sluice-shard-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        this.tails = new CompletableFuture<?>[shards];
        Arrays.fill(tails, CompletableFuture.completedFuture(null));
        int batches = shards + (threads > 1 ? 2 * threads : 0);
        for (int i = 0; i < batches; i++) {
            free.add(new LineBatch(batchCapacity));
        }
    }

    /** An empty batch; waits while every batch is filled or in flight. */
    LineBatch take() throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a shard worker");
        }
    }

    /** Runs {@code work} on {@code batch} after the shard's earlier batches; the batch is recycled afterwards. */
    void submit(int shard, LineBatch batch, Runnable work) {
        Runnable task = () -> {
            try {
                if (failure.get() == null) {
                    work.run();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                batch.clear();
                free.add(batch);
            }
        };
        if (pool == null) {
            task.run();
        } else {
            tails[shard] = tails[shard].thenRunAsync(task, pool);
        }
        if (pool == null) {
            rethrowFailure();
        }
    }

    /** Whether a batch has failed: the reader stops early. */
    boolean failed() {
        return failure.get() != null;
    }

    /** Waits for every submitted batch, then rethrows the first failure as it was thrown. */
    void awaitAll() {
        CompletableFuture.allOf(tails).join();
        rethrowFailure();
    }

    private void rethrowFailure() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
