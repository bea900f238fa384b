/**
 * Sinks the drivers write to: the sink interfaces ({@link io.sluice.functions.io.ResultsSink},
 * {@link io.sluice.functions.io.RecordSink}) and their AWS adapters in sub-packages ({@code .kinesis}, {@code .s3},
 * {@code .sqs}, {@code .dynamodb}). Internal to {@code functions}: other modules reach results through
 * {@code driver.SinkOutputs} and {@code wiring.LambdaWiring}, never through this package.
 */
package io.sluice.functions.io;
