package io.sluice.functions.runtime;

/**
 * One result of one window: for keyed pipelines one row per key, for global windows one row per window.
 *
 * @param pipeline    pipeline name
 * @param windowStart inclusive, epoch ms
 * @param windowEnd   exclusive, epoch ms
 * @param key         the key's string form, or null for a global window
 * @param value       the aggregate's result
 * @param isFinal     true once the watermark passed the window's end plus lateness; false for early updates
 */
public record ResultRow(String pipeline, long windowStart, long windowEnd, String key, Object value,
                        boolean isFinal) {
}
