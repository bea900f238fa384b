package io.sluice.functions.runtime;

import io.sluice.functions.codec.MalformedRecordException;
import io.sluice.functions.codec.RecordDecoder;
import io.sluice.functions.codec.RejectReasons;
import io.sluice.functions.exception.AggregationException;
import io.sluice.functions.api.KeySelector;
import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import io.sluice.state.coordination.AttemptLog;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * Processes the batches of one source split, in order: decode, steps, windows, in-memory combine, fenced partial
 * writes, then the split's watermark and fence. One instance per split and invocation context (a Lambda instance
 * keeps it between invocations of the same shard, so its cached partials save reads). Not thread-safe: a split
 * is processed by one invocation at a time.
 *
 * <pre>{@code
 * var processor = new SplitProcessor(compiled, store, "shardId-000000000001", outputs, metrics, Mode.STREAM);
 * processor.process(batch, now);   // drivers go through io.sluice.functions.driver.PipelineRun
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
    private long minAcceptedTimestamp = Long.MIN_VALUE;
    private long maxAcceptedTimestamp = Long.MAX_VALUE;
    /** Records in {@code (fence, deferLateThrough]} judged late may have been applied by a failed attempt. */
    private Fence deferLateThrough = Fence.NONE;
    private final List<Deferred> deferred = new ArrayList<>();
    /** Session records behind the watermark in this attempt's first pass, judged by the session they would join. */
    private final List<SessionRescue.Candidate> candidates = new ArrayList<>();
    /** Candidates that count (decided once per attempt, reused by every pass over the batch). */
    private Set<Integer> rescued = Set.of();
    private final String rescueOwner = "rescue-" + UUID.randomUUID();
    private final SessionDecisions decisions;
    /**
     * Side records of the first pass after its first candidate, held until the candidates are judged so that a split's
     * late and rejected records still come out in record order (the local runner's spools rely on it).
     */
    private List<Held> held;

    private record Held(int index, LateRecord late, RejectedRecord rejected) {
    }
    private LongSupplier wallClock = System::currentTimeMillis;
    private final OverflowDecisions overflows;
    private SkippedRanges skippedRanges;
    private boolean fillingSkipped;
    private AttemptLog attemptLog;
    /** Keys in the largest slot of the last batch: the next batch's cells start that large instead of growing. */
    private int keysPerSlot;
    /** The split's key-bucket count, once an attempt has read it ({@link #keyBucketsOf}). */
    private int keyBuckets;

    /** A late record whose earlier attempt may have counted it: emitted only if its items say it was not. */
    private record Deferred(int index, long timestamp, List<PartialKey> items) {
    }

    public SplitProcessor(CompiledPipeline pipeline, StateStore store, String split, Outputs outputs,
                          RunMetrics metrics, Mode mode) {
        this.pipeline = pipeline;
        this.store = store;
        this.split = split;
        this.outputs = outputs;
        this.metrics = metrics;
        this.mode = mode;
        this.writer = new PartialWriter(pipeline, store, split, metrics);
        this.overflows = new OverflowDecisions(pipeline, store, split);
        this.decisions = new SessionDecisions(pipeline, store, split);
        this.decoder = pipeline.decoder();
        this.keySelector = pipeline.keyed() ? pipeline.keySelector() : null;
        this.windowing = pipeline.windowing();
        this.chain = pipeline.chain(this::window, ts -> {
            if (ts < minAcceptedTimestamp) {
                throw new RecordRejectedException(RejectReasons.TIMESTAMP_TOO_EARLY);
            }
            if (ts > maxAcceptedTimestamp) {
                throw new RecordRejectedException(RejectReasons.timestampAhead(pipeline.watermarks().maxAheadMillis()));
            }
            if (ts > maxTimestamp) {
                maxTimestamp = ts;
            }
        });
    }

    /** The split's progress as last seen by this processor: read from the store on first use, registered if new. */
    public SplitState state() {
        if (state == null) {
            SplitState fresh = SplitState.pending(pipeline.name(), split, 0, List.of());
            state = store.createSplit(fresh) ? fresh : store.readSplit(pipeline.name(), split)
                    .orElseThrow(() -> new StateStoreException("split [" + split + "] vanished after registration"));
        }
        return state;
    }

    /** Uses {@code clock} instead of the system clock for the timestamp range (simulations, tests). */
    public SplitProcessor withWallClock(LongSupplier clock) {
        this.wallClock = clock;
        return this;
    }

    /** Applies the records {@code ranges} returns before a batch that starts past an unfinished attempt. */
    public SplitProcessor withSkippedRanges(SkippedRanges ranges) {
        this.skippedRanges = ranges;
        return this;
    }

    /**
     * Logs each attempt's range in {@code log} after its {@link StateStore#startAttempt} and before any write, so a
     * record outside every logged range was never applied (the Kinesis operator; the replay of on-failure records
     * relies on it).
     */
    public SplitProcessor withAttemptLog(AttemptLog log) {
        this.attemptLog = log;
        return this;
    }

    public String split() {
        return split;
    }

    /**
     * Applies one batch: records at or before the split's stored fence are skipped as replays; the rest are judged
     * late against {@link #lateWatermark}, combined and written with fences; then the split's progress advances.
     *
     * <p>Order matters for exactly-once. {@link StateStore#startAttempt} is written first (the split is active and
     * an attempt up to the batch's last record has started), then the published watermark is read: a firer that
     * publishes after that read sees this split active when it reads the splits again and fires nothing this
     * split can still write into; one that published before is seen here, and records for its windows are late.
     *
     * @param nowMillis processing time, for idleness
     * @throws io.sluice.state.StateStoreException if the state store fails; nothing of the batch is acknowledged
     */
    public void process(RecordBatch records, long nowMillis) {
        int n = records.size();
        if (n == 0) {
            return;
        }
        Fence last = records.fence(n - 1);
        SplitState before = store.startAttempt(pipeline.name(), split, last, nowMillis,
                pipeline.definition().keyBuckets());
        state = before;
        keyBuckets = keyBucketsOf(before);
        // Logged before the batch writes anything; the put overlaps the reads below (joined before the first write).
        CompletableFuture<Void> logged = attemptLog == null ? null
                : attemptLog.recordAsync(pipeline.name(), split, new AttemptLog.Range(records.fence(0), last,
                        before.fence()), before.attemptFence());
        if (skippedRanges != null && !fillingSkipped && before.hasUnfinishedAttempt()
                && records.fence(0).isAfter(before.fence())) {
            before = applySkipped(before, records.fence(0), nowMillis);
        }
        int from = firstAfter(records, before.fence());
        metrics.recordIn(n);
        metrics.replayed(from);
        if (from == n) {
            join(logged);
            return;
        }
        long lateWatermark = lateWatermark(before);
        join(logged);
        long wall = wallClock.getAsLong();
        minAcceptedTimestamp = pipeline.watermarks().notBeforeMillis();
        maxAcceptedTimestamp = Windowing.saturatingAdd(wall, pipeline.watermarks().maxAheadMillis());
        deferLateThrough = before.hasUnfinishedAttempt() ? before.attemptFence() : Fence.NONE;
        overflows.reset();
        maxTimestamp = Long.MIN_VALUE;
        // Fresh per attempt: an attempt that failed after its first pass (a throttled read or write) leaves them
        // behind, and their indexes point into its batch, not this one (simulator, seed 4).
        candidates.clear();
        deferred.clear();
        rescued = Set.of();
        held = null;
        Accumulators cells = apply(records, from, lateWatermark, true);
        long observedMax = maxTimestamp;
        boolean claimed = !candidates.isEmpty() && claimRound(nowMillis);
        try {
            if (windowing.isSession() && mode == Mode.STREAM && (!candidates.isEmpty() || !deferred.isEmpty())) {
                cells = judgeCandidates(records, from, lateWatermark, last, cells, claimed);
            }
            emitDeferredLate(records);
            if (overflows.loadFirstPassOverflows(keyBuckets)) {
                cells = decideOverflows(records, from, lateWatermark);
            }
            while (true) {
                // The batch's late and rejected records are durable before any of its partials: a failed send fails
                // the batch with nothing stored, and the retry emits them again (same ids and keys: overwritten).
                outputs.flush(split);
                try {
                    writer.write(cells, keyBuckets, before.fence(), last,
                            after -> apply(records, firstAfter(records, after), lateWatermark, false));
                    break;
                } catch (PartialWriter.MergeOverflowException e) {
                    // The batch's records of this key would overflow the stored total: they are decided one by one and
                    // the batch is combined again without the refused ones (never a whole batch retried forever).
                    overflows.overflowedOnWrite(e);
                    cells = decideOverflows(records, from, lateWatermark);
                }
            }
            // A part of a failed attempt's range (the first half of a bisected retry) holds the watermark where it
            // was: that attempt may have written some of the range's records into some of their items (a sliding
            // record into some of its windows, a session into another pane), and no window it touched may fire, nor
            // any of the range's records turn late, until the whole range is applied again (simulator, seed 17729).
            boolean completesAttempts = !before.attemptFence().isAfter(last);
            long newWatermark = mode == Mode.BATCH || !completesAttempts ? Long.MIN_VALUE
                    : pipeline.watermarks().watermarkFor(observedMax);
            state = store.advanceSplit(before.withProgress(newWatermark, last, nowMillis));
        } finally {
            if (claimed) {
                store.releaseFiring(pipeline.name(), WindowFirer.SESSION_ROUND, rescueOwner);
            }
        }
        if (mode == Mode.STREAM) {
            writer.evictThrough(windowing.isSession() ? Long.MIN_VALUE : windowing.maxFinalEnd(lateWatermark));
        }
    }

    /**
     * The count the split's partials are written with: the one its first attempt recorded, whatever this instance's
     * pipeline declares, so a retry after a redeploy that changed {@code keyBuckets} writes each key into the item the
     * failed attempt may have written it to (a changed count applies to splits started after it). Said once per
     * split and instance when it differs.
     */
    private int keyBucketsOf(SplitState before) {
        int declared = pipeline.definition().keyBuckets();
        int count = before.keyBucketsOr(declared);
        if (count != declared && keyBuckets != count) {
            LOG.log(Level.INFO, "Split keeps the key-bucket count it started with; the pipeline's applies to splits "
                    + "started after it (new shards after a reshard, a new job's tasks). pipeline=[{0}] split=[{1}] "
                    + "keyBuckets=[{2}] declared=[{3}]", pipeline.name(), split, count, declared);
        }
        return count;
    }

    /** Waits for the attempt's log entry: the attempt writes nothing unless it is logged. */
    private static void join(CompletableFuture<Void> logged) {
        if (logged == null) {
            return;
        }
        try {
            logged.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Takes the session round claim, so that no firing round reads fragments between this batch's judgement of its
     * candidates and its write (package docs). Not waited for: held by a round, or by a crashed one until its lease
     * lapses, the candidates are late.
     */
    private boolean claimRound(long nowMillis) {
        return store.claimFiring(pipeline.name(), WindowFirer.SESSION_ROUND, rescueOwner, nowMillis,
                SessionRescue.CLAIM_LEASE_MILLIS);
    }

    /**
     * Judges the first pass's candidates by the session each would join (under the claim, against the published
     * watermark read again, which covers every round that fired before it), sends the others to the late output and
     * combines the batch again with the rescued ones.
     */
    private Accumulators judgeCandidates(RecordBatch records, int from, long lateWatermark, Fence last,
                                         Accumulators cells, boolean claimed) {
        Set<Integer> judged = Set.of();
        if (claimed && !candidates.isEmpty()) {
            long judgedAt = Math.max(lateWatermark, store.publishedWatermark(pipeline.name()));
            judged = new SessionRescue(pipeline, store, cells).judge(candidates, judgedAt);
        }
        rescued = decide(records, last, judged);
        deferred.removeIf(d -> rescued.contains(d.index()));   // counted by the attempt that decided them
        this.batch = records;
        this.watermark = lateWatermark;
        for (SessionRescue.Candidate c : candidates) {
            if (!rescued.contains(c.index())) {
                index = c.index();
                emitLate(c.timestamp());
            }
        }
        this.batch = null;
        List<Held> inOrder = held == null ? new ArrayList<>() : held;
        held = null;
        inOrder.sort(Comparator.comparingInt(Held::index));   // stable: a record's own order is kept
        for (Held h : inOrder) {
            if (h.late() != null) {
                outputs.late(h.late());
            } else {
                outputs.rejected(h.rejected());
            }
        }
        return rescued.isEmpty() ? cells : apply(records, from, lateWatermark, false);
    }

    /**
     * The batch's session records behind the watermark that count: those an earlier or overlapping attempt decided
     * follow its decision (a retry's deferred records included); the others follow this attempt's judgement, stored
     * first ({@link SessionDecisions}).
     */
    private Set<Integer> decide(RecordBatch records, Fence last, Set<Integer> judged) {
        for (int attempt = 1; attempt <= 8; attempt++) {
            SessionDecisions.Decided seen = decisions.read();
            Set<Integer> counted = new HashSet<>();
            Set<Fence> countedFences = new HashSet<>();
            for (Deferred d : deferred) {
                Fence f = records.fence(d.index());
                if (seen.covers(f) && seen.rescued().contains(f)) {
                    counted.add(d.index());
                    countedFences.add(f);
                }
            }
            for (SessionRescue.Candidate c : candidates) {
                Fence f = records.fence(c.index());
                if (seen.covers(f) ? seen.rescued().contains(f) : judged.contains(c.index())) {
                    counted.add(c.index());
                    countedFences.add(f);
                }
            }
            if (seen.covers(last) || decisions.store(seen, last, countedFences)) {
                return counted;
            }
        }
        throw new StateStoreException("session decisions of split [" + split + "] kept changing: is another "
                + "invocation processing the same split? (ParallelizationFactor must be 1)");
    }

    /**
     * Applies the records a source skipped (batches the event source mapping gave up on) as if they were the retried
     * batch, one batch at a time: the same fenced path, so what the failed attempt wrote is skipped item by item. The watermark stays
     * (the attempt fence is past them) until the batch after them completes the attempt.
     *
     * @return the split's state before the batch, now past the skipped records
     */
    private SplitState applySkipped(SplitState before, Fence first, long nowMillis) {
        SplitState at = before;
        // One batch at a time: each one's fence is stored, so an invocation that times out resumes after it.
        for (RecordBatch skipped = skippedRanges.skippedBefore(split, at, first); skipped.size() > 0;
                skipped = skippedRanges.skippedBefore(split, at, first)) {
            fillingSkipped = true;
            try {
                process(skipped, nowMillis);
            } finally {
                fillingSkipped = false;
            }
            metrics.batchRecovered();
            at = state;
            if (!at.hasUnfinishedAttempt() || !first.isAfter(at.fence())) {
                break;
            }
        }
        return at;
    }

    /**
     * What a batch's records are judged late against: the pipeline's published watermark (every window a firer may
     * have fired is at or before it) or, in stream mode, the split's own stored watermark where that is higher. Both
     * only rise, so a retry judges each record at least as late as the failed attempt did; a record that attempt
     * counted is recognised by its item's fence ({@link #emitDeferredLate}), never also sent to the late output. A
     * record is therefore late once its own split's watermark has passed its window's end plus the allowed lateness,
     * even while another split holds the global watermark back. Batch tasks are judged against the published
     * watermark alone: it stays at the minimum until the job fires.
     */
    private long lateWatermark(SplitState split) {
        long published = store.publishedWatermark(pipeline.name());
        if (mode == Mode.BATCH || split.status() == SplitStatus.FINISHED) {
            return published;
        }
        return Math.max(published, split.watermarkMillis());
    }

    /**
     * Late records that an earlier, failed attempt may have applied: one read of their items; a record whose item
     * holds a fence at or past it was counted (or sent to the late output) by that attempt and is skipped.
     */
    private void emitDeferredLate(RecordBatch records) {
        if (deferred.isEmpty()) {
            return;
        }
        Set<PartialKey> keys = new HashSet<>();
        deferred.forEach(d -> keys.addAll(d.items()));
        Map<PartialKey, Partial> items = store.readPartials(keys);
        this.batch = records;
        for (Deferred d : deferred) {
            Fence fence = records.fence(d.index());
            if (d.items().stream().map(items::get)
                    .anyMatch(item -> item != null && item.fence().compareTo(fence) >= 0)) {
                metrics.replayed(1);
                continue;
            }
            index = d.index();
            emitLate(d.timestamp());
        }
        this.batch = null;
        deferred.clear();
    }

    /**
     * An upper bound of the global watermark right after this processor's last batch, for a driver that fires after
     * it at the same processing time ({@link io.sluice.functions.driver.PipelineRun#fireIfDue}): the batch made the
     * split active, so it counts in the global minimum ({@link GlobalWatermark}), which is then at most the split's
     * watermark as stored (an overlapping attempt may have raised it). {@link Long#MAX_VALUE} (no bound) before any
     * batch and for a finished split, which counts as +infinity.
     */
    public long globalWatermarkAtMost() {
        if (state == null || state.status() == SplitStatus.FINISHED) {
            return Long.MAX_VALUE;
        }
        return state.watermarkMillis();
    }

    /** Records that the split was active at {@code nowMillis} without records (a driver whose clock just started). */
    public void touch(long nowMillis) {
        state = store.advanceSplit(SplitState.pending(pipeline.name(), split, nowMillis, List.of()));
    }

    /** Marks the split finished: its watermark becomes +infinity (end of a batch task, or a drained closed shard). */
    public void finish(long nowMillis) {
        state = store.advanceSplit(SplitState.pending(pipeline.name(), split, nowMillis, List.of()).finished(Fence.NONE));
    }

    /** Runs records {@code [from, n)} through the chain into fresh cells. */
    private Accumulators apply(RecordBatch records, int from, long lateWatermark, boolean withSideEffects) {
        Accumulators cells = new Accumulators(keysPerSlot);
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
                reject(RejectReasons.overSize(max), false);
                continue;
            }
            if (RecordDecoder.isBlank(records.buffer(i), records.offset(i), length)) {
                if (sideEffects) {
                    metrics.blankOne();   // not a record: skipped and counted, never a dead letter
                }
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
            } catch (RecordRejectedException e) {
                reject(e.getMessage(), true);
            } catch (AggregationException e) {
                throw e;
            } catch (RuntimeException e) {
                // The step's message may quote the record: only at DEBUG.
                LOG.log(Level.DEBUG, "Pipeline step failed. split=[{0}] {1} cause=[{2}]", split,
                        records.position(i), e.toString());
                reject(RejectReasons.STEP_FAILED, true);
            }
        }
        if (sequence != null) {
            sequence.close();
        }
        this.batch = null;
        this.into = null;
        keysPerSlot = cells.largestSlot();
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
                throw new RecordRejectedException(RejectReasons.KEY_IS_NULL);
            }
            key = k instanceof String s ? s : String.valueOf(k);
        }
        if (!sideEffects && overflows.refused(index)) {
            return;   // refused for an overflow: no later pass of the batch counts it
        }
        if (overflows.deciding() && decideOverflow(key, value, timestamp)) {
            return;
        }
        boolean added;
        boolean rescuedNow = rescued.contains(index);
        try {
            added = windowing.add(into, key, value, timestamp, rescuedNow ? Long.MIN_VALUE : watermark);
        } catch (ArithmeticException e) {
            long[] w = windowing.windowOf(timestamp);
            if (sideEffects || rescuedNow) {
                // A rescued record is combined only from the second pass on: its overflow is decided as a first
                // pass's would be.
                // Not decided here (OverflowDecisions): which record of a (window, key) overflows must not depend on
                // how the records were cut into batches.
                overflows.overflowedOnFirstPass(itemsOf(key, value, timestamp), key);
                return;
            }
            // Exact sums never wrap around; the key is a record value, so the reason names only the window.
            throw new RecordRejectedException(RejectReasons.aggregateOverflow(w[0], w[1]));
        }
        if (!added && sideEffects) {
            if (deferLateThrough != Fence.NONE && !batch.fence(index).isAfter(deferLateThrough)) {
                // Possibly judged by a failed attempt: by the watermark rule alone, never rescued (package docs).
                deferred.add(new Deferred(index, timestamp, itemsOf(key, value, timestamp)));
            } else if (windowing.isSession() && mode == Mode.STREAM) {
                candidates.add(new SessionRescue.Candidate(index, key, timestamp));
                if (held == null) {
                    held = new ArrayList<>();
                }
            } else {
                emitLate(timestamp);
            }
        }
    }

    /**
     * The items an earlier attempt may have written the record into: one per window for tumbling and sliding windows
     * (every window of a sliding record, not only its last), the pane of its timestamp for sessions.
     */
    private List<PartialKey> itemsOf(String key, Object value, long timestamp) {
        Accumulators scratch = new Accumulators();
        try {
            windowing.add(scratch, key, value, timestamp, Long.MIN_VALUE);
        } catch (ArithmeticException e) {
            return List.of();
        }
        List<PartialKey> keys = new ArrayList<>();
        for (Cell cell : scratch.cells()) {
            keys.add(new PartialKey(pipeline.name(), windowing.slotOf(cell), split,
                    CompiledPipeline.bucketOf(key, keyBuckets)));
        }
        return keys;
    }

    /** Combines the batch again, deciding the records of every overflowing (slot, key) one by one. */
    private Accumulators decideOverflows(RecordBatch records, int from, long lateWatermark) {
        overflows.startDeciding();
        try {
            return apply(records, from, lateWatermark, false);
        } finally {
            overflows.stopDeciding();
        }
    }

    /** @return true if the record is left out of this pass (refused now, refused before, or stored already) */
    private boolean decideOverflow(String key, Object value, long timestamp) {
        try {
            if (!windowing.add(new Accumulators(), key, value, timestamp,
                    rescued.contains(index) ? Long.MIN_VALUE : watermark)) {
                return false;   // late: the first pass sent it to the late output
            }
        } catch (ArithmeticException alone) {
            // a record that overflows by itself is decided like any other
        }
        switch (overflows.decide(index, batch.fence(index), key, value, itemsOf(key, value, timestamp))) {
            case ADD:
                return false;
            case REFUSE:
                long[] w = windowing.windowOf(timestamp);
                emitReject(RejectReasons.aggregateOverflow(w[0], w[1]), true);   // with the stored total
                return true;
            default:
                return true;
        }
    }

    private void emitLate(long timestamp) {
        long[] w = windowing.windowOf(timestamp);
        String position = batch.position(index);
        metrics.lateOne();
        if (++lateCount <= LOG_EACH_UP_TO || lateCount % 1_000 == 0) {
            LOG.log(Level.WARNING, "Late record to side output. pipeline=[{0}] split=[{1}] {2} ts=[{3}] window=[{4},{5}) "
                    + "watermark=[{6}] lateCount=[{7}]", pipeline.name(), split, position, Long.toString(timestamp),
                    Long.toString(w[0]), Long.toString(w[1]), Long.toString(watermark), Long.toString(lateCount));
        }
        LateRecord late = new LateRecord(pipeline.name(), split, position, timestamp, w[0], w[1], watermark, text(true));
        if (held != null) {
            held.add(new Held(index, late, null));
        } else {
            outputs.late(late);
        }
    }

    private void reject(String reason, boolean keepRecord) {
        if (sideEffects) {
            emitReject(reason, keepRecord);
        }
    }

    private void emitReject(String reason, boolean keepRecord) {
        String position = batch.position(index);
        String safeReason = wellFormed(reason);
        metrics.rejectedOne();
        if (++rejectCount <= LOG_EACH_UP_TO || rejectCount % 1_000 == 0) {
            // Reasons are RejectReasons' fixed vocabulary (field names, never values): safe to log.
            LOG.log(Level.WARNING, "Rejected record to dead-letter output. pipeline=[{0}] split=[{1}] {2} reason=[{3}] "
                    + "rejectCount=[{4}]", pipeline.name(), split, position, safeReason, Long.toString(rejectCount));
        }
        RejectedRecord rejected = new RejectedRecord(pipeline.name(), split, position, safeReason, text(keepRecord));
        if (held != null) {
            held.add(new Held(index, null, rejected));
        } else {
            outputs.rejected(rejected);
        }
    }

    /**
     * {@code text} with every unpaired surrogate replaced by U+FFFD: a parser's message may echo one (bytes such as
     * {@code ED B1 99}), and no UTF-8 writer downstream could encode it.
     */
    static String wellFormed(String text) {
        StringBuilder out = null;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
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
