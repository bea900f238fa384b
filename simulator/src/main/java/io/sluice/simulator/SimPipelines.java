package io.sluice.simulator;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;

import java.time.Duration;
import java.util.Locale;

/**
 * The pipelines a history runs: the shipped GMV pipelines, and a sliding- and a session-window variant of
 * {@code gmv-by-category} (with idleness) whose aggregate counts its steps, so a runaway window loop is reported as
 * a stall instead of hanging the simulator.
 */
public final class SimPipelines {

    /** Window assignments (aggregate additions) one history may make before it is declared stalled. */
    static final long STEP_BUDGET = 50_000;
    private static final ThreadLocal<long[]> STEPS = ThreadLocal.withInitial(() -> new long[1]);

    private SimPipelines() {
    }

    /** Thrown out of the runtime when a history exceeds {@link #STEP_BUDGET}: an Error, so nothing catches it. */
    static final class StallError extends Error {
        private static final long serialVersionUID = 1L;

        StallError(String message) {
            super(message, null, false, false);
        }
    }

    /** Starts counting a history's steps. */
    static void resetBudget() {
        STEPS.get()[0] = 0;
    }

    private static long step(Order o) {
        if (++STEPS.get()[0] > STEP_BUDGET) {
            throw new StallError("more than " + STEP_BUDGET + " window assignments (last record ts=" + o.ts() + ")");
        }
        return o.amount();
    }

    /** A pipeline a history may run, with what the checker needs to know of its windows. */
    public enum Variant {
        BY_CATEGORY("gmv-by-category", Windows.TUMBLING, 60_000, 0, 0, true),
        TOTAL("gmv-total", Windows.TUMBLING, 10_000, 0, 0, false),
        SLIDING("gmv-sliding", Windows.SLIDING, 60_000, 20_000, 0, true),
        SESSION("gmv-session", Windows.SESSION, 30_000, 0, 0, true),
        /**
         * {@code gmv-by-category} with every key in one bucket and an accumulator that also keeps each record's
         * order id (exact distinct set), so partials grow with the data past the simulator's 256-byte item limit: the
         * chunked-state path under every fault. Its results are the same count and sum.
         */
        LARGE_STATE("gmv-large-state", Windows.TUMBLING, 60_000, 0, 0, true);

        /** Window kinds. */
        public enum Windows { TUMBLING, SLIDING, SESSION }

        private final String pipelineName;
        private final Windows windows;
        /** Window size, or session gap. */
        final long sizeMillis;
        final long slideMillis;
        final long latenessMillis;
        final boolean keyed;

        Variant(String pipelineName, Windows windows, long sizeMillis, long slideMillis, long latenessMillis,
                boolean keyed) {
            this.pipelineName = pipelineName;
            this.windows = windows;
            this.sizeMillis = sizeMillis;
            this.slideMillis = slideMillis;
            this.latenessMillis = latenessMillis;
            this.keyed = keyed;
        }

        /** The amount of {@code o}, counted against the history's step budget. */
        static long stepOf(Order o) {
            return step(o);
        }

        public String pipelineName() {
            return pipelineName;
        }

        public Windows windows() {
            return windows;
        }

        long disorderMillis() {
            return GmvPipelines.MAX_DISORDER.toMillis();
        }

        /** The shipped pipelines have no idleness; the two variants do (one minute). */
        boolean hasIdleness() {
            return this == SLIDING || this == SESSION;
        }

        /** A fresh definition: cheap, and keeps no state between histories. */
        PipelineDefinition<CountAndSum> definition() {
            return switch (this) {
                case BY_CATEGORY -> GmvPipelines.byCategory();
                case TOTAL -> GmvPipelines.total();
                case SLIDING -> orders().keyBy("category", Order::category)
                        .window(SlidingWindows.of(Duration.ofMillis(sizeMillis), Duration.ofMillis(slideMillis)))
                        .aggregate(Aggregates.countAndSum(SimPipelines::step))
                        .to(Sink.results(pipelineName).withValueColumns("count", "sum_cents"));
                case SESSION -> orders().keyBy("category", Order::category)
                        .window(SessionWindows.withGap(Duration.ofMillis(sizeMillis)))
                        .aggregate(Aggregates.countAndSum(SimPipelines::step))
                        .to(Sink.results(pipelineName).withValueColumns("count", "sum_cents"));
                case LARGE_STATE -> Pipeline.from(Source.jsonLines(Order.class))   // no idleness, like by-category
                        .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(GmvPipelines.MAX_DISORDER))
                        .keyBy("category", Order::category)
                        .window(TumblingWindows.of(Duration.ofMillis(sizeMillis)))
                        .keyBuckets(1)
                        .aggregate(new LargeStateAggregate())
                        .to(Sink.results(pipelineName).withValueColumns("count", "sum_cents"));
            };
        }

        private static Pipeline<Order> orders() {
            return Pipeline.from(Source.jsonLines(Order.class)).withTimestamps(Order::ts,
                    WatermarkStrategy.boundedDisorder(GmvPipelines.MAX_DISORDER).withIdleness(Duration.ofMinutes(1)));
        }

        /**
         * By pipeline name or short name ({@code gmv-by-category}, {@code by-category}, {@code sliding}).
         *
         * @throws IllegalArgumentException if none matches
         */
        public static Variant named(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            for (Variant v : values()) {
                if (v.pipelineName.equals(n) || v.pipelineName.equals("gmv-" + n) || v.name().equalsIgnoreCase(n)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown pipeline [" + name
                    + "]; known: gmv-by-category, gmv-total, gmv-sliding, gmv-session, gmv-large-state");
        }
    }
}
