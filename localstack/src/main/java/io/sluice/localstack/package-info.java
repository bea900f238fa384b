/**
 * Local AWS as a library: {@link io.sluice.localstack.LocalAws} starts (or attaches to) local engines for Kinesis,
 * DynamoDB, S3 and SQS and hands out SDK clients with endpoint overrides, path-style S3 and dummy credentials; it is
 * backed by the emulators ({@code emulator}: kinesis-mock, moto_server) or by LocalStack when a Docker engine answers
 * ({@link io.sluice.localstack.LocalStackAws}). The local event-source mapping is in {@code esm}. Knows nothing of
 * pipelines or templates; JUnit fixtures ({@code LocalAwsExtension}) are in this module's test-jar.
 */
package io.sluice.localstack;
