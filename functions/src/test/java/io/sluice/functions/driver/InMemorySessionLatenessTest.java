package io.sluice.functions.driver;

import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;

/** Session lateness on one {@link InMemoryStateStore} shared by every "instance". */
class InMemorySessionLatenessTest extends SessionLatenessContractTest {

    private final InMemoryStateStore store = new InMemoryStateStore();

    @Override
    protected StateStore newStore() {
        return store;
    }
}
