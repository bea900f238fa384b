package io.sluice.simulator;

import io.sluice.simulator.SimPipelines.Variant.Windows;
import io.sluice.simulator.SimRecord.Kind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a history's {@link Outcome} against the invariants of DESIGN.md, knowing every generated record:
 * <ol>
 *   <li><b>accounting</b>: every record is in exactly one of results, late output, dead letters; per window and key
 *       (tumbling), in total (sessions), or as an upper bound per window (sliding, where a record may be late for
 *       some of its windows only): input count and sum = results + late + rejected. A batch the event source
 *       mapping gave up on is a violation: its records reach no output with a reason of their own;</li>
 *   <li><b>stream-batch</b>: the final results equal a batch run over exactly the records that were neither late,
 *       rejected nor given up, row for row (tumbling and session windows);</li>
 *   <li><b>unfired</b>: no window is pending once every split has finished and the final firing ran;</li>
 *   <li><b>unfinished-parent</b>: once everything is delivered, no shard is left unfinished by the operator while a
 *       shard after it in its lineage applied a batch (it would hold the global watermark back for good);</li>
 *   <li><b>fired-twice</b>: no window (or session) fired twice with different rows;</li>
 * </ol>
 * and, from issue 11: <b>late-on-time</b>, a record no later than its own shard lineage allows (within disorder +
 * lateness of the highest in-range timestamp before it) never goes to the late output (pipelines without idleness;
 * the records of a batch no attempt was recorded for are exempt and do not count as "before" later ones: the operator
 * jumped over them, and the replay applies them after the shard moved on, late if their window fired meanwhile; one
 * the mapping delivered again and an invocation counted does count as "before" the records after it);
 * <b>ts-range</b>, a timestamp of year 2100, in microseconds, or {@code Long.MIN_VALUE} is rejected; <b>stall</b>,
 * no invocation runs away (step budget).
 */
final class Checker {

    /** Timestamps beyond this are out of range (a day after the workload's start is generous). */
    private static final long MAX_IN_RANGE = HistoryGenerator.T0 + 86_400_000L;

    private final History h;
    private final Outcome o;
    private final SimPipelines.Variant v;
    private final List<Violation> violations = new ArrayList<>();

    private Checker(History h, Outcome o) {
        this.h = h;
        this.o = o;
        this.v = h.variant();
    }

    static List<Violation> check(History h, Outcome o) {
        return new Checker(h, o).run();
    }

    private List<Violation> run() {
        if (o.stall != null) {
            violations.add(new Violation("stall", o.stall));
            return violations;
        }
        Map<String, SimulatedRuntime.Row> results = firstFirings();
        accounting(results);
        streamEqualsBatch(results);
        if (!o.pending.isEmpty() || o.finalFiringError != null) {
            violations.add(new Violation("unfired", o.pending.size() + " windows pending after every split finished "
                    + "and the final firing ran" + (o.pending.isEmpty() ? "" : ": " + first(o.pending, 4))
                    + (o.finalFiringError == null ? "" : "; final firing failed: " + o.finalFiringError)));
        }
        if (!o.unfinishedParents.isEmpty()) {
            violations.add(new Violation("unfinished-parent", o.unfinishedParents.size()
                    + " shards hold the global watermark though their lineage moved on: " + first(o.unfinishedParents, 3)));
        }
        if (!v.hasIdleness()) {
            lateOnTime();
        }
        timestampRange();
        return violations;
    }

    /** Final rows by window and key, as first fired; a later firing with different rows is a violation. */
    private Map<String, SimulatedRuntime.Row> firstFirings() {
        Map<String, SimulatedRuntime.Row> first = new TreeMap<>();
        List<String> differing = new ArrayList<>();
        for (List<SimulatedRuntime.Row> firing : o.firings) {
            for (SimulatedRuntime.Row r : firing) {
                String cell = cellKey(r.start(), r.end(), r.key());
                SimulatedRuntime.Row earlier = first.putIfAbsent(cell, r);
                if (earlier != null && !earlier.equals(r)) {
                    differing.add(earlier.compact() + " then " + r.count() + "/" + r.sum());
                }
            }
        }
        if (v.windows() == Windows.SESSION) {
            // Final sessions of one key never overlap or touch: they would have been one session.
            Map<String, List<SimulatedRuntime.Row>> byKey = new TreeMap<>();
            first.values().forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
            for (List<SimulatedRuntime.Row> sessions : byKey.values()) {
                sessions.sort(Comparator.comparingLong(SimulatedRuntime.Row::start)
                        .thenComparingLong(SimulatedRuntime.Row::end));
                for (int i = 1; i < sessions.size(); i++) {
                    if (sessions.get(i).start() <= sessions.get(i - 1).end()) {
                        differing.add(sessions.get(i - 1).compact() + " and " + sessions.get(i).compact()
                                + " overlap");
                    }
                }
            }
        }
        if (!differing.isEmpty()) {
            violations.add(new Violation("fired-twice", differing.size() + " windows fired twice with different rows: "
                    + first(differing, 3)));
        }
        return first;
    }

