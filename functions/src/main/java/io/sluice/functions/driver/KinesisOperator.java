package io.sluice.functions.driver;

import io.sluice.functions.wiring.LambdaWiring;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.io.kinesis.KinesisRecordBatch;
import io.sluice.functions.io.kinesis.KinesisShards;
import io.sluice.state.coordination.AttemptLog;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.state.coordination.ShardRegistry;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.RecordBatch;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The stream side of a Lambda instance: adapts Kinesis events to a {@link PipelineRun} (one split per shard, its
 * processor kept between invocations so its cached partials save reads), then fires what the global watermark
 * passed.
 *
 * <p>Failure rules (ReportBatchItemFailures): a record that cannot be decoded goes to the dead-letter sink and does
 * not fail the batch; a failure of the state store or a sink reports the first record the split has not applied,
 * so the event source mapping retries from there and the fences skip what was applied. A failed firing reports the
 * last record: its retry is skipped as a replay and fires again.
 *
 * <pre>{@code
 * KinesisOperator operator = LambdaWiring.fromEnvironment().kinesisOperator(Clock.systemUTC(), System.out);
 * StreamsEventResponse response = operator.handle(event);   // batchItemFailures empty when all applied
 * }</pre>
 */
public final class KinesisOperator {

    private static final System.Logger LOG = System.getLogger(KinesisOperator.class.getName());

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final SinkOutputs outputs;
    private final RecordSink<RejectedRecord> deadLetters;
    private final Clock clock;
    private final EmfMetrics emf;
    private final ShardRegistry shards;
    private final ShardLoadReporter loads;
    private final RunMetrics metrics = new RunMetrics();
    private final PipelineRun run;
    private final ShardGapFiller gaps;
    private final AttemptLog attemptLog;
    /** Shards this instance has registered (and whose parents it finished); a retry of a failed first batch redoes it. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /**
     * @param shards registers the stream's shards and finishes drained parents; null when the coordination table is
     *               kept up to date by someone else (tests, the orchestrator)
     * @param loads where each batch's shard load goes for the shard scaler; null when nothing scales the stream
     */
    public KinesisOperator(CompiledPipeline pipeline, StateStore store, SinkOutputs outputs,
                           RecordSink<RejectedRecord> deadLetters, Clock clock, EmfMetrics emf, ShardRegistry shards,
                           ShardLoadTable loads) {
        this(pipeline, store, outputs, deadLetters, clock, emf, shards, loads, null);
    }

    /**
     * @param shardRange reads back a range the event source mapping gave up on, before the batch that skipped it
     *                   ({@link ShardGapFiller}); null leaves such ranges unread (tests of other concerns)
     */
    public KinesisOperator(CompiledPipeline pipeline, StateStore store, SinkOutputs outputs,
                           RecordSink<RejectedRecord> deadLetters, Clock clock, EmfMetrics emf, ShardRegistry shards,
                           ShardLoadTable loads, ShardRange shardRange) {
        this(pipeline, store, outputs, deadLetters, clock, emf, shards, loads, shardRange, null);
    }

    /**
     * @param attemptLog where each attempt's range is logged before it writes ({@link AttemptLog}), so that
     *                   {@link OnFailureReplay} can tell a range no attempt started on; null: not logged (such a
     *                   range can then not be replayed)
     */
    public KinesisOperator(CompiledPipeline pipeline, StateStore store, SinkOutputs outputs,
                           RecordSink<RejectedRecord> deadLetters, Clock clock, EmfMetrics emf, ShardRegistry shards,
                           ShardLoadTable loads, ShardRange shardRange, AttemptLog attemptLog) {
        this.pipeline = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.emf = emf;
        this.shards = shards;
        this.loads = new ShardLoadReporter(pipeline.name(), emf, loads);
        this.attemptLog = attemptLog;
        this.gaps = shardRange == null ? null
                : new ShardGapFiller(pipeline.name(), shardRange, deadLetters, metrics, attemptLog);
        PipelineRun stream = PipelineRun.stream(pipeline, store, outputs, metrics).withOwnerPrefix("operator");
        stream = attemptLog == null ? stream : stream.withAttemptLog(attemptLog);
        this.run = gaps == null ? stream : stream.withSkippedRanges(gaps);
    }

