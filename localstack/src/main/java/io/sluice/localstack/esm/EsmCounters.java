package io.sluice.localstack.esm;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one local event source mapping, shared by its shard pollers. */
final class EsmCounters {
    final LongAdder invocations = new LongAdder();
    final LongAdder recordsDelivered = new LongAdder();
    final LongAdder functionErrors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder partialFailures = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder bisections = new LongAdder();
    final LongAdder recordsToDestination = new LongAdder();
    final LongAdder getRecordsCalls = new LongAdder();
    final LongAdder throttledReads = new LongAdder();
    final LongAdder throttledWrites = new LongAdder();
    final LongAdder payloadCappedBatches = new LongAdder();
    final LongAdder instancesCreated = new LongAdder();
    final LongAdder instancesDiscarded = new LongAdder();
    final LongAdder redeliveries = new LongAdder();
    final LongAdder chaosTimeouts = new LongAdder();
    final LongAdder splits = new LongAdder();
    final LongAdder merges = new LongAdder();
    final LongAdder reshardsRefused = new LongAdder();
    final LongAdder handlerNanos = new LongAdder();
    final LongAdder readNanos = new LongAdder();

    EsmStats snapshot() {
        return new EsmStats(invocations.sum(), recordsDelivered.sum(), functionErrors.sum(), timeouts.sum(),
                partialFailures.sum(), retries.sum(), bisections.sum(), recordsToDestination.sum(),
                getRecordsCalls.sum(), throttledReads.sum(), throttledWrites.sum(), payloadCappedBatches.sum(), instancesCreated.sum(),
                instancesDiscarded.sum(), redeliveries.sum(), chaosTimeouts.sum(), splits.sum(), merges.sum(),
                reshardsRefused.sum(),
                handlerNanos.sum() / 1_000_000, readNanos.sum() / 1_000_000);
    }
}
