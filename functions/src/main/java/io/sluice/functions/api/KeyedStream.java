package io.sluice.functions.api;

import io.sluice.functions.window.WindowAssigner;

import java.util.Objects;

/**
 * A pipeline grouped by key, ready to be windowed.
 *
 * <pre>{@code
 * WindowedStream<Order> perMinute = orders.keyBy("category", Order::category)
 *         .window(TumblingWindows.of(Duration.ofMinutes(1)));
 * }</pre>
 *
 * @param <T> record type
 * @param <K> key type; stored by its string form
 */
public final class KeyedStream<T, K> {

    private final Pipeline<T> pipeline;
    private final String keyName;
    private final KeySelector<? super T, K> selector;

    KeyedStream(Pipeline<T> pipeline, String keyName, KeySelector<? super T, K> selector) {
        if (keyName == null || keyName.isBlank() || keyName.contains(",")) {
            throw new IllegalArgumentException("key name must be a non-blank CSV column name but was [" + keyName + "]");
        }
        this.pipeline = pipeline;
        this.keyName = keyName;
        this.selector = Objects.requireNonNull(selector, "selector");
    }

    /** Assigns each key's records to windows. */
    public WindowedStream<T> window(WindowAssigner assigner) {
        return new WindowedStream<>(pipeline, keyName, selector, assigner);
    }
}
