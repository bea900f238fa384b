package io.sluice.functions.runtime;

import io.sluice.functions.codec.RejectReasons;
import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStoreException;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Result rows from stored partials, for {@link WindowFirer}: merges the partials of every split and bucket, keys in
 * sorted order, and reports a row that cannot be computed to the dead letters by itself.
 */
final class WindowRows {

    private static final System.Logger LOG = System.getLogger(WindowFirer.class.getName());

    private final CompiledPipeline pipeline;
    private final Outputs outputs;
    private final RunMetrics metrics;

    WindowRows(CompiledPipeline pipeline, Outputs outputs, RunMetrics metrics) {
        this.pipeline = pipeline;
        this.outputs = outputs;
        this.metrics = metrics;
    }

    /**
     * The final rows of a fixed window from its {@code partials}. A key whose row cannot be computed (its total
     * overflows when the splits' partials merge, or the result function fails) would fail the same way on every
     * retry: it is reported to the dead letters by itself, and the window's other keys fire.
     */
    List<ResultRow> finalRows(Slot slot, List<Partial> partials) {
        Map<String, Cell> merged = new TreeMap<>();
        Map<String, RuntimeException> failed = new TreeMap<>();
        for (Partial partial : partials) {
            decodeTolerantly(partial, merged, failed);
        }
        List<ResultRow> rows = new ArrayList<>(merged.size());
        for (Cell c : merged.values()) {
            try {
                rows.add(row(c, true));
            } catch (RuntimeException deterministic) {
                failed.put(c.key, deterministic);
            }
        }
        failed.forEach((key, cause) -> cannotFire(slot, key, cause));
        return rows;
    }

    /** Reports the row of {@code key} in {@code slot} ({@link WindowFirer#SESSION_ROUND}: a session) as unfireable. */
    void cannotFire(Slot slot, String key, RuntimeException cause) {
        String window = slot.equals(WindowFirer.SESSION_ROUND) ? "sessions"
                : "window=[" + slot.start() + "," + slot.end() + ")";
        // The cause's message may quote accumulated values: its class above DEBUG, the message at DEBUG.
        LOG.log(Level.ERROR, "Window row cannot fire; reported to the dead letters, the window's other keys fire. "
                + "pipeline=[{0}] {1} cause=[{2}]", pipeline.name(), window, cause.getClass().getName());
        LOG.log(Level.DEBUG, "Window row cannot fire. pipeline=[{0}] {1} cause=[{2}]", pipeline.name(), window,
                cause.toString());
        String position = pipeline.keyed() ? window + " key=[" + key + "]" : window;
        outputs.rejected(new RejectedRecord(pipeline.name(), "firing", position, RejectReasons.WINDOW_CANNOT_FIRE,
                null));
        outputs.flush("firing");
        metrics.windowFailed();
    }

    /** Merges the cells of {@code partial} into {@code merged}. */
    void decodeInto(Partial partial, Map<String, Cell> merged) {
        for (StateEntry e : partial.entries()) {
            pipeline.windowing().merge(merged,
                    new Cell(e.key(), e.windowStart(), e.windowEnd(), pipeline.codec().decode(e.accumulator())));
        }
    }

    /** Every cell of {@code merged} (sessions chained per key) as a row. */
    List<ResultRow> rows(Map<String, Cell> merged, boolean isFinal) {
        List<ResultRow> rows = new ArrayList<>(merged.size());
        for (Cell head : merged.values()) {
            for (Cell c = head; c != null; c = c.next) {
                rows.add(row(c, isFinal));
            }
        }
        return rows;
    }

    ResultRow row(Cell c, boolean isFinal) {
        return new ResultRow(pipeline.name(), c.start, c.end, pipeline.keyed() ? c.key : null,
                pipeline.aggregate().result(c.acc), isFinal);
    }

    /** As {@link #decodeInto}, leaving out (and recording) keys whose cells cannot be merged. */
    private void decodeTolerantly(Partial partial, Map<String, Cell> merged, Map<String, RuntimeException> failed) {
        for (StateEntry e : partial.entries()) {
            if (failed.containsKey(e.key())) {
                continue;
            }
            try {
                pipeline.windowing().merge(merged,
                        new Cell(e.key(), e.windowStart(), e.windowEnd(), pipeline.codec().decode(e.accumulator())));
            } catch (StateStoreException unavailable) {
                throw unavailable;
            } catch (RuntimeException deterministic) {
                failed.put(e.key(), deterministic);
                merged.remove(e.key());
            }
        }
    }
}
