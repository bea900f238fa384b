package io.sluice.it;

import io.sluice.orchestrator.nightly.NightlyJob;
import io.sluice.orchestrator.nightly.ConsistencyCheck;
import io.sluice.cli.LocalEventSources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.examples.Order;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.lambda.KinesisOperatorHandler;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.cli.LocalProvisioning;
import io.sluice.infra.template.EventSources;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.orchestrator.batch.BatchCoordinator;
import io.sluice.orchestrator.batch.DynamoDbJobStore;
import io.sluice.orchestrator.batch.LocalTaskInvoker;
import io.sluice.orchestrator.lambda.NightlyJobHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nightly check end to end on local AWS, provisioned from {@code template.yaml}: orders stream through Kinesis
 * into the real operator behind the local event-source mapping, which archives them by day; the scheduled handler
 * recomputes yesterday from the archive with the coordinator and the real batch function, compares, stores the report
 * and emits the metric. Then one live window is tampered with and the next run says so.
 */
@ExtendWith(LocalAwsExtension.class)
class NightlyCheckIT {

    private static final Instant MIDNIGHT = Instant.parse("2026-11-11T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void archive_nightlyJob_reportAndMetric_consistentDay_thenATamperedLiveWindow(LocalAws aws) throws Exception {
        String stage = "nightly-" + UUID.randomUUID().toString().substring(0, 6);
        try (KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb(); S3Client s3 = aws.s3();
             SqsClient sqs = aws.sqs()) {
            Template template = Template.load(Template.locate(), TemplateOptions.local()
                    .withParameter("Stage", stage).withParameter("ShardCount", "2"));
            LocalProvisioning.provision(template, aws);
            HandlerConfig config = HandlerConfig.from(Map.of(
                    HandlerConfig.PIPELINE, "gmv-by-category",
                    HandlerConfig.STATE_TABLE, template.physicalName("StateTable"),
                    HandlerConfig.COORDINATION_TABLE, template.physicalName("CoordinationTable"),
                    HandlerConfig.RESULTS_TABLE, template.physicalName("ResultsTable"),
                    HandlerConfig.RESULTS_BUCKET, template.physicalName("ResultsBucket"),
                    HandlerConfig.ARCHIVE_BUCKET, template.physicalName("DataBucket"),
                    HandlerConfig.DEAD_LETTER_QUEUE_URL, sqs.getQueueUrl(b -> b.queueName(
                            template.physicalName("DeadLetterQueue"))).queueUrl()));
            LambdaWiring wiring = LambdaWiring.of(config, new LambdaWiring.Clients(dynamo, s3, sqs, kinesis));
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream());

            // Live: the last 10 minutes of the 10th, then a minute and a half of the 11th to close its last window.
            String stream = template.physicalName("OrdersStream");
            putOrders(kinesis, stream, orders());
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.builder(
                            LocalEventSources.config(EventSources.kinesis(template).get(0).settings()))
                    .handlers(() -> new KinesisOperatorHandler(wiring.kinesisOperator(Clock.systemUTC(), discard),
                            wiring.rawArchive().orElseThrow()))
                    .checkpoints(CheckpointStore.inMemory()).start(aws)) {
                assertThat(esm.awaitDrained(Duration.ofMinutes(2))).isTrue();
            }

