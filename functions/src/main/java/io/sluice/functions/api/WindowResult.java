package io.sluice.functions.api;

/**
 * One result of a pipeline: the aggregate of one key in one window, typed as the pipeline's result.
 *
 * <pre>{@code
 * try (var driver = new PipelineTestDriver<>(GmvPipelines.byCategory())) {
 *     ...
 *     WindowResult<CountAndSum> first = driver.results().get(0);
 *     long gmv = first.value().sum();          // no cast
 * }
 * }</pre>
 *
 * @param windowStart inclusive, epoch ms ({@code [60000,120000)} has start 60000)
 * @param windowEnd   exclusive, epoch ms
 * @param key         the key's string form, or {@code null} for a global window
 * @param value       the aggregate's result
 * @param isFinal     true once the watermark passed the window's end plus its lateness; false for early updates
 * @param <OUT>       the pipeline's result type
 */
public record WindowResult<OUT>(long windowStart, long windowEnd, String key, OUT value, boolean isFinal) {
}
