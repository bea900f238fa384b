package io.sluice.it;

import io.sluice.cli.LocalEventSources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.it.RecordingHandler.Delivery;
import io.sluice.cli.LocalProvisioning;
import io.sluice.infra.template.EventSources;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The local event-source-mapping runtime against kinesis-mock and moto, with streams, queues and the
 * mapping's settings all taken from template.yaml (each test instantiates it with its own Stage).
 */
@ExtendWith(LocalAwsExtension.class)
class LocalEventSourceMappingIT {
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalAws aws;
    private Template template;
    private String stream;

    /** @return the LocalAws the scenarios run on; subclasses pick another Kinesis engine */
    protected LocalAws localAws(LocalAws shared) {
        return shared;
    }

    @BeforeEach
    void provision(LocalAws shared, TestInfo test) {
        this.aws = localAws(shared);
        String stage = "esm-" + Integer.toHexString(test.getDisplayName().hashCode() & 0xfffff);
        this.template = Template.load(Template.locate(), TemplateOptions.local().withParameter("Stage", stage)
                .withParameter("ShardCount", test.getTags().contains("twoShards") ? "2" : "1"));
        LocalProvisioning.provision(template, aws);
        this.stream = template.physicalName("OrdersStream");
    }

    /** The template's mapping, with smaller batches and quicker local polling so tests take seconds. */
    private EventSourceMappingConfig templateConfig(int batchSize) {
        return LocalEventSources.config(EventSources.kinesis(template).get(0).settings())
                .withBatchSize(batchSize)
                .withMaximumBatchingWindow(Duration.ZERO)
                .withLocalTimings(Duration.ofMillis(50), Duration.ofMillis(10));
    }

