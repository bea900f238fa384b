package io.sluice.functions.runtime;

import io.sluice.functions.codec.MalformedRecordException;
import io.sluice.functions.codec.RecordDecoder;
import io.sluice.functions.exception.AggregationException;
import io.sluice.functions.api.KeySelector;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Processes the batches of one source split, in order: decode, steps, windows, in-memory combine, fenced partial
 * writes, then the split's watermark and fence. One instance per split and invocation context (a Lambda instance
 * keeps it between invocations of the same shard, so its cached partials save reads). Not thread-safe: a split
 * is processed by one invocation at a time.
 *
 * <pre>{@code
 * var processor = new SplitProcessor(compiled, store, "shardId-000000000001", outputs, metrics, Mode.STREAM);
 * processor.process(batch, GlobalWatermark.of(store.splits(name), idleness, now), now);
 * }</pre>
 */
public final class SplitProcessor {

    private static final System.Logger LOG = System.getLogger(SplitProcessor.class.getName());
    /** Late and rejected records are logged individually up to this many per split, then every 1,000th. */
    private static final int LOG_EACH_UP_TO = 10;

    /** How the split's watermark moves. */
    public enum Mode {
        /** Watermark follows event time: max timestamp seen − disorder. */
        STREAM,
        /** Bounded: the watermark stays at the minimum while the split runs and jumps to +infinity when finished. */
        BATCH
    }

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final String split;
    private final Outputs outputs;
    private final RunMetrics metrics;
    private final Mode mode;
    private final PartialWriter writer;
    private final RecordDecoder<?> decoder;
    private final KeySelector<Object, Object> keySelector;
    private final Windowing windowing;
    private final CompiledPipeline.Downstream chain;
    private SplitState state;

    // Per pass: the batch being applied and where its cells go.
    private RecordBatch batch;
    private int index;
    private Accumulators into;
    private long watermark;
    private boolean sideEffects;
    private long maxTimestamp;
    private long lateCount;
    private long rejectCount;

    public SplitProcessor(CompiledPipeline pipeline, StateStore store, String split, Outputs outputs,
                          RunMetrics metrics, Mode mode) {
        this.pipeline = pipeline;
        this.store = store;
        this.split = split;
        this.outputs = outputs;
        this.metrics = metrics;
        this.mode = mode;
        this.writer = new PartialWriter(pipeline, store, split, metrics);
        this.decoder = pipeline.decoder();
        this.keySelector = pipeline.keyed() ? pipeline.keySelector() : null;
        this.windowing = pipeline.windowing();
        this.chain = pipeline.chain(this::window, ts -> {
            if (ts > maxTimestamp) {
                maxTimestamp = ts;
            }
        });
    }

    /** The split's progress: read from the store on first use, registered as pending if new. */
    public SplitState state() {
        if (state == null) {
            state = reload();
        }
        return state;
    }

    /**
     * The split's progress as stored now. Lambda does not pin a shard to one instance: another instance may have
     * moved the split on since this one last saw it, so every invocation starts from the stored state (one read),
     * never from a cached copy that would replay acknowledged records and write an old watermark back.
     */
    private SplitState reload() {
        state = store.readSplit(pipeline.name(), split).orElseGet(() -> {
            SplitState fresh = SplitState.pending(pipeline.name(), split, 0, List.of());
            store.putSplit(fresh);
            return fresh;
        });
        return state;
    }

    public String split() {
        return split;
    }

    /**
     * Applies one batch. Records at or before the split's stored fence are skipped as replays.
     *
     * @param globalWatermark the global watermark when the batch starts: records whose windows it has passed are
     *                        late
     * @param nowMillis       processing time, for idleness
     * @throws AggregationException             if an aggregate overflows
     * @throws io.sluice.state.StateStoreException if the state store fails; nothing of the batch is acknowledged
     */
    public void process(RecordBatch records, long globalWatermark, long nowMillis) {
        int n = records.size();
        if (n == 0) {
            return;
        }
        SplitState current = reload();
        int from = firstAfter(records, current.fence());
        metrics.recordIn(n);
        metrics.replayed(from);
        if (from == n) {
            return;
        }
        long watermarkAtStart = mode == Mode.BATCH ? Long.MIN_VALUE : lateWatermark(globalWatermark, current);
        maxTimestamp = Long.MIN_VALUE;
        Accumulators cells = apply(records, from, watermarkAtStart, true);
        long observedMax = maxTimestamp;
        Fence last = records.fence(n - 1);
        writer.write(cells, current.fence(), last,
                after -> apply(records, firstAfter(records, after), watermarkAtStart, false));
        long newWatermark = mode == Mode.BATCH ? Long.MIN_VALUE : pipeline.watermarks().watermarkFor(observedMax);
        state = current.withProgress(newWatermark, last, nowMillis);
        store.putSplit(state);
        if (mode == Mode.STREAM) {
            writer.evictThrough(windowing.isSession() ? Long.MIN_VALUE : windowing.maxFinalEnd(globalWatermark));
        }
    }

