/**
 * Sources and sinks shared by the drivers: the CSV results format written by every results sink (local files, S3
 * objects), the sink interfaces ({@link io.sluice.functions.io.ResultsSink}, {@link io.sluice.functions.io.RecordSink})
 * and {@link io.sluice.functions.io.SinkOutputs}, which binds them to the runtime's outputs. AWS-specific adapters
 * live in sub-packages ({@code .kinesis}, {@code .s3}, {@code .sqs}, {@code .dynamodb}, {@code .metrics}).
 */
package io.sluice.functions.io;