    /** Applies the event's records shard by shard, fires, emits one metrics line. */
    public StreamsEventResponse handle(KinesisEvent event) {
        long started = System.nanoTime();
        long now = clock.millis();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        long undecodable = 0;
        // The global watermark is at most the highest of the applied splits' bounds (fire, below).
        long watermarkAtMost = Long.MIN_VALUE;
        List<Future<?>> loadWrites = new ArrayList<>();
        for (Map.Entry<String, List<KinesisEvent.KinesisEventRecord>> shard : KinesisShards.byShard(records).entrySet()) {
            String shardId = shard.getKey();
            boolean firstBatch = registered.add(shardId);
            List<RejectedRecord> rejected = new ArrayList<>();
            KinesisRecordBatch batch = KinesisRecordBatch.of(shard.getValue(), (r, reason) -> rejected.add(
                    new RejectedRecord(pipeline.name(), shardId, "seq=" + (r.getKinesis() == null ? null
                            : r.getKinesis().getSequenceNumber()),
                            reason, Base64.getEncoder().encodeToString(bytes(r)))));
            loadWrites.add(loads.report(shardId, shard.getValue(), now));
            if (gaps != null) {
                gaps.streamOf(shardId, shard.getValue().get(0).getEventSourceARN());
            }
            try {
                if (!rejected.isEmpty()) {
                    deadLetters.writeAll(rejected);   // one batch: a few SQS calls, not one per record
                }
                undecodable += rejected.size();
                if (firstBatch && shards != null) {
                    String streamArn = shard.getValue().get(0).getEventSourceARN();
                    List<String> parents = shards.ensureRegistered(streamArn, shardId, now);
                    if (gaps != null && !parents.isEmpty() && batch.size() > 0) {
                        // The batch's attempt is recorded before a parent's read-back, which may fail it: if the
                        // mapping then gives up on it, the child's next batch still finds the range (simulator).
                        SplitState before = store.startAttempt(pipeline.name(), shardId,
                                batch.fence(batch.size() - 1), now, pipeline.definition().keyBuckets());
                        if (attemptLog != null) {
                            // An attempt like any other: logged, or the replay could not tell what it covers.
                            attemptLog.record(pipeline.name(), shardId, new AttemptLog.Range(batch.fence(0),
                                    batch.fence(batch.size() - 1), before.fence()), before.attemptFence());
                        }
                    }
                    finishParents(shardId, streamArn, parents);
                }
                run.apply(shardId, batch, now);
                watermarkAtMost = Math.max(watermarkAtMost, run.processor(shardId).globalWatermarkAtMost());
            } catch (RuntimeException e) {
                if (firstBatch) {
                    // Registration runs again with the retry.
                    registered.remove(shardId);
                    run.forget(shardId);
                }
                String from = firstNotApplied(run.processor(shardId), shard.getValue());
                LOG.log(Level.ERROR, "Batch not applied; reporting a batch item failure. pipeline=[{0}] shard=[{1}] "
                        + "seq=[{2}] cause=[{3}]", pipeline.name(), shardId, from, e.toString());
                failures.add(new StreamsEventResponse.BatchItemFailure(from));
                metrics.batchNotApplied();
            }
        }
        long lag = -1;
        if (!records.isEmpty()) {
            try {
                long watermark = fire(now, failures.isEmpty() ? watermarkAtMost : Long.MAX_VALUE);
                lag = watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? -1 : Math.max(0, now - watermark);
            } catch (RuntimeException e) {
                String last = lastSequence(records);
                LOG.log(Level.ERROR, "Firing failed; reporting the last record so the retry fires again. "
                        + "pipeline=[{0}] seq=[{1}] cause=[{2}]", pipeline.name(), last, e.toString());
                if (failures.isEmpty()) {
                    failures.add(new StreamsEventResponse.BatchItemFailure(last));
                }
            }
        }
        ShardLoadReporter.awaitAll(loadWrites);   // nothing of the invocation is left running when it returns (Lambda freezes it)
        emf.emit(metrics, undecodable, lag, (System.nanoTime() - started) / 1_000_000, now);
        return new StreamsEventResponse(failures);
    }

    /** The instance's cumulative counters. */
    public RunMetrics metrics() {
        return metrics;
    }

    /** The name in {@code arn:aws:kinesis:<region>:<account>:stream/<name>}, or null without an ARN. */
    static String streamName(String streamArn) {
        if (streamArn == null) {
            return null;
        }
        int slash = streamArn.indexOf(":stream/");
        return slash < 0 ? null : streamArn.substring(slash + ":stream/".length());
    }

