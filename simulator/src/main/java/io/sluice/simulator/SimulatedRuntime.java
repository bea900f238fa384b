package io.sluice.simulator;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.driver.OnFailureRecord;
import io.sluice.functions.driver.OnFailureReplay;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.driver.ShardRange;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.state.coordination.AttemptLog;
import io.sluice.state.coordination.InMemoryAttemptLog;
import io.sluice.state.coordination.ShardRegistry;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LineBatch;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place the simulator touches the runtime: a Lambda instance is a real {@link KinesisOperator} (with its
 * own {@link ShardRegistry} over a listing of the simulated shards, and its own {@link PipelineRun} for scheduled
 * firings), the end of the stream finishes every split as the drivers do, and the batch reference is a BATCH
 * {@link PipelineRun} on a fresh {@link InMemoryStateStore}. Everything else in the simulator speaks in shard ids, sequence
 * numbers, JSON lines and {@link Row}s, so re-pointing the simulator at another driver seam changes this class only.
 */
final class SimulatedRuntime {

    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";
    /** Keeps the runtime's loggers configured (java.util.logging holds loggers weakly). */
    private static final List<Logger> QUIET = new ArrayList<>();
    private static final SimulatedWorld.LastError LAST_ERROR = new SimulatedWorld.LastError();

    static {
        for (String name : List.of("io.sluice")) {
            Logger logger = Logger.getLogger(name);
            logger.setUseParentHandlers(false);
            logger.setLevel(Level.SEVERE);
            logger.addHandler(LAST_ERROR);
            QUIET.add(logger);
        }
    }

    /** A result row of a final firing; {@code key} is "" for a global window. */
    record Row(long start, long end, String key, long count, long sum) {
        String compact() {
            return "[" + start + "," + end + ")" + (key.isEmpty() ? "" : " " + key) + " " + count + "/" + sum;
        }
    }

    /** A shard as the listing shows it. */
    record ShardView(String id, List<String> parents, boolean closed) {
    }

    /** A Kinesis record: sequence number and data. */
    record Input(String seq, String line) {
    }

    /** Where the instances' outputs go. */
    interface Listener {
        void finalResults(List<Row> rows);

        void late(String seq);

        void rejected(String seq, String reason);
    }

    /** A Lambda instance. */
    final class Instance {
        private final String owner;
        private final KinesisOperator operator;
        private final PipelineRun scheduled;

        private Instance(String owner, CompiledPipeline pipeline) {
            this.owner = owner;
            this.operator = new KinesisOperator(pipeline, store, outputs, r -> listener.rejected(seqOf(r.position()),
                    r.reason()), clock, emf, new ShardRegistry(new SimulatedWorld.ListingClient(shards), store, pipeline.name()), null,
                    range, attempts);
            this.scheduled = PipelineRun.stream(pipeline, store, outputs, new RunMetrics())
                    .withOwnerPrefix(owner + "-scheduled");
        }

        String owner() {
            return owner;
        }
    }

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final LongSupplier now;
    private final Supplier<List<ShardView>> shards;
    private final Listener listener;
    private final SinkOutputs outputs;
    private final Clock clock;
    private final EmfMetrics emf;

    /** Reads back what the event source mapping gave up on, from the history's shards. */
    private final ShardRange range;
    /** Every instance's attempts, as the coordination table holds them. */
    private final AttemptLog attempts;

    SimulatedRuntime(SimPipelines.Variant variant, StateStore store, LongSupplier now,
                     Supplier<List<ShardView>> shards, Listener listener, ShardRange range) {
        this.range = range;
        this.pipeline = CompiledPipeline.compile(variant.definition());
        this.store = store;
        this.now = now;
        this.shards = shards;
        this.listener = listener;
        this.outputs = new SinkOutputs(List.of(rows -> {
            List<Row> finals = rows(rows, true);
            if (!finals.isEmpty()) {
                listener.finalResults(finals);
            }
        }), r -> listener.late(seqOf(r.position())), r -> listener.rejected(seqOf(r.position()), r.reason()));
        this.clock = new SimulatedWorld.SimClock(now);
        this.emf = new EmfMetrics("Sluice", pipeline.name(), "simulator", new PrintStream(OutputStream.nullOutputStream()));
        this.attempts = new InMemoryAttemptLog(clock);
    }

    /** {@code sluice replay} of one on-failure record, over the same store, outputs and attempt log. */
    OnFailureReplay.Result replay(OnFailureRecord range) {
        return new OnFailureReplay(pipeline, store, outputs, attempts, this.range, clock).replay(range, false);
    }

    /** A new instance whose pipeline declares {@code keyBuckets} (another count after a redeploy). */
    Instance newInstance(String owner, int keyBuckets) {
        return new Instance(owner, keyBuckets == pipeline.definition().keyBuckets() ? pipeline
                : CompiledPipeline.compile(pipeline.definition().withKeyBuckets(keyBuckets)));
    }

