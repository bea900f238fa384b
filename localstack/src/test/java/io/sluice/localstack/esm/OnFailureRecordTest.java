package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * On-failure records compared with the sample of the Lambda guide's "Retain discarded batch records for a Kinesis
 * Data Streams event source in Lambda" (test resource {@code aws/kinesis-on-failure-record.json}), field by field,
 * and the outcomes of "Configuring partial batch response with Kinesis Data Streams and Lambda".
 */
class OnFailureRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void shouldWriteLambdasRecordForAFunctionErrorThatExhaustedItsRetries() throws Exception {
        // Arrange
        JsonNode sample = sample();
        List<JsonNode> records = run(5, 2, call -> {
            throw new IllegalStateException("boom");
        });

        // Assert
        JsonNode r = records.get(0);
        assertSameFields(r, sample, "");
        assertThat(r.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(r.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(r.at("/requestContext/functionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:f");
        assertThat(r.at("/responseContext/statusCode").asInt()).isEqualTo(200);
        assertThat(r.at("/responseContext/executedVersion").asText()).isEqualTo("$LATEST");
        assertThat(r.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(r.at("/version").asText()).isEqualTo("1.0");
        assertThat(r.at("/timestamp").asText()).matches(TIME);
        assertThat(r.at("/KinesisBatchInfo/approximateArrivalOfFirstRecord").asText()).matches(TIME);
        assertThat(r.at("/KinesisBatchInfo/approximateArrivalOfLastRecord").asText()).matches(TIME);
        assertThat(r.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(5);
        assertThat(r.at("/KinesisBatchInfo/shardId").asText()).isEqualTo("shardId-000000000000");
        assertThat(r.at("/KinesisBatchInfo/streamArn").asText()).isEqualTo(FakeKinesis.ARN);
        assertThat(r.at("/KinesisBatchInfo/startSequenceNumber").asText()).endsWith("1");
        assertThat(r.at("/KinesisBatchInfo/endSequenceNumber").asText()).endsWith("5");
    }

    @Test
    void shouldWriteANullFunctionErrorWhenReportedItemFailuresExhaustedTheRetries() throws Exception {
        // Arrange: the third record is reported as failed on every attempt
        List<JsonNode> records = run(5, 1, call -> new StreamsEventResponse(List.of(
                new BatchItemFailure(call.sequenceNumbers().get(call.data().indexOf("2") < 0 ? 0 : call.data().indexOf("2"))))));

        // Assert
        JsonNode r = records.get(0);
        assertSameFields(r, sample(), "");
        assertThat(r.at("/responseContext").has("functionError")).isTrue();
        assertThat(r.at("/responseContext/functionError").isNull()).isTrue();
        assertThat(r.at("/KinesisBatchInfo/batchSize").asInt()).as("records 2..4 after the checkpoint at 1").isEqualTo(3);
        assertThat(r.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
    }

    @Test
    void shouldFailTheWholeBatchWithoutAFunctionErrorForAnUnknownItemIdentifier() throws Exception {
        // Arrange
        FakeKinesis kinesis = new FakeKinesis(1);
        for (int i = 0; i < 4; i++) {
            kinesis.put(0, Integer.toString(i));
        }
        FakeSqs sqs = new FakeSqs();
        Recorder recorder = new Recorder(call -> new StreamsEventResponse(List.of(new BatchItemFailure("no-such-record"))));
        EventSourceMappingConfig config = failing(1).withBisectBatchOnFunctionError(true);

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, sqs, config, recorder)) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();

            // Assert: retried whole, not halved, not a function error
            assertThat(esm.stats()).extracting(EsmStats::functionErrors, EsmStats::bisections, EsmStats::retries,
                    EsmStats::recordsToDestination).containsExactly(0L, 0L, 1L, 4L);
        }
        assertThat(recorder.calls).hasSize(2).allSatisfy(c -> assertThat(c.data()).hasSize(4));
        JsonNode r = JSON.readTree(sqs.bodies.get(0));
        assertThat(r.at("/responseContext/functionError").isNull()).isTrue();
        assertThat(r.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(4);
    }

    @Test
    void shouldTreatANullResponseAnEmptyListAndANullListAsSuccess() throws Exception {
        List<StreamsEventResponse> answers = new ArrayList<>();
        answers.add(null);
        answers.add(new StreamsEventResponse(List.of()));
        answers.add(new StreamsEventResponse(null));
        for (StreamsEventResponse answer : answers) {
            assertThat(run(3, 0, call -> answer)).isEmpty();
        }
    }

    @Test
    void shouldWriteAnAgeExpiryWithoutResponseContextAndAnInvokeCountOfAtLeastOne() throws Exception {
        // Arrange: the runtime's clock is 61 s ahead, so every record is older than the 60 s minimum age
        FakeKinesis kinesis = new FakeKinesis(1);
        for (int i = 0; i < 3; i++) {
            kinesis.put(0, Integer.toString(i));
        }
        FakeSqs sqs = new FakeSqs();
        Recorder recorder = Recorder.succeeding();
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(61));
        EventSourceMappingConfig config = failing(3).withMaximumRecordAge(Duration.ofSeconds(60));

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, sqs, config, recorder.factory(), Chaos.off(), ahead)) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();
        }

        // Assert
        assertThat(recorder.calls).isEmpty();
        JsonNode r = JSON.readTree(sqs.bodies.get(0));
        JsonNode expected = sample().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).remove("responseContext");
        assertSameFields(r, expected, "");
        assertThat(r.at("/requestContext/condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(r.at("/requestContext/approximateInvokeCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(r.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(3);
    }

    private static EventSourceMappingConfig failing(int retries) {
        return Recorder.config().withReportBatchItemFailures(true).withMaximumRetryAttempts(retries)
                .withOnFailureDestination(FakeSqs.QUEUE_ARN);
    }

    /** Puts {@code records} records, runs the mapping with {@code retries} retries, returns the failure records. */
    private static List<JsonNode> run(int records, int retries, Function<Recorder.Call, StreamsEventResponse> behaviour)
            throws Exception {
        FakeKinesis kinesis = new FakeKinesis(1);
        for (int i = 0; i < records; i++) {
            kinesis.put(0, Integer.toString(i));
        }
        FakeSqs sqs = new FakeSqs();
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, sqs, failing(retries), new Recorder(behaviour::apply))) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String body : sqs.bodies) {
            out.add(JSON.readTree(body));
        }
        return out;
    }

    private static JsonNode sample() throws Exception {
        try (InputStream in = OnFailureRecordTest.class.getResourceAsStream("/aws/kinesis-on-failure-record.json")) {
            return JSON.readTree(in);
        }
    }

    /** Same field names in the same order and the same JSON types, recursively; a null may stand for any value. */
    static void assertSameFields(JsonNode actual, JsonNode expected, String path) {
        List<String> actualNames = new ArrayList<>();
        actual.fieldNames().forEachRemaining(actualNames::add);
        List<String> expectedNames = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedNames::add);
        assertThat(actualNames).as("fields of " + (path.isEmpty() ? "/" : path)).containsExactlyElementsOf(expectedNames);
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode a = actual.get(name);
            JsonNode e = expected.get(name);
            if (e.isObject()) {
                assertSameFields(a, e, path + "/" + name);
            } else if (!a.isNull()) {
                assertThat(a.getNodeType()).as("type of " + path + "/" + name).isEqualTo(e.getNodeType());
            }
        }
    }
}
