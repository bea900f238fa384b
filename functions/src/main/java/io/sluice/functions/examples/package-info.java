/**
 * The reference workload ("orders") and the GMV pipelines of the Double 11 dashboard: {@code gmv-by-category}
 * (per category, 60 s tumbling, count and sum) and {@code gmv-total} (global, 10 s tumbling).
 */
package io.sluice.functions.examples;
