package io.sluice.functions.runtime;

import io.sluice.state.FiringClaimLostException;
import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fires the windows the global watermark has passed: claims each with a lease, merges the partials of every split
 * and bucket, sends the rows to the results output and marks the window fired, so each window's final rows are
 * produced once even when several invocations race. A firer that dies after claiming leaves the claim to lapse;
 * the next firing writes the same rows again, which idempotent sinks absorb.
 *
 * <p>Fixed windows due together fire together, up to {@link #MAX_WINDOWS_PER_FIRING} at a time: each step (claim,
 * read, write, complete) for all of them at once, so a firing waits a constant number of round trips however many
 * windows it fires; on a failure before the completions the group's claims are released (package docs).
 *
 * <p>Session windows are fired in rounds under one pipeline-wide claim ({@link SessionRound}): sessions that became
 * final since the last round ({@code firedWatermark <= end + lateness < watermark}) are emitted, the round's
 * watermark is recorded, and panes whose fragments all belong to final sessions are retired. A stream runs a round
 * only once its watermark has moved the sessions' firing interval past the last round's (package docs).
 */
public final class WindowFirer {

    private static final System.Logger LOG = System.getLogger(WindowFirer.class.getName());

    /** The claim that serialises session firing rounds of one pipeline. */
    static final Slot SESSION_ROUND = new Slot(Long.MIN_VALUE, Long.MIN_VALUE + 1);
    /**
     * Fixed windows fired in one go: their partials and rows are held together (a few MB for GMV windows), and 16 is
     * the DynamoDB store's calls in flight, so each step of a group is one wave.
     */
    static final int MAX_WINDOWS_PER_FIRING = 16;

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final Outputs outputs;
    private final RunMetrics metrics;
    private final String owner;
    private final long leaseMillis;
    private final WindowRows windowRows;
    private long lastEarlyFiring = Long.MIN_VALUE;
    /** The fired watermark as this firer last saw or set it: a lower bound of the stored one. */
    private long knownFired = Long.MIN_VALUE;
    private SessionRound.Cost lastRoundCost;

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
        this.windowRows = new WindowRows(pipeline, outputs, metrics);
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
        return fire(watermark, due, nowMillis, true);
    }

    /**
     * As {@link #fire(long, List, long)}; unless {@code paced}, a session round runs even if the watermark moved less
     * than the sessions' firing interval since the last round (the scheduled firer: the stream may have gone quiet).
     */
    public int fire(long watermark, List<Slot> due, long nowMillis, boolean paced) {
        int fired = pipeline.windowing().isSession() ? fireSessions(watermark, nowMillis, paced)
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

    /** Those of {@code windows} (listed by {@link #dueWindows} at a higher watermark) final at {@code watermark}. */
    public List<Slot> finalAt(List<Slot> windows, long watermark) {
        long maxFinalEnd = pipeline.windowing().maxFinalEnd(watermark);
        return windows.stream().filter(slot -> slot.end() <= maxFinalEnd).toList();
    }

    /** Whether this pipeline's trigger fires early updates of open windows (every firing may emit some). */
    public boolean firesEarly() {
        return pipeline.trigger().earlyInterval().isPresent();
    }

    private int fireWindows(long watermark, List<Slot> due, long nowMillis) {
        if (watermark == Long.MIN_VALUE) {
            return 0;
        }
        long maxFinalEnd = pipeline.windowing().maxFinalEnd(watermark);
        List<Slot> fireable = due.stream().filter(slot -> slot.end() <= maxFinalEnd).toList();
        int fired = 0;
        for (int from = 0; from < fireable.size(); from += MAX_WINDOWS_PER_FIRING) {
            fired += fireTogether(fireable.subList(from, Math.min(fireable.size(), from + MAX_WINDOWS_PER_FIRING)),
                    nowMillis);
        }
        return fired;
    }

    /**
     * Claims, reads, writes and completes {@code group} (in end order), each step for every window at once. Nothing
     * is completed before every window's rows were handed to the outputs; a failure before that releases the group.
     */
    private int fireTogether(List<Slot> group, long nowMillis) {
        String name = pipeline.name();
        List<Slot> held = group;   // until the claims answer, which of the group this firer holds is unknown
        List<List<ResultRow>> rows = new ArrayList<>(group.size());
        List<Slot> lost = List.of();
        boolean completed = false;
        try {
            held = store.claimFirings(name, group, owner, nowMillis, leaseMillis);
            if (held.isEmpty()) {
                return 0;
            }
            Map<Slot, List<Partial>> partials = store.readSlots(name, held);
            for (Slot slot : held) {
                List<Partial> read = partials.get(slot);
                if (read == null) {   // firing it empty would lose its rows: fail, release, retry
                    throw new StateStoreException("readSlots returned nothing for window " + slot + " of pipeline ["
                            + name + "]");
                }
                rows.add(windowRows.finalRows(slot, read));
            }
            outputs.resultsOfWindows(rows);
            lost = completeFirings(held);
            completed = true;
        } finally {
            if (!completed) {
                // Completed windows stay fired (their rows are written): releasing them, or one not held, is a no-op.
                release(held);
            }
        }
        int fired = 0;
        for (int i = 0; i < held.size(); i++) {
            if (!lost.contains(held.get(i))) {
                metrics.windowFired(rows.get(i).size());
                fired++;
            }
        }
        return fired;
    }

    /**
     * Completes {@code held}; the windows whose claim lapsed while they fired are returned, not thrown. Another firer
     * claimed, fired or released each of them: the rows written here are the ones it writes (a function of the
     * window's final partials), and a window not completed stays pending for a later firing. Every other window
     * completed ({@link io.sluice.state.StateStore#completeFirings}: a store failure is thrown first). Failing the
     * batch for them would only retry a firing that is someone else's, and after the retries send an applied record
     * to the failure destination.
     */
    private List<Slot> completeFirings(List<Slot> held) {
        try {
            store.completeFirings(pipeline.name(), held, owner);
            return List.of();
        } catch (FiringClaimLostException e) {
            LOG.log(Level.WARNING, "Firing claim lost while firing; another firer holds or fired the windows, whose "
                    + "rows are the same. pipeline=[{0}] windows=[{1}] first=[{2}]", pipeline.name(), e.slots().size(),
                    e.slots().get(0));
            return e.slots();
        }
    }

    /** Releases {@code slots} so the batch's retry may fire them at once; if that fails, the claims lapse instead. */
    private void release(List<Slot> slots) {
        if (slots.isEmpty()) {
            return;
        }
        try {
            store.releaseFirings(pipeline.name(), slots, owner);
        } catch (RuntimeException e) {
            // The failure that got here is reported by the caller; this one only delays the retry's firing.
            LOG.log(Level.DEBUG, "Firing claims not released; they lapse with their lease. pipeline=[{0}] "
                    + "windows=[{1}] cause=[{2}]", pipeline.name(), slots.size(), e.getClass().getName());
        }
    }

    private int fireSessions(long watermark, long nowMillis, boolean paced) {
        String name = pipeline.name();
        Windowing.Session sessions = (Windowing.Session) pipeline.windowing();
        // Paced rounds (package docs): skipped, with no claim and no read, while the watermark is less than the
        // firing interval past the last round's, known here as a lower bound (it only rises). A skipped round
        // leaves the fired watermark where it was, so the next round emits what it would have emitted.
        if (watermark == Long.MIN_VALUE || paced && tooSoon(watermark, knownFired, sessions)) {
            return 0;
        }
        if (!store.claimFiring(name, SESSION_ROUND, owner, nowMillis, leaseMillis)) {
            return 0;
        }
        try {
            long firedUpTo = store.firedWatermark(name);
            knownFired = Math.max(knownFired, firedUpTo);
            if (watermark <= firedUpTo || paced && tooSoon(watermark, firedUpTo, sessions)) {
                return 0;
            }
            SessionRound round = new SessionRound(pipeline, store).run(sessionPanes(), watermark, firedUpTo);
            lastRoundCost = round.cost();
            List<ResultRow> rows = round.rows();
            // A key whose sessions cannot be computed (a total that overflows) would fail every round: it is
            // reported to the dead letters and the other keys fire.
            round.failed().forEach((key, cause) -> windowRows.cannotFire(SESSION_ROUND, key, cause));
            outputs.results(rows);
            store.advanceFiredWatermark(name, watermark);
            knownFired = Math.max(knownFired, watermark);
            for (Slot pane : round.retirable()) {
                if (store.claimFiring(name, pane, owner, nowMillis, leaseMillis)) {
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

    /** Whether a paced round at {@code watermark} comes less than the firing interval after one at {@code fired}. */
    private static boolean tooSoon(long watermark, long fired, Windowing.Session sessions) {
        return watermark != Long.MAX_VALUE && watermark < Windowing.saturatingAdd(fired, sessions.firingInterval());
    }

    private void fireEarly(long watermark) {
        List<ResultRow> rows;
        if (pipeline.windowing().isSession()) {
            Windowing.Session sessions = (Windowing.Session) pipeline.windowing();
            rows = new ArrayList<>();
            for (Cell head : merge(sessionPanes()).values()) {
                for (Cell c = head; c != null; c = c.next) {
                    if (!sessions.isFinal(c.end, watermark)) {
                        rows.add(windowRows.row(c, false));
                    }
                }
            }
        } else {
            long maxFinalEnd = pipeline.windowing().maxFinalEnd(watermark);
            List<Slot> open = store.pendingSlots(pipeline.name(), Long.MAX_VALUE).stream()
                    .filter(s -> s.end() > maxFinalEnd).toList();
            rows = new ArrayList<>();
            for (Slot slot : open) {
                rows.addAll(windowRows.rows(merge(List.of(slot)), false));
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

    /** Merges every partial of {@code slots}, keys in sorted order. */
    private Map<String, Cell> merge(List<Slot> slots) {
        Map<String, Cell> merged = new TreeMap<>();
        for (Slot slot : slots) {
            for (Partial partial : store.readSlot(pipeline.name(), slot)) {
                windowRows.decodeInto(partial, merged);
            }
        }
        return merged;
    }

    /** What the last round this firer ran read and decoded, for tests; null before the first. */
    SessionRound.Cost lastRoundCost() {
        return lastRoundCost;
    }
}