    @Test
    @org.junit.jupiter.api.Tag("twoShards")
    void esm_deliversEveryRecordOnceInShardOrder_parentsBeforeChildren_acrossAReshard() throws Exception {
        RecordingHandler handler = RecordingHandler.succeeding();
        try (KinesisClient kinesis = aws.kinesis();
             LocalEventSourceMapping esm = LocalEventSourceMapping.start(templateConfig(40), handler, aws, CheckpointStore.inMemory())) {
            put(kinesis, 0, 300);
            Shard parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0);
            BigInteger lo = new BigInteger(parent.hashKeyRange().startingHashKey());
            BigInteger hi = new BigInteger(parent.hashKeyRange().endingHashKey());
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId())
                    .newStartingHashKey(lo.add(hi).shiftRight(1).toString()));
            awaitActive(kinesis);
            put(kinesis, 300, 300);

            assertThat(esm.awaitDrained(DRAIN)).isTrue();

            List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
            List<Delivery> seen = handler.deliveries;
            assertThat(seen).extracting(Delivery::data).hasSize(600).doesNotHaveDuplicates();
            Map<String, List<Delivery>> byShard = seen.stream().collect(Collectors.groupingBy(Delivery::shardId));
            byShard.values().forEach(LocalEventSourceMappingIT::assertIncreasingSequenceNumbers);
            List<Shard> children = shards.stream().filter(s -> parent.shardId().equals(s.parentShardId())).toList();
            assertThat(children).hasSize(2);
            int lastOfParent = lastIndex(seen, parent.shardId());
            for (Shard child : children) {
                assertThat(byShard).containsKey(child.shardId());
                assertThat(seen.indexOf(byShard.get(child.shardId()).get(0))).isGreaterThan(lastOfParent);
            }
            // Per partition key the payloads must arrive in put order, also across the split.
            Map<String, List<Integer>> byKey = new HashMap<>();
            seen.forEach(d -> byKey.computeIfAbsent(d.partitionKey(), k -> new ArrayList<>()).add(Integer.parseInt(d.data())));
            byKey.values().forEach(values -> assertThat(values).isSorted());
            assertThat(handler.maxInFlightPerShard.get()).isEqualTo(1);
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("twoShards")
    void esm_deliversEveryRecordAtLeastOnce_firstInOrder_underChaos_acrossAReshard() throws Exception {
        RecordingHandler handler = RecordingHandler.succeeding();
        io.sluice.localstack.esm.Chaos chaos = io.sluice.localstack.esm.Chaos.seeded(16).withRedeliveries(0.4)
                .withThrottledReads(0.3).withRecycling(0.3).withRandomTimeouts(0, Duration.ofMillis(1))
                .withTimeoutsAfterWrites(0, 1).withThrottledWrites(0); // this handler makes no AWS calls
        try (KinesisClient kinesis = aws.kinesis();
             LocalEventSourceMapping esm = LocalEventSourceMapping.builder(templateConfig(40))
                     .handlers(() -> handler).chaos(chaos).start(aws)) {
            put(kinesis, 0, 300);
            Shard parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0);
            BigInteger lo = new BigInteger(parent.hashKeyRange().startingHashKey());
            BigInteger hi = new BigInteger(parent.hashKeyRange().endingHashKey());
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId())
                    .newStartingHashKey(lo.add(hi).shiftRight(1).toString()));
            awaitActive(kinesis);
            put(kinesis, 300, 300);

            assertThat(esm.awaitDrained(DRAIN)).isTrue();

            assertThat(esm.stats().redeliveries()).as(esm.stats().toString()).isPositive();
            assertThat(esm.stats().throttledReads()).as(esm.stats().toString()).isPositive();
            assertThat(esm.stats().recordsToDestination()).isZero();
        }
        List<Delivery> seen = handler.deliveries;
        List<String> firstSight = seen.stream().map(Delivery::data).distinct().toList();
        assertThat(firstSight).hasSize(600);
        // First deliveries per partition key follow put order, across the split; the parent's come before the children's.
        Map<String, List<Integer>> byKey = new HashMap<>();
        seen.stream().filter(d -> seen.indexOf(d) == indexOfData(seen, d.data()))
                .forEach(d -> byKey.computeIfAbsent(d.partitionKey(), k -> new ArrayList<>()).add(Integer.parseInt(d.data())));
        byKey.values().forEach(values -> assertThat(values).isSorted());
        assertThat(handler.maxInFlightPerShard.get()).isEqualTo(1);
    }

    private static int indexOfData(List<Delivery> deliveries, String data) {
        for (int i = 0; i < deliveries.size(); i++) {
            if (deliveries.get(i).data().equals(data)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    @org.junit.jupiter.api.Tag("twoShards")
    void esm_deliversBothParents_beforeTheChildOfAMerge() throws Exception {
        RecordingHandler handler = RecordingHandler.succeeding();
        try (KinesisClient kinesis = aws.kinesis();
             LocalEventSourceMapping esm = LocalEventSourceMapping.start(templateConfig(25), handler, aws, CheckpointStore.inMemory())) {
            put(kinesis, 0, 200);
            List<Shard> parents = kinesis.listShards(b -> b.streamName(stream)).shards();
            kinesis.mergeShards(b -> b.streamName(stream).shardToMerge(parents.get(0).shardId())
                    .adjacentShardToMerge(parents.get(1).shardId()));
            awaitActive(kinesis);
            put(kinesis, 200, 100);

            assertThat(esm.awaitDrained(DRAIN)).isTrue();

            Shard child = kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                    .filter(s -> s.adjacentParentShardId() != null).findFirst().orElseThrow();
            List<Delivery> seen = handler.deliveries;
            assertThat(seen).extracting(Delivery::data).hasSize(300).doesNotHaveDuplicates();
            int firstOfChild = seen.indexOf(seen.stream().filter(d -> d.shardId().equals(child.shardId())).findFirst().orElseThrow());
            assertThat(lastIndex(seen, child.parentShardId())).isLessThan(firstOfChild);
            assertThat(lastIndex(seen, child.adjacentParentShardId())).isLessThan(firstOfChild);
        }
    }

    @Test
    void esm_bisectsAPoisonRecordIntoTheDeadLetterQueue_whileTheShardKeepsFlowing() throws Exception {
        RecordingHandler handler = new RecordingHandler(batch -> {
            if (batch.stream().anyMatch(d -> d.data().equals("37"))) {
                throw new IllegalStateException("poison record 37");
            }
            return new StreamsEventResponse();
        });
        try (KinesisClient kinesis = aws.kinesis(); SqsClient sqs = aws.sqs()) {
            put(kinesis, 0, 100);
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(templateConfig(100), handler, aws, CheckpointStore.inMemory())) {
                assertThat(esm.awaitDrained(DRAIN)).isTrue();
                put(kinesis, 100, 20);
                assertThat(esm.awaitDrained(DRAIN)).isTrue();

                assertThat(esm.stats().bisections()).isGreaterThan(0);
                assertThat(esm.stats().retries()).isEqualTo(templateConfig(1).maximumRetryAttempts());
                assertThat(esm.stats().recordsToDestination()).isEqualTo(1);
            }
            List<String> firstDeliveries = handler.deliveries.stream().map(Delivery::data).distinct().toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(firstDeliveries).containsExactlyElementsOf(expected); // first sight of each record in order, 37 included
            String poisonSeq = handler.deliveries.stream().filter(d -> d.data().equals("37")).findFirst().orElseThrow().sequenceNumber();
            String queueUrl = sqs.getQueueUrl(b -> b.queueName(template.physicalName("DeadLetterQueue"))).queueUrl();
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            assertThat(messages).hasSize(1);
            JsonNode failure = JSON.readTree(messages.get(0).body());
            assertThat(failure.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(failure.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(1);
            assertThat(failure.at("/KinesisBatchInfo/startSequenceNumber").asText()).isEqualTo(poisonSeq);
            assertThat(failure.at("/KinesisBatchInfo/endSequenceNumber").asText()).isEqualTo(poisonSeq);
            assertThat(failure.at("/KinesisBatchInfo/streamArn").asText()).endsWith(":stream/" + stream);
            assertThat(failure.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
            assertThat(failure.has("errorMessage")).as("Lambda's record has no errorMessage field").isFalse();
        }
    }

    @Test
    void esm_resumesAtTheReportedSequenceNumber_andTakesAnEmptyListAsSuccess() throws Exception {
        RecordingHandler handler = new RecordingHandler(batch -> batch.get(0).invocation() == 0
                ? new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(batch.get(7).sequenceNumber())))
                : new StreamsEventResponse(List.of()));
        try (KinesisClient kinesis = aws.kinesis()) {
            put(kinesis, 0, 20);
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(templateConfig(100), handler, aws, CheckpointStore.inMemory())) {
                assertThat(esm.awaitDrained(DRAIN)).isTrue();

                assertThat(esm.stats().partialFailures()).isEqualTo(1);
            }
        }
        assertThat(handler.invocations).hasSize(2);
        assertThat(handler.invocations.get(0)).extracting(Delivery::data).hasSize(20);
        List<Delivery> retry = handler.invocations.get(1);
        assertThat(retry.get(0).sequenceNumber()).isEqualTo(handler.invocations.get(0).get(7).sequenceNumber());
        assertThat(retry).extracting(Delivery::data).containsExactly("7", "8", "9", "10", "11", "12", "13", "14",
                "15", "16", "17", "18", "19");
    }

    @Test
    void esm_resumesFromCheckpoints_afterARestart(@TempDir Path dir) throws Exception {
        CheckpointStore checkpoints = CheckpointStore.file(dir.resolve("checkpoints.json"));
        RecordingHandler first = RecordingHandler.succeeding();
        RecordingHandler second = RecordingHandler.succeeding();
        try (KinesisClient kinesis = aws.kinesis()) {
            put(kinesis, 0, 100);
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(templateConfig(30), first, aws, checkpoints)) {
                assertThat(esm.awaitDrained(DRAIN)).isTrue();
            }
            put(kinesis, 100, 50);
            // A new store instance reads the file, as a new process would.
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(templateConfig(30), second, aws,
                    CheckpointStore.file(dir.resolve("checkpoints.json")))) {
                assertThat(esm.awaitDrained(DRAIN)).isTrue();
            }
        }
        assertThat(first.deliveries).extracting(Delivery::data).hasSize(100).doesNotHaveDuplicates();
        assertThat(second.deliveries).extracting(Delivery::data).hasSize(50)
                .allSatisfy(d -> assertThat(Integer.parseInt(d)).isBetween(100, 149));
    }

    @Test
    void esm_sendsRecordsOlderThanTheMaximumAgeToTheDestination_withoutInvoking() throws Exception {
        RecordingHandler handler = RecordingHandler.succeeding();
        try (KinesisClient kinesis = aws.kinesis(); SqsClient sqs = aws.sqs()) {
            put(kinesis, 0, 10);
            // Lambda's minimum age is 60 s: the mapping's clock runs 61 s ahead so the test stays short.
            EventSourceMappingConfig config = templateConfig(100).withMaximumRecordAge(Duration.ofSeconds(60));
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.builder(config).handlers(() -> handler)
                    .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofSeconds(61))).start(aws)) {
                assertThat(esm.awaitDrained(DRAIN)).isTrue();
            }
            String queueUrl = sqs.getQueueUrl(b -> b.queueName(template.physicalName("DeadLetterQueue"))).queueUrl();
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            assertThat(handler.deliveries).isEmpty();
            assertThat(messages).hasSize(1);
            JsonNode failure = JSON.readTree(messages.get(0).body());
            assertThat(failure.at("/requestContext/condition").asText()).isEqualTo("RecordAgeExceeded");
            assertThat(failure.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(10);
            assertThat(failure.has("responseContext")).isFalse();
            assertThat(failure.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(1);
        }
    }

    @Test
    void esm_gathersRecordsForTheBatchingWindow_beforeInvoking() throws Exception {
        RecordingHandler handler = RecordingHandler.succeeding();
        // 5 s: the five puts below take about 1 s, several on a loaded machine (kinesis-mock's first puts are slow).
        EventSourceMappingConfig config = templateConfig(100).withMaximumBatchingWindow(Duration.ofSeconds(5));
        try (KinesisClient kinesis = aws.kinesis();
             LocalEventSourceMapping esm = LocalEventSourceMapping.start(config, handler, aws, CheckpointStore.inMemory())) {
            Thread.sleep(300); // the shard poller is running and idle
            for (int i = 0; i < 5; i++) {
                put(kinesis, i * 10, 10);
                Thread.sleep(150);
            }
            assertThat(esm.awaitDrained(DRAIN)).isTrue();
        }
        assertThat(handler.invocations).hasSize(1);
        assertThat(handler.invocations.get(0)).hasSize(50);
    }

    private void put(KinesisClient kinesis, int from, int count) {
        for (int start = from; start < from + count; start += 100) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + 100, from + count); i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + (i % 17))
                        .data(SdkBytes.fromUtf8String(Integer.toString(i))).build());
            }
            // Records of one key must keep their order, so a batch with failures is not retried out of order here.
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount()).isZero();
        }
    }

    private void awaitActive(KinesisClient kinesis) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatusAsString().equals("ACTIVE")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void assertIncreasingSequenceNumbers(List<Delivery> deliveries) {
        for (int i = 1; i < deliveries.size(); i++) {
            assertThat(new BigInteger(deliveries.get(i).sequenceNumber()))
                    .isGreaterThan(new BigInteger(deliveries.get(i - 1).sequenceNumber()));
        }
    }

    private static int lastIndex(List<Delivery> deliveries, String shardId) {
        for (int i = deliveries.size() - 1; i >= 0; i--) {
            if (deliveries.get(i).shardId().equals(shardId)) {
                return i;
            }
        }
        return -1;
    }
}
