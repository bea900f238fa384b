package io.sluice.orchestrator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.orchestrator.scaling.KinesisScalingActuator;
import io.sluice.orchestrator.scaling.ReportedShardMetrics;
import io.sluice.orchestrator.scaling.ScalingLoop;
import io.sluice.orchestrator.scaling.StreamTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Scheduled autoscaler: every minute (EventBridge {@code rate(1 minute)}), collect → decide → apply on
 * the orders stream. Thin: the client, metrics source, policy and loop are built once per cold start;
 * {@code handleRequest} runs one tick and returns its plan as one line.
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.orchestrator.lambda.ShardScalerHandler::handleRequest
 * ShardScalerHandler handler = new ShardScalerHandler(loop, Clock.systemUTC());     // tests
 * String line = handler.handleRequest(new ScheduledEvent(), context);
 * }</pre>
 *
 * <p>Load comes from {@link ReportedShardMetrics}, fed with the operator's shard reports; until reports
 * reach it, every shard is unreported and the policy acts only on bounds and pre-scaling (it never
 * scales in blind).
 */
public final class ShardScalerHandler implements RequestHandler<ScheduledEvent, String> {
    /** Leaves a margin inside the function's 60 s timeout; undone decisions are re-decided next minute. */
    static final Duration ACTUATION_BUDGET = Duration.ofSeconds(45);

    private final ScalingLoop loop;
    private final Clock clock;
    private final ReportedShardMetrics reports;

    /** Cold start: configuration from the environment, a Kinesis client on the url-connection client. */
    public ShardScalerHandler() {
        this(System.getenv(), KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(), Clock.systemUTC());
    }

    /**
     * @param env configuration, see {@link ScalerSettings}
     * @param kinesis client to read and reshard the stream with
     * @param clock the policy's clock
     */
    public ShardScalerHandler(Map<String, String> env, KinesisClient kinesis, Clock clock) {
        String stream = ScalerSettings.streamName(env);
        this.reports = new ReportedShardMetrics(() -> StreamTopology.read(kinesis, stream), Duration.ofMinutes(1));
        this.loop = new ScalingLoop(reports, ScalerSettings.policy(env),
                KinesisScalingActuator.of(kinesis, stream).withDeadline(ACTUATION_BUDGET));
        this.clock = clock;
    }

    /**
     * @param loop the tick to run
     * @param clock the policy's clock
     */
    public ShardScalerHandler(ScalingLoop loop, Clock clock) {
        this.loop = loop;
        this.clock = clock;
        this.reports = null;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        ScalingLoop.Tick tick = loop.runOnce(clock.instant());
        String line = "Shard scaler: " + tick.plan() + " applied=" + tick.actuation().applied() + "/" + tick.plan().decisions().size()
                + (tick.actuation().outcomes().isEmpty() ? "" : " outcomes=" + tick.actuation().outcomes());
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line + "\n");
        }
        return line;
    }

    /** @return the report sink of the environment-built handler (null when built from a loop) */
    public ReportedShardMetrics reports() {
        return reports;
    }
}
