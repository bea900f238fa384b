/**
 * The SQS dead-letter sink for rejected records: a batch's dead letters ten to a {@code SendMessageBatch} call, large
 * payloads referenced from S3, and those past a per-batch bound in bulk S3 objects announced by one message each
 * ({@link io.sluice.functions.io.sqs.SqsDeadLetterSink}).
 *
 * <pre>{@code
 * RecordSink<RejectedRecord> dlq = new SqsDeadLetterSink(sqs, queueUrl, s3, bucket, "dead-letters/");
 * }</pre>
 */
package io.sluice.functions.io.sqs;
