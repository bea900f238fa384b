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
import io.sluice.state.coordination.AttemptLog;

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
    private final AttemptLog attempts;

    /**
     * @param attempts the operator's attempt log: records of the range no logged attempt started on are left out (a
     *                 batch given up on before any attempt was recorded, which only {@code sluice replay} applies);
     *                 null reads back every record of the range
     */
    ShardGapFiller(String pipeline, ShardRange range, RecordSink<RejectedRecord> deadLetters, RunMetrics metrics,
                   AttemptLog attempts) {
        this.pipeline = pipeline;
        this.range = range;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.attempts = attempts;
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
        BigInteger end = first == null ? null : new BigInteger(first.sequenceNumber());
        String after = Fence.NONE.equals(applied) ? null : applied.sequenceNumber();
        List<KinesisEvent.KinesisEventRecord> skipped;
        while (true) {
            List<KinesisEvent.KinesisEventRecord> records;
            try {
                records = range.read(stream, shard, after, attempted.sequenceNumber());
            } catch (ShardRange.Unreadable e) {
                lost(shard, applied, attempted, e.getMessage());
                return empty();
            }
            List<KinesisEvent.KinesisEventRecord> before0 = records.stream()
                    .filter(r -> end == null || new BigInteger(r.getKinesis().getSequenceNumber()).compareTo(end) < 0)
                    .toList();
            if (before0.isEmpty()) {
                return empty();   // a normal retry: the batch starts right after the fence
            }
            skipped = attempted(shard, before0, attempted);
            boolean more = before0.size() == records.size()
                    && !before0.get(before0.size() - 1).getKinesis().getSequenceNumber().equals(attempted.sequenceNumber());
            if (!skipped.isEmpty() || !more) {
                break;
            }
            // A whole read of records no attempt started on: read on after them.
            after = before0.get(before0.size() - 1).getKinesis().getSequenceNumber();
        }
        if (skipped.isEmpty()) {
            return empty();
        }
        KinesisRecordBatch batch = KinesisRecordBatch.of(skipped, (r, reason) -> deadLetters.write(new RejectedRecord(
                pipeline, shard, "seq=" + r.getKinesis().getSequenceNumber(), reason,
                Base64.getEncoder().encodeToString(bytes(r)))));
        LOG.log(Level.WARNING, "Applying records the event source mapping gave up on. pipeline=[{0}] shard=[{1}] "
                + "after=[{2}] through=[{3}] records=[{4}]", pipeline, shard, applied.sequenceNumber(),
                skipped.get(skipped.size() - 1).getKinesis().getSequenceNumber(), skipped.size());
        return batch;
    }

    /**
     * The first run of {@code records} that logged attempts started on, when the log reaches back to them. A record
     * of the range no attempt started on lies in a batch given up on before any attempt was recorded, below records a
     * later attempt may have written with a higher fence into the same items: read back here it would be skipped by
     * those items' fences and lost (the simulator, fault class give-up-unrecorded). It is left to the replay of its
     * on-failure record, which applies it under a split of its own; the next call reads on after the run.
     */
    private List<KinesisEvent.KinesisEventRecord> attempted(String shard, List<KinesisEvent.KinesisEventRecord> records,
                                                            Fence attemptFence) {
        if (attempts == null || records.isEmpty()) {
            return records;
        }
        var since = attempts.loggedAfter(pipeline, shard);
        if (since.isEmpty()) {
            return records;
        }
        var arrival = records.get(0).getKinesis().getApproximateArrivalTimestamp();
        List<AttemptLog.Range> logged = attempts.rangesLogged(pipeline, shard,
                arrival == null ? java.time.Instant.EPOCH : arrival.toInstant(), attemptFence);
        List<KinesisEvent.KinesisEventRecord> run = new java.util.ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : records) {
            Fence at = Fence.of(r.getKinesis().getSequenceNumber());
            boolean started = !at.isAfter(since.get()) || logged.stream().anyMatch(a -> a.attempted(at));
            if (started) {
                run.add(r);
            } else if (!run.isEmpty()) {
                break;
            } else {
                LOG.log(Level.WARNING, "Record no attempt started on left to the replay of its on-failure record. "
                        + "pipeline=[{0}] shard=[{1}] seq=[{2}]", pipeline, shard, r.getKinesis().getSequenceNumber());
            }
        }
        return run;
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
