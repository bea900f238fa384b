package io.sluice.functions.runtime;

import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.lang.System.Logger.Level;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fires the windows the global watermark has passed: claims each with a lease, merges the partials of every split
 * and bucket, sends the rows to the results output and marks the window fired, so each window's final rows are
 * produced once even when several invocations race. A firer that dies after claiming leaves the claim to lapse;
 * the next firing writes the same rows again, which idempotent sinks absorb.
 *
 * <p>Session windows are fired in rounds under one pipeline-wide claim: every pending pane is read, fragments are
 * merged per key, sessions that became final since the last round ({@code firedWatermark <= end + lateness <
 * watermark}) are emitted, the round's watermark is recorded, and panes whose fragments all belong to final
 * sessions are retired.
 */
public final class WindowFirer {

    private static final System.Logger LOG = System.getLogger(WindowFirer.class.getName());

    /** The claim that serialises session firing rounds of one pipeline. */
    static final Slot SESSION_ROUND = new Slot(Long.MIN_VALUE, Long.MIN_VALUE + 1);

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final Outputs outputs;
    private final RunMetrics metrics;
    private final String owner;
    private final long leaseMillis;
    private long lastEarlyFiring = Long.MIN_VALUE;

    /**
     * @param owner       identity of this firer in claims (an invocation or instance id)
     * @param leaseMillis how long a claim holds before another firer may take over
     */
    public WindowFirer(CompiledPipeline pipeline, StateStore store, Outputs outputs, RunMetrics metrics, String owner,
                       long leaseMillis) {
        this.pipeline = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.metrics = metrics;
        this.owner = owner;
        this.leaseMillis = leaseMillis;
    }

    /**
     * Fires every window final at {@code watermark} that no one has fired yet, then early updates if the trigger
     * asks for them and their interval has passed.
     *
     * @return number of windows (or sessions) fired final
     */
    public int fire(long watermark, long nowMillis) {
        return fire(watermark, watermark == Long.MIN_VALUE ? List.of() : dueWindows(watermark), nowMillis);
    }

    /**
     * As {@link #fire(long, long)}, with the windows not fired yet that {@link #dueWindows} listed at a watermark at
     * least {@code watermark}: only those final at {@code watermark} fire (one query of the index per firing).
     */
    public int fire(long watermark, List<Slot> due, long nowMillis) {
        int fired = pipeline.windowing().isSession() ? fireSessions(watermark, nowMillis)
                : fireWindows(watermark, due, nowMillis);
        var early = pipeline.trigger().earlyInterval();
        if (early.isPresent() && watermark != Long.MAX_VALUE
                && (lastEarlyFiring == Long.MIN_VALUE || nowMillis - lastEarlyFiring >= early.get().toMillis())) {
            lastEarlyFiring = nowMillis;
            fireEarly(watermark);
        }
        return fired;
    }

    /** Whether this pipeline fires session rounds (every firing is a round) rather than windows. */
    public boolean sessions() {
        return pipeline.windowing().isSession();
    }

    /** Windows final at {@code watermark} that no one has fired, by end; none for sessions (see {@link #sessions}). */
    public List<Slot> dueWindows(long watermark) {
        return sessions() ? List.of()
                : store.pendingSlots(pipeline.name(), pipeline.windowing().maxFinalEnd(watermark));
    }

    private int fireWindows(long watermark, List<Slot> due, long nowMillis) {
        int fired = 0;
        if (watermark == Long.MIN_VALUE) {
            return 0;
        }
        long maxFinalEnd = pipeline.windowing().maxFinalEnd(watermark);
        for (Slot slot : due) {
            if (slot.end() > maxFinalEnd || !store.claimFiring(pipeline.name(), slot, owner, nowMillis, leaseMillis)) {
                continue;
            }
            List<ResultRow> rows;
            try {
                rows = finalRows(slot);
            } catch (StateStoreException e) {
                store.releaseFiring(pipeline.name(), slot, owner);
                throw e;
            }
            outputs.results(rows);
            store.completeFiring(pipeline.name(), slot, owner);
            metrics.windowFired(rows.size());
            fired++;
        }
        return fired;
    }

