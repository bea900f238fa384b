package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.state.coordination.ShardLoadTable;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kinesis operator handler on the local engines, fed events shaped like {@code sam local generate-event kinesis
 * get-records}: results, dead letters, retries and metrics lines.
 */
@ExtendWith(LocalAwsExtension.class)
class KinesisOperatorHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SHARD = "shardId-000000000000";
    private static final String WINDOW = "1605052800000-1605052860000.csv";

    private LocalSluice sluice;

    @BeforeEach
    void deploy(LocalAws aws) {
        sluice = new LocalSluice(aws, "gmv-by-category");
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    @ParameterizedTest
    @Event(value = "events/kinesis/one_shard.json", type = KinesisEvent.class)
    void handleRequest_firesPassedWindowToS3AndResultsTable_whenWatermarkPassesItsEnd(KinesisEvent event) {
        // Arrange
        KinesisOperatorHandler handler = sluice.kinesisHandler();

        // Act
        StreamsEventResponse response = handler.handleRequest(event, null);

        // Assert
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(sluice.resultCsvs()).containsExactly(Map.entry(WINDOW,
                "window_start_ms,category,count,sum_cents\n1605052800000,c-1,3,1100\n1605052800000,c-2,1,250\n"));
        var items = sluice.dynamo.query(b -> b.tableName(sluice.config.resultsTable().orElseThrow())
                .keyConditionExpression("pk = :p AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(
                        ":p", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("gmv-by-category"),
                        ":from", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("1605052800000#"),
                        ":to", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("1605052860000#"))))
                .items();
        assertThat(items).extracting(i -> i.get("k").s() + "=" + i.get("count").n() + "/" + i.get("sum_cents").n())
                .containsExactly("c-1=3/1100", "c-2=1/250");
        assertThat(items).allSatisfy(i -> assertThat(i.get("ttl").n()).isEqualTo(Long.toString(1605052860L + 400 * 86400)));
        // Beside the rows, one totals item per window for the dashboard's curves.
        var total = sluice.dynamo.getItem(b -> b.tableName(sluice.config.resultsTable().orElseThrow()).key(Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("gmv-by-category#totals"),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("1605052800000")))).item();
        assertThat(total.get("count").n() + "/" + total.get("sum_cents").n() + "/" + total.get("keys").n())
                .isEqualTo("4/1350/2");
        JsonNode metrics = lastMetrics();
        assertThat(metrics.path("RecordsIn").asLong()).isEqualTo(5);
        assertThat(metrics.path("RecordsOut").asLong()).isEqualTo(2);
        assertThat(metrics.path("StateWrites").asLong()).isPositive();
        assertThat(metrics.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText()).isEqualTo("Sluice");
        JsonNode load = sluice.metricLines().stream().map(KinesisOperatorHandlerTest::read)
                .filter(l -> l.has("ShardId")).findFirst().orElseThrow();
        assertThat(load.path("ShardId").asText()).isEqualTo(SHARD);
        assertThat(load.path("RecordsIn").asLong()).isEqualTo(4);
        assertThat(load.path("BytesIn").asLong()).isPositive();
        assertThat(load.path("HotKeys").path("pk-1").asLong()).isEqualTo(4);
        assertThat(sluice.reportedLoad("sluice-dev-orders", SHARD)).as("load for the shard scaler").isEqualTo(4);
    }

    @ParameterizedTest
    @Event(value = "events/kinesis/one_shard.json", type = KinesisEvent.class)
    void handleRequest_appliesTheBatch_whenItsShardLoadCannotBeRecorded(KinesisEvent event) {
        // Arrange: the load goes to a table that does not exist
        KinesisOperatorHandler handler = sluice.kinesisHandler(
                new ShardLoadTable(sluice.dynamo, "no-such-table", "gmv-by-category"));

        // Act
        StreamsEventResponse response = handler.handleRequest(event, null);

        // Assert: load is advisory; the results are those of the first test
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(sluice.resultCsvs()).containsExactly(Map.entry(WINDOW,
                "window_start_ms,category,count,sum_cents\n1605052800000,c-1,3,1100\n1605052800000,c-2,1,250\n"));
    }

    @ParameterizedTest
    @Event(value = "events/kinesis/one_shard.json", type = KinesisEvent.class)
    void handleRequest_countsEveryRecordOnce_whenTheSameBatchIsRetriedOnANewInstance(KinesisEvent event) {
        // Arrange
        sluice.kinesisHandler().handleRequest(event, null);
        String firstCsv = sluice.resultCsvs().get(WINDOW);

        // Act: the event source mapping retries the whole batch, delivered to a fresh instance (no cache)
        StreamsEventResponse retried = sluice.kinesisHandler().handleRequest(event, null);

        // Assert
        assertThat(retried.getBatchItemFailures()).isEmpty();
        assertThat(sluice.resultCsvs()).containsExactly(Map.entry(WINDOW, firstCsv));
        JsonNode metrics = lastMetrics();
        assertThat(metrics.path("Replayed").asLong()).isEqualTo(5);
        assertThat(metrics.path("StateWrites").asLong()).isZero();
        assertThat(metrics.path("WindowsFired").asLong()).isZero();
    }

    @ParameterizedTest
    @Event(value = "events/kinesis/kpl_aggregated.json", type = KinesisEvent.class)
    void handleRequest_deaggregatesKplRecords_withSubSequenceNumbersInTheFence(KinesisEvent event) {
        // Arrange
        KinesisOperatorHandler handler = sluice.kinesisHandler();

        // Act
        StreamsEventResponse response = handler.handleRequest(event, null);

        // Assert
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(sluice.resultCsvs()).containsExactly(Map.entry(WINDOW,
                "window_start_ms,category,count,sum_cents\n1605052800000,c-1,2,400\n1605052800000,c-2,1,200\n"));
        assertThat(sluice.drainDeadLetters()).isEmpty();
        SplitState split = sluice.store().readSplit("gmv-by-category", SHARD).orElseThrow();
        assertThat(split.fence()).isEqualTo(Fence.of(event.getRecords().get(1).getKinesis().getSequenceNumber(), 0));
        assertThat(lastMetrics().path("RecordsIn").asLong()).isEqualTo(4);
    }

    @ParameterizedTest
    @Event(value = "events/kinesis/poison.json", type = KinesisEvent.class)
    void handleRequest_sendsPoisonRecordsToTheDeadLetterQueue_withoutFailingTheBatch(KinesisEvent event)
            throws Exception {
        // Arrange
        KinesisOperatorHandler handler = sluice.kinesisHandler();

        // Act
        StreamsEventResponse response = handler.handleRequest(event, null);

        // Assert
        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Message> deadLetters = sluice.drainDeadLetters();
        assertThat(deadLetters).hasSize(2);
        List<JsonNode> bodies = deadLetters.stream().map(m -> read(m.body())).toList();
        String badJson = event.getRecords().get(1).getKinesis().getSequenceNumber();
        String badKpl = event.getRecords().get(2).getKinesis().getSequenceNumber();
        assertThat(bodies).extracting(b -> b.path("position").asText())
                .containsExactlyInAnyOrder("seq=" + badJson + " sub=0", "seq=" + badKpl);
        assertThat(bodies).allSatisfy(b -> {
            assertThat(b.path("split").asText()).isEqualTo(SHARD);
            assertThat(b.path("reason").asText()).isNotBlank();
            assertThat(b.path("id").asText()).hasSize(64);
        });
        assertThat(bodies).anySatisfy(b -> assertThat(b.path("reason").asText()).contains("MD5"));
        assertThat(lastMetrics().path("DeadLetters").asLong()).isEqualTo(2);
        assertThat(sluice.store().readSplit("gmv-by-category", SHARD).orElseThrow().fence())
                .isEqualTo(Fence.of(event.getRecords().get(3).getKinesis().getSequenceNumber(), 0));
    }

    @Test
    void handleRequest_reportsTheFirstUnappliedRecord_whenTheStateTableFails() {
        // Arrange: the state table is gone, so every partial write fails
        KinesisEvent second = EventLoader.loadKinesisEvent("events/kinesis/poison.json");
        KinesisOperatorHandler handler = sluice.kinesisHandler();
        sluice.dynamo.deleteTable(b -> b.tableName(sluice.config.stateTable()));

        // Act
        StreamsEventResponse response = handler.handleRequest(second, null);

        // Assert
        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(second.getRecords().get(0).getKinesis().getSequenceNumber());
        // Lambda's Errors stays 0 for a reported batch: the metric BatchesNotAppliedAlarm watches counts it.
        assertThat(lastMetrics().path("BatchesNotApplied").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @Event(value = "events/kinesis/poison.json", type = KinesisEvent.class)
    void handleRequest_reportsTheFirstUnappliedRecord_whenTheDeadLetterQueueFails(KinesisEvent event) {
        // Arrange: the dead-letter queue is gone, so the poison record cannot be set aside
        KinesisOperatorHandler handler = sluice.kinesisHandler();
        sluice.sqs.deleteQueue(b -> b.queueUrl(sluice.config.deadLetterQueue()));

        // Act
        StreamsEventResponse response = handler.handleRequest(event, null);

        // Assert: nothing of the batch is acknowledged; the retry starts at its first record
        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getKinesis().getSequenceNumber());
        assertThat(sluice.store().readSplit("gmv-by-category", SHARD).map(SplitState::fence).orElse(Fence.NONE))
                .isEqualTo(Fence.NONE);
    }

    @Test
    void response_survivesAJsonRoundTrip() throws Exception {
        StreamsEventResponse response = new StreamsEventResponse(
                List.of(new StreamsEventResponse.BatchItemFailure("49590338271490256608559692538361571095921575989136580001")));

        String json = JSON.writeValueAsString(response);

        assertThat(JSON.readValue(json, StreamsEventResponse.class)).isEqualTo(response);
        assertThat(json).contains("\"batchItemFailures\":[{\"itemIdentifier\":\"4959");
    }

    private JsonNode lastMetrics() {
        List<String> lines = sluice.metricLines();
        assertThat(lines).isNotEmpty();
        return read(lines.get(lines.size() - 1));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
