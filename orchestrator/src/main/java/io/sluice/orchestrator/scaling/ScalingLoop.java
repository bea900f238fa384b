package io.sluice.orchestrator.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One autoscaler tick: load the history, collect metrics, decide, save the history, apply. The history is saved
 * before anything is applied and only if no other scaler saved in between ({@link ScalingHistoryStore}), so a
 * duplicate tick applies nothing and a replaced Lambda instance still knows its cooldowns and API budget. An
 * UpdateShardCount that Kinesis did not take is given back to the budget afterwards (one refused as over the
 * quota fills the budget instead).
 *
 * <pre>{@code
 * ScalingLoop loop = new ScalingLoop(source, policy, KinesisScalingActuator.of(kinesis, stream), historyStore);
 * ScalingLoop.Tick tick = loop.runOnce(clock.instant());
 * System.out.println(tick.plan() + " " + tick.actuation());
 * }</pre>
 */
public final class ScalingLoop {
    private final ShardMetricsSource source;
    private final ScalingPolicy policy;
    private final KinesisScalingActuator actuator;
    private final ScalingHistoryStore history;

    /**
     * @param plan what the policy decided
     * @param actuation what the actuator did with it (nothing when superseded)
     * @param superseded whether another scaler saved its history first, so this tick applied nothing
     */
    public record Tick(ScalingPlan plan, ActuationReport actuation, boolean superseded) {
    }

    /**
     * A loop that remembers its history in memory only (tests, one-shot tools).
     *
     * @param source per-shard load
     * @param policy the rule
     * @param actuator applies the decisions
     */
    public ScalingLoop(ShardMetricsSource source, ScalingPolicy policy, KinesisScalingActuator actuator) {
        this(source, policy, actuator, ScalingHistoryStore.inMemory());
    }

    /**
     * @param source per-shard load
     * @param policy the rule
     * @param actuator applies the decisions
     * @param history where the history lives between ticks
     */
    public ScalingLoop(ShardMetricsSource source, ScalingPolicy policy, KinesisScalingActuator actuator, ScalingHistoryStore history) {
        this.source = Objects.requireNonNull(source, "source");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.actuator = Objects.requireNonNull(actuator, "actuator");
        this.history = Objects.requireNonNull(history, "history");
    }

    /**
     * @param now the clock
     * @return the plan and what was applied
     */
    public synchronized Tick runOnce(Instant now) {
        ScalingHistory before = history.load();
        ScalingPlan plan = policy.decide(source.collect(now), before);
        ScalingHistory after = before.record(plan);
        if (!history.save(after)) {
            return new Tick(plan, new ActuationReport(List.of()), true);
        }
        ActuationReport actuation = actuator.apply(plan.decisions());
        if (actuation.updateShardCountRefused()) {
            // Best effort: if this save loses a race, the winner's tick will meet the same refusal.
            history.save(after.updateShardCountRefused(now, KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H));
        } else if (actuation.outcomes().stream().anyMatch(o -> o.decision() instanceof ScalingDecision.UpdateShardCount
                && o.status() != ActuationReport.Status.APPLIED)) {
            // The call was counted when the plan was saved (before applying, so a duplicate tick applies nothing);
            // Kinesis never took it, so it is given back.
            history.save(after.updateShardCountNotApplied(plan.at()));
        }
        return new Tick(plan, actuation, false);
    }

    /** @return what the loop remembers */
    public ScalingHistory history() {
        return history.load();
    }
}
