package io.sluice.functions.driver;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.io.kinesis.KinesisRecordBatch;
import io.sluice.functions.runtime.RecordBatch;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SkippedRanges;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads back from its shard a range the event source mapping gave up on (design: the driver package's
 * {@code package-info}): the records after the split's applied fence, up to its attempt fence and before the batch
 * that skipped them, one batch at a time. A range the shard no longer holds is lost explicitly: one dead letter naming
 * the shard and the range, and {@code BatchesLost}.
 *
 * <pre>{@code
 * ShardGapFiller gaps = new ShardGapFiller("gmv-by-category", new KinesisShardRange(kinesis), deadLetters, metrics);
 * gaps.streamOf("shardId-000000000000", event.getRecords().get(0).getEventSourceARN());
 * PipelineRun run = PipelineRun.stream(compiled, store, outputs, metrics).withSkippedRanges(gaps);
 * }</pre>
 */
final class ShardGapFiller implements SkippedRanges {

    private static final System.Logger LOG = System.getLogger(ShardGapFiller.class.getName());

    private final String pipeline;
    private final ShardRange range;
    private final RecordSink<RejectedRecord> deadLetters;
    private final RunMetrics metrics;
    private final Map<String, String> streams = new ConcurrentHashMap<>();

    ShardGapFiller(String pipeline, ShardRange range, RecordSink<RejectedRecord> deadLetters, RunMetrics metrics) {
        this.pipeline = pipeline;
        this.range = range;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** Records the stream {@code shard} belongs to, from its event's source ARN (a shard id is per stream). */
    void streamOf(String shard, String streamArn) {
        if (streamArn != null) {
            streams.put(shard, streamArn);
        }
    }

    @Override
    public RecordBatch skippedBefore(String split, SplitState before, Fence first) {
        return read(split, before, first);
    }

    /**
     * The first batch of the records a parent shard's abandoned attempts covered ({@code (fence, attemptFence]}), to
     * apply before it is finished; an empty batch when it has none (or they are lost).
     */
    RecordBatch abandonedOf(String parent, SplitState state) {
        return state.hasUnfinishedAttempt() ? read(parent, state, null) : empty();
    }

    private RecordBatch read(String shard, SplitState before, Fence first) {
        String stream = streams.get(shard);
        Fence applied = before.fence();
        Fence attempted = before.attemptFence();
        if (stream == null) {
            // Never happens through the operator (it names the stream before applying): nothing to read from.
            throw new IllegalStateException("no stream known for shard [" + shard + "]");
        }
        List<KinesisEvent.KinesisEventRecord> records;
        try {
            records = range.read(stream, shard, Fence.NONE.equals(applied) ? null : applied.sequenceNumber(),
                    attempted.sequenceNumber());
        } catch (ShardRange.Unreadable e) {
            lost(shard, applied, attempted, e.getMessage());
            return empty();
        }
        BigInteger end = first == null ? null : new BigInteger(first.sequenceNumber());
        List<KinesisEvent.KinesisEventRecord> skipped = records.stream()
                .filter(r -> end == null || new BigInteger(r.getKinesis().getSequenceNumber()).compareTo(end) < 0)
                .toList();
        if (skipped.isEmpty()) {
            return empty();   // a normal retry: the batch starts right after the fence
        }
        KinesisRecordBatch batch = KinesisRecordBatch.of(skipped, (r, reason) -> deadLetters.write(new RejectedRecord(
                pipeline, shard, "seq=" + r.getKinesis().getSequenceNumber(), reason,
                Base64.getEncoder().encodeToString(bytes(r)))));
        LOG.log(Level.WARNING, "Applying records the event source mapping gave up on. pipeline=[{0}] shard=[{1}] "
                + "after=[{2}] through=[{3}] records=[{4}]", pipeline, shard, applied.sequenceNumber(),
                skipped.get(skipped.size() - 1).getKinesis().getSequenceNumber(), skipped.size());
        return batch;
    }

    private void lost(String shard, Fence applied, Fence attempted, String reason) {
        String position = "after=" + applied.sequenceNumber() + " through=" + attempted.sequenceNumber();
        LOG.log(Level.ERROR, "Records the event source mapping gave up on are lost. pipeline=[{0}] shard=[{1}] {2} "
                + "reason=[{3}]", pipeline, shard, position, reason);
        deadLetters.write(new RejectedRecord(pipeline, shard, position, "records lost: the event source mapping gave up "
                + "on them and " + reason, null));
        metrics.batchLost();
    }

    private static byte[] bytes(KinesisEvent.KinesisEventRecord r) {
        var data = r.getKinesis().getData().duplicate();
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }

    private static RecordBatch empty() {
        return KinesisRecordBatch.of(List.of(), (r, reason) -> { });
    }
}
