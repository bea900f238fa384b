/**
 * S3 adapters: {@link io.sluice.functions.io.s3.S3ResultsSink} writes one result CSV per fired window range and
 * {@link io.sluice.functions.io.s3.S3LateSink} one JSON-lines object per batch's late records (size-bounded), both
 * under deterministic keys. Reading an
 * object into a batch split is the driver's ({@code driver.S3ObjectTask}).
 *
 * <pre>{@code
 * new S3ResultsSink(s3, "sluice-results", "gmv-by-category", ResultCsv.of(definition));
 * }</pre>
 */
package io.sluice.functions.io.s3;
