package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the simulator models Kinesis, Lambda and the autoscaler. Durations of resharding operations are
 * assumptions (AWS documents only "a few minutes" for UpdateShardCount): UpdateShardCount takes
 * {@code updateShardCountBase} plus {@code updateShardCountPerShard} per shard of the larger of the two counts; a split
 * or a merge takes {@code reshardDuration}; the stream does one at a time.
 *
 * <pre>{@code
 * SimulationOptions options = SimulationOptions.defaults()
 *         .withConsumerRecordsPerSecond(2_000)                        // one Lambda per shard
 *         .withPreScaleLead(Duration.ofMinutes(45));
 * SimulationReport report = ScalingSimulator.run(TrafficProfile.double11(), options);
 * }</pre>
 */
public final class SimulationOptions {
    private final double targetUtilization;
    private final double consumerRecordsPerSecond;
    private final Duration preScaleLead;
    private final Duration preScaleHold;
    private final Duration reshardDuration;
    private final Duration updateShardCountBase;
    private final Duration updateShardCountPerShard;
    private final Duration evaluationInterval;
    private final boolean operatorMetrics;

    private SimulationOptions(double targetUtilization, double consumerRecordsPerSecond, Duration preScaleLead, Duration preScaleHold,
                              Duration reshardDuration, Duration updateShardCountBase, Duration updateShardCountPerShard,
                              Duration evaluationInterval, boolean operatorMetrics) {
        if (!(consumerRecordsPerSecond > 0) || !(targetUtilization > 0 && targetUtilization <= 1)) {
            throw new IllegalArgumentException("consumer rate must be > 0 and target utilization in (0, 1]");
        }
        if (evaluationInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("evaluationInterval must be >= 1 s, got " + evaluationInterval);
        }
        this.targetUtilization = targetUtilization;
        this.consumerRecordsPerSecond = consumerRecordsPerSecond;
        this.preScaleLead = Objects.requireNonNull(preScaleLead);
        this.preScaleHold = Objects.requireNonNull(preScaleHold);
        this.reshardDuration = Objects.requireNonNull(reshardDuration);
        this.updateShardCountBase = Objects.requireNonNull(updateShardCountBase);
        this.updateShardCountPerShard = Objects.requireNonNull(updateShardCountPerShard);
        this.evaluationInterval = evaluationInterval;
        this.operatorMetrics = operatorMetrics;
    }

    /**
     * Target utilization 0.75, a Lambda consumer of 2,000 records/s per shard, pre-scaling 45 minutes
     * ahead and held 30 minutes, 30 s per split or merge, UpdateShardCount 2 min + 1 s per shard of the larger count,
     * one evaluation per minute (the scheduled handler's rate), and the deployed scaler's view of the load: what the
     * operator read from each shard, throttles unseen ({@link #withOperatorMetrics}).
     *
     * @return the defaults
     */
    public static SimulationOptions defaults() {
        return new SimulationOptions(0.75, 2_000, Duration.ofMinutes(45), Duration.ofMinutes(30), Duration.ofSeconds(30),
                Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofMinutes(1), true);
    }

    /**
     * @param operator true: the policy sees what the deployed scaler sees ({@link TableShardMetrics}: the consumer's
     *                 reads per shard, no throttles, the saturation rule, silent new shards unreported); false: what
     *                 Kinesis itself counts (accepted and throttled writes per shard, CloudWatch's enhanced metrics)
     * @return a copy
     */
    public SimulationOptions withOperatorMetrics(boolean operator) {
        return new SimulationOptions(targetUtilization, consumerRecordsPerSecond, preScaleLead, preScaleHold, reshardDuration, updateShardCountBase,
                updateShardCountPerShard, evaluationInterval, operator);
    }

    /** @param target utilization the policy keeps shards under @return a copy */
    public SimulationOptions withTargetUtilization(double target) {
        return new SimulationOptions(target, consumerRecordsPerSecond, preScaleLead, preScaleHold, reshardDuration, updateShardCountBase,
                updateShardCountPerShard, evaluationInterval, operatorMetrics);
    }

    /** @param recordsPerSecond records/s one Lambda instance processes from its shard @return a copy */
    public SimulationOptions withConsumerRecordsPerSecond(double recordsPerSecond) {
        return new SimulationOptions(targetUtilization, recordsPerSecond, preScaleLead, preScaleHold, reshardDuration, updateShardCountBase,
                updateShardCountPerShard, evaluationInterval, operatorMetrics);
    }

    /** @param lead how long before the profile's peak pre-scaling starts @return a copy */
    public SimulationOptions withPreScaleLead(Duration lead) {
        return new SimulationOptions(targetUtilization, consumerRecordsPerSecond, lead, preScaleHold, reshardDuration, updateShardCountBase,
                updateShardCountPerShard, evaluationInterval, operatorMetrics);
    }

