package io.sluice.functions.driver;

import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.RunMetrics;

import java.time.Clock;

/**
 * Fires what is due when no records arrive: the Kinesis event source mapping invokes the operator only with records,
 * so without this the last windows before a quiet spell would wait for the next order. Every minute (a schedule in
 * {@code template.yaml}) it computes the global watermark, in which a stream silent for the pipeline's idleness
 * timeout moves on with processing time ({@link io.sluice.functions.runtime.GlobalWatermark}), and fires under the
 * same protocol as the operator ({@link PipelineRun#fire}); a session round runs on every tick, whatever the
 * sessions' firing interval ({@link PipelineRun#fireNow}).
 *
 * <pre>{@code
 * ScheduledFirer firer = LambdaWiring.fromEnvironment().scheduledFirer(Clock.systemUTC(), System.out);
 * long watermark = firer.tick();
 * }</pre>
 */
public final class ScheduledFirer {

    private final PipelineRun run;
    private final Clock clock;
    private final EmfMetrics emf;

    public ScheduledFirer(PipelineRun run, Clock clock, EmfMetrics emf) {
        this.run = run;
        this.clock = clock;
        this.emf = emf;
    }

    /**
     * Fires what the global watermark has passed.
     *
     * @return the global watermark
     * @throws io.sluice.state.StateStoreException if the state store fails (the next tick tries again)
     */
    public long tick() {
        long started = System.nanoTime();
        long now = clock.millis();
        long watermark = run.fireNow(now);
        long lag = watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? -1 : Math.max(0, now - watermark);
        emf.emit(run.metrics(), 0, lag, (System.nanoTime() - started) / 1_000_000, now);
        return watermark;
    }

    /** The instance's cumulative counters. */
    public RunMetrics metrics() {
        return run.metrics();
    }
}
