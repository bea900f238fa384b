package io.sluice.localstack.esm;

/**
 * What a local event source mapping has done so far.
 *
 * @param invocations handler invocations, including retries
 * @param recordsDelivered records passed to the handler, counting redeliveries
 * @param functionErrors invocations that threw
 * @param partialFailures invocations that reported batch item failures
 * @param retries retries after a failure (bisections excluded)
 * @param bisections batches split in two
 * @param recordsToDestination records handed to the on-failure destination (or discarded without one)
 * @param getRecordsCalls Kinesis GetRecords calls
 * @param handlerMillis wall time spent in the handler, summed over shards
 * @param readMillis wall time spent in GetRecords, summed over shards
 */
public record EsmStats(long invocations, long recordsDelivered, long functionErrors, long partialFailures,
                       long retries, long bisections, long recordsToDestination, long getRecordsCalls,
                       long handlerMillis, long readMillis) {
}