    /**
     * The final rows of a fixed window. A key whose row cannot be computed (its total overflows when the splits'
     * partials merge, or the result function fails) would fail the same way on every retry: it is reported to the
     * dead letters by itself, and the window's other keys fire.
     */
    private List<ResultRow> finalRows(Slot slot) {
        Map<String, Cell> merged = new TreeMap<>();
        Map<String, RuntimeException> failed = new TreeMap<>();
        for (Partial partial : store.readSlot(pipeline.name(), slot)) {
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

    private void cannotFire(Slot slot, String key, RuntimeException cause) {
        String window = slot.equals(SESSION_ROUND) ? "sessions" : "window=[" + slot.start() + "," + slot.end() + ")";
        // The cause's message may quote accumulated values: its class above DEBUG, the message at DEBUG.
        LOG.log(Level.ERROR, "Window row cannot fire; reported to the dead letters, the window's other keys fire. "
                + "pipeline=[{0}] {1} cause=[{2}]", pipeline.name(), window, cause.getClass().getName());
        LOG.log(Level.DEBUG, "Window row cannot fire. pipeline=[{0}] {1} cause=[{2}]", pipeline.name(), window,
                cause.toString());
        String position = pipeline.keyed() ? window + " key=[" + key + "]" : window;
        outputs.rejected(new RejectedRecord(pipeline.name(), "firing", position, io.sluice.functions.codec.RejectReasons.WINDOW_CANNOT_FIRE, null));
        outputs.flush("firing");
        metrics.windowFailed();
    }

    private int fireSessions(long watermark, long nowMillis) {
        String name = pipeline.name();
        if (watermark == Long.MIN_VALUE || !store.claimFiring(name, SESSION_ROUND, owner, nowMillis, leaseMillis)) {
            return 0;
        }
        try {
            long firedUpTo = store.firedWatermark(name);
            if (watermark <= firedUpTo) {
                return 0;
            }
            Windowing.Session sessions = (Windowing.Session) pipeline.windowing();
            List<Slot> panes = sessionPanes();
            Map<Slot, List<StateEntry>> fragments = new HashMap<>();
            Map<String, Cell> merged = new TreeMap<>();
            Map<String, RuntimeException> failed = new TreeMap<>();
            for (Slot pane : panes) {
                for (Partial partial : store.readSlot(name, pane)) {
                    fragments.computeIfAbsent(pane, p -> new ArrayList<>()).addAll(partial.entries());
                    decodeTolerantly(partial, merged, failed);
                }
            }
            List<ResultRow> rows = new ArrayList<>();
            for (Cell head : merged.values()) {
                for (Cell c = head; c != null; c = c.next) {
                    if (sessions.isFinal(c.end, watermark) && !sessions.isFinal(c.end, firedUpTo)) {
                        try {
                            rows.add(row(c, true));
                        } catch (RuntimeException deterministic) {
                            failed.putIfAbsent(c.key, deterministic);
                        }
                    }
                }
            }
            // A key whose sessions cannot be computed (a total that overflows) would fail every round: it is
            // reported to the dead letters and the other keys fire.
            failed.forEach((key, cause) -> cannotFire(SESSION_ROUND, key, cause));
            outputs.results(rows);
            store.advanceFiredWatermark(name, watermark);
            for (Slot pane : panes) {
                // Retire a pane only when its sessions are final and a record in it would have a final window; a
                // record that could touch a retired pane is late (SessionRescue), since its session would otherwise
                // be written to a pane nobody reads again, and be neither in the results nor in the late output.
                if (sessions.mayRetire(pane, watermark)
                        && allFinal(fragments.getOrDefault(pane, List.of()), merged, sessions, watermark)
                        && store.claimFiring(name, pane, owner, nowMillis, leaseMillis)) {
                    store.completeFiring(name, pane, owner);
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                metrics.windowFired(1);
            }
            return rows.size();
        } finally {
            store.releaseFiring(name, SESSION_ROUND, owner);
        }
    }

    private void fireEarly(long watermark) {
        List<ResultRow> rows;
        if (pipeline.windowing().isSession()) {
            Windowing.Session sessions = (Windowing.Session) pipeline.windowing();
            rows = new ArrayList<>();
            for (Cell head : merge(sessionPanes()).values()) {
                for (Cell c = head; c != null; c = c.next) {
                    if (!sessions.isFinal(c.end, watermark)) {
                        rows.add(row(c, false));
                    }
                }
            }
        } else {
            long maxFinalEnd = pipeline.windowing().maxFinalEnd(watermark);
            List<Slot> open = store.pendingSlots(pipeline.name(), Long.MAX_VALUE).stream()
                    .filter(s -> s.end() > maxFinalEnd).toList();
            rows = new ArrayList<>();
            for (Slot slot : open) {
                rows.addAll(rows(merge(List.of(slot)), false));
            }
        }
        if (!rows.isEmpty()) {
            outputs.results(rows);
            metrics.earlyRows(rows.size());
        }
    }

    /** Pending session panes, without the round claim that shares their index. */
    private List<Slot> sessionPanes() {
        return store.pendingSlots(pipeline.name(), Long.MAX_VALUE).stream()
                .filter(s -> !s.equals(SESSION_ROUND)).toList();
    }

    private static boolean allFinal(List<StateEntry> entries, Map<String, Cell> merged, Windowing.Session sessions,
                                    long watermark) {
        for (StateEntry e : entries) {
            for (Cell c = merged.get(e.key()); c != null; c = c.next) {
                if (c.start <= e.windowStart() && e.windowEnd() <= c.end) {
                    if (!sessions.isFinal(c.end, watermark)) {
                        return false;
                    }
                    break;
                }
            }
        }
        return true;
    }

    /** Merges every partial of {@code slots}, keys in sorted order. */
    private Map<String, Cell> merge(List<Slot> slots) {
        Map<String, Cell> merged = new TreeMap<>();
        for (Slot slot : slots) {
            for (Partial partial : store.readSlot(pipeline.name(), slot)) {
                decodeInto(partial, merged);
            }
        }
        return merged;
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

    private void decodeInto(Partial partial, Map<String, Cell> merged) {
        for (StateEntry e : partial.entries()) {
            pipeline.windowing().merge(merged,
                    new Cell(e.key(), e.windowStart(), e.windowEnd(), pipeline.codec().decode(e.accumulator())));
        }
    }

    private List<ResultRow> rows(Map<String, Cell> merged, boolean isFinal) {
        List<ResultRow> rows = new ArrayList<>(merged.size());
        for (Cell head : merged.values()) {
            for (Cell c = head; c != null; c = c.next) {
                rows.add(row(c, isFinal));
            }
        }
        return rows;
    }

    private ResultRow row(Cell c, boolean isFinal) {
        return new ResultRow(pipeline.name(), c.start, c.end, pipeline.keyed() ? c.key : null,
                pipeline.aggregate().result(c.acc), isFinal);
    }
}
