package io.sluice.orchestrator.scaling;

import java.util.List;

/**
 * What {@link KinesisScalingActuator#apply} did with each decision.
 *
 * <pre>{@code
 * ActuationReport r = actuator.apply(plan.decisions());
 * if (r.updateShardCountRefused()) history = history.updateShardCountRefused(now, 10);
 * }</pre>
 *
 * @param outcomes one per decision, in order
 */
public record ActuationReport(List<Outcome> outcomes) {

    /** How a decision ended. */
    public enum Status {
        /** The call succeeded and the stream is ACTIVE again. */
        APPLIED,
        /** Not attempted or abandoned without harm: stale shard, deadline reached. */
        SKIPPED,
        /** Kinesis kept refusing after every retry. */
        FAILED
    }

    /**
     * @param decision the decision
     * @param status how it ended
     * @param attempts API calls made for it
     * @param message why, for the log
     */
    public record Outcome(ScalingDecision decision, Status status, int attempts, String message) {
    }

    /** Copies the outcomes. */
    public ActuationReport {
        outcomes = List.copyOf(outcomes);
    }

    /** @return decisions applied */
    public long applied() {
        return outcomes.stream().filter(o -> o.status() == Status.APPLIED).count();
    }

    /** @return whether Kinesis refused an UpdateShardCount with LimitExceededException to the end */
    public boolean updateShardCountRefused() {
        return outcomes.stream().anyMatch(o -> o.status() == Status.FAILED && o.decision() instanceof ScalingDecision.UpdateShardCount
                && o.message().contains("LimitExceeded"));
    }
}
