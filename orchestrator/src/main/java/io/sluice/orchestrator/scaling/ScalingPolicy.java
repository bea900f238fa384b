package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Shard autoscaling rule: keep every shard's load (the larger of records/s, bytes/s and what one Lambda
 * consumer handles, throttled demand included) under {@code targetUtilization} of its capacity, within
 * {@code [minShards, maxShards]} and the Kinesis API limits. A pure function of its inputs: metrics and
 * history in, a {@link ScalingPlan} out; the clock is {@link StreamMetrics#at()}.
 *
 * <pre>{@code
 * ScalingPolicy policy = ScalingPolicy.targetUtilization(0.75)
 *         .withShardBounds(2, 512)
 *         .withConsumerRecordsPerSecond(2_000)          // one Lambda per shard (ParallelizationFactor 1)
 *         .withScaleInCooldown(Duration.ofMinutes(15))
 *         .withPreScale(PreScale.daily(LocalTime.MIDNIGHT, ZoneId.of("Asia/Shanghai"), 128));
 * ScalingPlan plan = policy.decide(metrics, history);
 * }</pre>
 *
 * <p>Decisions, in order of preference:
 * <ul>
 *   <li>stream not ACTIVE: hold (one resharding at a time per stream);</li>
 *   <li>few hot shards: split each at its load-weighted hash key (no UpdateShardCount call spent);</li>
 *   <li>broad scale-out: UpdateShardCount to at most double; when its 10-per-24h budget is spent, split
 *       the hottest shards instead;</li>
 *   <li>scale-in only after the cooldown and when the whole stabilization window's demand fits: merge
 *       cold adjacent pairs, or UpdateShardCount to at least half when at least {@code reserve} calls
 *       of the budget would be left for the next spike.</li>
 * </ul>
 * Without metrics for every shard, only pre-scaling acts (no blind scale-in).
 */
public final class ScalingPolicy {
    private final double targetUtilization;
    private final double mergeUtilization;
    private final int minShards;
    private final int maxShards;
    private final double consumerRecordsPerSecond;
    private final Duration maxIteratorAge;
    private final Duration scaleOutCooldown;
    private final Duration scaleInCooldown;
    private final int maxReshardsPerEvaluation;
    private final int updateShardCountCallsPer24h;
    private final int updateShardCountReserve;
    private final List<PreScale> preScales;

    private ScalingPolicy(double targetUtilization, double mergeUtilization, int minShards, int maxShards,
                          double consumerRecordsPerSecond, Duration maxIteratorAge, Duration scaleOutCooldown,
                          Duration scaleInCooldown, int maxReshardsPerEvaluation, int updateShardCountCallsPer24h,
                          int updateShardCountReserve, List<PreScale> preScales) {
        if (!(targetUtilization > 0 && targetUtilization <= 1)) {
            throw new IllegalArgumentException("targetUtilization must be in (0, 1], got " + targetUtilization);
        }
        if (!(mergeUtilization > 0 && mergeUtilization < targetUtilization)) {
            throw new IllegalArgumentException("mergeUtilization must be in (0, targetUtilization), got " + mergeUtilization);
        }
        if (minShards < 1 || maxShards < minShards || maxShards > KinesisLimits.UPDATE_SHARD_COUNT_MAX_SHARDS) {
            throw new IllegalArgumentException("Shard bounds must satisfy 1 <= min <= max <= 10000, got [" + minShards + ", " + maxShards + "]");
        }
        if (!(consumerRecordsPerSecond > 0) || maxReshardsPerEvaluation < 1 || updateShardCountCallsPer24h < 0
                || updateShardCountCallsPer24h > KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H
                || updateShardCountReserve < 0) {
            throw new IllegalArgumentException("Invalid consumer rate, reshards per evaluation or UpdateShardCount budget");
        }
        if (maxIteratorAge.isNegative() || scaleOutCooldown.isNegative() || scaleInCooldown.isNegative()) {
            throw new IllegalArgumentException("Durations must be >= 0");
        }
        this.targetUtilization = targetUtilization;
        this.mergeUtilization = mergeUtilization;
        this.minShards = minShards;
        this.maxShards = maxShards;
        this.consumerRecordsPerSecond = consumerRecordsPerSecond;
        this.maxIteratorAge = maxIteratorAge;
        this.scaleOutCooldown = scaleOutCooldown;
        this.scaleInCooldown = scaleInCooldown;
        this.maxReshardsPerEvaluation = maxReshardsPerEvaluation;
        this.updateShardCountCallsPer24h = updateShardCountCallsPer24h;
        this.updateShardCountReserve = updateShardCountReserve;
        this.preScales = List.copyOf(preScales);
    }

    /**
     * Defaults: merge pairs below two thirds of the target combined, shards in [1, 10000], consumer 2,000 records/s per shard,
     * iterator age limit 1 minute, scale-out cooldown 1 minute, scale-in cooldown and stabilization 15
     * minutes, 10 splits or merges per evaluation, the full UpdateShardCount budget (10) with a reserve
     * of 2, no pre-scaling.
     *
     * @param target fraction of a shard's capacity to keep each shard under, in (0, 1]
     * @return the policy
     */
    public static ScalingPolicy targetUtilization(double target) {
        return new ScalingPolicy(target, target * 2 / 3, 1, KinesisLimits.UPDATE_SHARD_COUNT_MAX_SHARDS, 2_000,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 10,
                KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H, 2, List.of());
    }

    /** @param min fewest open shards @param max most open shards @return a copy */
    public ScalingPolicy withShardBounds(int min, int max) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, min, max, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /** @param utilization merge an adjacent pair whose combined load is under this share of one shard @return a copy */
    public ScalingPolicy withMergeUtilization(double utilization) {
        return new ScalingPolicy(targetUtilization, utilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /** @param recordsPerSecond records/s the one Lambda instance per shard processes @return a copy */
    public ScalingPolicy withConsumerRecordsPerSecond(double recordsPerSecond) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, recordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /** @param age iterator age above which a shard counts as hot (its consumer is behind) @return a copy */
    public ScalingPolicy withMaxIteratorAge(Duration age) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, age,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /** @param cooldown least time between two scale-outs, and between two scale-ins @return a copy */
    public ScalingPolicy withScaleOutCooldown(Duration cooldown) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                cooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /** @param cooldown least time after a scale-out before a scale-in; also the demand stabilization window @return a copy */
    public ScalingPolicy withScaleInCooldown(Duration cooldown) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, cooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /** @param max splits or merges one evaluation may ask for (the actuator paces them) @return a copy */
    public ScalingPolicy withMaxReshardsPerEvaluation(int max) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, max, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    /**
     * @param callsPer24h UpdateShardCount calls allowed per rolling 24 hours, at most 10
     * @param reserve calls kept for scale-out: scale-in never uses them
     * @return a copy
     */
    public ScalingPolicy withUpdateShardCountBudget(int callsPer24h, int reserve) {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, callsPer24h, reserve, preScales);
    }

    /** @param preScale a known peak to add @return a copy */
    public ScalingPolicy withPreScale(PreScale preScale) {
        List<PreScale> all = new java.util.ArrayList<>(preScales);
        all.add(Objects.requireNonNull(preScale, "preScale"));
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, all);
    }

    /** @return a copy without pre-scaling: a purely reactive policy */
    public ScalingPolicy withoutPreScaling() {
        return new ScalingPolicy(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, List.of());
    }

    /**
     * @param metrics the stream now; its {@code at} is the policy's clock
     * @param history what earlier evaluations did
     * @return the calls to make now (empty to hold) and why
     */
    public ScalingPlan decide(StreamMetrics metrics, ScalingHistory history) {
        return new PolicyEvaluation(this, metrics, history).plan();
    }

    double targetUtilization() {
        return targetUtilization;
    }

    double mergeUtilization() {
        return mergeUtilization;
    }

    int minShards() {
        return minShards;
    }

    int maxShards() {
        return maxShards;
    }

    double consumerRecordsPerSecond() {
        return consumerRecordsPerSecond;
    }

    Duration maxIteratorAge() {
        return maxIteratorAge;
    }

    Duration scaleOutCooldown() {
        return scaleOutCooldown;
    }

    Duration scaleInCooldown() {
        return scaleInCooldown;
    }

    int maxReshardsPerEvaluation() {
        return maxReshardsPerEvaluation;
    }

    int updateShardCountCallsPer24h() {
        return updateShardCountCallsPer24h;
    }

    int updateShardCountReserve() {
        return updateShardCountReserve;
    }

    List<PreScale> preScales() {
        return preScales;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalingPolicy p && targetUtilization == p.targetUtilization && mergeUtilization == p.mergeUtilization
                && minShards == p.minShards && maxShards == p.maxShards && consumerRecordsPerSecond == p.consumerRecordsPerSecond
                && maxIteratorAge.equals(p.maxIteratorAge) && scaleOutCooldown.equals(p.scaleOutCooldown)
                && scaleInCooldown.equals(p.scaleInCooldown) && maxReshardsPerEvaluation == p.maxReshardsPerEvaluation
                && updateShardCountCallsPer24h == p.updateShardCountCallsPer24h && updateShardCountReserve == p.updateShardCountReserve
                && preScales.equals(p.preScales);
    }

    @Override
    public int hashCode() {
        return Objects.hash(targetUtilization, mergeUtilization, minShards, maxShards, consumerRecordsPerSecond, maxIteratorAge,
                scaleOutCooldown, scaleInCooldown, maxReshardsPerEvaluation, updateShardCountCallsPer24h, updateShardCountReserve, preScales);
    }

    @Override
    public String toString() {
        return "ScalingPolicy[target=" + targetUtilization + ", merge=" + mergeUtilization + ", shards=[" + minShards + ", " + maxShards
                + "], consumer=" + consumerRecordsPerSecond + "/s, maxIteratorAge=" + maxIteratorAge + ", scaleOutCooldown=" + scaleOutCooldown
                + ", scaleInCooldown=" + scaleInCooldown + ", reshardsPerEvaluation=" + maxReshardsPerEvaluation
                + ", updateShardCount=" + updateShardCountCallsPer24h + "/24h (reserve " + updateShardCountReserve + "), preScales=" + preScales + "]";
    }
}
