package io.sluice.state.replay;

import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;

/** Exactly-once scenarios on the in-memory reference store. */
class InMemoryExactlyOnceTest extends ExactlyOnceContractTest {

    private final InMemoryStateStore shared = new InMemoryStateStore();

    @Override
    protected StateStore newStore() {
        return shared;
    }
}
