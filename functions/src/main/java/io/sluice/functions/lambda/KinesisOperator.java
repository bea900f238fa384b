package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.io.SinkOutputs;
import io.sluice.functions.io.kinesis.KinesisRecordBatch;
import io.sluice.functions.io.kinesis.ShardLoadReport;
import io.sluice.functions.io.kinesis.ShardLoadTable;
import io.sluice.functions.io.kinesis.ShardRegistry;
import io.sluice.functions.io.metrics.EmfMetrics;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.GlobalWatermark;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.functions.runtime.WindowFirer;
import io.sluice.state.Fence;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream side of a Lambda instance: one {@link SplitProcessor} per shard, kept between invocations (its cached
 * partials save reads), then the global watermark from the coordination table and the firing of what it passed.
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
    private static final long FIRING_LEASE_MILLIS = Duration.ofMinutes(2).toMillis();
    /** Partition keys per load line: enough for the autoscaler to weigh a split point. */
    private static final int HOT_KEYS = 5;

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final SinkOutputs outputs;
    private final RecordSink<RejectedRecord> deadLetters;
    private final Clock clock;
    private final EmfMetrics emf;
    private final ShardRegistry shards;
    private final ShardLoadTable loads;
    private final RunMetrics metrics = new RunMetrics();
    // Lambda runs one invocation per instance at a time; the local event source mapping calls one instance for
    // several shards at once, so shard processors are looked up concurrently and firing is serialised.
    private final Map<String, SplitProcessor> processors = new ConcurrentHashMap<>();
    private WindowFirer firer;

    /**
     * @param shards registers the stream's shards and finishes drained parents; null when the coordination table is
     *               kept up to date by someone else (tests, the orchestrator)
     * @param loads where each batch's shard load goes for the shard scaler; null when nothing scales the stream
     */
    public KinesisOperator(CompiledPipeline pipeline, StateStore store, SinkOutputs outputs,
                           RecordSink<RejectedRecord> deadLetters, Clock clock, EmfMetrics emf, ShardRegistry shards,
                           ShardLoadTable loads) {
        this.pipeline = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.emf = emf;
        this.shards = shards;
        this.loads = loads;
    }

    /** Applies the event's records shard by shard, fires, emits one metrics line. */
    public StreamsEventResponse handle(KinesisEvent event) {
        long started = System.nanoTime();
        long now = clock.millis();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        long undecodable = 0;
        for (Map.Entry<String, List<KinesisEvent.KinesisEventRecord>> shard : byShard(records).entrySet()) {
            boolean firstBatch = !processors.containsKey(shard.getKey());
            SplitProcessor processor = processors.computeIfAbsent(shard.getKey(),
                    s -> new SplitProcessor(pipeline, store, s, outputs, metrics, SplitProcessor.Mode.STREAM));
            List<RejectedRecord> rejected = new ArrayList<>();
            KinesisRecordBatch batch = KinesisRecordBatch.of(shard.getValue(), (r, reason) -> rejected.add(
                    new RejectedRecord(pipeline.name(), shard.getKey(), "seq=" + r.getKinesis().getSequenceNumber(),
                            reason, Base64.getEncoder().encodeToString(bytes(r)))));
            reportLoad(shard.getKey(), shard.getValue(), now);
            try {
                for (RejectedRecord r : rejected) {
                    deadLetters.write(r);
                }
                undecodable += rejected.size();
                if (firstBatch && shards != null) {
                    finishParents(shards.ensureRegistered(shard.getValue().get(0).getEventSourceARN(),
                            shard.getKey(), now));
                }
                long watermark = GlobalWatermark.of(store.splits(pipeline.name()), idleness(), now);
                processor.process(batch, watermark, now);
            } catch (RuntimeException e) {
                if (firstBatch) {
                    // Registration runs again with the retry.
                    processors.remove(shard.getKey());
                }
                String from = firstNotApplied(processor, shard.getValue());
                LOG.log(Level.ERROR, "Batch not applied; reporting a batch item failure. pipeline=[{0}] shard=[{1}] "
                        + "seq=[{2}] cause=[{3}]", pipeline.name(), shard.getKey(), from, e.toString());
                failures.add(new StreamsEventResponse.BatchItemFailure(from));
            }
        }
        long lag = -1;
        if (!records.isEmpty()) {
            try {
                long watermark = fire(now);
                lag = watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? -1 : Math.max(0, now - watermark);
            } catch (RuntimeException e) {
                String last = records.get(records.size() - 1).getKinesis().getSequenceNumber();
                LOG.log(Level.ERROR, "Firing failed; reporting the last record so the retry fires again. "
                        + "pipeline=[{0}] seq=[{1}] cause=[{2}]", pipeline.name(), last, e.toString());
                if (failures.isEmpty()) {
                    failures.add(new StreamsEventResponse.BatchItemFailure(last));
                }
            }
        }
        emf.emit(metrics, undecodable, lag, (System.nanoTime() - started) / 1_000_000, now);
        return new StreamsEventResponse(failures);
    }

    /** The instance's cumulative counters. */
    public RunMetrics metrics() {
        return metrics;
    }

    /** One load line per shard and batch for the autoscaler: size, lag behind the tip, hottest partition keys. */
    private void reportLoad(String shard, List<KinesisEvent.KinesisEventRecord> records, long now) {
        long bytes = 0;
        Map<String, Long> keys = new HashMap<>();
        for (KinesisEvent.KinesisEventRecord r : records) {
            bytes += r.getKinesis().getData() == null ? 0 : r.getKinesis().getData().remaining();
            String key = r.getKinesis().getPartitionKey();
            if (key != null) {
                keys.merge(key, 1L, Long::sum);
            }
        }
        KinesisEvent.KinesisEventRecord last = records.get(records.size() - 1);
        var arrival = last.getKinesis().getApproximateArrivalTimestamp();
        long age = arrival == null ? 0 : Math.max(0, now - arrival.getTime());
        Map<String, Long> hot = new LinkedHashMap<>();
        keys.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(HOT_KEYS).forEach(e -> hot.put(e.getKey(), e.getValue()));
        ShardLoadReport report = new ShardLoadReport(Instant.ofEpochMilli(now), shard, records.size(), bytes, age, hot);
        emf.emitShardLoad(report);
        String stream = streamName(last.getEventSourceARN());
        if (loads != null && stream != null) {
            try {
                loads.add(stream, report);
            } catch (RuntimeException e) {
                // Load is advisory: the scaler treats a shard without reports as unknown and never scales in blind.
                LOG.log(Level.WARNING, "Shard load not recorded; the batch goes on. pipeline=[{0}] shard=[{1}] "
                        + "cause=[{2}]", pipeline.name(), shard, e.toString());
            }
        }
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
     * watermark stops holding the global watermark back.
     */
    private void finishParents(List<String> parents) {
        for (String parent : parents) {
            store.readSplit(pipeline.name(), parent)
                    .filter(s -> s.status() != SplitStatus.FINISHED)
                    .ifPresent(s -> store.putSplit(s.finished(s.fence())));
        }
    }

    private synchronized long fire(long now) {
        long watermark = GlobalWatermark.of(store.splits(pipeline.name()), idleness(), now);
        firer().fire(watermark, now);
        return watermark;
    }

    /**
     * Created on first use, not in the constructor: with SnapStart every restored instance shares the constructor's
     * state, and two firers must never share an owner id.
     */
    private WindowFirer firer() {
        if (firer == null) {
            firer = new WindowFirer(pipeline, store, outputs, metrics, "operator-" + UUID.randomUUID(),
                    FIRING_LEASE_MILLIS);
        }
        return firer;
    }

    private java.util.Optional<Duration> idleness() {
        return pipeline.watermarks().idleness();
    }

    /** The first record after the split's applied fence, or the first record when the fence cannot be read. */
    private static String firstNotApplied(SplitProcessor processor, List<KinesisEvent.KinesisEventRecord> records) {
        String first = records.get(0).getKinesis().getSequenceNumber();
        Fence applied;
        try {
            applied = processor.state().fence();
        } catch (RuntimeException unavailable) {
            return first;
        }
        if (Fence.NONE.equals(applied)) {
            return first;
        }
        BigInteger fence = new BigInteger(applied.sequenceNumber());
        for (KinesisEvent.KinesisEventRecord r : records) {
            if (new BigInteger(r.getKinesis().getSequenceNumber()).compareTo(fence) > 0) {
                return r.getKinesis().getSequenceNumber();
            }
        }
        return records.get(records.size() - 1).getKinesis().getSequenceNumber();
    }

    /** Records grouped by shard (the event ID's prefix), in order; an event source mapping sends one shard. */
    private static Map<String, List<KinesisEvent.KinesisEventRecord>> byShard(
            List<KinesisEvent.KinesisEventRecord> records) {
        Map<String, List<KinesisEvent.KinesisEventRecord>> shards = new LinkedHashMap<>();
        for (KinesisEvent.KinesisEventRecord r : records) {
            String id = r.getEventID();
            int colon = id == null ? -1 : id.indexOf(':');
            String shard = colon > 0 ? id.substring(0, colon) : "shardId-unknown";
            shards.computeIfAbsent(shard, s -> new ArrayList<>()).add(r);
        }
        return shards;
    }

    private static byte[] bytes(KinesisEvent.KinesisEventRecord r) {
        var data = r.getKinesis().getData().duplicate();
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }
}