    /** @param split duration of one SplitShard or MergeShards @param updateBase fixed part of UpdateShardCount
     *  @param updatePerShard UpdateShardCount time per shard of the larger count @return a copy */
    public SimulationOptions withReshardDurations(Duration split, Duration updateBase, Duration updatePerShard) {
        return new SimulationOptions(targetUtilization, consumerRecordsPerSecond, preScaleLead, preScaleHold, split, updateBase,
                updatePerShard, evaluationInterval, operatorMetrics);
    }

    double targetUtilization() {
        return targetUtilization;
    }

    double consumerRecordsPerSecond() {
        return consumerRecordsPerSecond;
    }

    Duration reshardDuration() {
        return reshardDuration;
    }

    Duration updateShardCountDuration(int from, int to) {
        return updateShardCountBase.plus(updateShardCountPerShard.multipliedBy(Math.max(from, to)));
    }

    Duration evaluationInterval() {
        return evaluationInterval;
    }

    boolean operatorMetrics() {
        return operatorMetrics;
    }

    /**
     * @param profile the replayed traffic
     * @return the autoscaler's policy for it: shards for the profile's peak from {@code lead} before it
     */
    public ScalingPolicy policyFor(TrafficProfile profile) {
        int peakShards = (int) Math.ceil(profile.peakRecordsPerSecond() / (perShardRecordCapacity(profile) * targetUtilization));
        return reactivePolicy().withPreScale(PreScale.once(profile.peakTime(), peakShards).withLead(preScaleLead).withHold(preScaleHold));
    }

    /** @return the autoscaler's policy without pre-scaling */
    public ScalingPolicy reactivePolicy() {
        return ScalingPolicy.targetUtilization(targetUtilization).withShardBounds(1, 1_000).withConsumerRecordsPerSecond(consumerRecordsPerSecond);
    }

    double perShardRecordCapacity(TrafficProfile profile) {
        return Math.min(Math.min(KinesisLimits.SHARD_IN_RECORDS_PER_SECOND, KinesisLimits.SHARD_IN_BYTES_PER_SECOND / profile.recordBytes()),
                consumerRecordsPerSecond);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimulationOptions s && targetUtilization == s.targetUtilization && consumerRecordsPerSecond == s.consumerRecordsPerSecond
                && preScaleLead.equals(s.preScaleLead) && preScaleHold.equals(s.preScaleHold) && reshardDuration.equals(s.reshardDuration)
                && updateShardCountBase.equals(s.updateShardCountBase) && updateShardCountPerShard.equals(s.updateShardCountPerShard)
                && evaluationInterval.equals(s.evaluationInterval) && operatorMetrics == s.operatorMetrics;
    }

    @Override
    public int hashCode() {
        return Objects.hash(targetUtilization, consumerRecordsPerSecond, preScaleLead, preScaleHold, reshardDuration, updateShardCountBase,
                updateShardCountPerShard, evaluationInterval, operatorMetrics);
    }

    /**
     * @return the model in words, for reports, e.g. {@code target utilization 75 %, consumer 2,000 records/s per shard,
     *     pre-scaling from 45 min before the peak to 30 min after it, split or merge 30 s, UpdateShardCount 2 min + 1 s
     *     per shard, policy every 1 min on the operator's reads}
     */
    public String describe() {
        return String.format(Locale.ROOT, "target utilization %.0f %%, consumer %,.0f records/s per shard, pre-scaling from %s before the peak "
                        + "to %s after it, split or merge %s, UpdateShardCount %s + %s per shard, policy every %s on %s",
                100 * targetUtilization, consumerRecordsPerSecond, words(preScaleLead), words(preScaleHold), words(reshardDuration),
                words(updateShardCountBase), words(updateShardCountPerShard), words(evaluationInterval),
                operatorMetrics ? "the operator's reads" : "Kinesis's writes and throttles");
    }

    private static String words(Duration d) {
        long s = d.toSeconds();
        return s % 3_600 == 0 && s > 0 ? s / 3_600 + " h" : s % 60 == 0 && s > 0 ? s / 60 + " min" : s + " s";
    }

    @Override
    public String toString() {
        return "SimulationOptions[target=" + targetUtilization + ", consumer=" + consumerRecordsPerSecond + "/s, preScaleLead=" + preScaleLead
                + ", preScaleHold=" + preScaleHold + ", split/merge=" + reshardDuration + ", updateShardCount=" + updateShardCountBase
                + " + " + updateShardCountPerShard + "/shard, evaluation every " + evaluationInterval
                + ", metrics=" + (operatorMetrics ? "operator reads" : "Kinesis writes and throttles") + "]";
    }
}
