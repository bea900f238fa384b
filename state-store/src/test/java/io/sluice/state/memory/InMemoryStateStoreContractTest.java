package io.sluice.state.memory;

import io.sluice.state.StateStore;
import io.sluice.state.StateStoreContractTest;

/** The shared contract against the in-memory reference. */
class InMemoryStateStoreContractTest extends StateStoreContractTest {

    // Racing tests need two handles on one store, as two Lambda instances share one table.
    private final InMemoryStateStore shared = new InMemoryStateStore();

    @Override
    protected StateStore newStore() {
        return shared;
    }
}
