/**
 * Coordination between the operator, the batch function, the orchestrator and the shard scaler, in the coordination
 * table: this package owns the table's key space ({@link io.sluice.state.coordination.CoordinationKeys}: every
 * partition-key family and sort-key prefix, and the names that may appear in them), shard lineage
 * ({@link io.sluice.state.coordination.ShardRegistry}: open shards registered as splits with their parents), shard
 * load ({@link io.sluice.state.coordination.ShardLoadTable}: each batch's
 * {@link io.sluice.state.coordination.ShardLoadReport} added to a per-shard, per-minute item the scaler reads) and the
 * batch task wire record ({@link io.sluice.state.coordination.BatchTask}: written by the orchestrator, read by the
 * batch function).
 *
 * <p>{@code functions} and {@code orchestrator} both use it; neither reaches into the other's adapters for it.
 *
 * <pre>{@code
 * String pk = CoordinationKeys.jobPk("nightly-2020-11-11");          // "job:nightly-2020-11-11"
 * new ShardLoadTable(dynamo, "sluice-coordination", "gmv-by-category").add("orders", report);
 * }</pre>
 */
package io.sluice.state.coordination;
