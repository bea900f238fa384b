package io.sluice.localstack.esm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The execution environments of one function: idle handler instances, one drawn at random per invocation (as
 * Lambda routes an invocation to any idle environment), a new one built by the {@link HandlerFactory} when none
 * is idle, on a thread of its own ({@link HandlerInstance}). An instance is busy with one invocation at a time; a
 * discarded one is never handed out again.
 */
final class HandlerPool implements AutoCloseable {
    private final HandlerFactory factory;
    private final Random random;
    private final EsmCounters counters;
    private final HandlerInstance shared;
    private final List<HandlerInstance> idle = new ArrayList<>();
    /** Every instance not discarded, idle or busy: closed with the mapping. */
    private final Set<HandlerInstance> live = ConcurrentHashMap.newKeySet();

    HandlerPool(HandlerFactory factory, long seed, EsmCounters counters) {
        this.factory = factory;
        this.random = new Random(seed);
        this.counters = counters;
        this.shared = factory instanceof HandlerFactory.Shared s ? HandlerInstance.shared(s.handler()) : null;
    }

    /**
     * @return an idle instance drawn at random, or a new one (cold start)
     * @throws InterruptedException if the calling thread is interrupted while a new instance is built
     */
    HandlerInstance acquire() throws InterruptedException {
        if (shared != null) {
            return shared;
        }
        synchronized (idle) {
            if (!idle.isEmpty()) {
                return idle.remove(random.nextInt(idle.size()));
            }
        }
        counters.instancesCreated.increment();
        HandlerInstance instance = HandlerInstance.build(factory); // outside the lock: a constructor may take a while
        live.add(instance);
        return instance;
    }

    /** Returns an instance after its invocation finished. */
    void release(HandlerInstance instance) {
        if (instance == shared) {
            return;
        }
        synchronized (idle) {
            idle.add(instance);
        }
    }

    /** Drops an instance (timed out, or recycled): it is never used again. */
    void discard(HandlerInstance instance) {
        if (instance == shared) {
            return; // cannot: the caller's only instance
        }
        counters.instancesDiscarded.increment();
        live.remove(instance);
        instance.discard();
    }

    /** @return true if every invocation runs on the caller's one instance, which can be neither drawn nor discarded */
    boolean shared() {
        return shared != null;
    }

    /** @return idle instances now */
    int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }

    /** Stops every instance's worker (the mapping closes). */
    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
        live.forEach(HandlerInstance::close);
        live.clear();
    }
}
