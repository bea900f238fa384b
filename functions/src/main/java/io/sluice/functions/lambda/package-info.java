/**
 * Lambda entry points: {@link io.sluice.functions.lambda.KinesisOperatorHandler} (stream) and
 * {@link io.sluice.functions.lambda.S3BatchHandler} (batch), thin shells over
 * {@link io.sluice.functions.lambda.KinesisOperator} and {@link io.sluice.functions.lambda.S3BatchOperator}, which
 * {@link io.sluice.functions.lambda.LambdaWiring} builds once per instance from {@link
 * io.sluice.functions.lambda.HandlerConfig}. The Micronaut variant exists to measure what dependency injection costs
 * at cold start (BENCHMARKS.md, Lambda handlers section).
 *
 * <pre>{@code
 * // template.yaml
 * Handler: io.sluice.functions.lambda.KinesisOperatorHandler::handleRequest
 * Handler: io.sluice.functions.lambda.S3BatchHandler::handleRequest
 * }</pre>
 */
package io.sluice.functions.lambda;
