/**
 * The batch job coordinator: a manifest ({@link io.sluice.orchestrator.batch.ManifestReader}) planned into
 * {@code BatchTask}s ({@link io.sluice.orchestrator.batch.TaskPlanner}), fanned out to the batch function
 * ({@link io.sluice.orchestrator.batch.TaskInvoker}), tracked in the coordination table under a fenced lease
 * ({@link io.sluice.orchestrator.batch.DynamoDbJobStore}, keys from {@code CoordinationKeys}), then the job's windows
 * fired once through the driver seam and a {@link io.sluice.orchestrator.batch.JobReport} written
 * ({@link io.sluice.orchestrator.batch.BatchCoordinator}). Re-running a job is idempotent.
 */
package io.sluice.orchestrator.batch;
