/**
 * The raw input archive: {@link io.sluice.functions.archive.RawArchive} keeps every record the stream operator
 * receives in S3 by event-time day ({@code archive/<pipeline>/dt=<day>/...}), exactly once across retries; the nightly
 * job (orchestrator) reads the same layout. Public to other modules, unlike the sinks in {@code io}.
 */
package io.sluice.functions.archive;
