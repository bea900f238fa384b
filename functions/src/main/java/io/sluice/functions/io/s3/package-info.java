/**
 * S3 adapters: {@link io.sluice.functions.io.s3.S3ObjectTask} streams an object (plain or gzip) into a batch split;
 * {@link io.sluice.functions.io.s3.S3ResultsSink} writes one result CSV per fired window range and
 * {@link io.sluice.functions.io.s3.S3LateSink} one object per late record, both under deterministic keys.
 *
 * <pre>{@code
 * S3ObjectTask.run(s3, bucket, key, null, processor, compiled.maxRecordBytes(), now);
 * }</pre>
 */
package io.sluice.functions.io.s3;
