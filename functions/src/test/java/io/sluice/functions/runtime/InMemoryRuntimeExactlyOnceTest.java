package io.sluice.functions.runtime;

import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;

/** The runtime's exactly-once scenarios on the in-memory store. */
class InMemoryRuntimeExactlyOnceTest extends RuntimeExactlyOnceContractTest {

    private final InMemoryStateStore shared = new InMemoryStateStore();

    @Override
    protected StateStore newStore() {
        return shared;
    }
}
