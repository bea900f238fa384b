/**
 * Sources and sinks shared by the drivers: the CSV results format written by every results sink (local files, S3
 * objects). AWS-specific adapters live in sub-packages ({@code .kinesis}, {@code .s3}).
 */
package io.sluice.functions.io;
