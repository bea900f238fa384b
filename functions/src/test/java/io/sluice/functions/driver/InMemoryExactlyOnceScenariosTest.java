package io.sluice.functions.driver;

import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;

/** The scenarios on one {@link InMemoryStateStore} shared by every "instance". */
class InMemoryExactlyOnceScenariosTest extends ExactlyOnceScenariosContractTest {

    private final InMemoryStateStore store = new InMemoryStateStore();

    @Override
    protected StateStore newStore() {
        return store;
    }
}
