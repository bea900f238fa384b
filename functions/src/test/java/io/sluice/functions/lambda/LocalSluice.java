package io.sluice.functions.lambda;

import io.sluice.functions.driver.KinesisShardRange;
import io.sluice.state.coordination.ShardRegistry;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.localstack.LocalAws;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Test fixture: fresh tables, results bucket and dead-letter queue on the local engines for one deployment of the
 * handlers, the wiring over them, and readers of what the sinks wrote. The data bucket has a fixed name because the
 * S3 Batch Operations events under {@code events/s3batch/} name it.
 */
final class LocalSluice implements AutoCloseable {

    static final String DATA_BUCKET = "sluice-test-data";

    final DynamoDbClient dynamo;
    final S3Client s3;
    final SqsClient sqs;
    final HandlerConfig config;
    final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();
    private final LambdaWiring wiring;

    LocalSluice(LocalAws aws, String pipeline) {
        this(aws, pipeline, null);
    }

    /** @param kinesis enables shard registration (ListShards) in the Kinesis handler; closed by the caller */
    LocalSluice(LocalAws aws, String pipeline, KinesisClient kinesis) {
        this(aws, pipeline, kinesis, aws.dynamoDb());
    }

    /** @param dynamo the DynamoDB client every handler uses (a benchmark's, counting calls); closed by {@link #close} */
    LocalSluice(LocalAws aws, String pipeline, KinesisClient kinesis, DynamoDbClient dynamo) {
        this(aws, pipeline, kinesis, dynamo, aws.s3(), aws.sqs());
    }

