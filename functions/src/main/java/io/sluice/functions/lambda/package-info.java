/**
 * Lambda entry points and nothing else: {@link io.sluice.functions.lambda.KinesisOperatorHandler} (stream),
 * {@link io.sluice.functions.lambda.S3BatchHandler} (batch) and {@link io.sluice.functions.lambda.ScheduledFirerHandler}
 * (the per-minute tick), thin shells over
 * the driver's operators ({@link io.sluice.functions.driver.KinesisOperator} and the others), which
 * {@link io.sluice.functions.wiring.LambdaWiring} builds once per instance from {@link
 * io.sluice.functions.wiring.HandlerConfig}. The Micronaut variant exists to measure what dependency injection costs
 * at cold start (BENCHMARKS.md, Lambda handlers section).
 *
 * <pre>{@code
 * // template.yaml
 * Handler: io.sluice.functions.lambda.KinesisOperatorHandler::handleRequest
 * Handler: io.sluice.functions.lambda.S3BatchHandler::handleRequest
 * }</pre>
 *
 * <p>No other module imports this package (an ArchUnit rule in the CLI's tests): the CLI runs the handler class the
 * template names, by reflection around an operator it wired.
 */
package io.sluice.functions.lambda;