    /**
     * Lambda delivers a child shard only after its parents are fully processed, so they are finished now: their
     * watermark stops holding the global watermark back, and the child starts at least where the lower of them
     * ended.
     */
    private void finishParents(String child, String streamArn, List<String> parents) {
        long parentsWatermark = finishAll(streamArn, parents);
        if (parentsWatermark != Long.MAX_VALUE && parentsWatermark != Long.MIN_VALUE) {
            store.advanceSplit(SplitState.pending(pipeline.name(), child, 0, List.of())
                    .withWatermarkAtLeast(parentsWatermark));
        }
    }

    /**
     * Finishes {@code shards} that are not finished yet, each after its own unfinished ancestors, so a range given up
     * on anywhere up the lineage is read back before the shard that holds it is finished (simulator, seed 42840). A
     * shard no listing registered (it opened and closed between two listings without a record, e.g. a split's child
     * merged again at once) holds nothing itself, but its parents may still be open: they are finished through it
     * (chaos resharding found a parent left holding the global watermark that way).
     *
     * @return the lowest watermark the finished shards ended at, {@code Long.MAX_VALUE} if none was open
     */
    private long finishAll(String streamArn, List<String> shardIds) {
        long lowest = Long.MAX_VALUE;
        for (String parent : shardIds) {
            var state = store.readSplit(pipeline.name(), parent);
            if (state.isPresent() && state.get().status() == SplitStatus.FINISHED) {
                continue;
            }
            List<String> grandparents = shards != null ? shards.parentsOf(parent)
                    : state.map(SplitState::parents).orElse(List.of());
            if (state.isEmpty()) {
                lowest = Math.min(lowest, finishAll(streamArn, grandparents));
                continue;
            }
            if (!grandparents.isEmpty()) {
                finishParents(parent, streamArn, grandparents);
                state = store.readSplit(pipeline.name(), parent);
            }
            // The mapping may have given up on the parent's last batches before it moved on to the children.
            while (gaps != null && state.get().hasUnfinishedAttempt()) {
                gaps.streamOf(parent, streamArn);
                RecordBatch abandoned = gaps.abandonedOf(parent, state.get());
                if (abandoned.size() == 0) {
                    break;   // none, or lost (reported)
                }
                run.apply(parent, abandoned, clock.millis());
                metrics.batchRecovered();
                state = Optional.of(run.processor(parent).state());
            }
            // The lower parent's watermark: a merged child's records from either side are judged no later than
            // that side's were (records of windows that fired are late whatever the child's watermark).
            lowest = Math.min(lowest, state.get().watermarkMillis());
            run.finish(parent, clock.millis());
        }
        return lowest;
    }

    /**
     * Fires what the invocation's batches made due. The global watermark is at most the highest bound of the splits
     * they applied, so most batches read only the index ({@link PipelineRun#fireIfDue}); a failed batch gives no bound.
     */
    private long fire(long now, long atMost) {
        return run.fireIfDue(now, atMost);
    }

    /** The first record after the split's applied fence, or the first record when the fence cannot be read. */
    private static String firstNotApplied(SplitProcessor processor, List<KinesisEvent.KinesisEventRecord> records) {
        List<String> sequences = records.stream().map(KinesisOperator::sequenceOf).filter(KinesisOperator::decimal)
                .toList();
        if (sequences.isEmpty()) {
            return null;
        }
        Fence applied;
        try {
            applied = processor.state().fence();
        } catch (RuntimeException unavailable) {
            return sequences.get(0);
        }
        if (Fence.NONE.equals(applied)) {
            return sequences.get(0);
        }
        BigInteger fence = new BigInteger(applied.sequenceNumber());
        for (String seq : sequences) {
            if (new BigInteger(seq).compareTo(fence) > 0) {
                return seq;
            }
        }
        return sequences.get(sequences.size() - 1);
    }

    /** The last record's sequence number that can be reported (a record without one is a dead letter). */
    private static String lastSequence(List<KinesisEvent.KinesisEventRecord> records) {
        for (int i = records.size() - 1; i >= 0; i--) {
            String seq = sequenceOf(records.get(i));
            if (decimal(seq)) {
                return seq;
            }
        }
        return null;
    }

    private static String sequenceOf(KinesisEvent.KinesisEventRecord r) {
        return r.getKinesis() == null ? null : r.getKinesis().getSequenceNumber();
    }

    private static boolean decimal(String seq) {
        return seq != null && !seq.isEmpty() && seq.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static byte[] bytes(KinesisEvent.KinesisEventRecord r) {
        if (r.getKinesis() == null || r.getKinesis().getData() == null) {
            return new byte[0];
        }
        var data = r.getKinesis().getData().duplicate();
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }
}
