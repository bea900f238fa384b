package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Reading a shard: a throttled GetRecords loses nothing (the guide's "Polling and batching streams": the mapping
 * retries reads), and a batch is closed at Lambda's 6 MB invocation payload quota ("Lambda quotas": invocation
 * payload 6 MB for synchronous invocations) before it reaches BatchSize.
 */
class ReadingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldResumeFromTheCheckpointAndLoseNothingWhenAReadInsideTheBatchingWindowIsThrottled() throws Exception {
        // Arrange: pages of 5 records; the second read (gathering records 5-6 for the window) is throttled
        FakeKinesis kinesis = new FakeKinesis(1).pageSize(5).throttle(call -> call == 2);
        for (int i = 0; i < 7; i++) {
            kinesis.put(0, Integer.toString(i));
        }
        Recorder recorder = Recorder.succeeding();
        EventSourceMappingConfig config = Recorder.config().withMaximumBatchingWindow(Duration.ofSeconds(1));

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, new FakeSqs(), config, recorder)) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();

            // Assert
            assertThat(esm.stats().throttledReads()).isEqualTo(1);
        }
        assertThat(recorder.delivered()).containsExactly("0", "1", "2", "3", "4", "5", "6");
    }

    @Test
    void shouldCloseABatchAtTheSixMegabytePayloadCapAndCarryTheRestToTheNext() throws Exception {
        // Arrange: 1,000 records of 10 KB are 13.7 MB of invocation JSON
        FakeKinesis kinesis = new FakeKinesis(1);
        byte[] payload = new byte[10 * 1024];
        Arrays.fill(payload, (byte) 'x');
        for (int i = 0; i < 1000; i++) {
            byte[] data = payload.clone();
            byte[] n = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(n, 0, data, 0, n.length);
            kinesis.put(0, SdkBytes.fromByteArray(data), Instant.now());
        }
        List<KinesisEvent> events = new CopyOnWriteArrayList<>();
        HandlerFactory factory = () -> (RequestHandler<KinesisEvent, StreamsEventResponse>) (event, context) -> {
            events.add(event);
            return new StreamsEventResponse();
        };
        EventSourceMappingConfig config = Recorder.config().withBatchSize(1000);

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, new FakeSqs(), config, factory, Chaos.off(),
                java.time.Clock.systemUTC())) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();

            // Assert
            assertThat(esm.stats().payloadCappedBatches()).isGreaterThanOrEqualTo(2);
        }
        assertThat(events).hasSize(3);
        for (KinesisEvent event : events) {
            assertThat(lambdaJson(event).length).isLessThanOrEqualTo(6 * 1024 * 1024);
        }
        assertThat(events.get(0).getRecords().size()).as("as many as fit, not fewer").isGreaterThan(400);
        List<String> seqs = events.stream().flatMap(e -> e.getRecords().stream())
                .map(r -> r.getKinesis().getSequenceNumber()).toList();
        assertThat(seqs).hasSize(1000).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void shouldSizeARecordExactlyAsItsInvocationJson() {
        FakeKinesis kinesis = new FakeKinesis(1);
        kinesis.put(0, SdkBytes.fromUtf8String("{\"orderId\":\"o-1\",\"amount\":1999}"), Instant.ofEpochMilli(1_545_084_650_987L));
        var record = kinesis.getRecords(b -> b.shardIterator("shardId-000000000000/0")).records().get(0);
        KinesisEvent event = KinesisEvents.of(List.of(record), "shardId-000000000000", FakeKinesis.ARN, "us-east-1");

        int size = KinesisEvents.jsonBytes(record, "shardId-000000000000", FakeKinesis.ARN, "us-east-1");

        assertThat(KinesisEvents.ENVELOPE_BYTES + size - 1).isEqualTo(lambdaJson(event).length);
    }

    @Test
    void shouldWriteAStreamHandlersInvocationJsonAsLambdaSendsIt() {
        FakeKinesis kinesis = new FakeKinesis(1);
        kinesis.put(0, SdkBytes.fromUtf8String("{\"orderId\":\"o-1\",\"amount\":1999}"), Instant.ofEpochMilli(1_545_084_650_987L));
        kinesis.put(0, SdkBytes.fromByteArray(new byte[0]), Instant.ofEpochMilli(1_545_084_651_000L));
        kinesis.put(0, SdkBytes.fromUtf8String("\u00e9\"\\\n"), Instant.ofEpochMilli(1_545_084_651_001L));
        var records = kinesis.getRecords(b -> b.shardIterator("shardId-000000000000/0")).records();
        KinesisEvent event = KinesisEvents.of(records, "shardId-000000000000", FakeKinesis.ARN, "us-east-1");

        byte[] json = KinesisEventJson.toBytes(event);

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(new String(lambdaJson(event), StandardCharsets.UTF_8));
        int sized = KinesisEvents.ENVELOPE_BYTES - 1;
        for (var r : records) {
            sized += KinesisEvents.jsonBytes(r, "shardId-000000000000", FakeKinesis.ARN, "us-east-1");
        }
        assertThat(json).hasSize(sized);
    }

    /** The event as Lambda serializes it for the function (see "Using Lambda with Kinesis", example event). */
    static byte[] lambdaJson(KinesisEvent event) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            ObjectNode o = records.addObject();
            ObjectNode k = o.putObject("kinesis");
            k.put("kinesisSchemaVersion", r.getKinesis().getKinesisSchemaVersion());
            k.put("partitionKey", r.getKinesis().getPartitionKey());
            k.put("sequenceNumber", r.getKinesis().getSequenceNumber());
            byte[] bytes = new byte[r.getKinesis().getData().remaining()];
            r.getKinesis().getData().duplicate().get(bytes);
            k.put("data", Base64.getEncoder().encodeToString(bytes));
            k.put("approximateArrivalTimestamp",
                    BigDecimal.valueOf(r.getKinesis().getApproximateArrivalTimestamp().getTime()).movePointLeft(3));
            o.put("eventSource", r.getEventSource());
            o.put("eventVersion", r.getEventVersion());
            o.put("eventID", r.getEventID());
            o.put("eventName", r.getEventName());
            o.put("invokeIdentityArn", r.getInvokeIdentityArn());
            o.put("awsRegion", r.getAwsRegion());
            o.put("eventSourceARN", r.getEventSourceARN());
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
