package io.sluice.orchestrator.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one policy evaluation decided, and why: the calls to make (possibly none) and the demand it saw.
 *
 * <pre>{@code
 * ScalingPlan plan = policy.decide(metrics, history);
 * actuator.apply(plan.decisions());
 * history = history.record(plan);
 * System.out.println(plan);   // ScalingPlan[at=..., shards=4 -> 8, demand=5.3, reason=uniform scale-out ...]
 * }</pre>
 *
 * @param at evaluation time
 * @param currentShards open shards seen
 * @param demandShards shards the load needs at the target utilization (0 when metrics are incomplete)
 * @param decisions calls to make, in order
 * @param reason one line for the log
 * @param streamActive whether the stream was ACTIVE when the plan was made (false: it was resharding)
 * @param consumerBehind whether some shard's consumer was behind its tip (its reads understate its writes): the
 *                       history remembers it, and the policy scales in only after a whole window without it
 */
public record ScalingPlan(Instant at, int currentShards, double demandShards, List<ScalingDecision> decisions, String reason,
                          boolean streamActive, boolean consumerBehind) {

    /**
     * Copies the decisions.
     *
     * @throws IllegalArgumentException if an UpdateShardCount asks for the count the stream has when it is made:
     *     a no-op that would spend one of the 10 calls of the rolling 24 hours
     */
    public ScalingPlan {
        Objects.requireNonNull(at, "at");
        decisions = List.copyOf(decisions);
        Objects.requireNonNull(reason, "reason");
        int open = currentShards;
        for (ScalingDecision d : decisions) {
            if (d instanceof ScalingDecision.UpdateShardCount u && u.targetShardCount() == open) {
                throw new IllegalArgumentException("UpdateShardCount(" + open + ") on " + open + " open shards is a no-op that "
                        + "would spend UpdateShardCount budget: " + reason);
            }
            open += d.shardDelta(open);
        }
    }

    /**
     * A plan made on an ACTIVE stream.
     *
     * @param at evaluation time
     * @param currentShards open shards seen
     * @param demandShards shards the load needs
     * @param decisions calls to make
     * @param reason one line for the log
     */
    public ScalingPlan(Instant at, int currentShards, double demandShards, List<ScalingDecision> decisions, String reason) {
        this(at, currentShards, demandShards, decisions, reason, true, false);
    }

    /** @param behind whether some consumer was behind its shard's tip @return a copy */
    ScalingPlan withConsumerBehind(boolean behind) {
        return new ScalingPlan(at, currentShards, demandShards, decisions, reason, streamActive, behind);
    }

    static ScalingPlan hold(Instant at, int currentShards, double demandShards, String reason) {
        return new ScalingPlan(at, currentShards, demandShards, List.of(), reason);
    }

    static ScalingPlan resharding(Instant at, int currentShards) {
        return new ScalingPlan(at, currentShards, 0, List.of(), "stream is resharding: one resharding at a time per stream", false, false);
    }

    /** @return open shards once every decision has completed */
    public int targetShards() {
        int n = currentShards;
        for (ScalingDecision d : decisions) {
            n += d.shardDelta(n);
        }
        return n;
    }

    /** @return whether the plan adds shards */
    public boolean scalesOut() {
        return targetShards() > currentShards;
    }

    /** @return whether the plan removes shards */
    public boolean scalesIn() {
        return targetShards() < currentShards;
    }

    @Override
    public String toString() {
        return "ScalingPlan[at=" + at + ", shards=" + currentShards + " -> " + targetShards()
                + String.format(java.util.Locale.ROOT, ", demand=%.1f", demandShards) + ", decisions=" + decisions
                + ", reason=" + reason + "]";
    }
}