    /**
     * One invocation of {@code instance} with {@code records} of {@code shard}: apply, then fire.
     *
     * @return the sequence number the instance reports as the first not applied, if it reports a failure
     */
    Optional<String> deliver(Instance instance, String shard, List<Input> records) {
        LAST_ERROR.last = null;
        KinesisEvent event = new KinesisEvent();
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>(records.size());
        for (Input in : records) {
            KinesisEvent.KinesisEventRecord r = eventRecord(STREAM_ARN, shard, in.seq(), in.line());
            r.getKinesis().setApproximateArrivalTimestamp(new java.util.Date(now.getAsLong()));
            list.add(r);
        }
        event.setRecords(list);
        StreamsEventResponse response = instance.operator.handle(event);
        List<StreamsEventResponse.BatchItemFailure> failures = response.getBatchItemFailures();
        return failures == null || failures.isEmpty() ? Optional.empty()
                : Optional.of(failures.get(0).getItemIdentifier());
    }

    /** A record as Lambda's event carries it. */
    static KinesisEvent.KinesisEventRecord eventRecord(String streamArn, String shard, String seq, String line) {
        KinesisEvent.Record k = new KinesisEvent.Record();
        k.setSequenceNumber(seq);
        k.setPartitionKey("pk-" + seq.substring(seq.length() - 3));
        k.setData(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
        r.setEventID(shard + ":" + seq);
        r.setEventSourceARN(streamArn);
        r.setKinesis(k);
        return r;
    }

    /** The last error the runtime logged (the cause of a reported failure), or null. */
    static String lastError() {
        return LAST_ERROR.last;
    }

    /** A scheduled firing by {@code instance}: the global watermark from the store, then the firer. */
    void fire(Instance instance) {
        long t = now.getAsLong();
        instance.scheduled.fireNow(t);
    }

    /** The end of the stream: every known split finished as the drivers finish a drained one, then a final firing. */
    void finishAll(List<String> shardIds) {
        long t = now.getAsLong();
        List<String> ids = new ArrayList<>(shardIds);
        for (SplitState s : store.splits(pipeline.name())) {
            if (!ids.contains(s.split())) {
                ids.add(s.split());
            }
        }
        PipelineRun end = PipelineRun.stream(pipeline, store, outputs, new RunMetrics()).withOwnerPrefix("final-firer");
        for (String id : ids) {
            Optional<SplitState> s = store.readSplit(pipeline.name(), id);
            if (s.isEmpty() || s.get().status() != SplitStatus.FINISHED) {
                end.finish(id, t);
            }
        }
        end.fire(t);
    }

    /** @return the split of {@code shardId} as the store holds it, if registered */
    Optional<SplitState> split(String shardId) {
        return store.readSplit(pipeline.name(), shardId);
    }

    /** Windows (or session panes) still waiting to fire. */
    List<String> pendingSlots() {
        // The session firing round's claim lives in the slot index as [MIN, MIN + 1): not a window.
        return store.pendingSlots(pipeline.name(), Long.MAX_VALUE).stream()
                .filter(s -> s.start() != Long.MIN_VALUE || s.end() != Long.MIN_VALUE + 1)
                .map(Object::toString).toList();
    }

    /**
     * The batch reference: {@code lines} as one bounded task in BATCH mode on a fresh store, every window fired.
     *
     * @throws RuntimeException (or {@link SimPipelines.StallError}) if the batch run fails
     */
    static List<Row> batchRun(SimPipelines.Variant variant, List<String> lines) {
        SimPipelines.resetBudget();
        CompiledPipeline compiled = CompiledPipeline.compile(variant.definition());
        InMemoryStateStore fresh = new InMemoryStateStore();
        CollectingOutputs collected = Outputs.collecting();
        RunMetrics metrics = new RunMetrics();
        PipelineRun run = PipelineRun.batch(compiled, fresh, collected, metrics).withOwnerPrefix("batch");
        run.register(List.of("task-0000"));
        LineBatch batch = new LineBatch(1024);
        long ordinal = 0;
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            ordinal++;
            batch.add(b, 0, b.length, ordinal, ordinal);
            if (batch.size() == 1000) {
                run.apply("task-0000", batch, 0);
                batch.clear();
            }
        }
        run.apply("task-0000", batch, 0);
        run.finish("task-0000", 0);
        run.fire(0);
        return rows(collected.finalResults(), true);
    }

    private static List<Row> rows(List<ResultRow> rows, boolean finalOnly) {
        List<Row> out = new ArrayList<>(rows.size());
        for (ResultRow r : rows) {
            if (finalOnly && !r.isFinal()) {
                continue;
            }
            CountAndSum v = (CountAndSum) r.value();
            out.add(new Row(r.windowStart(), r.windowEnd(), r.key() == null ? "" : r.key(), v.count(), v.sum()));
        }
        return out;
    }

    /** {@code seq=4959... sub=0} → {@code 4959...}. */
    static String seqOf(String position) {
        int at = position.indexOf("seq=");
        if (at < 0) {
            return position;
        }
        int end = position.indexOf(' ', at);
        return position.substring(at + 4, end < 0 ? position.length() : end);
    }
}
