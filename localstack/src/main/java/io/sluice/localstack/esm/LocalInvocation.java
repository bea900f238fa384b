package io.sluice.localstack.esm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The invocation a handler instance is running, as the local runtime sees it: how many writes it has made, whether
 * chaos mode times it out after its N-th write, and whether it has been abandoned (timed out). The calling thread's
 * group says which instance, hence which invocation ({@code InstanceThreads}): the worker running the invocation and
 * every thread the instance made (a state store's pool) alike. An abandoned invocation is <b>frozen</b>: every later
 * AWS SDK call from any thread of its instance fails before it is sent, as nothing runs in an execution environment
 * Lambda has stopped after a timeout; and chaos mode's N-th write and throttled write count the writes of all of
 * them. {@link LocalInvocationInterceptor}, registered for every SDK client in the JVM, applies this; a fake store
 * in a test can call {@link #beforeCall()} and {@link #afterWrite()} itself.
 *
 * <p>Outside an invocation of the local event source mapping (a thread of no instance, such as a test's or a shard
 * poller's, or an instance's between two invocations) these methods do nothing.
 */
public final class LocalInvocation {
    private final int timeoutAfterWrites;
    private final int throttledWrite;
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger attemptedWrites = new AtomicInteger();
    private final CompletableFuture<String> timeoutRequested = new CompletableFuture<>();
    private boolean finished;
    private boolean frozen;
    private InstanceThreads instance;
    private Thread worker;

    /** @param timeoutAfterWrites time the invocation out right after this many writes; 0 for never */
    LocalInvocation(int timeoutAfterWrites) {
        this(timeoutAfterWrites, 0);
    }

    /**
     * @param timeoutAfterWrites time the invocation out right after this many writes; 0 for never
     * @param throttledWrite the attempted write (1-based) that fails as throttled before it is sent; 0 for none
     */
    LocalInvocation(int timeoutAfterWrites, int throttledWrite) {
        this.timeoutAfterWrites = timeoutAfterWrites;
        this.throttledWrite = throttledWrite;
    }

    /**
     * Call before a write of the running invocation is sent.
     *
     * @return true if chaos mode throttles this write: the caller fails it as the service would, without sending it
     * @throws InvocationFrozenException if the invocation has timed out
     */
    public static boolean beforeWrite() {
        LocalInvocation current = current();
        if (current != null && current.isFrozen()) {
            throw frozen();
        }
        return current != null && current.throttledWrite > 0
                && current.attemptedWrites.incrementAndGet() == current.throttledWrite;
    }

    /** @return true if chaos mode throttled one of this invocation's writes (it reached the throttled one) */
    boolean wroteThrottled() {
        return throttledWrite > 0 && attemptedWrites.get() >= throttledWrite;
    }

    /**
     * Call before an AWS call of the running invocation.
     *
     * @throws InvocationFrozenException if the invocation has timed out: the call must not reach AWS
     */
    public static void beforeCall() {
        LocalInvocation current = current();
        if (current != null && current.isFrozen()) {
            throw frozen();
        }
    }

    private static LocalInvocation current() {
        return InstanceThreads.invocationOf(Thread.currentThread());
    }

    private static InvocationFrozenException frozen() {
        return new InvocationFrozenException("invocation timed out: its execution environment is stopped");
    }

    /**
     * Call after a write of the running invocation took effect (a DynamoDB, S3, SQS or Kinesis write).
     *
     * @throws InvocationFrozenException if chaos mode times the invocation out at this write: the write has taken
     *     effect, the handler never learns it did
     */
    public static void afterWrite() {
        LocalInvocation current = current();
        if (current == null) {
            return;
        }
        int n = current.writes.incrementAndGet();
        if (current.timeoutAfterWrites > 0 && n >= current.timeoutAfterWrites && current.freeze()) {
            current.timeoutRequested.complete("timed out after " + n + " writes (chaos)");
            throw new InvocationFrozenException("invocation timed out after " + n + " writes (chaos)");
        }
        if (current.isFrozen()) {
            throw frozen();
        }
    }

    /** @return writes made so far */
    int writes() {
        return writes.get();
    }

    /** Completes when chaos mode times the invocation out (after its N-th write). */
    CompletableFuture<String> timeoutRequested() {
        return timeoutRequested;
    }

    /**
     * Binds to {@code instance}, called on the worker thread about to run it; if the invocation was abandoned before
     * it started, interrupts it.
     */
    synchronized void bind(InstanceThreads instance) {
        this.instance = instance;
        worker = Thread.currentThread();
        instance.bind(this, worker);
        if (frozen) {
            worker.interrupt();
        }
    }

    /**
     * Unbinds from its instance as it returns; after this the invocation can no longer be frozen (it completed
     * first). A frozen one stays bound: its instance's threads stay frozen.
     */
    synchronized void unbind() {
        finished = true;
        if (instance != null) {
            instance.unbind(this, worker, frozen);
        }
    }

    /** @return true if the invocation was still running and is now frozen; false if it had already finished */
    synchronized boolean freeze() {
        if (finished) {
            return frozen;
        }
        frozen = true;
        return true;
    }

    /**
     * Freezes the invocation and interrupts its thread, only while it is still running it (never a later one).
     *
     * @return true if it was still running and is now abandoned; false if it had already finished
     */
    synchronized boolean abandon() {
        if (finished) {
            return false;
        }
        frozen = true;
        if (worker != null) {
            worker.interrupt();
        }
        return true;
    }

    synchronized boolean isFrozen() {
        return frozen;
    }

    /** Thrown into a handler's AWS calls once its invocation has timed out. */
    public static final class InvocationFrozenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvocationFrozenException(String message) {
            super(message);
        }
    }
}
