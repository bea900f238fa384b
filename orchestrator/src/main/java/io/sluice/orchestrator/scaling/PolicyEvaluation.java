package io.sluice.orchestrator.scaling;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** One evaluation of a {@link ScalingPolicy}: the rules, kept apart from the option value. */
final class PolicyEvaluation {
    /** A shard whose hottest key carries this share of its load gains nothing from a split. */
    private static final double UNSPLITTABLE_KEY_SHARE = 0.9;
    private static final double MAX_UTILIZATION = 2.0;
    private static final double BURST_UTILIZATION = 0.5;

    private final ScalingPolicy policy;
    private final StreamMetrics metrics;
    private final ScalingHistory history;
    private final Instant now;
    private final int n;

    PolicyEvaluation(ScalingPolicy policy, StreamMetrics metrics, ScalingHistory history) {
        this.policy = policy;
        this.metrics = metrics;
        this.history = history;
        this.now = metrics.at();
        this.n = metrics.shardCount();
    }

    ScalingPlan plan() {
        boolean behind = metrics.shards().stream().anyMatch(s -> s.reported() && s.iteratorAgeMillis() > TableShardMetrics.AT_TIP.toMillis());
        return evaluate().withConsumerBehind(behind);
    }

    private ScalingPlan evaluate() {
        int floor = floorAt();
        if (!metrics.active()) {
            return ScalingPlan.resharding(now, n);
        }
        if (!metrics.fullyReported()) {
            // Without load we never scale in, and scale out only to honour bounds and pre-scaling.
            int desired = clamp(Math.max(n, floor));
            return desired > n ? scaleOut(desired, 0, List.of(), List.of(), "pre-scale/bounds with incomplete metrics")
                    : ScalingPlan.hold(now, n, 0, "metrics incomplete: no reactive scaling");
        }
        List<Load> loads = new ArrayList<>();
        double total = 0;
        for (ShardMetrics s : metrics.shards()) {
            Load l = new Load(s, utilization(s));
            loads.add(l);
            // No resharding helps a key hotter than a shard (producers must salt it): count such a
            // shard as one full shard, so it does not drive a uniform scale-out that cannot help.
            total += dominatedByOneKey(s) ? Math.min(l.utilization, policy.targetUtilization()) : l.utilization;
        }
        double demand = total / policy.targetUtilization();
        int desired = clamp(Math.max((int) Math.ceil(demand - 1e-9), floor));
        List<Load> hot = loads.stream().filter(this::isHot).sorted(Comparator.comparingDouble((Load l) -> -l.utilization)).toList();
        List<Load> splittable = hot.stream().filter(l -> !dominatedByOneKey(l.shard)).toList();
        String why = String.format(Locale.ROOT, "demand %.1f shards, floor %d, %d hot (%d splittable)", demand, floor, hot.size(), splittable.size());
        if (desired > n || (!splittable.isEmpty() && n < policy.maxShards())) {
            // Skewed: hot shards are a minority (or the only shard), so splitting them where their load
            // is beats a uniform rescale that would also split cold shards. Uneven: the open shards would
            // carry the load if it were spread evenly (3 of 4 shards at 80 %, one at 40 %), so a uniform
            // rescale to the same count changes nothing: only splitting the hot shards helps.
            boolean skewed = n == 1 || 2 * hot.size() <= n || desired <= n;
            return scaleOut(Math.max(desired, n), demand, skewed ? splittable : List.of(), splittable, why);
        }
        if (desired < n && hot.isEmpty()) {
            return scaleIn(demand, floor, loads, why);
        }
        return ScalingPlan.hold(now, n, demand, why + (hot.size() > splittable.size() ? ": hot key cannot be split further" : ""));
    }

