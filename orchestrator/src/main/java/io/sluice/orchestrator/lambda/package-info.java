/**
 * Lambda entry points of the orchestrator and nothing else: {@link io.sluice.orchestrator.lambda.BatchJobHandler}
 * (submits, resumes and sweeps batch jobs) and {@link io.sluice.orchestrator.lambda.ShardScalerHandler} (the shard
 * scaler, every minute). Both wire their collaborators once per instance and delegate to {@code batch} and
 * {@code scaling}; no other module imports this package (the CLI's {@code ModuleBoundariesTest}).
 */
package io.sluice.orchestrator.lambda;
