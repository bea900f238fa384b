package io.sluice.it;

import io.sluice.orchestrator.lambda.ShardScalerHandler;
import io.sluice.orchestrator.scaling.ScalerSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.examples.Order;
import io.sluice.state.coordination.ShardLoadReport;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.lambda.KinesisOperatorHandler;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.cli.LocalProvisioning;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.orchestrator.scaling.HashKeyRange;
import io.sluice.orchestrator.scaling.KinesisScalingActuator;
import io.sluice.orchestrator.scaling.ScalingDecision;
import io.sluice.orchestrator.scaling.ScalingHistory;
import io.sluice.orchestrator.scaling.StreamTopology;
import io.sluice.orchestrator.scaling.TableShardMetrics;
import io.sluice.state.dynamodb.StateTables;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The deployed scaler's whole loop on the local engines: the real operator handler, behind the local event source
 * mapping, writes each shard's load to the coordination table; the scheduled handler reads the last complete minute,
 * splits the hot shard at its hot partition key, and keeps its history in the same table so that a new instance
 * honours the cooldown of the last one's scale-out.
 */
@ExtendWith(LocalAwsExtension.class)
class ShardScalerHandlerIT {

    @Test
    void handler_preScalesTheStreamAheadOfTheConfiguredPeak_withoutLoadReports(LocalAws aws) {
        String stream = "scaler-handler-it-" + Long.toHexString(System.nanoTime());
        // 23:40 in Shanghai: inside the 30-minute lead of the midnight pre-scale to 4 shards.
        Clock clock = Clock.fixed(Instant.parse("2026-11-10T15:40:00Z"), ZoneOffset.UTC);
        try (KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb()) {
            String table = "scaler-coordination-" + UUID.randomUUID();
            StateTables.create(dynamo, table);
            kinesis.createStream(b -> b.streamName(stream).shardCount(2));
            ShardScalerHandler handler = new ShardScalerHandler(Map.of(ScalerSettings.STREAM, stream,
                    ScalerSettings.COORDINATION_TABLE, table, ScalerSettings.PIPELINE, "gmv-by-category",
                    "SLUICE_SCALING_PRESCALE", "00:00 Asia/Shanghai 4 PT30M PT30M"), kinesis, dynamo, clock);
            awaitActive(kinesis, stream);

            String line = handler.handleRequest(new ScheduledEvent(), null);

            assertThat(line).contains("UpdateShardCount[targetShardCount=4]").contains("applied=1/1");
            assertThat(StreamTopology.read(kinesis, stream).openShards()).hasSize(4);
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    @Test
    void operatorLoad_drivesTheScaler_andItsHistoryOutlivesTheInstance(LocalAws aws) throws Exception {
        // Arrange: the template's stream (2 shards) and tables; a consumer sized at 10 records/s per shard
        Template template = Template.load(Template.locate(), TemplateOptions.local()
                .withParameter("Stage", "scaler-it").withParameter("ShardCount", "2"));
        LocalProvisioning.provision(template, aws);
        String stream = template.physicalName("OrdersStream");
        String table = template.physicalName("CoordinationTable");
        Map<String, String> env = Map.of(ScalerSettings.STREAM, stream, ScalerSettings.COORDINATION_TABLE, table,
                ScalerSettings.PIPELINE, "gmv-by-category", "SLUICE_CONSUMER_RECORDS_PER_SECOND", "10");
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        try (KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb(); S3Client s3 = aws.s3();
             SqsClient sqs = aws.sqs()) {
            awaitActive(kinesis, stream);
            List<StreamTopology.OpenShard> two = StreamTopology.read(kinesis, stream).openShards();
            String hotKey = keyAt(two.get(0).range(), 0.3, 0.7, "c-hot-");
            List<PutRecordsRequestEntry> records = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                // Shard 0: 600 records in the minute, half of them under one partition key; shard 1: 60.
                records.add(entry(hotKey, i, minute));
                records.add(entry(keyAt(two.get(0).range(), 0, 1, "o-" + i + "-"), i, minute));
                if (i % 5 == 0) {
                    records.add(entry(keyAt(two.get(1).range(), 0, 1, "o-" + i + "-"), i, minute));
                }
            }
            LambdaWiring wiring = LambdaWiring.of(HandlerConfig.from(Map.of(
                    HandlerConfig.PIPELINE, "gmv-by-category",
                    HandlerConfig.STATE_TABLE, template.physicalName("StateTable"),
                    HandlerConfig.COORDINATION_TABLE, table,
                    HandlerConfig.RESULTS_BUCKET, template.physicalName("ResultsBucket"),
                    HandlerConfig.DEAD_LETTER_QUEUE_URL, sqs.getQueueUrl(b -> b.queueName(template.physicalName("DeadLetterQueue"))).queueUrl())),
                    new LambdaWiring.Clients(dynamo, s3, sqs, kinesis));
            // The operator's clock stands at the start of the minute, so all its reports fall into that minute.
            KinesisOperatorHandler operator = new KinesisOperatorHandler(wiring.kinesisOperator(
                    Clock.fixed(minute, ZoneOffset.UTC), new PrintStream(OutputStream.nullOutputStream())));
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(EventSourceMappingConfig.forStream(stream)
                    .withBatchSize(100), operator, aws, CheckpointStore.inMemory())) {
                for (int from = 0; from < records.size(); from += 200) {
                    List<PutRecordsRequestEntry> page = records.subList(from, Math.min(records.size(), from + 200));
                    assertThat(kinesis.putRecords(b -> b.streamName(stream).records(page)).failedRecordCount()).isZero();
                }
                assertThat(esm.awaitDrained(Duration.ofSeconds(60))).isTrue();
            }

            // Act 1: the scheduled tick one minute later reads that minute
            ByteArrayOutputStream metrics = new ByteArrayOutputStream();
            String split = new ShardScalerHandler(env, kinesis, dynamo, Clock.fixed(minute.plusSeconds(61), ZoneOffset.UTC),
                    new PrintStream(metrics, true, StandardCharsets.UTF_8)).handleRequest(new ScheduledEvent(), null);

            // Assert 1: 10 records/s is hot for a 10 records/s consumer; the split lands on the hot key
            assertThat(split).contains("split hot shards").contains("applied=1/1");
            List<StreamTopology.OpenShard> three = StreamTopology.read(kinesis, stream).openShards();
            assertThat(three).hasSize(3);
            BigInteger hot = ShardLoadReport.hashKeyOf(hotKey);
            assertThat(three).extracting(s -> s.range().start()).containsAnyOf(hot, hot.add(BigInteger.ONE));
            JsonNode emf = new ObjectMapper().readTree(metrics.toString(StandardCharsets.UTF_8).strip());
            assertThat(emf.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").get(0).get(0).asText()).isEqualTo("Stream");
            assertThat(emf.path("Stream").asText()).isEqualTo(stream);
            assertThat(emf.path("OpenShards").asInt()).isEqualTo(2);
            assertThat(emf.path("Decisions").asInt()).isEqualTo(1);
            assertThat(emf.path("Applied").asInt()).isEqualTo(1);
            assertThat(emf.path("Failed").asInt()).isZero();

            // Act 2: the next minute every shard is cold, and a new instance runs the tick
            ShardLoadTable loads = new ShardLoadTable(dynamo, table, "gmv-by-category");
            for (StreamTopology.OpenShard s : three) {
                loads.add(stream, new ShardLoadReport(minute.plusSeconds(70), s.shardId(), 6, 3_000, 0, Map.of()));
            }
            Clock later = Clock.fixed(minute.plusSeconds(121), ZoneOffset.UTC);
            String afterColdStart = new ShardScalerHandler(env, kinesis, dynamo, later, new PrintStream(OutputStream.nullOutputStream())).handleRequest(new ScheduledEvent(), null);

            // Assert 2: the persisted scale-out holds the merge back; without that history the policy would merge
            assertThat(afterColdStart).contains("scale-in cooldown").contains("applied=0/0");
            assertThat(StreamTopology.read(kinesis, stream).openShards()).hasSize(3);
            TableShardMetrics fresh = new TableShardMetrics(() -> StreamTopology.read(kinesis, stream), loads, stream);
            assertThat(ScalerSettings.policy(env).decide(fresh.collect(later.instant()), ScalingHistory.empty()).decisions())
                    .isNotEmpty().allMatch(d -> d instanceof ScalingDecision.Merge);
        }
    }

    @Test
    void settings_nameTheMissingOrMalformedVariable() {
        assertThatThrownBy(() -> ScalerSettings.policy(Map.of("SLUICE_SCALING_PRESCALE", "midnight")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SLUICE_SCALING_PRESCALE");
        assertThatThrownBy(() -> ScalerSettings.policy(Map.of("SLUICE_SCALING_MAX_SHARDS", "many")))
                .hasMessageContaining("SLUICE_SCALING_MAX_SHARDS");
        assertThatThrownBy(() -> ScalerSettings.streamName(Map.of())).hasMessageContaining(ScalerSettings.STREAM);
        assertThatThrownBy(() -> ScalerSettings.coordinationTable(Map.of())).hasMessageContaining(ScalerSettings.COORDINATION_TABLE);
        assertThatThrownBy(() -> ScalerSettings.pipeline(Map.of(ScalerSettings.PIPELINE, " "))).hasMessageContaining(ScalerSettings.PIPELINE);
    }

    /** The first key {@code prefix + i} whose hash lies between the given fractions of {@code range}. */
    private static String keyAt(HashKeyRange range, double from, double to, String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            BigInteger hash = ShardLoadReport.hashKeyOf(key);
            if (range.contains(hash) && range.positionOf(hash) >= from && range.positionOf(hash) < to) {
                return key;
            }
        }
    }

    private static PutRecordsRequestEntry entry(String partitionKey, int i, Instant minute) {
        Order order = new Order("o-" + partitionKey + "-" + i, "u-" + i, "c-" + (i % 7), 100 + i, minute.toEpochMilli() + i);
        return PutRecordsRequestEntry.builder().partitionKey(partitionKey).data(SdkBytes.fromUtf8String(order.toJson())).build();
    }

    private static void awaitActive(KinesisClient kinesis, String stream) {
        KinesisScalingActuator.of(kinesis, stream).withActiveWait(Duration.ofMillis(50), Duration.ofSeconds(30)).awaitActive();
    }
}