    private ScalingPlan scaleOut(int desired, double demand, List<Load> skewedHot, List<Load> splittable, String why) {
        if (now.isBefore(history.lastScaleOut().plus(policy.scaleOutCooldown()))) {
            return ScalingPlan.hold(now, n, demand, why + ": scale-out cooldown");
        }
        if (!now.isAfter(history.lastSeenResharding().plus(policy.scaleOutCooldown())) && floorAt() <= n) {
            // The metrics window still covers the resharding: new shards drained the producers' retries
            // at full speed and look hot. Wait for a window that lies wholly after it.
            return ScalingPlan.hold(now, n, demand, why + ": settling after resharding");
        }
        int room = Math.min(policy.maxShards() - n, policy.maxReshardsPerEvaluation());
        int gap = desired - n;
        if (!skewedHot.isEmpty() && gap <= skewedHot.size()) {
            // Skewed load: split where the load is, and keep the UpdateShardCount budget.
            return splits(skewedHot, Math.min(skewedHot.size(), room), demand, why + ": split hot shards");
        }
        int target = Math.min(desired, Math.min(2 * n, policy.maxShards()));
        if (budgetLeft() > 0 && target > n) {
            return new ScalingPlan(now, n, demand, List.of(new ScalingDecision.UpdateShardCount(target)), why + ": uniform scale-out");
        }
        // Budget spent: splits cost nothing against it. Prefer hot shards, then the widest ranges.
        List<Load> candidates = new ArrayList<>(splittable);
        metrics.shards().stream().sorted(Comparator.comparing((ShardMetrics s) -> s.range().size()).reversed())
                .map(s -> new Load(s, utilization(s)))
                .filter(l -> candidates.stream().noneMatch(c -> c.shard.shardId().equals(l.shard.shardId())))
                .forEach(candidates::add);
        return splits(candidates, Math.min(gap, room), demand, why + ": UpdateShardCount budget spent, splitting");
    }

    private ScalingPlan splits(List<Load> candidates, int count, double demand, String why) {
        List<ScalingDecision> out = new ArrayList<>();
        for (Load l : candidates) {
            if (out.size() >= count) {
                break;
            }
            if (l.shard.range().size().compareTo(BigInteger.ONE) > 0) {
                out.add(new ScalingDecision.Split(l.shard.shardId(), SplitPoints.loadWeighted(l.shard)));
            }
        }
        return new ScalingPlan(now, n, demand, out, why);
    }

    private ScalingPlan scaleIn(double demand, int floor, List<Load> loads, String why) {
        // After a scale-out, wait the long cooldown; consecutive scale-ins (a decay) only the short one.
        if (now.isBefore(history.lastScaleOut().plus(policy.scaleInCooldown()))
                || now.isBefore(history.lastScaleIn().plus(policy.scaleOutCooldown()))) {
            return ScalingPlan.hold(now, n, demand, why + ": scale-in cooldown");
        }
        // A consumer behind its tip reads less than was written (say at a tenth of its speed behind a slow sink): reads
        // understate the load until every consumer has been at its tip for a whole window.
        if (loads.stream().anyMatch(this::behind) || now.isBefore(history.lastSeenBehind().plus(policy.scaleInCooldown()))) {
            return ScalingPlan.hold(now, n, demand, why + ": a consumer was behind its shard within the stabilization window");
        }
        // Stabilization: the whole window's peak demand must fit, so an oscillating load does not flap.
        double peak = Math.max(demand, history.maxDemandWithin(now, policy.scaleInCooldown()));
        int desired = clamp(Math.max((int) Math.ceil(peak - 1e-9), floor));
        if (desired >= n) {
            return ScalingPlan.hold(now, n, demand, why + String.format(Locale.ROOT, ": window peak %.1f shards", peak));
        }
        if (n - desired > policy.maxReshardsPerEvaluation() && budgetLeft() > policy.updateShardCountReserve()) {
            int target = Math.max(desired, (n + 1) / 2);
            return new ScalingPlan(now, n, demand, List.of(new ScalingDecision.UpdateShardCount(target)), why + ": uniform scale-in");
        }
        int count = Math.min(n - desired, policy.maxReshardsPerEvaluation());
        List<ScalingDecision> merges = coldAdjacentPairs(loads, count);
        if (merges.isEmpty()) {
            return ScalingPlan.hold(now, n, demand, why + ": no cold adjacent pair");
        }
        return new ScalingPlan(now, n, demand, merges, why + ": merge cold adjacent shards");
    }

