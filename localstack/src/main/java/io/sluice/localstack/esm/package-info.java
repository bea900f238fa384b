/**
 * The local Kinesis event source mapping: polls a local stream's shards and invokes Lambda handler classes in this
 * JVM with Lambda's rules, so end-to-end tests and {@code sluice demo} meet what production meets.
 *
 * <ul>
 *   <li>{@link io.sluice.localstack.esm.LocalEventSourceMapping}: one poller per shard, one invocation per shard at
 *       a time, children after their parents; batches of at most {@code BatchSize} records and 6,291,456 bytes of
 *       invocation JSON; retries, bisection, partial batch responses, record age, on-failure records in Lambda's
 *       format.</li>
 *   <li>{@link io.sluice.localstack.esm.HandlerFactory}: builds handler instances (execution environments); an idle
 *       one is drawn at random per invocation; a timed-out one (after {@code Timeout}, 1..900 s, SAM default 3 s) is
 *       interrupted, frozen ({@link io.sluice.localstack.esm.LocalInvocation}) and discarded. Each instance has its
 *       own threads ({@code InstanceThreads}, a {@code ThreadGroup}): it is built and
 *       invoked on a worker of the group, and the threads its code creates (a state store's pool) join it, so an
 *       invocation is frozen, and its writes counted by chaos mode, on all of them at once. A
 *       {@code RequestStreamHandler} is handed the event's JSON as the mapping sends it and its bytes read back as the
 *       response ({@link io.sluice.localstack.esm.StreamHandlerInvocation}, {@link
 *       io.sluice.localstack.esm.KinesisEventJson}), as Lambda's Java runtime calls one.</li>
 *   <li>{@link io.sluice.localstack.esm.Chaos}: seeded faults on demand (redeliveries, timeouts at a random point or
 *       after N writes, throttled reads and writes, recycled instances), counted in
 *       {@link io.sluice.localstack.esm.EsmStats}.</li>
 *   <li>{@link io.sluice.localstack.esm.EventSourceMappingConfig}: the template's settings with Lambda's bounds
 *       ({@code MaximumRecordAgeInSeconds} -1 or 60..604,800; {@code MaximumRetryAttempts} -1..10,000).</li>
 * </ul>
 *
 * See {@code localstack/README.md} for what is and is not reproduced, section by section of the Lambda guide.
 */
package io.sluice.localstack.esm;
