package io.sluice.orchestrator.lambda;

import io.sluice.orchestrator.scaling.ScalerSettings;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.orchestrator.scaling.ActuationReport;
import io.sluice.orchestrator.scaling.DynamoDbScalingHistoryStore;
import io.sluice.orchestrator.scaling.KinesisScalingActuator;
import io.sluice.orchestrator.scaling.ScalingLoop;
import io.sluice.orchestrator.scaling.StreamTopology;
import io.sluice.orchestrator.scaling.TableShardMetrics;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Scheduled autoscaler: every minute (EventBridge {@code rate(1 minute)}), collect → decide → apply on
 * the orders stream. Thin: the clients, metrics source, policy and loop are built once per cold start;
 * {@code handleRequest} runs one tick and returns its plan as one line.
 *
 * <p>Load is the last complete minute the operator handler wrote to the coordination table
 * ({@link TableShardMetrics}); the history (cooldowns, UpdateShardCount budget, recent demand) is kept in the
 * same table ({@link DynamoDbScalingHistoryStore}), so a new instance carries on where the last one stopped.
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.orchestrator.lambda.ShardScalerHandler::handleRequest
 * ShardScalerHandler handler = new ShardScalerHandler(env, kinesis, dynamo, Clock.systemUTC());
 * String line = handler.handleRequest(new ScheduledEvent(), context);
 * }</pre>
 */
public final class ShardScalerHandler implements RequestHandler<ScheduledEvent, String> {
    /** Leaves a margin inside the function's 60 s timeout; undone decisions are re-decided next minute. */
    static final Duration ACTUATION_BUDGET = Duration.ofSeconds(45);
    private static final Map<String, String> TICK_UNITS = EmfMetrics.units("OpenShards", "Count", "DemandShards", "None",
            "Decisions", "Count", "Applied", "Count", "Failed", "Count", "Superseded", "Count");

    private final ScalingLoop loop;
    private final Clock clock;
    private final String stream;
    private final PrintStream metricsOut;

    static {
        // JSON lines on Lambda (LoggingConfig.LogFormat: JSON); nothing changes elsewhere.
        io.sluice.functions.wiring.LambdaLogging.installOnLambda(System.getenv());
    }

    /** Cold start: configuration from the environment, clients on the url-connection HTTP client. */
    public ShardScalerHandler() {
        this(System.getenv(), KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(), Clock.systemUTC());
    }

    /**
     * @param env configuration, see {@link ScalerSettings}
     * @param kinesis client to read and reshard the stream with
     * @param dynamo client for the coordination table
     * @param clock the policy's clock
     * @throws IllegalArgumentException naming a missing or malformed variable
     */
    public ShardScalerHandler(Map<String, String> env, KinesisClient kinesis, DynamoDbClient dynamo, Clock clock) {
        this(env, kinesis, dynamo, clock, System.out);
    }

    /**
     * @param env configuration, see {@link ScalerSettings}
     * @param kinesis client to read and reshard the stream with
     * @param dynamo client for the coordination table
     * @param clock the policy's clock
     * @param metricsOut where each tick's Embedded Metric Format line goes (Lambda sends standard output to
     *                   CloudWatch Logs, which turns the line into metrics)
     * @throws IllegalArgumentException naming a missing or malformed variable
     */
    public ShardScalerHandler(Map<String, String> env, KinesisClient kinesis, DynamoDbClient dynamo, Clock clock,
                              PrintStream metricsOut) {
        String stream = ScalerSettings.streamName(env);
        String table = ScalerSettings.coordinationTable(env);
        TableShardMetrics source = new TableShardMetrics(() -> StreamTopology.read(kinesis, stream),
                new ShardLoadTable(dynamo, table, ScalerSettings.pipeline(env)), stream);
        this.loop = new ScalingLoop(source, ScalerSettings.policy(env),
                KinesisScalingActuator.of(kinesis, stream).withDeadline(ACTUATION_BUDGET),
                new DynamoDbScalingHistoryStore(dynamo, table, stream));
        this.clock = clock;
        this.stream = stream;
        this.metricsOut = metricsOut;
    }

    /**
     * @param loop the tick to run
     * @param clock the policy's clock
     */
    public ShardScalerHandler(ScalingLoop loop, Clock clock) {
        this.loop = loop;
        this.clock = clock;
        this.stream = null;
        this.metricsOut = null;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        ScalingLoop.Tick tick = loop.runOnce(clock.instant());
        String line = tick.superseded()
                ? "Shard scaler: superseded by another scaler's tick, nothing applied; it decided " + tick.plan()
                : "Shard scaler: " + tick.plan() + " applied=" + tick.actuation().applied() + "/" + tick.plan().decisions().size()
                + (tick.actuation().outcomes().isEmpty() ? "" : " outcomes=" + tick.actuation().outcomes());
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line + "\n");
        }
        if (metricsOut != null) {
            metricsOut.println(emf(tick));
        }
        return line;
    }

    /**
     * One EMF line per tick, dimension {@code Stream}: {@code OpenShards}, {@code DemandShards} (what the load
     * needed), {@code Decisions}, {@code Applied}, {@code Failed} and {@code Superseded}, for a dashboard of the
     * fleet against its load and an alarm on failed resharding.
     */
    String emf(ScalingLoop.Tick tick) {
        ObjectNode line = EmfMetrics.line("Sluice", tick.plan().at().toEpochMilli(), List.of("Stream"), TICK_UNITS);
        line.put("Stream", stream);
        line.put("OpenShards", tick.plan().currentShards());
        line.put("DemandShards", tick.plan().demandShards());
        line.put("Decisions", tick.plan().decisions().size());
        line.put("Applied", tick.actuation().applied());
        line.put("Failed", tick.actuation().outcomes().stream().filter(o -> o.status() == ActuationReport.Status.FAILED).count());
        line.put("Superseded", tick.superseded() ? 1 : 0);
        return line.toString();
    }
}
