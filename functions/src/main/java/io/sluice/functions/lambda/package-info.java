/**
 * Lambda entry points: {@link io.sluice.functions.lambda.KinesisOperatorHandler} (stream) and
 * {@link io.sluice.functions.lambda.S3BatchHandler} (batch), thin shells over
 * {@link io.sluice.functions.lambda.KinesisOperator} and {@link io.sluice.functions.lambda.S3BatchOperator}, which
 * {@link io.sluice.functions.lambda.LambdaWiring} builds once per instance from {@link
 * io.sluice.functions.lambda.HandlerConfig}. The Micronaut variant exists to measure what dependency injection costs
 * at cold start (BENCHMARKS.md, Lambda handlers section). On Lambda every handler class logs JSON lines
 * ({@link io.sluice.functions.lambda.LambdaLogging}); record values are logged at DEBUG only. {@code events/} at the
 * repository root holds one payload per function of {@code template.yaml}, checked against these handlers in tests.
 *
 * <pre>{@code
 * // template.yaml
 * Handler: io.sluice.functions.lambda.KinesisOperatorHandler::handleRequest
 * Handler: io.sluice.functions.lambda.S3BatchHandler::handleRequest
 * }</pre>
 */
package io.sluice.functions.lambda;
