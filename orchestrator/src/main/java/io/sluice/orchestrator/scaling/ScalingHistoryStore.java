package io.sluice.orchestrator.scaling;

/**
 * Where the scaler keeps its {@link ScalingHistory} between ticks. A Lambda instance can be replaced at any
 * minute; a history that died with it would forget cooldowns and the UpdateShardCount budget, so the deployed
 * scaler keeps it in the coordination table ({@link DynamoDbScalingHistoryStore}).
 *
 * <p>{@link #save} is conditional on nobody having saved since this store's last {@link #load}: a duplicate
 * scheduled event, or a second scaler pointed at the same stream, finds its save refused and applies nothing.
 *
 * <pre>{@code
 * ScalingHistory history = store.load();
 * ScalingHistory next = history.record(policy.decide(metrics, history));
 * if (store.save(next)) actuator.apply(plan.decisions());
 * }</pre>
 */
public interface ScalingHistoryStore {

    /** @return the last saved history, or {@link ScalingHistory#empty()} if none */
    ScalingHistory load();

    /**
     * @param history the history after this tick
     * @return false if another scaler saved since this store's last {@link #load} or save (nothing was written)
     */
    boolean save(ScalingHistory history);

    /** @return a store that lives as long as the object (tests, the simulator, one-shot tools) */
    static ScalingHistoryStore inMemory() {
        return new ScalingHistoryStore() {
            private ScalingHistory history = ScalingHistory.empty();

            @Override
            public synchronized ScalingHistory load() {
                return history;
            }

            @Override
            public synchronized boolean save(ScalingHistory next) {
                history = next;
                return true;
            }
        };
    }
}
