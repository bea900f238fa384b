/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout: {@link io.sluice.functions.metrics.EmfMetrics} builds
 * every line the functions, the orchestrator's handlers and the simulator emit (no CloudWatch API calls).
 *
 * <pre>{@code
 * new EmfMetrics("Sluice", "gmv-by-category", "operator", System.out).emit(metrics, 0, lagMillis, tookMillis, now);
 * }</pre>
 */
package io.sluice.functions.metrics;
