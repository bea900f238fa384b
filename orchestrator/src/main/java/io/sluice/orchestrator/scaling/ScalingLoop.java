package io.sluice.orchestrator.scaling;

import java.time.Instant;
import java.util.Objects;

/**
 * One autoscaler tick: collect metrics, decide, apply, remember. The scheduled handler runs it every
 * minute; the history lives in this object (a warm Lambda instance keeps it; a cold one starts empty,
 * and Kinesis's own limits still hold because refused calls are recorded).
 *
 * <pre>{@code
 * ScalingLoop loop = new ScalingLoop(source, policy, KinesisScalingActuator.of(kinesis, stream));
 * ScalingLoop.Tick tick = loop.runOnce(clock.instant());
 * System.out.println(tick.plan() + " " + tick.actuation());
 * }</pre>
 */
public final class ScalingLoop {
    private final ShardMetricsSource source;
    private final ScalingPolicy policy;
    private final KinesisScalingActuator actuator;
    private ScalingHistory history = ScalingHistory.empty();

    /**
     * @param plan what the policy decided
     * @param actuation what the actuator did with it
     */
    public record Tick(ScalingPlan plan, ActuationReport actuation) {
    }

    /**
     * @param source per-shard load
     * @param policy the rule
     * @param actuator applies the decisions
     */
    public ScalingLoop(ShardMetricsSource source, ScalingPolicy policy, KinesisScalingActuator actuator) {
        this.source = Objects.requireNonNull(source, "source");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.actuator = Objects.requireNonNull(actuator, "actuator");
    }

    /**
     * @param now the clock
     * @return the plan and what was applied
     */
    public synchronized Tick runOnce(Instant now) {
        ScalingPlan plan = policy.decide(source.collect(now), history);
        history = history.record(plan);
        ActuationReport actuation = actuator.apply(plan.decisions());
        if (actuation.updateShardCountRefused()) {
            history = history.updateShardCountRefused(now, KinesisLimits.UPDATE_SHARD_COUNT_CALLS_PER_24H);
        }
        return new Tick(plan, actuation);
    }

    /** @return what the loop remembers */
    public synchronized ScalingHistory history() {
        return history;
    }
}
