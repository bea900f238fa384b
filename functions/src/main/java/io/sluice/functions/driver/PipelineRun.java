package io.sluice.functions.driver;

import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.GlobalWatermark;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RecordBatch;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SkippedRanges;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.functions.runtime.WindowFirer;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.coordination.AttemptLog;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of a pipeline against a state store: the processors of its splits, applying a batch to a split, finishing
 * a split, and firing under one lease policy. Every driver (the Kinesis and S3 batch handlers, the local runner, the
 * test driver, the batch coordinator, the scheduled firer, the simulator) adapts its events to this object and
 * translates its errors; none builds processors or firers, or computes the global watermark, itself.
 *
 * <pre>{@code
 * PipelineRun run = PipelineRun.stream(compiled, store, outputs, metrics);
 * run.apply("shardId-000000000000", batch, now);   // decode, window, fenced partial writes, split progress
 * run.fire(now);                                   // fire every window the global watermark has passed
 * }</pre>
 *
 * <p><b>Firing protocol</b> (nothing is written into a fired window, invariant 2). A firer reads the splits and
 * computes the global watermark {@code w1}; if windows are due, it makes sure the pipeline's published watermark is
 * at least {@code w1}, reads the splits again ({@code w2}), and fires only windows final at {@code min(w1, w2)}.
 * A writer records its activity ({@link io.sluice.state.StateStore#startAttempt}) before it reads the published
 * watermark. So either the writer read a published watermark at least {@code w1} and judges records of those
 * windows late, or its activity came first and the second reading sees it (not idle, its watermark included) and
 * holds the firing back. A split registered after the first reading is covered the same way. The only cost of a
 * race is a watermark published a little ahead of what fired: records behind it go to the late output, counted.
 * A driver that just applied a batch may ask first whether the index holds any window final at that split's
 * watermark ({@link #fireIfDue}): the global watermark is at most it, so when none is, none is due and the protocol
 * does not start; when some is, it runs as above, firing only what is final at {@code min(w1, w2)}.
 *
 * <p>Thread-safe: different splits may be applied concurrently (one batch per split at a time); firing is
 * serialised.
 */
public final class PipelineRun {

    /**
     * How long a firing claim holds before another firer may take the window over. Each claim covers one window (or
     * one session round), far less than a function timeout; a firer that dies leaves it to lapse.
     */
    public static final Duration FIRING_LEASE = Duration.ofMinutes(2);

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final Outputs outputs;
    private final RunMetrics metrics;
    private final SplitProcessor.Mode mode;
    private final Map<String, SplitProcessor> processors = new ConcurrentHashMap<>();
    private final String ownerPrefix;
    private final SkippedRanges skippedRanges;
    private final AttemptLog attemptLog;
    private WindowFirer firer;

    private PipelineRun(CompiledPipeline pipeline, StateStore store, Outputs outputs, RunMetrics metrics,
                        SplitProcessor.Mode mode, String ownerPrefix, SkippedRanges skippedRanges,
                        AttemptLog attemptLog) {
        this.pipeline = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.metrics = metrics;
        this.mode = mode;
        this.ownerPrefix = ownerPrefix;
        this.skippedRanges = skippedRanges;
        this.attemptLog = attemptLog;
    }

    /** A run whose splits are streams: watermarks follow event time. */
    public static PipelineRun stream(CompiledPipeline pipeline, StateStore store, Outputs outputs, RunMetrics metrics) {
        return new PipelineRun(pipeline, store, outputs, metrics, SplitProcessor.Mode.STREAM, "stream", null, null);
    }

    /** A bounded run: each split's watermark jumps to +infinity when it finishes. */
    public static PipelineRun batch(CompiledPipeline pipeline, StateStore store, Outputs outputs, RunMetrics metrics) {
        return new PipelineRun(pipeline, store, outputs, metrics, SplitProcessor.Mode.BATCH, "batch", null, null);
    }

    /**
     * A copy whose firing claims carry {@code prefix} followed by a random id (made on first firing: with SnapStart,
     * restored instances share the constructor's state, and two firers must never share an owner).
     */
    public PipelineRun withOwnerPrefix(String prefix) {
        return new PipelineRun(pipeline, store, outputs, metrics, mode, prefix, skippedRanges, attemptLog);
    }

    /**
     * A copy whose processors first apply the records their source skipped ({@link SplitProcessor#withSkippedRanges}):
     * the Kinesis operator reads back a batch its event source mapping gave up on.
     */
    public PipelineRun withSkippedRanges(SkippedRanges ranges) {
        return new PipelineRun(pipeline, store, outputs, metrics, mode, ownerPrefix, ranges, attemptLog);
    }

    /**
     * A copy whose processors log each attempt's range ({@link SplitProcessor#withAttemptLog}): the Kinesis operator,
     * so that the replay of on-failure records can tell a range no attempt ever started on.
     */
    public PipelineRun withAttemptLog(AttemptLog log) {
        return new PipelineRun(pipeline, store, outputs, metrics, mode, ownerPrefix, skippedRanges, log);
    }

    public CompiledPipeline pipeline() {
        return pipeline;
    }

    public StateStore store() {
        return store;
    }

    public RunMetrics metrics() {
        return metrics;
    }

    /** The split's processor, kept between batches (its cache of written items saves reads). */
    public SplitProcessor processor(String split) {
        return processors.computeIfAbsent(split, s -> new SplitProcessor(pipeline, store, s, outputs, metrics, mode)
                .withSkippedRanges(skippedRanges).withAttemptLog(attemptLog));
    }

    /**
     * The split's processor, whose late and rejected records go to {@code sideOutputs} instead of the run's outputs
     * (the local runner orders them by input line); made on first use.
     */
    public SplitProcessor processor(String split, Outputs sideOutputs) {
        return processors.computeIfAbsent(split, s -> new SplitProcessor(pipeline, store, s, sideOutputs, metrics, mode)
                .withSkippedRanges(skippedRanges).withAttemptLog(attemptLog));
    }

    /** Registers the splits as pending before any of them runs, so none finishing lets windows fire past another. */
    public void register(Collection<String> splits) {
        for (String split : splits) {
            processor(split).state();
        }
    }

    /**
     * Applies one batch to {@code split}; see {@link SplitProcessor#process}.
     *
     * @throws io.sluice.state.StateStoreException if the state store fails; nothing of the batch is acknowledged
     */
    public void apply(String split, RecordBatch batch, long nowMillis) {
        processor(split).process(batch, nowMillis);
    }

    /** Marks {@code split} finished: its watermark becomes +infinity and stops holding firing back. */
    public void finish(String split, long nowMillis) {
        processor(split).finish(nowMillis);
    }

    /** Drops the split's processor (a retry after a failed registration starts from the store). */
    public void forget(String split) {
        processors.remove(split);
    }

    /** The global watermark now. */
    public long watermark(long nowMillis) {
        return GlobalWatermark.of(store.splits(pipeline.name()), pipeline.watermarks(), nowMillis);
    }

    /**
     * Fires every window that is final at the global watermark and no one has fired (then early updates, if the
     * trigger asks for them), under the protocol in the class comment.
     *
     * @return the global watermark (the firing may have stopped short of it in a race, see the class comment)
     */
    public long fire(long nowMillis) {
        return fire(nowMillis, true);
    }

    /**
     * As {@link #fire(long)}, and a session round runs even if the watermark has moved less than the sessions'
     * firing interval since the last round ({@link io.sluice.functions.window.SessionWindows#withFiringInterval}):
     * the scheduled firer, which runs when the stream may have gone quiet and no later batch would fire them.
     *
     * @return the global watermark
     */
    public long fireNow(long nowMillis) {
        return fire(nowMillis, false);
    }

    /**
     * As {@link #fire(long)}, for a driver that knows the global watermark is at most {@code atMost} (the splits it
     * just applied: {@link io.sluice.functions.runtime.SplitProcessor#globalWatermarkAtMost}). A window final at the
     * global watermark is then final at {@code atMost}, so when the index lists none final there, nothing can fire and
     * the splits are not read: one query instead of two, and no read of every split's state per batch (a fleet of 134
     * shards reads 134 items per batch otherwise). Most batches of a stream make no window due. A bound that is too
     * low only delays a firing to the next batch or the scheduled firer; it never fires anything that is not due.
     * Sessions and early firings fire as {@link #fire(long)} does: their rounds do not follow the index.
     *
     * @return the global watermark, or {@link Long#MIN_VALUE} when no window could be due (it was not computed)
     */
    public synchronized long fireIfDue(long nowMillis, long atMost) {
        WindowFirer firer = firer();
        if (firer.sessions() || firer.firesEarly() || atMost == Long.MAX_VALUE) {
            return fire(nowMillis, true);
        }
        List<Slot> candidates = atMost == Long.MIN_VALUE ? List.of() : firer.dueWindows(atMost);
        if (candidates.isEmpty()) {
            return Long.MIN_VALUE;
        }
        return fire(nowMillis, true, candidates, atMost);
    }

    private long fire(long nowMillis, boolean paced) {
        return fire(nowMillis, paced, null, Long.MIN_VALUE);
    }

    /** @param candidates windows {@link WindowFirer#dueWindows} listed at {@code listedAt}, or null to list them */
    private synchronized long fire(long nowMillis, boolean paced, List<Slot> candidates, long listedAt) {
        List<SplitState> splits = store.splits(pipeline.name());
        long first = GlobalWatermark.of(splits, pipeline.watermarks(), nowMillis);
        long watermark = Long.MIN_VALUE;
        List<Slot> due = first == Long.MIN_VALUE ? List.of()
                : candidates != null && first <= listedAt ? firer().finalAt(candidates, first)
                : firer().dueWindows(first);
        if (first != Long.MIN_VALUE && (firer().sessions() || !due.isEmpty())) {
            if (store.publishedWatermark(pipeline.name()) < first) {
                store.publishWatermark(pipeline.name(), first);
            }
            watermark = Math.min(first, watermark(nowMillis));
        }
        firer().fire(watermark, due, nowMillis, paced);
        return first;
    }

    private WindowFirer firer() {
        if (firer == null) {
            firer = new WindowFirer(pipeline, store, outputs, metrics, ownerPrefix + "-" + UUID.randomUUID(),
                    FIRING_LEASE.toMillis());
        }
        return firer;
    }
}
