package io.sluice.functions.wiring;

import io.sluice.functions.driver.ScheduledFirer;
import io.sluice.functions.driver.S3BatchOperator;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.functions.driver.OnFailureQueue;
import io.sluice.functions.driver.OnFailureReplay;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.io.dynamodb.DynamoDbResultsSink;
import io.sluice.functions.io.kinesis.KinesisOutputSink;
import io.sluice.functions.driver.KinesisShardRange;
import io.sluice.state.coordination.AttemptLog;
import io.sluice.state.coordination.DynamoDbAttemptLog;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.state.coordination.ShardRegistry;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.io.s3.S3LateSink;
import io.sluice.functions.io.s3.S3ResultsSink;
import io.sluice.functions.io.sqs.SqsDeadLetterSink;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds what a handler needs, once per Lambda instance (cold start, or the SnapStart snapshot): the pipeline from
 * the registry, the DynamoDB state store, the sinks and the metrics line. Handlers get the clients from
 * {@link #fromEnvironment()}; tests pass clients of the local engines.
 *
 * <pre>{@code
 * LambdaWiring wiring = LambdaWiring.of(HandlerConfig.from(env), new LambdaWiring.Clients(dynamo, s3, sqs, null));
 * KinesisOperator operator = wiring.kinesisOperator(Clock.systemUTC(), System.out);
 * }</pre>
 */
public final class LambdaWiring {

    /**
     * SDK clients of the handlers ({@link SdkClients}: on Apache HttpClient 5, the cheapest per call).
     *
     * @param kinesis for shard registration and the output stream; null leaves shard registration to others (the
     *                orchestrator, tests) and needs no output stream
     */
    public record Clients(DynamoDbClient dynamo, S3Client s3, SqsClient sqs, KinesisClient kinesis) {
    }

    private final HandlerConfig config;
    private final Clients clients;
    private final CompiledPipeline pipeline;

    private LambdaWiring(HandlerConfig config, Clients clients) {
        this.config = config;
        this.clients = clients;
        PipelineDefinition<?> definition = PipelineRegistry.builtIn().get(config.pipeline());
        if (config.idlenessSeconds() > 0) {
            definition = definition.withWatermarks(
                    definition.watermarks().withIdleness(Duration.ofSeconds(config.idlenessSeconds())));
        }
        this.pipeline = CompiledPipeline.compile(definition);
    }

    /** Wiring over the given clients. */
    public static LambdaWiring of(HandlerConfig config, Clients clients) {
        return new LambdaWiring(config, clients);
    }

    /** Wiring from the Lambda environment: variables of {@link HandlerConfig}, region and credentials of the SDK. */
    public static LambdaWiring fromEnvironment() {
        return of(System.getenv());
    }

    /**
     * Wiring from {@code env} (the variables of {@link HandlerConfig} and the SDK's endpoint variables), with the
     * clients of {@link SdkClients#fromEnvironment}: the Lambda environment, or the CLI run with the operator's variables.
     *
     * @throws IllegalStateException if a required variable is missing
     */
    public static LambdaWiring of(Map<String, String> env) {
        HandlerConfig config = HandlerConfig.from(env);
        return new LambdaWiring(config, SdkClients.fromEnvironment(env));
    }

    /** The raw input archive, when {@code SLUICE_ARCHIVE_BUCKET} is set. */
    public java.util.Optional<io.sluice.functions.archive.RawArchive> rawArchive() {
        return config.archiveBucket().map(bucket -> new io.sluice.functions.archive.RawArchive(clients.s3(), bucket,
                clients.dynamo(), config.coordinationTable(), pipeline));
    }

    public HandlerConfig config() {
        return config;
    }

    public CompiledPipeline pipeline() {
        return pipeline;
    }

    /** The state store on the configured tables. */
    public StateStore stateStore(Clock clock) {
        DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(clients.dynamo())
                .withStateTable(config.stateTable()).withCoordinationTable(config.coordinationTable())
                .withWindowBuckets(config.windowBuckets()).withClock(clock).build();
        StateLifetime.require(config.pipeline(), pipeline.definition().windows(), store.readableAfterLastWrite());
        return store;
    }

    /** Results sinks: the S3 CSV objects always, the results table and the output stream when configured. */
    public List<ResultsSink> resultsSinks() {
        PipelineDefinition<?> definition = pipeline.definition();
        ResultCsv csv = ResultCsv.of(definition);
        List<String> columns = valueColumns(csv);
        List<ResultsSink> sinks = new ArrayList<>();
        sinks.add(new S3ResultsSink(clients.s3(), config.resultsBucket(), "results/", csv));
        config.resultsTable().ifPresent(t -> sinks.add(new DynamoDbResultsSink(clients.dynamo(), t, columns,
                Duration.ofDays(config.resultsRetentionDays()))));
        // Per-window totals for the dashboard's curves (fixed windows only: a session's start is per key).
        if (!(definition.windows() instanceof io.sluice.functions.window.SessionWindows)) {
            config.resultsTable().ifPresent(t -> sinks.add(new io.sluice.functions.io.dynamodb.DynamoDbWindowTotalsSink(
                    clients.dynamo(), t, columns, Duration.ofDays(config.resultsRetentionDays()))));
        }
        config.outputStream().ifPresent(s -> sinks.add(new KinesisOutputSink(clients.kinesis(), s, columns)));
        return sinks;
    }

    /** Rejected records: SQS, with large payloads in the results bucket. */
    public RecordSink<RejectedRecord> deadLetters() {
        return deadLetterSink();
    }

    private SqsDeadLetterSink deadLetterSink() {
        return new SqsDeadLetterSink(clients.sqs(), config.deadLetterQueue(), clients.s3(), config.resultsBucket(),
                "dead-letters/");
    }

    /** The runtime's outputs bound to the sinks. */
    public SinkOutputs outputs() {
        return outputs(deadLetterSink());
    }

    private SinkOutputs outputs(RecordSink<RejectedRecord> deadLetters) {
        return new SinkOutputs(resultsSinks(), new S3LateSink(clients.s3(), config.resultsBucket(), "late/"),
                deadLetters);
    }

    /** Metrics of {@code function}, with the dead letters its sink wrote past the per-batch bound (in bulk objects). */
    private EmfMetrics emf(String function, PrintStream metricsOut, SqsDeadLetterSink deadLetters) {
        return new EmfMetrics("Sluice", pipeline.name(), function, metricsOut)
                .withCounter("DeadLettersInBulk", deadLetters::inBulk);
    }

    /** The stream operator with its own store, outputs and metrics. */
    public KinesisOperator kinesisOperator(Clock clock, PrintStream metricsOut) {
        checkIdleness();
        StateStore store = stateStore(clock);
        SqsDeadLetterSink deadLetters = deadLetterSink();   // one sink, so its bulk count is the instance's
        return new KinesisOperator(pipeline, store, outputs(deadLetters), deadLetters, clock,
                emf("operator", metricsOut, deadLetters),
                clients.kinesis() == null ? null : new ShardRegistry(clients.kinesis(), store, pipeline.name()),
                new ShardLoadTable(clients.dynamo(), config.coordinationTable(), pipeline.name()),
                clients.kinesis() == null ? null : new KinesisShardRange(clients.kinesis()), attemptLog());
    }

    /**
     * The replay of on-failure records ({@code sluice replay}): the operator's pipeline, store and outputs, the attempt
     * log, and the stream read back with the Kinesis client.
     */
    public OnFailureReplay onFailureReplay(Clock clock) {
        return new OnFailureReplay(pipeline, stateStore(clock), outputs(), attemptLog(),
                new KinesisShardRange(clients.kinesis()), clock);
    }

    /** The replay over the dead-letter queue, the operator's on-failure destination. */
    public OnFailureQueue onFailureQueue(Clock clock) {
        return new OnFailureQueue(clients.sqs(), config.deadLetterQueue(), onFailureReplay(clock));
    }

    /** Each attempt's range, in the coordination table: what {@link #onFailureReplay} tells unattempted records by. */
    public AttemptLog attemptLog() {
        return new DynamoDbAttemptLog(clients.dynamo(), config.coordinationTable(), DynamoDbAttemptLog.DEFAULT_KEEP,
                Clock.systemUTC());
    }

    /**
     * The scheduled firer of the stream pipeline, with its own store, outputs and metrics.
     *
     * @throws IllegalStateException if the pipeline's idleness timeout is not longer than the operator's timeout
     */
    public ScheduledFirer scheduledFirer(Clock clock, PrintStream metricsOut) {
        checkIdleness();
        return new ScheduledFirer(PipelineRun.stream(pipeline, stateStore(clock), outputs(), new RunMetrics())
                .withOwnerPrefix("scheduled"), clock, new EmfMetrics("Sluice", pipeline.name(), "firer", metricsOut));
    }

    /**
     * An invocation that outlives the idleness timeout could still be writing when a firer takes its split for idle
     * (its activity is recorded when it starts): the timeout must be longer than the operator's function timeout.
     */
    private void checkIdleness() {
        var idleness = pipeline.watermarks().idleness();
        if (idleness.isPresent() && config.operatorTimeoutSeconds() > 0
                && idleness.get().toSeconds() <= config.operatorTimeoutSeconds()) {
            throw new IllegalStateException("pipeline [" + pipeline.name() + "] has an idleness timeout of "
                    + idleness.get().toSeconds() + " s, not longer than the operator's timeout of "
                    + config.operatorTimeoutSeconds() + " s (" + HandlerConfig.OPERATOR_TIMEOUT_SECONDS + "): a split "
                    + "could be taken for idle while its invocation still writes");
        }
    }

    /** The batch operator with its own store, outputs and metrics. */
    public S3BatchOperator s3BatchOperator(Clock clock, PrintStream metricsOut) {
        SqsDeadLetterSink deadLetters = deadLetterSink();
        return new S3BatchOperator(pipeline, stateStore(clock), outputs(deadLetters), clients.s3(), clock,
                emf("batch", metricsOut, deadLetters));
    }

    /** Value column names: the CSV header after the window and key columns. */
    private List<String> valueColumns(ResultCsv csv) {
        List<String> header = List.of(csv.header().split(","));
        int skip = 1 + (pipeline.definition().keyName().isPresent() ? 1 : 0)
                + (header.contains("window_end_ms") ? 1 : 0);
        return header.subList(skip, header.size());
    }
}
