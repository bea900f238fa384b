package io.sluice.functions.lambda;

import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.localstack.esm.StreamHandlerInvocation;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler class the template deploys ({@link KinesisOperatorStreamHandler}, handed the event's JSON as on Lambda)
 * behind the {@code localstack} module's event source mapping on kinesis-mock, across a shard split: the handler registers the shards it lists, finishes the parent when a child delivers, sends the poison
 * record to the dead-letter queue, and the fired windows hold every order exactly once.
 */
@ExtendWith(LocalAwsExtension.class)
class EventSourceMappingEndToEndTest {

    @Test
    void kinesisHandler_behindTheLocalEventSourceMapping_appliesEveryOrderOnceAcrossAShardSplit(LocalAws aws)
            throws Exception {
        // Arrange
        String stream = "handler-orders-" + UUID.randomUUID().toString().substring(0, 8);
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(600).seed(7).duration(Duration.ofMinutes(2))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        long sentinelTs = orders.stream().mapToLong(Order::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
        try (KinesisClient kinesis = aws.kinesis();
             LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", kinesis)) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            List<PutRecordsRequestEntry> firstHalf = new ArrayList<>();
            orders.subList(0, 300).forEach(o -> firstHalf.add(entry(o.toJson(), o.orderId(), null)));
            firstHalf.add(entry("{not json", "poison", null));
            put(kinesis, stream, firstHalf);
            String parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent)
                    .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
            awaitActive(kinesis, stream);
            List<Shard> children = kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                    .filter(s -> parent.equals(s.parentShardId())).toList();
            assertThat(children).hasSize(2);
            List<PutRecordsRequestEntry> secondHalf = new ArrayList<>();
            orders.subList(300, orders.size()).forEach(o -> secondHalf.add(entry(o.toJson(), o.orderId(), null)));
            for (int i = 0; i < children.size(); i++) {
                // One sentinel per child moves its watermark past the real windows; its own window never fires.
                Order sentinel = new Order("o-sentinel-" + i, "u-0", "c-sentinel", 1, sentinelTs);
                secondHalf.add(entry(sentinel.toJson(), "s", children.get(i).hashKeyRange().startingHashKey()));
            }
            put(kinesis, stream, secondHalf);
            EventSourceMappingConfig config = EventSourceMappingConfig.forStream(stream).withBatchSize(100)
                    .withReportBatchItemFailures(true).withBisectBatchOnFunctionError(true)
                    .withMaximumRetryAttempts(3);

            // Act
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config,
                    StreamHandlerInvocation.kinesis(sluice.kinesisStreamHandler()), aws,
                    CheckpointStore.inMemory())) {
                assertThat(esm.awaitDrained(Duration.ofSeconds(90))).isTrue();
                assertThat(esm.stats().functionErrors()).isZero();
                assertThat(esm.stats().partialFailures()).isZero();
            }

            // Assert
            assertThat(sluice.store().readSplit(sluice.pipeline(), parent)).map(SplitState::status)
                    .contains(SplitStatus.FINISHED);
            assertThat(S3BatchHandlerTest.totalCount(sluice)).isEqualTo(orders.size());
            assertThat(S3BatchHandlerTest.totalSum(sluice)).isEqualTo(orders.stream().mapToLong(Order::amount).sum());
            assertThat(sluice.objects("late/")).isEmpty();
            assertThat(sluice.drainDeadLetters()).singleElement()
                    .satisfies(m -> assertThat(m.body()).contains("{not json"));
        }
    }

    private static void put(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> entries) {
        for (int from = 0; from < entries.size(); from += 250) {
            List<PutRecordsRequestEntry> chunk = entries.subList(from, Math.min(entries.size(), from + 250));
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(chunk)).failedRecordCount()).isZero();
        }
    }

    private static void awaitActive(KinesisClient kinesis, String stream) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                    == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + stream + " did not become ACTIVE after the split");
    }

    private static PutRecordsRequestEntry entry(String data, String partitionKey, String explicitHashKey) {
        return PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(data)).partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey).build();
    }
}
