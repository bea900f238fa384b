package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The execution environments of one function: idle handler instances, one drawn at random per invocation (as
 * Lambda routes an invocation to any idle environment), a new one built by the {@link HandlerFactory} when none
 * is idle. An instance is busy with one invocation at a time; a discarded one is never handed out again.
 */
final class HandlerPool {
    private final HandlerFactory factory;
    private final Random random;
    private final EsmCounters counters;
    private final List<RequestHandler<KinesisEvent, StreamsEventResponse>> idle = new ArrayList<>();

    HandlerPool(HandlerFactory factory, long seed, EsmCounters counters) {
        this.factory = factory;
        this.random = new Random(seed);
        this.counters = counters;
    }

    /** @return an idle instance drawn at random, or a new one (cold start) */
    RequestHandler<KinesisEvent, StreamsEventResponse> acquire() {
        if (factory instanceof HandlerFactory.Shared shared) {
            return shared.handler();
        }
        synchronized (idle) {
            if (!idle.isEmpty()) {
                return idle.remove(random.nextInt(idle.size()));
            }
        }
        counters.instancesCreated.increment();
        return factory.newInstance(); // outside the lock: a constructor may take a while (clients, caches)
    }

    /** Returns an instance after its invocation finished. */
    void release(RequestHandler<KinesisEvent, StreamsEventResponse> instance) {
        if (factory instanceof HandlerFactory.Shared) {
            return;
        }
        synchronized (idle) {
            idle.add(instance);
        }
    }

    /** Drops an instance (timed out, or recycled): it is never used again. */
    void discard(RequestHandler<KinesisEvent, StreamsEventResponse> instance) {
        if (factory instanceof HandlerFactory.Shared) {
            return; // cannot: the caller's only instance
        }
        counters.instancesDiscarded.increment();
    }

    /** @return true if every invocation runs on the caller's one instance, which can be neither drawn nor discarded */
    boolean shared() {
        return factory instanceof HandlerFactory.Shared;
    }

    /** @return idle instances now */
    int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }
}