    private List<ScalingDecision> coldAdjacentPairs(List<Load> loads, int count) {
        record Pair(int i, double utilization) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < loads.size(); i++) {
            double u = loads.get(i).utilization + loads.get(i + 1).utilization;
            if (loads.get(i).shard.range().isFollowedBy(loads.get(i + 1).shard.range()) && u < policy.mergeUtilization()
                    && !behind(loads.get(i)) && !behind(loads.get(i + 1))) {
                pairs.add(new Pair(i, u));
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::utilization));
        boolean[] used = new boolean[loads.size()];
        List<ScalingDecision> out = new ArrayList<>();
        for (Pair p : pairs) {
            if (out.size() < count && !used[p.i] && !used[p.i + 1]) {
                used[p.i] = true;
                used[p.i + 1] = true;
                out.add(new ScalingDecision.Merge(loads.get(p.i).shard.shardId(), loads.get(p.i + 1).shard.shardId()));
            }
        }
        return out;
    }

    private double utilization(ShardMetrics s) {
        double recordCapacity = Math.min(KinesisLimits.SHARD_IN_RECORDS_PER_SECOND, policy.consumerRecordsPerSecond());
        double byteCapacity = Math.min(KinesisLimits.SHARD_IN_BYTES_PER_SECOND, KinesisLimits.SHARD_OUT_BYTES_PER_SECOND);
        double accepted = Math.max(s.recordsPerSecond() / recordCapacity, s.bytesPerSecond() / byteCapacity);
        if (accepted < BURST_UTILIZATION) {
            // A shard that took under half its capacity over the window was throttled only in a burst
            // (e.g. producers' retries flooding new shards): that is not demand to scale for.
            return accepted;
        }
        double u = Math.max(s.demandRecordsPerSecond() / recordCapacity, s.demandBytesPerSecond() / byteCapacity);
        // Throttle counts include every retry of a refused record, so during a retry storm they overstate
        // demand many times over. A shard counts as at most twice its capacity: one evaluation can at most
        // double the stream anyway, and the next evaluation sees whether that was enough.
        return Math.min(u, MAX_UTILIZATION);
    }

    private boolean isHot(Load l) {
        // A lagging consumer is a reason to split only on a busy shard: a child whose parent is still
        // draining lags too, and splitting it adds nothing.
        boolean lagging = l.shard.iteratorAgeMillis() > policy.maxIteratorAge().toMillis()
                && l.utilization >= policy.targetUtilization() / 2;
        return l.utilization > policy.targetUtilization() || lagging;
    }

    /**
     * Whether the shard's consumer is behind its tip (iterator age over {@link TableShardMetrics#AT_TIP}, 10 s): its
     * reads are not its writes (a consumer at a tenth of its speed reads 200 records/s whatever is written), so it is
     * never taken for cold.
     */
    private boolean behind(Load l) {
        return l.shard.iteratorAgeMillis() > TableShardMetrics.AT_TIP.toMillis();
    }

    private static boolean dominatedByOneKey(ShardMetrics s) {
        double demand = s.demandRecordsPerSecond();
        return demand > 0 && s.keyLoads().stream().anyMatch(k -> s.range().contains(k.hashKey())
                && k.recordsPerSecond() >= UNSPLITTABLE_KEY_SHARE * demand);
    }

    private int floorAt() {
        return policy.preScales().stream().mapToInt(p -> p.floorAt(now)).max().orElse(0);
    }

    private int budgetLeft() {
        return policy.updateShardCountCallsPer24h() - history.updateShardCountCallsSince24h(now);
    }

    private int clamp(int shards) {
        return Math.max(policy.minShards(), Math.min(policy.maxShards(), shards));
    }

    private record Load(ShardMetrics shard, double utilization) {
    }
}
