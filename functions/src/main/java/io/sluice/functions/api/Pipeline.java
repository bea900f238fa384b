package io.sluice.functions.api;

import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.functions.window.WindowAssigner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A stream of records from a {@link Source}, transformed record by record, before it is grouped into windows.
 * Immutable: every method returns a new pipeline.
 *
 * <pre>{@code
 * Pipeline<Order> orders = Pipeline.from(Source.jsonLines(Order.class))
 *         .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
 *         .filter(order -> order.amount() != 0);
 * KeyedStream<Order, String> byCategory = orders.keyBy("category", Order::category);
 * }</pre>
 *
 * @param <T> the type of the records at this point of the pipeline
 */
public final class Pipeline<T> {

    private final Source<?> source;
    private final List<Step> steps;
    private final WatermarkStrategy watermarks;

    private Pipeline(Source<?> source, List<Step> steps, WatermarkStrategy watermarks) {
        this.source = source;
        this.steps = List.copyOf(steps);
        this.watermarks = watermarks;
    }

    /** A pipeline reading {@code source}; call {@link #withTimestamps} before windowing. */
    public static <T> Pipeline<T> from(Source<T> source) {
        return new Pipeline<>(Objects.requireNonNull(source, "source"), List.of(), null);
    }

    /**
     * Stamps each record with its event time and sets how watermarks follow it. Call once.
     *
     * @throws IllegalStateException if timestamps were already assigned
     */
    @SuppressWarnings("unchecked")
    public Pipeline<T> withTimestamps(TimestampAssigner<? super T> assigner, WatermarkStrategy strategy) {
        if (watermarks != null) {
            throw new IllegalStateException("timestamps are already assigned; call withTimestamps once");
        }
        Objects.requireNonNull(assigner, "assigner");
        return new Pipeline<>(source, append(new Step.Timestamps((TimestampAssigner<Object>) assigner)),
                Objects.requireNonNull(strategy, "strategy"));
    }

    /** Transforms each record into one record. */
    @SuppressWarnings("unchecked")
    public <R> Pipeline<R> map(MapFunction<? super T, ? extends R> function) {
        Objects.requireNonNull(function, "function");
        return new Pipeline<>(source, append(new Step.Map((MapFunction<Object, Object>) function)), watermarks);
    }

    /** Keeps the records for which {@code predicate} is true. */
    @SuppressWarnings("unchecked")
    public Pipeline<T> filter(FilterFunction<? super T> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new Pipeline<>(source, append(new Step.Filter((FilterFunction<Object>) predicate)), watermarks);
    }

    /** Transforms each record into zero or more records, which keep the input record's timestamp. */
    @SuppressWarnings("unchecked")
    public <R> Pipeline<R> flatMap(FlatMapFunction<? super T, R> function) {
        Objects.requireNonNull(function, "function");
        return new Pipeline<>(source, append(new Step.FlatMap((FlatMapFunction<Object, Object>) function)),
                watermarks);
    }

    /** Groups records by key; the key column of results is named {@code "key"}. */
    public <K> KeyedStream<T, K> keyBy(KeySelector<? super T, K> selector) {
        return keyBy("key", selector);
    }

    /**
     * Groups records by key; results name the key column {@code keyName}, as in
     * {@code window_start_ms,category,count,sum_cents}.
     */
    public <K> KeyedStream<T, K> keyBy(String keyName, KeySelector<? super T, K> selector) {
        return new KeyedStream<>(this, keyName, selector);
    }

    /** Groups all records into the same windows, without a key (one result row per window). */
    public WindowedStream<T> windowAll(WindowAssigner assigner) {
        return new WindowedStream<>(this, null, null, assigner);
    }

    Source<?> source() {
        return source;
    }

    List<Step> steps() {
        return steps;
    }

    WatermarkStrategy watermarks() {
        return watermarks;
    }

    private List<Step> append(Step step) {
        List<Step> copy = new ArrayList<>(steps);
        copy.add(step);
        return copy;
    }
}
