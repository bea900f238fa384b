package io.sluice.simulator;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;

import io.sluice.functions.driver.OnFailureRecord;
import io.sluice.functions.driver.OnFailureReplay;
import io.sluice.functions.driver.ShardRange;
import io.sluice.simulator.Action.FaultType;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.memory.InMemoryStateStore;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replays a {@link History} against the real runtime ({@link SimulatedRuntime}) on an in-memory store behind a
 * {@link FaultyStore}, single-threaded, with processing time moved only by the schedule. Plays the event source
 * mapping: per-shard order, a child only after its parents are drained, retries from the first record an instance
 * reports (the whole batch after a crash), bisection, and at most {@value #MAX_RETRIES} retries before a batch goes
 * to the on-failure destination. At the end every shard is drained (parents first), every split is finished and a
 * final firing runs.
 */
final class HistoryRunner {

    static final int MAX_RETRIES = 4;
    private static final String SEQ_PREFIX = "4959033827149025660855969253836157109592157598913";
    private static final int FINAL_BATCH = 50;
    /** The instance Lambda starts when the one asked for is busy with the attempt that overlaps. */
    private static final int SPARE_SLOT = 7;

    /** Bugs planted on purpose to prove the checker can fail. */
    enum PlantedBug { NONE, DROP_PARTIAL_WRITE, FIRE_TWICE, NO_REPLAY, FORGET_KEY_BUCKETS }

    private final History history;
    private final boolean verbose;
    private final PlantedBug planted;
    /** Item limit of the simulated store: small, so large accumulators take the chunked path a history can reach. */
    static final int ITEM_LIMIT_BYTES = 256;
    private final Outcome outcome = new Outcome();
    private InMemoryStateStore memory;
    private final Map<String, Integer> idBySeq = new HashMap<>();
    private final int[] cursor;
    private int revealed;
    private long now = HistoryGenerator.T0 + 10_000;
    private FaultyStore faulty;
    private SimulatedRuntime runtime;
    private final List<SimulatedRuntime.Instance> slots = new ArrayList<>();
    private final int[] generation = new int[8];
    private boolean firedTwice;
    /** How far a retry overlapping a timed-out attempt took its shard meanwhile. */
    private int movedOn;

    HistoryRunner(History history, boolean verbose, PlantedBug planted) {
        this.history = history;
        this.verbose = verbose;
        this.planted = planted;
        this.cursor = new int[history.shards().size()];
    }

    static String seqOf(int id) {
        return SEQ_PREFIX + String.format("%07d", id);
    }

    Outcome run() {
        history.records().keySet().forEach(id -> idBySeq.put(seqOf(id), id));
        memory = InMemoryStateStore.withItemLimit(ITEM_LIMIT_BYTES);
        faulty = new FaultyStore(memory);
        if (planted == PlantedBug.DROP_PARTIAL_WRITE) {
            faulty.plantDroppedPartialWrite(3);
        }
        if (planted == PlantedBug.FORGET_KEY_BUCKETS) {
            faulty.plantForgottenKeyBuckets();
        }
        runtime = new SimulatedRuntime(history.variant(), faulty.store(), () -> now, this::listing, new Listener(),
                new ShardRange() {
                    @Override
                    public List<KinesisEvent.KinesisEventRecord> read(String streamArn, String shard, String after,
                                                                      String through) {
                        return readRange(streamArn, shard, after, through);
                    }

                    @Override
                    public List<KinesisEvent.KinesisEventRecord> readFrom(String streamArn, String shard, String at,
                                                                          String through) {
                        return readRange(streamArn, shard, new BigInteger(at).subtract(BigInteger.ONE).toString(),
                                through);
                    }
                });
        SimPipelines.resetBudget();
        try {
            for (Action action : history.actions()) {
                now += 1_000;
                execute(action);
            }
            finish();
        } catch (SimPipelines.StallError e) {
            outcome.stall = e.getMessage();
            trace("STALL " + e.getMessage());
        }
        outcome.chunkedWrites = memory.chunkedWrites();
        return outcome;
    }

    private void execute(Action action) {
        if (action instanceof Action.Deliver d) {
            if (!deliverable(d.shard())) {
                return;
            }
            ShardSpec shard = history.shards().get(d.shard());
            int from = cursor[d.shard()];
            int to = from;
            while (to < shard.records().size() && shard.records().get(to) <= d.through()) {
                to++;
            }
            if (to == from) {
                return;
            }
            trace(action.compact() + " -> " + shard.id() + " records " + ids(shard, from, to));
            deliver(d.shard(), from, to, d.slot(), d, d.bisect());
            cursor[d.shard()] = Math.max(to, movedOn);
            movedOn = 0;
        } else if (action instanceof Action.Redeliver r) {
            int c = cursor[r.shard()];
            if (c == 0) {
                return;
            }
            int from = Math.max(0, c - r.size());
            trace(action.compact() + " -> records " + ids(history.shards().get(r.shard()), from, c));
            attempt(r.shard(), from, c, instance(r.slot()));
        } else if (action instanceof Action.Fire f) {
            trace(action.compact());
            scheduledFire(f.slot());
        } else if (action instanceof Action.Reshard r) {
            if (r.event() == revealed) {
                revealed++;
                trace(action.compact());
            }
        } else if (action instanceof Action.Pause p) {
            now += p.millis();
            trace(action.compact());
        }
    }

    private void scheduledFire(int slot) {
        try {
            runtime.fire(instance(slot));
        } catch (RuntimeException e) {
            trace("  scheduled firing failed: " + e);
        }
    }

    /** The event source mapping's handling of one batch: first attempt (with the fault), then retries. */
    private void deliver(int s, int from, int to, int slot, Action.Deliver fault, boolean bisect) {
        Deque<int[]> ranges = new ArrayDeque<>();
        ranges.push(new int[] {from, to});
        int failures = 0;
        boolean first = true;
        String cause = null;
        while (!ranges.isEmpty()) {
            int[] range = ranges.pop();
            FaultType type = fault == null ? FaultType.NONE
                    : first || fault.fault() == FaultType.GIVE_UP || fault.fault() == FaultType.GIVE_UP_UNRECORDED
                    ? fault.fault() : FaultType.NONE;
            first = false;
            Optional<Integer> failedAt;
            boolean crashed = false;
            switch (type) {
                case CRASH, THROTTLE -> {
                    faulty.arm(type == FaultType.CRASH ? FaultyStore.Mode.CRASH : FaultyStore.Mode.THROTTLE,
                            fault.at(), null);
                    try {
                        failedAt = attempt(s, range[0], range[1], instance(slot));
                    } finally {
                        crashed = type == FaultType.CRASH && faulty.struck();
                        faulty.disarm();
                    }
                    if (crashed) {
                        trace("  crash at write " + fault.at() + ": instance i" + slot + " replaced");
                        replace(slot);
                        failedAt = Optional.of(range[0]);
                    }
                }
                case GIVE_UP, GIVE_UP_UNRECORDED -> {
                    faulty.arm(type == FaultType.GIVE_UP ? FaultyStore.Mode.THROTTLE_AFTER_ATTEMPT
                            : FaultyStore.Mode.REFUSE_ATTEMPT, 0, null);
                    try {
                        failedAt = attempt(s, range[0], range[1], instance(slot));
                    } finally {
                        faulty.disarm();
                    }
                }
                case OVERLAP, FIRE_DURING -> {
                    // An instance runs one invocation at a time: what overlaps runs on another one.
                    int other = fault.other() != slot ? fault.other() : SPARE_SLOT;
                    boolean[] retried = {false};
                    faulty.arm(FaultyStore.Mode.HOOK, fault.at(), () -> {
                        if (type == FaultType.OVERLAP) {
                            trace("  attempt on i" + slot + " times out at write " + fault.at()
                                    + "; retry on i" + other + " runs while it goes on");
                            retried[0] = true;
                            deliver(s, range[0], range[1], other, null, false);
                            // The mapping moves on once the retry is acknowledged: the shard's next records (three
                            // times the batch, plus 20) are applied while the timed-out attempt still runs.
                            int size = history.shards().get(s).records().size();
                            int next = Math.min(size, range[1] + 3 * (range[1] - range[0]) + 20);
                            if (next > range[1]) {
                                trace("  i" + other + " goes on with records "
                                        + ids(history.shards().get(s), range[1], next));
                                deliver(s, range[1], next, other, null, false);
                                movedOn = Math.max(movedOn, next);
                            }
                        } else {
                            trace("  i" + other + " fires at write " + fault.at() + " of i" + slot);
                            scheduledFire(other);
                        }
                    });
                    try {
                        failedAt = attempt(s, range[0], range[1], instance(slot));
                    } finally {
                        faulty.disarm();
                    }
                    if (retried[0]) {
                        failedAt = Optional.empty();   // the timed-out attempt's answer is lost; the retry acknowledged
                    }
                }
                default -> failedAt = attempt(s, range[0], range[1], instance(slot));
            }
            if (failedAt.isEmpty()) {
                continue;
            }
            cause = crashed ? "injected crash" : SimulatedRuntime.lastError();
            failures++;
            int restart = Math.max(range[0], Math.min(range[1] - 1, failedAt.get()));
            trace("  failed; first not applied #" + restart + " (" + cause + ")");
            if (failures > MAX_RETRIES && fault != null && fault.fault() == FaultType.GIVE_UP) {
                // Every attempt was recorded before it failed: the operator reads the range back later.
                trace("  gave up after " + MAX_RETRIES + " retries: to the on-failure destination; read back later");
                return;
            }
            if (failures > MAX_RETRIES && fault != null && fault.fault() == FaultType.GIVE_UP_UNRECORDED) {
                // No attempt was recorded: only the on-failure records name the ranges; replayed at the end.
                ranges.push(new int[] {restart, range[1]});
                ShardSpec shard = history.shards().get(s);
                for (int[] left : ranges) {
                    if (left[1] > left[0]) {
                        outcome.onFailure.add(new OnFailureRecord(shard.id(), seqOf(shard.records().get(left[0])),
                                seqOf(shard.records().get(left[1] - 1)), SimulatedRuntime.STREAM_ARN,
                                left[1] - left[0], "RetryAttemptsExhausted"));
                    }
                }
                trace("  gave up after " + MAX_RETRIES + " retries, no attempt recorded: to the on-failure "
                        + "destination; replayed at the end");
                return;
            }
            if (failures > MAX_RETRIES) {
                ranges.push(new int[] {restart, range[1]});
                ShardSpec shard = history.shards().get(s);
                for (int[] left : ranges) {
                    for (int i = left[0]; i < left[1]; i++) {
                        outcome.discarded.putIfAbsent(shard.records().get(i), String.valueOf(cause));
                    }
                }
                trace("  gave up after " + MAX_RETRIES + " retries: to the on-failure destination");
                return;
            }
            if (bisect && range[1] - restart > 1) {
                int mid = restart + (range[1] - restart) / 2;
                ranges.push(new int[] {mid, range[1]});
                ranges.push(new int[] {restart, mid});
            } else {
                ranges.push(new int[] {restart, range[1]});
            }
        }
    }

    /**
     * One invocation with records {@code [from, to)} of shard {@code s}.
     *
     * @return the index in the shard of the first record reported not applied, if the invocation failed
     */
    private Optional<Integer> attempt(int s, int from, int to, SimulatedRuntime.Instance instance) {
        ShardSpec shard = history.shards().get(s);
        List<SimulatedRuntime.Input> inputs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            int id = shard.records().get(i);
            inputs.add(new SimulatedRuntime.Input(seqOf(id), history.records().get(id).line()));
        }
        Fence before = runtime.split(shard.id()).map(SplitState::fence).orElse(Fence.NONE);
        Optional<String> failed = runtime.deliver(instance, shard.id(), inputs);
        if (failed.isEmpty()) {
            if (!faulty.struck()) {
                for (int i = from; i < to; i++) {
                    int id = shard.records().get(i);
                    if (Fence.of(seqOf(id)).isAfter(before)) {
                        outcome.appliedByInvocations.add(id);
                    }
                }
            }
            return Optional.empty();
        }
        Integer id = idBySeq.get(failed.get());
        int index = id == null ? from : shard.records().indexOf(id);
        return Optional.of(index < 0 ? from : index);
    }

    private void finish() {
        revealed = history.reshards();
        now += 60_000;
        for (int s = 0; s < history.shards().size(); s++) {
            ShardSpec shard = history.shards().get(s);
            while (cursor[s] < shard.records().size()) {
                int from = cursor[s];
                int to = Math.min(shard.records().size(), from + FINAL_BATCH);
                trace("drain " + shard.id() + " records " + ids(shard, from, to));
                now += 1_000;
                deliver(s, from, to, 0, null, false);
                cursor[s] = to;
            }
        }
        outcome.unfinishedParents = unfinishedParents();
        List<OnFailureRecord> waiting = replay(outcome.onFailure);
        now += 600_000;
        trace("finish every split; final firing");
        try {
            runtime.finishAll(history.shards().stream().map(ShardSpec::id).toList());
        } catch (RuntimeException e) {
            outcome.finalFiringError = e.toString();
            trace("  final firing failed: " + e);
        }
        // A range the operator had not passed is replayed once its split is finished, and fired as the scheduled
        // firer would (its windows may be open: nothing was written into them before); what is still unsettled then
        // is lost, and the checker says so.
        List<OnFailureRecord> unsettled = replay(waiting);
        if (!waiting.isEmpty()) {
            now += 60_000;
            try {
                runtime.finishAll(history.shards().stream().map(ShardSpec::id).toList());
            } catch (RuntimeException e) {
                outcome.finalFiringError = e.toString();
                trace("  firing after the replay failed: " + e);
            }
        }
        for (OnFailureRecord left : unsettled) {
            ShardSpec shard = history.shards().stream().filter(x -> x.id().equals(left.shardId())).findFirst()
                    .orElseThrow();
            for (int id : shard.records()) {
                BigInteger seq = new BigInteger(seqOf(id));
                if (seq.compareTo(new BigInteger(left.startSequenceNumber())) >= 0
                        && seq.compareTo(new BigInteger(left.endSequenceNumber())) <= 0) {
                    outcome.discarded.putIfAbsent(id, "on-failure record not settled by the replay");
                }
            }
        }
        outcome.pending = runtime.pendingSlots();
    }

    /** Replays on-failure records as {@code sluice replay} does; returns those left unsettled. */
    private List<OnFailureRecord> replay(List<OnFailureRecord> ranges) {
        if (planted == PlantedBug.NO_REPLAY) {
            return ranges;
        }
        List<OnFailureRecord> unsettled = new ArrayList<>();
        for (OnFailureRecord r : ranges) {
            now += 1_000;
            OnFailureReplay.Result result;
            try {
                result = runtime.replay(r);
            } catch (RuntimeException e) {
                trace("  replay " + r.describe() + " failed: " + e);
                unsettled.add(r);
                continue;
            }
            trace("replay " + result.describe());
            if (!result.settled()) {
                unsettled.add(r);
            }
        }
        return unsettled;
    }

    /**
     * Shards the operator should have finished by now: every shard with a descendant (through any number of splits
     * and merges, registered or not) that applied a batch. Lambda delivered that descendant only after its whole
     * lineage was drained, and the descendant's first batch is the only moment the operator learns it.
     */
    private List<String> unfinishedParents() {
        Map<String, List<String>> children = new HashMap<>();
        for (ShardSpec s : history.shards()) {
            s.parents().forEach(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(s.id()));
        }
        List<String> unfinished = new ArrayList<>();
        for (ShardSpec s : history.shards()) {
            Optional<SplitState> state = runtime.split(s.id());
            if (state.isEmpty() || state.get().status() == SplitStatus.FINISHED) {
                continue;
            }
            Deque<String> todo = new ArrayDeque<>(children.getOrDefault(s.id(), List.of()));
            Set<String> seen = new HashSet<>();
            while (!todo.isEmpty()) {
                String d = todo.pop();
                if (!seen.add(d)) {
                    continue;
                }
                if (runtime.split(d).filter(x -> !Fence.NONE.equals(x.fence())).isPresent()) {
                    unfinished.add(s.id() + " (" + state.get().status() + ", watermark " + state.get().watermarkMillis()
                            + ") though " + d + " after it applied a batch");
                    break;
                }
                todo.addAll(children.getOrDefault(d, List.of()));
            }
        }
        return unfinished;
    }

    /** The stream's side of the operator's read-back: the shard's records in {@code (after, through]}, whole. */
    private List<KinesisEvent.KinesisEventRecord> readRange(String streamArn, String shardId, String after,
                                                            String through) {
        ShardSpec shard = history.shards().stream().filter(x -> x.id().equals(shardId)).findFirst().orElseThrow();
        BigInteger lo = after == null ? BigInteger.ONE.negate() : new BigInteger(after);
        BigInteger hi = new BigInteger(through);
        List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
        for (int id : shard.records()) {
            BigInteger seq = new BigInteger(seqOf(id));
            if (seq.compareTo(lo) > 0 && seq.compareTo(hi) <= 0) {
                out.add(SimulatedRuntime.eventRecord(streamArn, shardId, seqOf(id), history.records().get(id).line()));
            }
        }
        trace("  read back " + shardId + " (" + after + ", " + through + "]: " + out.size() + " records");
        return out;
    }

    private boolean deliverable(int s) {
        return HistoryGenerator.deliverable(history.shards(), s, cursor, revealed);
    }

    private List<SimulatedRuntime.ShardView> listing() {
        List<SimulatedRuntime.ShardView> views = new ArrayList<>();
        for (ShardSpec s : history.shards()) {
            if (s.revealedBy() < revealed) {
                boolean closed = false;
                for (ShardSpec c : history.shards()) {
                    closed |= c.revealedBy() < revealed && c.parents().contains(s.id());
                }
                views.add(new SimulatedRuntime.ShardView(s.id(), s.parents(), closed));
            }
        }
        return views;
    }

    private SimulatedRuntime.Instance instance(int slot) {
        while (slots.size() <= slot) {
            slots.add(newInstance(slots.size(), generation[slots.size()]));
        }
        return slots.get(slot);
    }

    private void replace(int slot) {
        instance(slot);
        slots.set(slot, newInstance(slot, ++generation[slot]));
    }

    /** Instances alternate between the declared and the redeployed count ({@link FaultClass#REDEPLOY}). */
    private SimulatedRuntime.Instance newInstance(int slot, int gen) {
        int keyBuckets = (slot + gen) % 2 == 0 ? history.variant().definition().keyBuckets()
                : history.redeployedKeyBuckets();
        return runtime.newInstance("i" + slot + "." + gen, keyBuckets);
    }

    private String ids(ShardSpec shard, int from, int to) {
        return shard.records().subList(from, to).toString();
    }

    private void trace(String line) {
        if (verbose) {
            outcome.trace.append("t=").append(now - HistoryGenerator.T0).append(' ').append(line).append('\n');
        }
    }

    private final class Listener implements SimulatedRuntime.Listener {
        @Override
        public void finalResults(List<SimulatedRuntime.Row> rows) {
            outcome.firings.add(rows);
            trace("  fired " + rows.stream().map(SimulatedRuntime.Row::compact).toList());
            if (planted == PlantedBug.FIRE_TWICE && !firedTwice) {
                firedTwice = true;
                SimulatedRuntime.Row r = rows.get(0);
                outcome.firings.add(List.of(new SimulatedRuntime.Row(r.start(), r.end(), r.key(), r.count() + 1,
                        r.sum() + 1)));
            }
        }

        /** {@code window=[s,e) key=[k]}, {@code window=[s,e)}, {@code sessions key=[k]} or {@code sessions}. */
        private void unfirable(String position) {
            int keyAt = position.indexOf(" key=[");
            String key = keyAt < 0 ? "" : position.substring(keyAt + 6, position.length() - 1);
            if (position.startsWith("sessions")) {
                outcome.unfirableSessionKeys.add(key);
                return;
            }
            int comma = position.indexOf(',');
            int close = position.indexOf(')');
            long start = Long.parseLong(position.substring("window=[".length(), comma));
            long end = Long.parseLong(position.substring(comma + 1, close));
            outcome.unfirable.add(Checker.cellKey(start, end, key));
        }

        @Override
        public void late(String seq) {
            Integer id = idBySeq.get(seq);
            if (id != null) {
                outcome.late.merge(id, 1, Integer::sum);
                trace("  late #" + id);
            }
        }

        @Override
        public void rejected(String seq, String reason) {
            if (seq.startsWith("window=[") || seq.startsWith("sessions")) {
                unfirable(seq);
                trace("  cannot fire " + seq + ": " + reason);
                return;
            }
            Integer id = idBySeq.get(seq);
            if (id != null) {
                outcome.rejected.putIfAbsent(id, reason);
                trace("  rejected #" + id + ": " + reason);
            }
        }
    }
}
