package io.sluice.localstack.esm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one handler instance (execution environment): the one that built it, the one its invocations run
 * on, and every thread code running on them creates, since {@code new Thread(..)} joins the creating thread's group
 * and {@code Executors.defaultThreadFactory()} the group of the thread that made the factory. A state store's or
 * sink's own pool is then the instance's too. {@link LocalInvocation} finds the running invocation through the
 * calling thread's group, so an invocation's writes are counted, and a timed-out one frozen, on every thread of its
 * instance at once, as Lambda freezes a whole execution environment.
 *
 * <ul>
 *   <li>An <b>exclusive</b> instance runs one invocation at a time: each of its threads sees that invocation while
 *       it runs, none between invocations. One that timed out stays bound for good: its instance is discarded, and
 *       work its pools still run fails every AWS call before it is sent.</li>
 *   <li>The <b>shared</b> instance ({@link HandlerFactory#shared}) runs invocations of several shards at once, so
 *       only the thread running an invocation sees it; threads the handler made see none (as outside the runtime).</li>
 * </ul>
 *
 * <p>Threads of the common {@link ForkJoinPool} see no invocation even when an instance made them: that pool
 * serves every instance of this JVM, where on Lambda each environment has its own.
 */
final class InstanceThreads extends ThreadGroup {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final boolean shared;
    /** Exclusive: the invocation running now (or the frozen one for good); null between invocations. */
    private volatile LocalInvocation current;
    /** Shared: the invocation each worker thread runs. */
    private final Map<Thread, LocalInvocation> byWorker = new ConcurrentHashMap<>();

    private InstanceThreads(boolean shared) {
        super("sluice-lambda-instance-" + IDS.incrementAndGet() + (shared ? "-shared" : ""));
        this.shared = shared;
    }

    /** @return the threads of an instance that runs one invocation at a time */
    static InstanceThreads exclusive() {
        return new InstanceThreads(false);
    }

    /** @return the threads of the one instance every invocation shares */
    static InstanceThreads shared() {
        return new InstanceThreads(true);
    }

    /** @return the invocation {@code thread} works for, or null outside every instance's invocation */
    static LocalInvocation invocationOf(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()) {
            return null;
        }
        for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (g instanceof InstanceThreads instance) {
                return instance.shared ? instance.byWorker.get(thread) : instance.current;
            }
        }
        return null;
    }

    /** Called on {@code worker} as it starts {@code invocation}. */
    void bind(LocalInvocation invocation, Thread worker) {
        if (shared) {
            byWorker.put(worker, invocation);
        } else {
            current = invocation;
        }
    }

    /** Called as {@code invocation} finishes on {@code worker}; a frozen one stays bound (exclusive). */
    void unbind(LocalInvocation invocation, Thread worker, boolean frozen) {
        if (shared) {
            byWorker.remove(worker, invocation);
        } else if (!frozen && current == invocation) {
            current = null;
        }
    }
}
