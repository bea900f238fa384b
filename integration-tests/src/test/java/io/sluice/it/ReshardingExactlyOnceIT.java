package io.sluice.it;

import io.sluice.orchestrator.scaling.KinesisScalingActuator;
import io.sluice.orchestrator.scaling.ScalingDecision;
import io.sluice.orchestrator.scaling.StreamTopology;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.lambda.KinesisOperatorHandler;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.cli.LocalProvisioning;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autoscaler's actuator splits and then merges the orders stream while a producer writes and the real Kinesis
 * handler consumes it through the local event-source mapping (parents before children): the final result CSV of
 * {@code gmv-by-category} equals the in-memory run over the same orders, so resharding neither loses nor double
 * counts a record.
 */
@ExtendWith(LocalAwsExtension.class)
class ReshardingExactlyOnceIT {

    private static final int ORDERS = 1_500;

    @TempDir
    Path dir;

    @Test
    void resultsStayExactlyOnce_whenTheActuatorSplitsAndMergesWhileRecordsFlow(LocalAws aws) throws Exception {
        // Arrange: the template's stream (2 shards), tables, results bucket and dead-letter queue
        Template template = Template.load(Template.locate(), TemplateOptions.local()
                .withParameter("Stage", "reshard-it").withParameter("ShardCount", "2"));
        LocalProvisioning.provision(template, aws);
        String stream = template.physicalName("OrdersStream");
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(ORDERS).seed(23).duration(Duration.ofMinutes(3)).build().forEach(orders::add);
        try (KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb(); S3Client s3 = aws.s3();
             SqsClient sqs = aws.sqs()) {
            HandlerConfig config = HandlerConfig.from(Map.of(
                    HandlerConfig.PIPELINE, "gmv-by-category",
                    HandlerConfig.STATE_TABLE, template.physicalName("StateTable"),
                    HandlerConfig.COORDINATION_TABLE, template.physicalName("CoordinationTable"),
                    HandlerConfig.RESULTS_BUCKET, template.physicalName("ResultsBucket"),
                    HandlerConfig.DEAD_LETTER_QUEUE_URL,
                    sqs.getQueueUrl(b -> b.queueName(template.physicalName("DeadLetterQueue"))).queueUrl()));
            LambdaWiring wiring = LambdaWiring.of(config, new LambdaWiring.Clients(dynamo, s3, sqs, kinesis));
            KinesisScalingActuator actuator = KinesisScalingActuator.of(kinesis, stream)
                    .withActiveWait(Duration.ofMillis(50), Duration.ofSeconds(30))
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 8);
            actuator.awaitActive();
            EventSourceMappingConfig esmConfig = EventSourceMappingConfig.forStream(stream).withBatchSize(100)
                    .withReportBatchItemFailures(true).withBisectBatchOnFunctionError(true).withMaximumRetryAttempts(3);
            KinesisOperatorHandler handler = new KinesisOperatorHandler(
                    wiring.kinesisOperator(Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream())));

            // Act: produce in order while the actuator splits shard 0 at its midpoint, then merges two neighbours
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(esmConfig, handler, aws,
                    CheckpointStore.inMemory())) {
                put(kinesis, stream, orders.subList(0, 500));
                StreamTopology.OpenShard first = StreamTopology.read(kinesis, stream).openShards().get(0);
                assertThat(actuator.apply(List.of(new ScalingDecision.Split(first.shardId(), first.range().midpoint())))
                        .applied()).isEqualTo(1);
                put(kinesis, stream, orders.subList(500, 1_000));
                List<StreamTopology.OpenShard> three = StreamTopology.read(kinesis, stream).openShards();
                assertThat(three).hasSize(3);
                assertThat(actuator.apply(List.of(new ScalingDecision.Merge(three.get(1).shardId(),
                        three.get(2).shardId()))).applied()).isEqualTo(1);
                put(kinesis, stream, orders.subList(1_000, ORDERS));
                // One sentinel per open shard moves every watermark past the real windows; its own window stays open.
                long sentinelTs = orders.stream().mapToLong(Order::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
                List<PutRecordsRequestEntry> sentinels = new ArrayList<>();
                for (StreamTopology.OpenShard open : StreamTopology.read(kinesis, stream).openShards()) {
                    sentinels.add(PutRecordsRequestEntry.builder().partitionKey("sentinel")
                            .explicitHashKey(open.range().start().toString())
                            .data(SdkBytes.fromUtf8String(new Order("o-s-" + open.shardId(), "u", "c-sentinel", 1,
                                    sentinelTs).toJson())).build());
                }
                assertThat(kinesis.putRecords(b -> b.streamName(stream).records(sentinels)).failedRecordCount()).isZero();

                assertThat(esm.awaitDrained(Duration.ofSeconds(120))).isTrue();
                assertThat(esm.stats().functionErrors()).isZero();
            }

            // Assert: the live results equal the in-memory run over the same orders, row for row
            assertThat(liveRows(s3, config.resultsBucket())).isNotEmpty().containsExactlyElementsOf(inMemoryRows(orders));
            assertThat(StreamTopology.listAllShards(kinesis, stream)).hasSizeGreaterThanOrEqualTo(5);
        }
    }

    private static void put(KinesisClient kinesis, String stream, List<Order> orders) {
        for (int from = 0; from < orders.size(); from += 100) {
            List<PutRecordsRequestEntry> entries = orders.subList(from, Math.min(orders.size(), from + 100)).stream()
                    .map(o -> PutRecordsRequestEntry.builder().partitionKey(o.orderId())
                            .data(SdkBytes.fromUtf8String(o.toJson())).build()).toList();
            PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            assertThat(response.failedRecordCount()).isZero();
        }
    }

    private static List<String> liveRows(S3Client s3, String bucket) {
        List<String> rows = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("results/gmv-by-category/")).contents()) {
            String[] lines = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asString(StandardCharsets.UTF_8)
                    .split("\n");
            rows.addAll(List.of(lines).subList(1, lines.length));
        }
        rows.sort(null);
        return rows;
    }

    private List<String> inMemoryRows(List<Order> orders) throws Exception {
        Path file = dir.resolve("orders.jsonl");
        Files.write(file, orders.stream().map(Order::toJson).toList());
        CollectingOutputs outputs = Outputs.collecting();
        LocalRunner.batch(1, 10_000).run(CompiledPipeline.compile(GmvPipelines.byCategory()), LocalInput.of(file),
                new InMemoryStateStore(), outputs);
        ResultCsv csv = ResultCsv.of(GmvPipelines.byCategory());
        List<String> rows = new ArrayList<>();
        for (ResultRow row : outputs.finalResults()) {
            rows.add(csv.line(row));
        }
        rows.sort(null);
        return rows;
    }
}
