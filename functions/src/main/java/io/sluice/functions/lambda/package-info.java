/**
 * Lambda entry points and nothing else: {@link io.sluice.functions.lambda.KinesisOperatorStreamHandler} (stream, the
 * one deployed: a {@code RequestStreamHandler} that reads the event's JSON with
 * {@link io.sluice.functions.io.kinesis.KinesisEventReader}, only the fields the operator uses, and writes the partial
 * batch response as the runtime would; {@link io.sluice.functions.lambda.KinesisOperatorHandler} is the same work as a
 * {@code RequestHandler<KinesisEvent, StreamsEventResponse>}, behind the runtime's serializer),
 * {@link io.sluice.functions.lambda.S3BatchHandler} (batch) and {@link io.sluice.functions.lambda.ScheduledFirerHandler}
 * (the per-minute tick), thin shells over
 * the driver's operators ({@link io.sluice.functions.driver.KinesisOperator} and the others), which
 * {@link io.sluice.functions.wiring.LambdaWiring} builds once per instance from {@link
 * io.sluice.functions.wiring.HandlerConfig}. The Micronaut variant (module {@code functions-micronaut}) exists to
 * measure what dependency injection costs at cold start (BENCHMARKS.md, Lambda handlers section). On Lambda every
 * handler class logs JSON lines ({@link io.sluice.functions.wiring.LambdaLogging}); record values are logged at DEBUG
 * only. {@code events/} at the repository root holds one payload per function of {@code template.yaml}, checked
 * against these handlers in tests.
 *
 * <pre>{@code
 * // template.yaml
 * Handler: io.sluice.functions.lambda.KinesisOperatorStreamHandler::handleRequest
 * Handler: io.sluice.functions.lambda.S3BatchHandler::handleRequest
 * }</pre>
 *
 * <p>No other module imports this package (an ArchUnit rule in the CLI's tests): the CLI runs the handler class the
 * template names, by reflection around an operator it wired.
 */
package io.sluice.functions.lambda;
