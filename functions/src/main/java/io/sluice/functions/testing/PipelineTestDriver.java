package io.sluice.functions.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.WindowResult;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.driver.ReplayClock;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RecordBatch;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pipeline synchronously over records piped in by hand, like Kafka's {@code TopologyTestDriver}: no AWS, no
 * threads, no sleeps. Each split collects piped records into a pending batch; {@link #flush()} processes each
 * split's pending batch (one invocation per split) and after each fires what the global watermark passed.
 *
 * <pre>{@code
 * import io.sluice.functions.api.CountAndSum;
 * import io.sluice.functions.api.WindowResult;
 * import io.sluice.functions.examples.GmvPipelines;
 * import io.sluice.functions.examples.Order;
 * import io.sluice.functions.testing.PipelineTestDriver;
 *
 * try (var driver = new PipelineTestDriver<>(GmvPipelines.byCategory())) {   // PipelineTestDriver<CountAndSum>
 *     driver.pipe("shard-0", new Order("o-1", "u-1", "c-1", 1999, 0));
 *     driver.pipe("shard-0", "{not json");                 // goes to rejectedRecords()
 *     driver.finish();                                     // end of input: every window fires
 *     assertThat(driver.results()).extracting(WindowResult::value).containsExactly(new CountAndSum(1, 1999));
 *     long gmv = driver.results().get(0).value().sum();   // typed: no cast
 * }
 * }</pre>
 *
 * <p>Processing time is replayed from event time: "now" is the highest event time seen. {@link #restart()}
 * replaces every split's processor, as a new Lambda instance would, keeping the store; {@link #redeliver(String)}
 * processes a split's last batch again, as a retry would.
 *
 * @param <OUT> the pipeline's result type
 */
public final class PipelineTestDriver<OUT> implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final CollectingOutputs outputs = Outputs.collecting();
    private final RunMetrics metrics = new RunMetrics();
    private final Map<String, SplitProcessor> processors = new LinkedHashMap<>();
    private final Map<String, List<String>> pending = new LinkedHashMap<>();
    private final Map<String, Long> nextPosition = new LinkedHashMap<>();
    private final Map<String, TextBatch> lastBatch = new LinkedHashMap<>();
    private PipelineRun run;
    private ReplayClock clock;

    /** A driver over a fresh {@link InMemoryStateStore}. */
    public PipelineTestDriver(PipelineDefinition<OUT> definition) {
        this(definition, new InMemoryStateStore());
    }

    /** A driver over {@code store}, such as a DynamoDB store in integration tests. */
    public PipelineTestDriver(PipelineDefinition<OUT> definition, StateStore store) {
        this.pipeline = CompiledPipeline.compile(definition);
        this.store = store;
        this.run = PipelineRun.stream(pipeline, store, outputs, metrics).withOwnerPrefix("test-driver");
        this.clock = new ReplayClock(run);
    }

    /** Declares a split before it receives records: its watermark holds the global one back. */
    public PipelineTestDriver<OUT> split(String split) {
        processor(split);
        pending.computeIfAbsent(split, s -> new ArrayList<>());
        return this;
    }

    /** Queues {@code record} (serialized as one JSON line) on {@code split}. */
    public PipelineTestDriver<OUT> pipe(String split, Object record) {
        try {
            return pipe(split, record instanceof String s ? s : JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + record, e);
        }
    }

    /** Queues a raw line on {@code split}. */
    public PipelineTestDriver<OUT> pipe(String split, String line) {
        split(split);
        pending.get(split).add(line);
        return this;
    }

    /** Processes each split's pending records as one batch, then fires. */
    public PipelineTestDriver<OUT> flush() {
        for (Map.Entry<String, List<String>> e : pending.entrySet()) {
            if (!e.getValue().isEmpty()) {
                long first = nextPosition.getOrDefault(e.getKey(), 1L);
                TextBatch batch = new TextBatch(List.copyOf(e.getValue()), first);
                nextPosition.put(e.getKey(), first + batch.size());
                lastBatch.put(e.getKey(), batch);
                e.getValue().clear();
                clock.process(processor(e.getKey()), batch, processors.values());
            }
        }
        return fire();
    }

    /** Processes {@code split}'s last batch again, as an event source mapping retry would. */
    public PipelineTestDriver<OUT> redeliver(String split) {
        TextBatch batch = lastBatch.get(split);
        if (batch == null) {
            throw new IllegalStateException("split [" + split + "] has no batch to redeliver");
        }
        clock.process(processor(split), batch, processors.values());
        return this;
    }

    /** Raises every split's watermark to at least {@code watermarkMillis} (as if records up to it were seen), then fires. */
    public PipelineTestDriver<OUT> advanceWatermark(long watermarkMillis) {
        flush();
        for (SplitState s : store.splits(pipeline.name())) {
            if (s.watermarkMillis() < watermarkMillis) {
                store.advanceSplit(s.withProgress(watermarkMillis, s.fence(), Math.max(clock.now(), watermarkMillis)));
            }
        }
        processors.clear();
        return fire();
    }

    /** Flushes, then ends every split (watermark +infinity): every remaining window fires. */
    public PipelineTestDriver<OUT> finish() {
        flush();
        for (String split : List.copyOf(pending.keySet())) {
            processor(split).finish(clock.now());
        }
        return fire();
    }

    /** Replaces every split's processor (empty caches), keeping the state store: a new Lambda instance. */
    public PipelineTestDriver<OUT> restart() {
        processors.clear();
        long now = clock.now();
        run = PipelineRun.stream(pipeline, store, outputs, metrics).withOwnerPrefix("test-driver");
        clock = new ReplayClock(run, now);
        return this;
    }

    /** Final results so far, sorted by window start then key, typed as the pipeline's results. */
    public List<WindowResult<OUT>> results() {
        return typed(outputs.finalResults());
    }

    /** Early (non-final) updates so far, in emission order. */
    public List<WindowResult<OUT>> earlyResults() {
        return typed(outputs.earlyResults());
    }

    /** Final results in the runtime's own form, for tests that compare them with other drivers' rows. */
    public List<ResultRow> resultRows() {
        return outputs.finalResults();
    }

    @SuppressWarnings("unchecked")   // the definition's OUT is what its aggregate returns
    private List<WindowResult<OUT>> typed(List<ResultRow> rows) {
        List<WindowResult<OUT>> results = new ArrayList<>(rows.size());
        for (ResultRow r : rows) {
            results.add(new WindowResult<>(r.windowStart(), r.windowEnd(), r.key(), (OUT) r.value(), r.isFinal()));
        }
        return results;
    }

    public List<LateRecord> lateRecords() {
        return outputs.lateRecords();
    }

    public List<RejectedRecord> rejectedRecords() {
        return outputs.rejectedRecords();
    }

    public RunMetrics metrics() {
        return metrics;
    }

    /** The current global watermark. */
    public long watermark() {
        return clock.watermark();
    }

    public StateStore store() {
        return store;
    }

    @Override
    public void close() {
        processors.clear();
        pending.clear();
    }

    private PipelineTestDriver<OUT> fire() {
        clock.advance(processors.values());
        return this;
    }

    private SplitProcessor processor(String split) {
        return processors.computeIfAbsent(split, s -> {
            SplitProcessor p = run.processor(s);
            p.state();
            return p;
        });
    }

    /** Lines with consecutive positions from {@code first}. */
    private static final class TextBatch implements RecordBatch {
        private final List<byte[]> lines = new ArrayList<>();
        private final long first;

        TextBatch(List<String> text, long first) {
            for (String line : text) {
                lines.add(line.getBytes(StandardCharsets.UTF_8));
            }
            this.first = first;
        }

        @Override
        public int size() {
            return lines.size();
        }

        @Override
        public byte[] buffer(int i) {
            return lines.get(i);
        }

        @Override
        public int offset(int i) {
            return 0;
        }

        @Override
        public int length(int i) {
            return lines.get(i).length;
        }

        @Override
        public Fence fence(int i) {
            return Fence.ofOrdinal(first + i);
        }

        @Override
        public String position(int i) {
            return "seq=" + (first + i);
        }
    }
}