    private void accounting(Map<String, SimulatedRuntime.Row> results) {
        List<String> problems = new ArrayList<>();
        for (SimRecord r : h.records().values()) {
            boolean late = o.late.containsKey(r.id());
            boolean rejected = o.rejected.containsKey(r.id());
            if (late && rejected) {
                problems.add("#" + r.id() + " both late and rejected");
            }
            if (!r.decodable() && !rejected && !o.discarded.containsKey(r.id())) {
                problems.add("malformed #" + r.id() + " not rejected");
            }
        }
        if (!o.discarded.isEmpty()) {
            problems.add(o.discarded.size() + " records " + first(new ArrayList<>(o.discarded.keySet()), 8)
                    + " sent to the on-failure destination after " + HistoryRunner.MAX_RETRIES
                    + " retries, without a reason of their own (cause: " + o.discarded.values().iterator().next() + ")");
        }
        if (v.windows() == Windows.SESSION) {
            new WindowAccounting(h, o).sessionTotals(results, problems);
        } else {
            new WindowAccounting(h, o).perWindow(results, problems);
        }
        if (!problems.isEmpty()) {
            violations.add(new Violation("accounting", problems.get(0)
                    + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more: " + first(problems.subList(1,
                    problems.size()), 2) + ")" : "")));
        }
    }

    private void streamEqualsBatch(Map<String, SimulatedRuntime.Row> results) {
        if (v.windows() == Windows.SLIDING) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (SimRecord r : h.records().values()) {
            if (!o.late.containsKey(r.id()) && !o.rejected.containsKey(r.id()) && !o.discarded.containsKey(r.id())) {
                lines.add(r.line());
            }
        }
        List<SimulatedRuntime.Row> reference;
        try {
            reference = SimulatedRuntime.batchRun(v, lines);
        } catch (SimPipelines.StallError e) {
            violations.add(new Violation("stall", "batch reference run: " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            violations.add(new Violation("stream-batch", "the batch run over the " + lines.size()
                    + " records neither late nor rejected fails: " + e));
            return;
        }
        Map<String, SimulatedRuntime.Row> batch = new TreeMap<>();
        reference.forEach(r -> batch.put(cellKey(r.start(), r.end(), r.key()), r));
        Set<String> all = new TreeSet<>(batch.keySet());
        all.addAll(results.keySet());
        Set<String> exempt = overflowing();
        List<String> diffs = new ArrayList<>();
        for (String cell : all) {
            SimulatedRuntime.Row s = results.get(cell);
            if (exempt.contains(cell) || exempt.contains(SESSION_KEY + (s != null ? s.key()
                    : batch.get(cell).key()))) {
                continue;
            }
            SimulatedRuntime.Row b = batch.get(cell);
            if (s == null || !s.equals(b)) {
                diffs.add(cell + " stream " + (s == null ? "-" : s.count() + "/" + s.sum()) + " batch "
                        + (b == null ? "-" : b.count() + "/" + b.sum()));
            }
        }
        if (!diffs.isEmpty()) {
            violations.add(new Violation("stream-batch", diffs.size() + " of " + all.size()
                    + " rows differ from the batch run over the records neither late nor rejected: " + first(diffs, 3)));
        }
    }

    private static final String SESSION_KEY = "session-key:";

    /**
     * Cells (and, for sessions, keys) whose exact total exceeds a long: which of their records the runtime rejects
     * (at a batch's add, at a merge with the stored total) or whether the row is reported as unable to fire depends
     * on how the records were split, so stream and batch may legitimately differ there. Accounting still checks
     * every one of their records.
     */
    private Set<String> overflowing() {
        Set<String> exempt = new TreeSet<>(o.unfirable);
        o.unfirableSessionKeys.forEach(k -> exempt.add(SESSION_KEY + k));
        Map<String, java.math.BigInteger> totals = new HashMap<>();
        for (SimRecord r : h.records().values()) {
            if (!r.decodable() || o.late.containsKey(r.id())) {
                continue;
            }
            String reason = o.rejected.get(r.id());
            boolean overflow = reason != null && reason.contains("overflow")
                    || v.windows() == Windows.SESSION && r.kind() == Kind.OVERFLOW;
            if (reason != null && !overflow) {
                continue;
            }
            String key = v.keyed ? r.category() : "";
            List<String> cells = new ArrayList<>();
            if (v.windows() == Windows.SESSION) {
                cells.add(SESSION_KEY + key);
            } else {
                long start = r.ts() - Math.floorMod(r.ts(), v.sizeMillis);
                cells.add(cellKey(start, start + v.sizeMillis, key));
            }
            for (String cell : cells) {
                if (overflow) {
                    exempt.add(cell);
                }
                java.math.BigInteger total = totals.merge(cell, java.math.BigInteger.valueOf(r.amount()),
                        java.math.BigInteger::add);
                if (total.bitLength() > 63) {
                    exempt.add(cell);
                }
            }
        }
        return exempt;
    }

    private void lateOnTime() {
        long slack = v.disorderMillis() + v.latenessMillis;
        Map<String, Long> shardMax = new HashMap<>();
        Map<String, ShardSpec> byId = new LinkedHashMap<>();
        h.shards().forEach(s -> byId.put(s.id(), s));
        List<String> wrong = new ArrayList<>();
        for (ShardSpec s : h.shards()) {
            long bar = Long.MIN_VALUE;
            for (String ancestor : ancestors(s, byId)) {
                bar = Math.max(bar, shardMax.getOrDefault(ancestor, Long.MIN_VALUE));
            }
            long max = Long.MIN_VALUE;
            for (int id : s.records()) {
                SimRecord r = h.records().get(id);
                if (!inRange(r)) {
                    continue;
                }
                if (replayed(s.id(), id)) {
                    // Exempt, but counted in the shard's order when an invocation applied it (delivered again).
                    if (o.appliedByInvocations.contains(id) && !o.late.containsKey(id)) {
                        max = Math.max(max, r.ts());
                    }
                    continue;
                }
                long before = Math.max(bar, max);
                if (o.late.containsKey(id) && (before == Long.MIN_VALUE || r.ts() >= before - slack)) {
                    wrong.add("#" + id + " ts=" + r.ts() + " on " + s.id() + " (highest before it "
                            + (before == Long.MIN_VALUE ? "none" : before + ", " + (before - r.ts()) + " ms ahead") + ")");
                }
                max = Math.max(max, r.ts());
            }
            shardMax.put(s.id(), max);
        }
        if (!wrong.isEmpty()) {
            violations.add(new Violation("late-on-time", wrong.size() + " records within disorder ("
                    + v.disorderMillis() + " ms) + lateness of their shard lineage went to the late output: "
                    + first(wrong, 3)));
        }
    }

    /** Whether record {@code id} of {@code shard} is in an on-failure record the runner replayed. */
    private boolean replayed(String shard, int id) {
        java.math.BigInteger seq = new java.math.BigInteger(HistoryRunner.seqOf(id));
        return o.onFailure.stream().anyMatch(r -> r.shardId().equals(shard)
                && seq.compareTo(new java.math.BigInteger(r.startSequenceNumber())) >= 0
                && seq.compareTo(new java.math.BigInteger(r.endSequenceNumber())) <= 0);
    }

    private static List<String> ancestors(ShardSpec s, Map<String, ShardSpec> byId) {
        List<String> out = new ArrayList<>();
        List<String> todo = new ArrayList<>(s.parents());
        while (!todo.isEmpty()) {
            String p = todo.remove(0);
            if (!out.contains(p) && byId.containsKey(p)) {
                out.add(p);
                todo.addAll(byId.get(p).parents());
            }
        }
        return out;
    }

    private static boolean inRange(SimRecord r) {
        return r.decodable() && r.ts() >= HistoryGenerator.T0 - 86_400_000L && r.ts() <= MAX_IN_RANGE;
    }

    private void timestampRange() {
        List<String> accepted = new ArrayList<>();
        for (SimRecord r : h.records().values()) {
            if ((r.kind() == Kind.FAR_FUTURE || r.kind() == Kind.MIN_TS) && !o.rejected.containsKey(r.id())) {
                accepted.add("#" + r.id() + " ts=" + r.ts() + (o.late.containsKey(r.id()) ? " (late)" : ""));
            }
        }
        if (!accepted.isEmpty()) {
            violations.add(new Violation("ts-range", accepted.size() + " records with out-of-range timestamps not "
                    + "rejected: " + first(accepted, 3)));
        }
    }

    static String cellKey(long start, long end, String key) {
        return "[" + start + "," + end + ")" + (key.isEmpty() ? "" : " " + key);
    }

    static <T> String first(List<T> items, int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, items.size()); i++) {
            b.append(i == 0 ? "" : "; ").append(items.get(i));
        }
        return b.append(items.size() > n ? "; ... " + (items.size() - n) + " more]" : "]").toString();
    }
}
