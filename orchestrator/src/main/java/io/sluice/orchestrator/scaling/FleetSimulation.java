package io.sluice.orchestrator.scaling;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fleet replaying a profile second by second: Kinesis shard limits on the way in (each shard takes the
 * profile's share of the records for its hash key range), one Lambda consumer per shard on the way out at the
 * profile's consumer speed (children only after their parents are drained, as Lambda does),
 * and, every evaluation interval, the policy (if any) with resharding that takes time, one operation
 * at a time per stream.
 */
final class FleetSimulation {
    private final TrafficProfile profile;
    private final SimulationOptions options;
    private final ScalingPolicy policy;   // null: a static fleet
    private final List<SimShard> open = new ArrayList<>();
    private final List<SimShard> draining = new ArrayList<>();
    private final LinkedList<ScalingDecision> queue = new LinkedList<>();
    private final List<ScalingPlan> actions = new ArrayList<>();
    private final List<SimulationReport.Minute> minutes = new ArrayList<>();
    private ScalingHistory history = ScalingHistory.empty();
    private ScalingDecision running;
    private long runningUntil;
    private int nextId;
    /** The operator view's rule for silent shards, as the deployed scaler applies it ({@link TableShardMetrics}). */
    private final ReadEvidence evidence = new ReadEvidence();

    FleetSimulation(TrafficProfile profile, SimulationOptions options, ScalingPolicy policy, int initialShards) {
        this.profile = profile;
        this.options = options;
        this.policy = policy;
        for (int i = 0; i < initialShards; i++) {
            open(HashKeyRange.uniform(i, initialShards), List.of());
        }
    }

    SimulationReport.Fleet run(String name) {
        Instant start = profile.start().toInstant();
        long seconds = profile.duration().toSeconds();
        long evaluateEvery = options.evaluationInterval().toSeconds();
        double inCap = Math.min(KinesisLimits.SHARD_IN_RECORDS_PER_SECOND, KinesisLimits.SHARD_IN_BYTES_PER_SECOND / profile.recordBytes());
        double outCap = Math.min(options.consumerRecordsPerSecond(), KinesisLimits.SHARD_OUT_BYTES_PER_SECOND / profile.recordBytes());
        double minuteOffered = 0;
        double minuteThrottled = 0;
        long minuteMaxAge = 0;
        double minuteShardSeconds = 0;
        long minuteMaxDelay = 0;
        // Producers retry refused records (oldest first) until Kinesis takes them: (first try second, records).
        ArrayDeque<double[]> retries = new ArrayDeque<>();
        double retrying = 0;
        for (long t = 0; t < seconds; t++) {
            Instant now = start.plusSeconds(t);
            if (running != null && t >= runningUntil) {
                apply(running, t);
                running = null;
            }
            if (running == null && !queue.isEmpty()) {
                start(queue.removeFirst(), t);
            }
            if (policy != null && t % evaluateEvery == 0 && t > 0) {
                evaluate(now, t);
            }
            double offered = profile.recordsPerSecondAt(now);
            minuteOffered += offered;
            double pending = offered + retrying;
            double acceptedTotal = 0;
            for (SimShard s : open) {
                double want = pending * s.fraction;
                double accepted = Math.min(want, inCap);
                s.offer(t, accepted, want - accepted);
                acceptedTotal += accepted;
            }
            // Retries go first; what is left of the acceptance is new records, the rest of them is throttled.
            double fromRetries = Math.min(acceptedTotal, retrying);
            retrying -= fromRetries;
            while (fromRetries > 1e-9 && !retries.isEmpty()) {
                double[] head = retries.peekFirst();
                double take = Math.min(fromRetries, head[1]);
                head[1] -= take;
                fromRetries -= take;
                if (head[1] <= 1e-9) {
                    retries.removeFirst();
                }
            }
            double refusedNew = Math.max(0, offered - (acceptedTotal - Math.min(acceptedTotal, pending - offered)));
            if (refusedNew > 1e-6) {
                retries.addLast(new double[] {t, refusedNew});
                retrying += refusedNew;
                minuteThrottled += refusedNew;
            }
            if (retrying < 1e-6) {
                retries.clear();
                retrying = 0;
            }
            minuteMaxDelay = Math.max(minuteMaxDelay, retries.isEmpty() ? 0 : t - (long) retries.peekFirst()[0]);
            minuteShardSeconds += open.size();
            long age = consume(t, outCap * profile.consumerSpeedAt(now));
            minuteMaxAge = Math.max(minuteMaxAge, age);
            if ((t + 1) % 60 == 0) {
                minutes.add(new SimulationReport.Minute(start.plusSeconds(t - 59), minuteOffered / 60, open.size(),
                        Math.round(minuteThrottled), minuteMaxAge * 1_000, minuteMaxDelay * 1_000, minuteShardSeconds / 3_600));
                minuteMaxDelay = 0;
                minuteOffered = 0;
                minuteThrottled = 0;
                minuteMaxAge = 0;
                minuteShardSeconds = 0;
            }
        }
        return new SimulationReport.Fleet(name, minutes, actions);
    }

    private void evaluate(Instant now, long t) {
        long window = options.evaluationInterval().toSeconds();
        // What the operator reported in the window: the open shards it read, and the closed parents it still drains.
        Map<String, List<String>> lineage = new LinkedHashMap<>();
        Map<String, Long> reported = new HashMap<>();
        for (SimShard s : open) {
            lineage.put(s.id, s.parents.stream().map(p -> p.id).toList());
            for (SimShard p : s.parents) {
                if (p.readInWindow > 0) {
                    reported.put(p.id, p.age(t) * 1_000);
                }
            }
            if (s.readInWindow > 0) {
                reported.put(s.id, s.age(t) * 1_000);
            }
        }
        Set<String> idle = evidence.idle(lineage, reported);
        List<ShardMetrics> metrics = new ArrayList<>();
        for (SimShard s : open) {
            if (!options.operatorMetrics()) {
                metrics.add(s.kinesisMetrics(t, window, profile.recordBytes()));
            } else if (reported.containsKey(s.id) || idle.contains(s.id)) {
                metrics.add(s.operatorMetrics(t, window, profile.recordBytes()));
            } else {
                // As TableShardMetrics: a silent shard is idle only when it is known to be read and quiet.
                metrics.add(ShardMetrics.unreported(s.id, s.range));
                s.resetWindow();
            }
        }
        draining.forEach(SimShard::resetWindow);
        boolean active = running == null && queue.isEmpty();
        ScalingPlan plan = policy.decide(new StreamMetrics(now, active, metrics), history);
        history = history.record(plan);
        if (!plan.decisions().isEmpty()) {
            actions.add(plan);
            queue.addAll(plan.decisions());
        }
    }

    private void start(ScalingDecision d, long t) {
        running = d;
        long duration = d instanceof ScalingDecision.UpdateShardCount u
                ? options.updateShardCountDuration(open.size(), u.targetShardCount()).toSeconds()
                : options.reshardDuration().toSeconds();
        runningUntil = t + duration;
    }

    private void apply(ScalingDecision d, long t) {
        if (d instanceof ScalingDecision.Split split) {
            SimShard parent = find(split.shardId());
            if (parent != null) {
                close(List.of(parent));
                open(HashKeyRange.of(parent.range.start(), split.newStartingHashKey().subtract(java.math.BigInteger.ONE)), List.of(parent));
                open(HashKeyRange.of(split.newStartingHashKey(), parent.range.end()), List.of(parent));
            }
        } else if (d instanceof ScalingDecision.Merge merge) {
            SimShard a = find(merge.shardId());
            SimShard b = find(merge.adjacentShardId());
            if (a != null && b != null) {
                close(List.of(a, b));
                open(HashKeyRange.of(a.range.start(), b.range.end()), List.of(a, b));
            }
        } else if (d instanceof ScalingDecision.UpdateShardCount u) {
            List<SimShard> parents = new ArrayList<>(open);
            close(parents);
            for (int i = 0; i < u.targetShardCount(); i++) {
                HashKeyRange r = HashKeyRange.uniform(i, u.targetShardCount());
                open(r, parents.stream().filter(p -> p.range.overlaps(r)).toList());
            }
        }
        open.sort(java.util.Comparator.comparing(s -> s.range.start()));
    }

    private void open(HashKeyRange range, List<SimShard> parents) {
        open.add(new SimShard(newId(), range, parents, profile.shareOf(range)));
    }

    private void close(List<SimShard> shards) {
        open.removeAll(shards);
        draining.addAll(shards);
    }

    /** Every consumer reads up to its rate; returns the oldest unprocessed record's age in seconds. */
    private long consume(long t, double outCap) {
        long maxAge = 0;
        for (Iterator<SimShard> it = draining.iterator(); it.hasNext(); ) {
            SimShard s = it.next();
            s.consume(t, outCap);
            maxAge = Math.max(maxAge, s.age(t));
            if (s.drained()) {
                it.remove();
            }
        }
        for (SimShard s : open) {
            s.consume(t, outCap);
            maxAge = Math.max(maxAge, s.age(t));
        }
        return maxAge;
    }

    private SimShard find(String id) {
        return open.stream().filter(s -> s.id.equals(id)).findFirst().orElse(null);
    }

    private String newId() {
        return String.format("shardId-%012d", nextId++);
    }

    /** A shard's backlog as (arrival second, records) buckets, oldest first. */
    private static final class SimShard {
        final String id;
        final HashKeyRange range;
        final List<SimShard> parents;
        final double fraction;
        final ArrayDeque<double[]> backlog = new ArrayDeque<>();
        boolean parentsDrained;
        double acceptedInWindow;
        double throttledInWindow;
        double readInWindow;

        SimShard(String id, HashKeyRange range, List<SimShard> parents, double share) {
            this.id = id;
            this.range = range;
            this.parents = parents;
            this.fraction = share;
            this.parentsDrained = parents.isEmpty();
        }

        void offer(long t, double accepted, double throttled) {
            acceptedInWindow += accepted;
            throttledInWindow += throttled;
            if (accepted > 0) {
                backlog.addLast(new double[] {t, accepted});
            }
        }

        void consume(long t, double rate) {
            if (!parentsDrained) {
                // Lambda reads a child only after its parents are fully processed.
                for (SimShard p : parents) {
                    if (!p.drained()) {
                        return;
                    }
                }
                parentsDrained = true;
            }
            double budget = rate;
            while (budget > 0 && !backlog.isEmpty()) {
                double[] head = backlog.peekFirst();
                double take = Math.min(budget, head[1]);
                head[1] -= take;
                budget -= take;
                readInWindow += take;
                if (head[1] <= 1e-9) {
                    backlog.removeFirst();
                }
            }
        }

        long age(long t) {
            return backlog.isEmpty() ? 0 : t - (long) backlog.peekFirst()[0];
        }

        boolean drained() {
            return backlog.isEmpty();
        }

        /** What Kinesis counts: accepted and throttled writes, per-minute sums divided by the minute as CloudWatch does. */
        ShardMetrics kinesisMetrics(long t, long window, int recordBytes) {
            // A shard opened mid-window shows a partial minute, not its first seconds' rate.
            double records = acceptedInWindow / window;
            double throttled = throttledInWindow / window;
            resetWindow();
            return ShardMetrics.of(id, range, records, records * recordBytes).withThrottledRecordsPerSecond(throttled)
                    .withIteratorAgeMillis(age(t) * 1_000);
        }

        /** What the operator reports: its reads, with the deployed scaler's saturation rule. */
        ShardMetrics operatorMetrics(long t, long window, int recordBytes) {
            double records = readInWindow / window;
            resetWindow();
            return TableShardMetrics.fromReads(id, range, records, records * recordBytes, age(t) * 1_000);
        }

        void resetWindow() {
            acceptedInWindow = 0;
            throttledInWindow = 0;
            readInWindow = 0;
        }
    }
}