    /** @param s3 and {@code sqs}: the clients every handler uses (a test's, counting calls); closed by {@link #close} */
    LocalSluice(LocalAws aws, String pipeline, KinesisClient kinesis, DynamoDbClient dynamo, S3Client s3,
                SqsClient sqs) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.sqs = sqs;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String state = "handler-state-" + suffix;
        String coordination = "handler-coordination-" + suffix;
        String results = "handler-results-" + suffix;
        StateTables.create(dynamo, state);
        StateTables.create(dynamo, coordination);
        dynamo.createTable(StateTables.createTableRequest(results));
        String bucket = "handler-results-" + suffix;
        createBucket(bucket);
        createBucket(DATA_BUCKET);
        String queue = sqs.createQueue(b -> b.queueName("handler-dlq-" + suffix)).queueUrl();
        this.config = HandlerConfig.from(Map.of(
                HandlerConfig.PIPELINE, pipeline,
                HandlerConfig.STATE_TABLE, state,
                HandlerConfig.COORDINATION_TABLE, coordination,
                HandlerConfig.RESULTS_TABLE, results,
                HandlerConfig.RESULTS_BUCKET, bucket,
                HandlerConfig.DEAD_LETTER_QUEUE_URL, queue,
                HandlerConfig.RESULTS_RETENTION_DAYS, "400"));
        this.wiring = LambdaWiring.of(config, new LambdaWiring.Clients(dynamo, s3, sqs, kinesis));
    }

    /** A handler as a new Lambda instance would build it (own processors, caches and firer). */
    KinesisOperatorHandler kinesisHandler() {
        return new KinesisOperatorHandler(wiring.kinesisOperator(Clock.systemUTC(), metricsStream()));
    }

    /** The class the template deploys, as a new Lambda instance would build it: it reads the event's JSON itself. */
    KinesisOperatorStreamHandler kinesisStreamHandler() {
        return new KinesisOperatorStreamHandler(wiring.kinesisOperator(Clock.systemUTC(), metricsStream()));
    }

    /** The scheduled firer as the template deploys it (every minute), reading processing time from {@code clock}. */
    ScheduledFirerHandler scheduledFirer(Clock clock) {
        return new ScheduledFirerHandler(wiring.scheduledFirer(clock, metricsStream()));
    }

    /** A new instance whose shard load goes to {@code loads} rather than the coordination table. */
    KinesisOperatorHandler kinesisHandler(ShardLoadTable loads) {
        Clock clock = Clock.systemUTC();
        return new KinesisOperatorHandler(new KinesisOperator(wiring.pipeline(), wiring.stateStore(clock), wiring.outputs(),
                wiring.deadLetters(), clock, new EmfMetrics("Sluice", pipeline(), "operator", metricsStream()), null, loads));
    }

    /**
     * A new instance that registers shards, logs its attempts and reads back ranges the mapping gave up on from
     * {@code kinesis}, whose state store is {@code wrap} of the tables' (a table that fails on demand).
     */
    KinesisOperatorHandler kinesisHandler(KinesisClient kinesis, UnaryOperator<StateStore> wrap) {
        Clock clock = Clock.systemUTC();
        StateStore store = wrap.apply(wiring.stateStore(clock));
        return new KinesisOperatorHandler(new KinesisOperator(wiring.pipeline(), store, wiring.outputs(),
                wiring.deadLetters(), clock, new EmfMetrics("Sluice", pipeline(), "operator", metricsStream()),
                new ShardRegistry(kinesis, store, pipeline()), null, new KinesisShardRange(kinesis),
                wiring.attemptLog()));
    }

    /** The replay of on-failure records over these tables, outputs and attempt log ({@code sluice replay}). */
    io.sluice.functions.driver.OnFailureReplay onFailureReplay() {
        return wiring.onFailureReplay(Clock.systemUTC());
    }

    /** The replay over the dead-letter queue ({@code sluice replay} without {@code --file}). */
    io.sluice.functions.driver.OnFailureQueue onFailureQueue() {
        return wiring.onFailureQueue(Clock.systemUTC());
    }

    /** Records the operator reported reading from {@code shard} of {@code stream}, over every minute. */
    long reportedLoad(String stream, String shard) {
        return dynamo.query(b -> b.tableName(config.coordinationTable()).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(io.sluice.state.coordination.CoordinationKeys.loadPk(stream, shard)))))
                .items().stream().mapToLong(i -> Long.parseLong(i.get("RecordsIn").n())).sum();
    }

    S3BatchHandler batchHandler() {
        return new S3BatchHandler(wiring.s3BatchOperator(Clock.systemUTC(), metricsStream()));
    }

    StateStore store() {
        return wiring.stateStore(Clock.systemUTC());
    }

    String pipeline() {
        return config.pipeline();
    }

    void putData(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(DATA_BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    /** Every object under {@code prefix} of the results bucket, by key. */
    Map<String, String> objects(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(config.resultsBucket()).prefix(prefix)).contents()) {
            out.put(o.key(), s3.getObjectAsBytes(b -> b.bucket(config.resultsBucket()).key(o.key()))
                    .asString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Result CSVs by object name ({@code <start>-<end>.csv}), whichever pipeline wrote them: the live pipeline, or a
     * batch job under its own name ({@code <pipeline>-<job>}).
     */
    Map<String, String> resultCsvs() {
        Map<String, String> out = new TreeMap<>();
        objects("results/").forEach((key, csv) -> out.put(key.substring(key.lastIndexOf('/') + 1), csv));
        return out;
    }

    /** Every message of the dead-letter queue (received and deleted). */
    List<Message> drainDeadLetters() {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(config.deadLetterQueue())
                    .maxNumberOfMessages(10).messageAttributeNames("All").waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            for (Message m : batch) {
                sqs.deleteMessage(b -> b.queueUrl(config.deadLetterQueue()).receiptHandle(m.receiptHandle()));
            }
            all.addAll(batch);
        }
    }

    /** EMF lines printed so far. */
    List<String> metricLines() {
        return metricsOut.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{\"_aws\"")).toList();
    }

    private PrintStream metricsStream() {
        return new PrintStream(metricsOut, true, StandardCharsets.UTF_8);
    }

    private void createBucket(String name) {
        try {
            s3.createBucket(b -> b.bucket(name));
        } catch (BucketAlreadyOwnedByYouException exists) {
            // The data bucket is shared by the test classes of one run.
        }
    }

    @Override
    public void close() {
        dynamo.close();
        s3.close();
        sqs.close();
    }
}