    /**
     * What a stream batch's records are judged late against: the global watermark, or the split's own stored
     * watermark where that is higher. Until this batch is recorded the split's watermark holds the global one back,
     * so no window the split has not passed can fire meanwhile, and nothing judged on time is written too late. And
     * it is the same on every attempt of the batch: a retry judges each record as the failed attempt did, so a record
     * that attempt wrote into a window that fired before the retry is never also sent to the late output. A record
     * is therefore late once its own split's watermark has passed its window's end plus the allowed lateness, even
     * while another split holds the global watermark back.
     */
    private static long lateWatermark(long globalWatermark, SplitState split) {
        return split.status() == SplitStatus.FINISHED ? globalWatermark : Math.max(globalWatermark, split.watermarkMillis());
    }

    /** Records that the split was active at {@code nowMillis} without records (a driver whose clock just started). */
    public void touch(long nowMillis) {
        state = reload().withActivity(nowMillis);
        store.putSplit(state);
    }

    /** Marks the split finished: its watermark becomes +infinity (end of a batch task, or a drained closed shard). */
    public void finish(long nowMillis) {
        SplitState current = reload();
        state = current.finished(current.fence());
        store.putSplit(state);
    }

    /** Runs records {@code [from, n)} through the chain into fresh cells. */
    private Accumulators apply(RecordBatch records, int from, long lateWatermark, boolean withSideEffects) {
        Accumulators cells = new Accumulators();
        this.batch = records;
        this.into = cells;
        this.watermark = lateWatermark;
        this.sideEffects = withSideEffects;
        int max = pipeline.maxRecordBytes();
        int contiguousEnd = records.size() > 0 ? records.contiguousEnd() : -1;
        RecordDecoder.Sequence<?> sequence = contiguousEnd >= 0 ? decoder.sequence(records.buffer(0), contiguousEnd) : null;
        for (int i = from, n = records.size(); i < n; i++) {
            index = i;
            int length = records.length(i);
            if (records.oversized(i) || length > max) {
                reject("record exceeds " + max + " bytes (" + length + " bytes)", false);
                continue;
            }
            Object value;
            try {
                value = sequence != null ? sequence.next(records.offset(i), length)
                        : decoder.decode(records.buffer(i), records.offset(i), length);
            } catch (MalformedRecordException e) {
                reject(e.getMessage(), true);
                continue;
            }
            if (value == null) {
                if (sideEffects) {
                    metrics.headerOne();   // a CSV header line: not data, not an error
                }
                continue;
            }
            try {
                chain.accept(value, Long.MIN_VALUE);
            } catch (AggregationException e) {
                throw e;
            } catch (RuntimeException e) {
                reject("pipeline step failed: " + e, true);
            }
        }
        if (sequence != null) {
            sequence.close();
        }
        this.batch = null;
        this.into = null;
        return cells;
    }

    /** Terminal of the chain: key, windows, lateness. */
    private void window(Object value, long timestamp) {
        String key;
        if (keySelector == null) {
            key = "";
        } else {
            Object k = keySelector.key(value);
            if (k == null) {
                throw new IllegalArgumentException("key selector returned null");
            }
            key = k instanceof String s ? s : String.valueOf(k);
        }
        boolean added;
        try {
            added = windowing.add(into, key, value, timestamp, watermark);
        } catch (ArithmeticException e) {
            long[] w = windowing.windowOf(timestamp);
            throw new AggregationException("Aggregate overflow in pipeline [" + pipeline.name() + "] key [" + key
                    + "] window [" + w[0] + "," + w[1] + ") split [" + split + "] at " + batch.position(index)
                    + ": " + e.getMessage() + " (exact sums never wrap around)", e);
        }
        if (!added && sideEffects) {
            late(timestamp);
        }
    }

    private void late(long timestamp) {
        long[] w = windowing.windowOf(timestamp);
        String position = batch.position(index);
        metrics.lateOne();
        if (++lateCount <= LOG_EACH_UP_TO || lateCount % 1_000 == 0) {
            LOG.log(Level.WARNING, "Late record to side output. pipeline=[{0}] split=[{1}] {2} ts=[{3}] window=[{4},{5}) "
                    + "watermark=[{6}] lateCount=[{7}]", pipeline.name(), split, position, Long.toString(timestamp),
                    Long.toString(w[0]), Long.toString(w[1]), Long.toString(watermark), Long.toString(lateCount));
        }
        outputs.late(new LateRecord(pipeline.name(), split, position, timestamp, w[0], w[1], watermark, text(true)));
    }

    private void reject(String reason, boolean keepRecord) {
        if (!sideEffects) {
            return;
        }
        String position = batch.position(index);
        metrics.rejectedOne();
        if (++rejectCount <= LOG_EACH_UP_TO || rejectCount % 1_000 == 0) {
            LOG.log(Level.WARNING, "Rejected record to dead-letter output. pipeline=[{0}] split=[{1}] {2} reason=[{3}] "
                    + "rejectCount=[{4}]", pipeline.name(), split, position, reason, Long.toString(rejectCount));
        }
        outputs.rejected(new RejectedRecord(pipeline.name(), split, position, reason, text(keepRecord)));
    }

    private String text(boolean keep) {
        if (!keep || batch.oversized(index)) {
            return null;
        }
        return new String(batch.buffer(index), batch.offset(index), batch.length(index), StandardCharsets.UTF_8);
    }

    /** Index of the first record strictly after {@code fence}: positions increase within a batch. */
    private static int firstAfter(RecordBatch records, Fence fence) {
        int n = records.size();
        if (Fence.NONE.equals(fence) || records.fence(0).isAfter(fence)) {
            return 0;
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (records.fence(mid).isAfter(fence)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
