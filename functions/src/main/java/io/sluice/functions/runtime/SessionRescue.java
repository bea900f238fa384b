package io.sluice.functions.runtime;

import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges session candidates (records behind the watermark by more than the allowed lateness) by the session they
 * would join, from stored state, under the session round claim: see the package docs. One instance per batch.
 *
 * <p>A record at 29:00 (gap 30 min, lateness 0) with W at 30:30 counts if its key has no session that touches it and
 * is final ({@code [29:00, 59:00)} is open), or if the sessions it touches are open; it is late if it touches
 * {@code [00:00, 29:30)} (final at 30:30), even though merging would give an open {@code [00:00, 59:00)}.
 */
final class SessionRescue {

    /** How long a writer holds the round claim: longer than a Lambda invocation can run (60 s). */
    static final long CLAIM_LEASE_MILLIS = 120_000;
    /** Panes read to the right of a candidate to find whether a session it touches is still open. */
    static final int MAX_PANES_RIGHT = 16;

    /** A record the watermark rule alone would send to the late output. */
    record Candidate(int index, String key, long timestamp) {
    }

    private final CompiledPipeline pipeline;
    private final Windowing.Session sessions;
    private final StateStore store;
    private final Map<String, List<long[]>> batchWindows = new HashMap<>();
    private final Map<Long, Boolean> fired = new HashMap<>();
    private final Map<String, List<long[]>> stored = new HashMap<>();
    private List<SplitState> splits;

    /**
     * @param batch the batch's cells without its candidates: records of the batch are fragments like stored ones
     */
    SessionRescue(CompiledPipeline pipeline, StateStore store, Accumulators batch) {
        this.pipeline = pipeline;
        this.sessions = (Windowing.Session) pipeline.windowing();
        this.store = store;
        for (Cell c : batch.cells()) {
            batchWindows.computeIfAbsent(c.key, k -> new ArrayList<>()).add(new long[] {c.start, c.end});
        }
    }

    /**
     * Judges {@code candidates} in record order against {@code watermark}; a rescued one is part of the view of the
     * next ones. The caller holds the session round claim until it has written the batch.
     *
     * @return indexes of the candidates that count; the others are late
     */
    Set<Integer> judge(List<Candidate> candidates, long watermark) {
        Set<Integer> rescued = new HashSet<>();
        for (Candidate c : candidates) {
            if (counts(c.key(), c.timestamp(), watermark)) {
                rescued.add(c.index());
                batchWindows.computeIfAbsent(c.key(), k -> new ArrayList<>())
                        .add(new long[] {c.timestamp(), Windowing.saturatingAdd(c.timestamp(), sessions.gap())});
            }
        }
        return rescued;
    }

    private boolean counts(String key, long ts, long watermark) {
        long gap = sessions.gap();
        long firstPane = sessions.paneStart(Windowing.saturatingSubtract(ts, gap));
        long lastPane = sessions.paneStart(Windowing.saturatingAdd(ts, gap));
        // A fragment is stored in the pane of its start and ends at most a gap after that pane: only these panes
        // hold fragments that can touch [ts, ts + gap). One of them retired may have lost fragments that do.
        for (long p = firstPane; p <= lastPane; p = next(p)) {
            if (isFired(p)) {
                return false;
            }
            if (next(p) == p) {
                break;
            }
        }
        List<long[]> windows = new ArrayList<>(batchWindows.getOrDefault(key, List.of()));
        for (long p = firstPane; p <= lastPane; p = next(p)) {
            windows.addAll(storedWindows(p, key));
            if (next(p) == p) {
                break;
            }
        }
        long loadedUpTo = lastPane;
        for (int extra = 0; ; extra++) {
            List<long[]> touched = touchedSessions(windows, ts, Windowing.saturatingAdd(ts, gap));
            if (touched.isEmpty()) {
                return !sessions.isFinal(Windowing.saturatingAdd(ts, gap), watermark);
            }
            long nextPane = next(loadedUpTo);
            boolean extendable = false;
            for (long[] s : touched) {
                if (sessions.isFinal(s[1], watermark)) {
                    // Final unless a later fragment extends it: one starting in the next pane, if the session reaches it.
                    if (s[1] >= nextPane && nextPane != loadedUpTo && !isFired(nextPane)) {
                        extendable = true;
                    } else {
                        return false;
                    }
                }
            }
            if (!extendable) {
                return true;   // every session it touches is open: the merged one is open too
            }
            if (extra == MAX_PANES_RIGHT) {
                return false;  // a session running on this far behind the watermark: judged late, reads bounded
            }
            windows.addAll(storedWindows(nextPane, key));
            loadedUpTo = nextPane;
        }
    }

    /** The sessions {@code windows} merge into that overlap or touch {@code [start, end)}: {start, end} each. */
    private static List<long[]> touchedSessions(List<long[]> windows, long start, long end) {
        List<long[]> sorted = new ArrayList<>(windows);
        sorted.sort(Comparator.comparingLong(w -> w[0]));
        List<long[]> merged = new ArrayList<>();
        long[] current = null;
        for (long[] w : sorted) {
            if (current != null && w[0] <= current[1]) {
                current[1] = Math.max(current[1], w[1]);
            } else {
                current = new long[] {w[0], w[1]};
                merged.add(current);
            }
        }
        List<long[]> touched = new ArrayList<>();
        for (long[] s : merged) {
            if (s[0] <= end && start <= s[1]) {
                touched.add(s);
            }
        }
        return touched;
    }

    private long next(long paneStart) {
        return Windowing.saturatingAdd(paneStart, sessions.pane());
    }

    private boolean isFired(long paneStart) {
        return fired.computeIfAbsent(paneStart, p -> store.isFired(pipeline.name(), sessions.paneSlot(p)));
    }

    /**
     * The key's fragments in the pane, from every split's item of the key's bucket under that split's own count (one
     * batched read per pane and key).
     */
    private List<long[]> storedWindows(long paneStart, String key) {
        return stored.computeIfAbsent(paneStart + "#" + key, k -> {
            Slot slot = sessions.paneSlot(paneStart);
            int declared = pipeline.definition().keyBuckets();
            List<PartialKey> keys = new ArrayList<>();
            for (SplitState split : splits()) {
                keys.add(new PartialKey(pipeline.name(), slot, split.split(),
                        CompiledPipeline.bucketOf(key, split.keyBucketsOr(declared))));
            }
            List<long[]> windows = new ArrayList<>();
            for (Partial partial : store.readPartials(keys).values()) {
                for (StateEntry e : partial.entries()) {
                    if (e.key().equals(key)) {
                        windows.add(new long[] {e.windowStart(), e.windowEnd()});
                    }
                }
            }
            return windows;
        });
    }

    private List<SplitState> splits() {
        if (splits == null) {
            splits = store.splits(pipeline.name());
        }
        return splits;
    }
}