            // The scheduled event of 01:00 on the 11th checks the 10th.
            ByteArrayOutputStream metrics = new ByteArrayOutputStream();
            try (LocalTaskInvoker invoker = LocalTaskInvoker.of(2,
                    () -> wiring.s3BatchOperator(Clock.systemUTC(), discard)::handle)) {
                BatchCoordinator coordinator = new BatchCoordinator(wiring.pipeline(),
                        wiring.stateStore(Clock.systemUTC()), wiring.outputs(), new DynamoDbJobStore(dynamo,
                        config.coordinationTable(), Duration.ofDays(7), Clock.systemUTC()), invoker, s3, Clock.systemUTC());
                NightlyJob nightly = new NightlyJob(coordinator, new ConsistencyCheck(dynamo,
                        config.resultsTable().orElseThrow()), s3, "gmv-by-category", template.physicalName("DataBucket"),
                        config.resultsBucket(), Clock.systemUTC(), new PrintStream(metrics, true, StandardCharsets.UTF_8));
                NightlyJobHandler handler = new NightlyJobHandler(nightly, null, Clock.systemUTC());

                JsonNode consistent = invoke(handler, "{\"detail-type\":\"Scheduled Event\",\"time\":\"2026-11-11T01:00:00Z\"}");
                assertThat(consistent.path("day").asText()).isEqualTo("2026-11-10");
                assertThat(consistent.path("status").asText()).isEqualTo("CONSISTENT");
                assertThat(consistent.path("windowsCompared").asInt()).isEqualTo(10);
                assertThat(consistent.path("windowsDiffering").asInt()).isZero();
                assertThat(emf(metrics, 0).path("WindowsDiffering").asInt()).isZero();
                assertThat(emf(metrics, 0).path("NightlyChecksCompleted").asInt()).isEqualTo(1);
                assertThat(s3.getObjectAsBytes(b -> b.bucket(config.resultsBucket())
                        .key("results/gmv-by-category/consistency/2026-11-10.json")).asUtf8String())
                        .contains("\"status\":\"CONSISTENT\"");

                // Someone (or a bug) changes one live row of 23:55: the re-run finds exactly that window.
                String sk = (MIDNIGHT.toEpochMilli() - 5 * 60_000) + "#c-1";
                dynamo.updateItem(b -> b.tableName(config.resultsTable().orElseThrow()).key(Map.of(
                        "pk", AttributeValue.fromS("gmv-by-category"), "sk", AttributeValue.fromS(sk)))
                        .updateExpression("SET sum_cents = sum_cents + :one")
                        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
                JsonNode tampered = invoke(handler, "{\"day\":\"2026-11-10\"}");
                assertThat(tampered.path("status").asText()).isEqualTo("INCONSISTENT");
                assertThat(tampered.path("windowsDiffering").asInt()).isEqualTo(1);
                assertThat(tampered.path("firstDifferences").get(0).path("key").asText()).isEqualTo("c-1");
                assertThat(tampered.path("firstDifferences").get(0).path("windowStart").asLong())
                        .isEqualTo(MIDNIGHT.toEpochMilli() - 5 * 60_000);
                assertThat(emf(metrics, 1).path("WindowsDiffering").asInt()).isEqualTo(1);
                // The dashboard's view: the latest report of the pipeline, in the results table.
                Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(config.resultsTable().orElseThrow())
                        .key(Map.of("pk", AttributeValue.fromS("consistency#gmv-by-category"),
                                "sk", AttributeValue.fromS("2026-11-10")))).item();
                assertThat(item.get("report").s()).contains("\"status\":\"INCONSISTENT\"");
            }
        }
    }

    private static List<Order> orders() {
        Random random = new Random(10);
        List<Order> orders = new ArrayList<>();
        long start = MIDNIGHT.toEpochMilli() - 10 * 60_000;
        for (int i = 0; i < 1_200; i++) {
            orders.add(new Order("o-" + i, "u-" + random.nextInt(100), "c-" + random.nextInt(5),
                    100 + random.nextInt(10_000), start + i * 500L));
        }
        for (int i = 0; i < 90; i++) {
            orders.add(new Order("p-" + i, "u-1", "c-1", 1_000, MIDNIGHT.toEpochMilli() + i * 1_000L));
        }
        return orders;
    }

    private static void putOrders(KinesisClient kinesis, String stream, List<Order> orders) {
        for (int from = 0; from < orders.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = orders.subList(from, Math.min(orders.size(), from + 500)).stream()
                    .map(o -> PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(o.toJson()))
                            .partitionKey(o.orderId()).build()).toList();
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount()).isZero();
        }
    }

    private static JsonNode invoke(NightlyJobHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static JsonNode emf(ByteArrayOutputStream metrics, int line) throws Exception {
        String[] lines = metrics.toString(StandardCharsets.UTF_8).split("\n");
        JsonNode emf = JSON.readTree(lines[line]);
        assertThat(emf.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText()).isEqualTo("Sluice");
        return emf;
    }
}
