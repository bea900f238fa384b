/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout.
 *
 * <pre>{@code
 * new EmfMetrics("Sluice", "gmv-by-category", "operator", System.out).emit(metrics, 0, lagMillis, tookMillis, now);
 * }</pre>
 */
package io.sluice.functions.io.metrics;
