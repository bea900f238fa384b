package io.sluice.functions.runtime;

import io.sluice.state.SplitState;
import io.sluice.state.StateStore;

import java.util.Collection;
import java.util.List;

/**
 * Processing time replayed from event time, for drivers that replay a recording (the local stream driver, the test
 * driver): "now" is the highest event time seen (a split's watermark plus the disorder bound). Until the first
 * batch sets it, the clock is unknown; once it is known every split counts as active from then, so idleness is
 * measured from the start of the replay. After each batch the global watermark is recomputed (never lowered) and
 * the windows it passed fire.
 *
 * <p>Thread-safe for drivers that run each split on its own thread (one batch of a split at a time): a batch is
 * processed with the time and watermark of its start, outside the clock's lock; advancing and firing are
 * serialised.
 */
public final class ReplayClock {

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final WindowFirer firer;
    private long now = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;

    public ReplayClock(CompiledPipeline pipeline, StateStore store, WindowFirer firer) {
        this.pipeline = pipeline;
        this.store = store;
        this.firer = firer;
    }

    /** Replayed processing time; {@link Long#MIN_VALUE} until the first batch. */
    public synchronized long now() {
        return now;
    }

    /** The global watermark as of the last {@link #advance}. */
    public synchronized long watermark() {
        return watermark;
    }

    /**
     * Processes {@code batch} on {@code split} at the current time and watermark; the split was active at the time
     * its records bring; then {@link #advance}s.
     */
    public void process(SplitProcessor split, RecordBatch batch, Collection<SplitProcessor> allSplits) {
        long startWatermark;
        long startNow;
        synchronized (this) {
            startWatermark = watermark;
            startNow = now;
        }
        split.process(batch, startWatermark, startNow);
        synchronized (this) {
            if (advanceNow(allSplits) && idleness()) {
                split.touch(now);
            }
            fire();
        }
    }

    /** Moves "now" to the highest event time seen, recomputes the global watermark and fires what it passed. */
    public synchronized void advance(Collection<SplitProcessor> allSplits) {
        advanceNow(allSplits);
        fire();
    }

    private boolean idleness() {
        return pipeline.watermarks().idleness().isPresent();
    }

    /** Returns whether the clock is known. */
    private boolean advanceNow(Collection<SplitProcessor> allSplits) {
        boolean clockUnknown = now == Long.MIN_VALUE;
        long disorder = pipeline.watermarks().maxDisorder().toMillis();
        for (SplitState s : store.splits(pipeline.name())) {
            long w = s.watermarkMillis();
            if (w != Long.MIN_VALUE && w != Long.MAX_VALUE) {
                now = Math.max(now, Windowing.saturatingAdd(w, disorder));
            }
        }
        if (clockUnknown && now != Long.MIN_VALUE && idleness()) {
            // Activity only matters for idleness; without it, touching splits another thread runs would race.
            for (SplitProcessor s : allSplits) {
                s.touch(now);
            }
        }
        return now != Long.MIN_VALUE;
    }

    private void fire() {
        List<SplitState> states = store.splits(pipeline.name());
        watermark = Math.max(watermark, GlobalWatermark.of(states, pipeline.watermarks().idleness(), now));
        firer.fire(watermark, now);
    }
}
