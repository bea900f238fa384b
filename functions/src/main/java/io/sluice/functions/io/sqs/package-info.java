/**
 * The SQS dead-letter sink for rejected records, with large payloads referenced from S3.
 *
 * <pre>{@code
 * RecordSink<RejectedRecord> dlq = new SqsDeadLetterSink(sqs, queueUrl, s3, bucket, "dead-letters/");
 * }</pre>
 */
package io.sluice.functions.io.sqs;
