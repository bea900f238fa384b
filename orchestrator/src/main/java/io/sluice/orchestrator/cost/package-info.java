/**
 * The bill of a simulated night: what each fleet of {@code sluice scale-sim} costs in dollars on AWS, and what a
 * Managed Service for Apache Flink application sized for the same peak would cost.
 *
 * <p>{@link io.sluice.orchestrator.cost.Prices} holds list prices as named constants with their region, date and
 * source; {@link io.sluice.orchestrator.cost.ServerlessWork} holds what Sluice measured per record and per batch
 * (CPU milliseconds, sequential DynamoDB round trips, DynamoDB units by batch size); {@link
 * io.sluice.orchestrator.cost.NightBill} combines them with a fleet's minutes. The model, per simulated minute of
 * {@code R} records on {@code S} shards: each shard takes {@code R / S} records; the event source mapping invokes a
 * shard at most once a second (batching window 1 s) with up to 10,000 records ({@code BatchSize}), so a shard costs
 * {@code max(R/S / 10000, min(R/S, 60))} invocations; each lasts its records' CPU plus its round trips' waits.
 */
package io.sluice.orchestrator.cost;
