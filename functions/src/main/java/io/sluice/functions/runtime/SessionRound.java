package io.sluice.functions.runtime;

import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one session firing round at watermark {@code W} emits and retires, given the watermark of the last round
 * ({@code F}): the sessions with {@code F <= end + L < W}, and the panes whose fragments all belong to sessions final
 * at {@code W}. The caller holds the round claim (package docs, "Session firing rounds").
 *
 * <p>Its cost follows what can become final, not the whole session state. A pane that starts at or after
 * {@code W - L} is not read: a fragment is stored in the pane of its start, and a session final at {@code W} ends
 * before {@code W - L}, so no fragment there belongs to or touches one. In the panes read, fragments are judged by
 * their windows ({@link StateEntry#windowStart()}, {@link StateEntry#windowEnd()}) without decoding: a session that
 * became final ends where one of its fragments ends, so only keys with a fragment ending in {@code [F - L, W - L)}
 * (or in a pane that may retire) are grouped into sessions, and only the fragments of sessions emitted are decoded
 * and merged, in the order they were read (so accumulators merge exactly as a full merge would).
 */
final class SessionRound {

    /** What a round read and decoded. */
    record Cost(int panesRead, int fragmentsDecoded) {
    }

    /** A stored fragment of a key's session, with the order it was read in. */
    private record Fragment(Slot pane, StateEntry entry, int order) {
    }

    private final CompiledPipeline pipeline;
    private final Windowing.Session sessions;
    private final StateStore store;
    private final List<ResultRow> rows = new ArrayList<>();
    private final Map<String, RuntimeException> failed = new TreeMap<>();
    private final List<Slot> retirable = new ArrayList<>();
    private int panesRead;
    private int fragmentsDecoded;

    SessionRound(CompiledPipeline pipeline, StateStore store) {
        this.pipeline = pipeline;
        this.sessions = (Windowing.Session) pipeline.windowing();
        this.store = store;
    }

    /**
     * Reads the pending panes that can hold a fragment of a session final at {@code watermark} and works out the
     * round.
     *
     * @param panes       the pipeline's pending session panes, by start
     * @param firedUpTo   the watermark of the last completed round
     */
    SessionRound run(List<Slot> panes, long watermark, long firedUpTo) {
        long touchBound = Windowing.saturatingSubtract(watermark, sessions.lateness);
        Map<Slot, List<Partial>> read = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        for (Slot pane : panes) {
            if (pane.start() >= touchBound) {
                continue;
            }
            boolean mayRetire = sessions.mayRetire(pane, watermark);
            List<Partial> partials = store.readSlot(pipeline.name(), pane);
            panesRead++;
            read.put(pane, partials);
            for (Partial partial : partials) {
                for (StateEntry e : partial.entries()) {
                    if (mayRetire || newlyFinal(e.windowEnd(), watermark, firedUpTo)) {
                        keys.add(e.key());
                    }
                }
            }
        }
        Map<String, List<Fragment>> byKey = new TreeMap<>();
        int order = 0;
        for (Map.Entry<Slot, List<Partial>> pane : read.entrySet()) {
            for (Partial partial : pane.getValue()) {
                for (StateEntry e : partial.entries()) {
                    if (keys.contains(e.key())) {
                        byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(new Fragment(pane.getKey(), e, order));
                    }
                    order++;
                }
            }
        }
        Set<Slot> holdingOpen = new HashSet<>();
        for (Map.Entry<String, List<Fragment>> key : byKey.entrySet()) {
            for (List<Fragment> session : sessionsOf(key.getValue())) {
                long end = session.stream().mapToLong(f -> f.entry().windowEnd()).max().orElseThrow();
                if (!sessions.isFinal(end, watermark)) {
                    session.forEach(f -> holdingOpen.add(f.pane()));
                } else if (!sessions.isFinal(end, firedUpTo)) {
                    emit(key.getKey(), session);
                }
            }
        }
        for (Slot pane : read.keySet()) {
            // Retire a pane only when its sessions are final and a record in it would have a final window; a record
            // that could touch a retired pane is late (SessionRescue), since its session would otherwise be written
            // to a pane nobody reads again, and be neither in the results nor in the late output.
            if (sessions.mayRetire(pane, watermark) && !holdingOpen.contains(pane)) {
                retirable.add(pane);
            }
        }
        return this;
    }

    /** Whether a fragment ending at {@code end} may end a session final at {@code watermark} and not at the last. */
    private boolean newlyFinal(long end, long watermark, long firedUpTo) {
        return sessions.isFinal(end, watermark) && !sessions.isFinal(end, firedUpTo);
    }

    /** The key's fragments grouped by the sessions they merge into (overlapping or touching), by start. */
    private static List<List<Fragment>> sessionsOf(List<Fragment> fragments) {
        List<Fragment> sorted = new ArrayList<>(fragments);
        sorted.sort(Comparator.comparingLong((Fragment f) -> f.entry().windowStart()));
        List<List<Fragment>> grouped = new ArrayList<>();
        List<Fragment> current = null;
        long currentEnd = Long.MIN_VALUE;
        for (Fragment f : sorted) {
            if (current == null || f.entry().windowStart() > currentEnd) {
                current = new ArrayList<>();
                grouped.add(current);
                currentEnd = f.entry().windowEnd();
            } else {
                currentEnd = Math.max(currentEnd, f.entry().windowEnd());
            }
            current.add(f);
        }
        return grouped;
    }

    /**
     * Decodes and merges one final session's fragments in read order. A session whose fragments cannot be merged (a
     * total that overflows) or whose result fails would fail every round: its key is reported, the others fire.
     */
    private void emit(String key, List<Fragment> session) {
        List<Fragment> inReadOrder = new ArrayList<>(session);
        inReadOrder.sort(Comparator.comparingInt(Fragment::order));
        Map<String, Cell> merged = new HashMap<>();
        try {
            for (Fragment f : inReadOrder) {
                StateEntry e = f.entry();
                fragmentsDecoded++;
                sessions.merge(merged, new Cell(key, e.windowStart(), e.windowEnd(),
                        pipeline.codec().decode(e.accumulator())));
            }
            Cell c = merged.get(key);
            rows.add(new ResultRow(pipeline.name(), c.start, c.end, pipeline.keyed() ? key : null,
                    pipeline.aggregate().result(c.acc), true));
        } catch (StateStoreException unavailable) {
            throw unavailable;
        } catch (RuntimeException deterministic) {
            failed.putIfAbsent(key, deterministic);
        }
    }

    /** Final rows, by key, then session start. */
    List<ResultRow> rows() {
        return rows;
    }

    /** Keys some of whose sessions could not be emitted, with the first cause. */
    Map<String, RuntimeException> failed() {
        return failed;
    }

    /** Panes read whose fragments all belong to sessions final at the round's watermark, and which may retire. */
    List<Slot> retirable() {
        return retirable;
    }

    /** Panes this round read, and fragments whose accumulators it decoded. */
    Cost cost() {
        return new Cost(panesRead, fragmentsDecoded);
    }
}
