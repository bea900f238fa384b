package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the policy remembers between evaluations: when it last scaled out and in (cooldowns), when it
 * called UpdateShardCount (10 calls per rolling 24 hours), and the recent demand (scale-in only when
 * the whole stabilization window agrees). Immutable: {@link #record(ScalingPlan)} returns the next one.
 *
 * <pre>{@code
 * ScalingHistory history = ScalingHistory.empty();
 * ScalingPlan plan = policy.decide(metrics, history);
 * history = history.record(plan);
 * }</pre>
 */
public final class ScalingHistory {
    private static final Duration KEEP_DEMAND = Duration.ofHours(1);
    private static final Duration UPDATE_WINDOW = Duration.ofHours(24);

    private final Instant lastScaleOut;
    private final Instant lastScaleIn;
    private final Instant lastSeenResharding;
    private final Instant lastSeenBehind;
    private final List<Instant> updateShardCountCalls;
    private final List<Sample> demand;

    /**
     * @param at evaluation time
     * @param demandShards shards the load needed then
     */
    public record Sample(Instant at, double demandShards) {
    }

    private ScalingHistory(Instant lastScaleOut, Instant lastScaleIn, Instant lastSeenResharding, Instant lastSeenBehind, List<Instant> calls,
                           List<Sample> demand) {
        this.lastScaleOut = lastScaleOut;
        this.lastScaleIn = lastScaleIn;
        this.lastSeenResharding = lastSeenResharding;
        this.lastSeenBehind = lastSeenBehind;
        this.updateShardCountCalls = List.copyOf(calls);
        this.demand = List.copyOf(demand);
    }

    /** @return a history with no scaling and no demand seen */
    public static ScalingHistory empty() {
        return new ScalingHistory(Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, List.of(), List.of());
    }

    /**
     * Rebuilds a history from what {@link #lastScaleOut()}, {@link #lastScaleIn()}, {@link #lastSeenResharding()},
     * {@link #updateShardCountCalls()} and {@link #demand()} returned (a persisted history).
     *
     * @return the history those values describe
     */
    public static ScalingHistory restore(Instant lastScaleOut, Instant lastScaleIn, Instant lastSeenResharding,
                                         List<Instant> updateShardCountCalls, List<Sample> demand) {
        return restore(lastScaleOut, lastScaleIn, lastSeenResharding, Instant.EPOCH, updateShardCountCalls, demand);
    }

    /**
     * Rebuilds a history as {@link #restore(Instant, Instant, Instant, List, List)} does, with {@link #lastSeenBehind()}.
     *
     * @return the history those values describe
     */
    public static ScalingHistory restore(Instant lastScaleOut, Instant lastScaleIn, Instant lastSeenResharding, Instant lastSeenBehind,
                                         List<Instant> updateShardCountCalls, List<Sample> demand) {
        return new ScalingHistory(lastScaleOut, lastScaleIn, lastSeenResharding, lastSeenBehind, updateShardCountCalls, demand);
    }

    /**
     * @param plan an evaluation's plan, whose decisions are about to be applied
     * @return this history with the plan's demand and scaling recorded
     */
    public ScalingHistory record(ScalingPlan plan) {
        Instant at = plan.at();
        List<Sample> samples = new ArrayList<>();
        for (Sample s : demand) {
            if (s.at().isAfter(at.minus(KEEP_DEMAND))) {
                samples.add(s);
            }
        }
        if (plan.demandShards() > 0) {
            samples.add(new Sample(at, plan.demandShards()));
        }
        List<Instant> calls = recentCalls(at);
        if (plan.decisions().stream().anyMatch(d -> d instanceof ScalingDecision.UpdateShardCount)) {
            calls.add(at);
        }
        return new ScalingHistory(plan.scalesOut() ? at : lastScaleOut, plan.scalesIn() ? at : lastScaleIn,
                plan.streamActive() ? lastSeenResharding : at, plan.consumerBehind() ? at : lastSeenBehind, calls, samples);
    }

    /**
     * Records that Kinesis refused UpdateShardCount with {@code LimitExceededException}: the budget is
     * spent whatever this history counted (another tool may have called it), so it is filled up.
     *
     * @param at when Kinesis refused
     * @param limit calls allowed per 24 hours
     * @return this history with the budget exhausted until 24 hours after {@code at}
     */
    public ScalingHistory updateShardCountRefused(Instant at, int limit) {
        List<Instant> calls = recentCalls(at);
        while (calls.size() < limit) {
            calls.add(at);
        }
        return new ScalingHistory(lastScaleOut, lastScaleIn, lastSeenResharding, lastSeenBehind, calls, demand);
    }

    /**
     * Gives back an UpdateShardCount call that Kinesis never accepted (refused while the stream stayed UPDATING,
     * or skipped at the actuator's deadline): only calls Kinesis took count against the budget.
     *
     * @param at the evaluation time the call was recorded under ({@link ScalingPlan#at()})
     * @return this history with one call at {@code at} fewer
     */
    public ScalingHistory updateShardCountNotApplied(Instant at) {
        List<Instant> calls = new ArrayList<>(updateShardCountCalls);
        calls.remove(at);
        return new ScalingHistory(lastScaleOut, lastScaleIn, lastSeenResharding, lastSeenBehind, calls, demand);
    }

    /** @return when shards were last added ({@link Instant#EPOCH} if never) */
    public Instant lastScaleOut() {
        return lastScaleOut;
    }

    /** @return the last evaluation that found the stream resharding ({@link Instant#EPOCH} if none) */
    public Instant lastSeenResharding() {
        return lastSeenResharding;
    }

    /** @return the last evaluation that found a consumer behind its shard's tip ({@link Instant#EPOCH} if none) */
    public Instant lastSeenBehind() {
        return lastSeenBehind;
    }

    /** @return when shards were last removed ({@link Instant#EPOCH} if never) */
    public Instant lastScaleIn() {
        return lastScaleIn;
    }

    /**
     * @param now the clock
     * @return UpdateShardCount calls in the rolling 24 hours before {@code now}
     */
    public int updateShardCountCallsSince24h(Instant now) {
        return recentCalls(now).size();
    }

    /**
     * @param now the clock
     * @param window how far back
     * @return the highest demand recorded within {@code window} before {@code now}, 0 if none
     */
    public double maxDemandWithin(Instant now, Duration window) {
        return demand.stream().filter(s -> !s.at().isBefore(now.minus(window)))
                .mapToDouble(Sample::demandShards).max().orElse(0);
    }

    /** @return the UpdateShardCount calls remembered, oldest first (at most the last 24 hours' worth) */
    public List<Instant> updateShardCountCalls() {
        return updateShardCountCalls;
    }

    /** @return the demand samples remembered, oldest first (the last hour) */
    public List<Sample> demand() {
        return demand;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalingHistory h && lastScaleOut.equals(h.lastScaleOut) && lastScaleIn.equals(h.lastScaleIn)
                && lastSeenResharding.equals(h.lastSeenResharding) && lastSeenBehind.equals(h.lastSeenBehind)
                && updateShardCountCalls.equals(h.updateShardCountCalls)
                && demand.equals(h.demand);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lastScaleOut, lastScaleIn, lastSeenResharding, lastSeenBehind, updateShardCountCalls, demand);
    }

    private List<Instant> recentCalls(Instant now) {
        List<Instant> calls = new ArrayList<>();
        for (Instant t : updateShardCountCalls) {
            if (t.isAfter(now.minus(UPDATE_WINDOW))) {
                calls.add(t);
            }
        }
        return calls;
    }

    @Override
    public String toString() {
        return "ScalingHistory[lastScaleOut=" + lastScaleOut + ", lastScaleIn=" + lastScaleIn + ", lastSeenResharding=" + lastSeenResharding + ", lastSeenBehind=" + lastSeenBehind
                + ", updateShardCountCalls=" + updateShardCountCalls.size() + ", demandSamples=" + demand.size() + "]";
    }
}
