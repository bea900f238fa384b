package io.sluice.functions.driver;

import io.sluice.functions.runtime.RecordBatch;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.state.SplitState;

import java.util.Collection;

/**
 * Processing time replayed from event time, for drivers that replay a recording (the local stream driver, the test
 * driver, the simulator): "now" is the highest event time seen (a split's watermark plus the disorder bound). Until
 * the first batch sets it, the clock is unknown; once it is known every split counts as active from then, so
 * idleness is measured from the start of the replay. After each batch the run fires what the global watermark
 * passed.
 *
 * <p>Thread-safe for drivers that run each split on its own thread (one batch of a split at a time): a batch is
 * processed at the time of its start, outside the clock's lock; advancing and firing are serialised.
 */
public final class ReplayClock {

    private final PipelineRun run;
    private long now = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;

    public ReplayClock(PipelineRun run) {
        this(run, Long.MIN_VALUE);
    }

    /** A clock that continues a replay at {@code nowMillis} (a new instance of a driver, after a restart). */
    public ReplayClock(PipelineRun run, long nowMillis) {
        this.run = run;
        this.now = nowMillis;
    }

    /** Replayed processing time; {@link Long#MIN_VALUE} until the first batch. */
    public synchronized long now() {
        return now;
    }

    /** The highest global watermark seen at an {@link #advance}. */
    public synchronized long watermark() {
        return watermark;
    }

    /**
     * Processes {@code batch} on {@code split} at the current time; the split was active at the time its records
     * bring; then {@link #advance}s.
     */
    public void process(SplitProcessor split, RecordBatch batch, Collection<SplitProcessor> allSplits) {
        long startNow;
        synchronized (this) {
            startNow = now;
        }
        split.process(batch, startNow);
        synchronized (this) {
            if (advanceNow(allSplits) && idleness()) {
                split.touch(now);
            }
            fire();
        }
    }

    /** Moves "now" to the highest event time seen and fires what the global watermark passed. */
    public synchronized void advance(Collection<SplitProcessor> allSplits) {
        advanceNow(allSplits);
        fire();
    }

    private boolean idleness() {
        return run.pipeline().watermarks().idleness().isPresent();
    }

    /** Returns whether the clock is known. */
    private boolean advanceNow(Collection<SplitProcessor> allSplits) {
        boolean clockUnknown = now == Long.MIN_VALUE;
        long disorder = run.pipeline().watermarks().maxDisorder().toMillis();
        for (SplitState s : run.store().splits(run.pipeline().name())) {
            long w = s.watermarkMillis();
            if (w != Long.MIN_VALUE && w != Long.MAX_VALUE) {
                long candidate = w + disorder;
                now = Math.max(now, candidate < w ? Long.MAX_VALUE : candidate);
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
        watermark = Math.max(watermark, run.fire(now));
    }
}
