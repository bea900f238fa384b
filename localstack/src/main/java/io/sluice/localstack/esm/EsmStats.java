package io.sluice.localstack.esm;

/**
 * What a local event source mapping has done so far.
 *
 * @param invocations handler invocations, including retries
 * @param recordsDelivered records passed to the handler, counting redeliveries
 * @param functionErrors invocations that threw or timed out (not partial failures nor unusable responses)
 * @param timeouts invocations abandoned at the function's timeout or by chaos mode (included in functionErrors)
 * @param partialFailures invocations that reported batch item failures
 * @param retries retries after a failure (bisections excluded)
 * @param bisections batches split in two
 * @param recordsToDestination records handed to the on-failure destination (or discarded without one)
 * @param getRecordsCalls Kinesis GetRecords calls
 * @param throttledReads GetRecords calls throttled (by the engine or by chaos mode); reading resumed from the checkpoint
 * @param throttledWrites writes of invocations that chaos mode failed as throttled (see {@link Chaos})
 * @param payloadCappedBatches batches closed before BatchSize because the next record would pass the 6 MB payload cap
 * @param instancesCreated handler instances built (cold starts)
 * @param instancesDiscarded handler instances dropped (after a timeout, or recycled by chaos mode)
 * @param redeliveries times chaos mode read a shard again from an already checkpointed batch
 * @param chaosTimeouts timeouts injected by chaos mode (included in timeouts)
 * @param splits shards chaos mode split (see {@link Chaos#withReshards})
 * @param merges pairs of shards chaos mode merged
 * @param reshardsRefused reshards chaos mode drew that the stream refused (still updating) or that had nothing to do
 * @param handlerMillis wall time spent in the handler, summed over shards
 * @param readMillis wall time spent in GetRecords, summed over shards
 */
public record EsmStats(long invocations, long recordsDelivered, long functionErrors, long timeouts,
                       long partialFailures, long retries, long bisections, long recordsToDestination,
                       long getRecordsCalls, long throttledReads, long throttledWrites, long payloadCappedBatches,
                       long instancesCreated,
                       long instancesDiscarded, long redeliveries, long chaosTimeouts, long splits, long merges,
                       long reshardsRefused, long handlerMillis,
                       long readMillis) {
}
