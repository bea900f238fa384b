package io.sluice.functions.lambda;

import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.state.SplitState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real handler behind the {@code localstack} module's event source mapping on kinesis-mock: orders and a
 * poison record put to a two-shard stream are applied once, the poison record lands in the dead-letter queue, and
 * the fired windows hold every order.
 */
@ExtendWith(LocalAwsExtension.class)
class EventSourceMappingEndToEndTest {

    @Test
    void kinesisHandler_behindTheLocalEventSourceMapping_appliesEveryOrderOnce(LocalAws aws) throws Exception {
        // Arrange
        String stream = "handler-orders-" + UUID.randomUUID().toString().substring(0, 8);
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(600).seed(7).duration(Duration.ofMinutes(2))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        long sentinelTs = orders.stream().mapToLong(Order::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
        try (LocalSluice sluice = new LocalSluice(aws, "gmv-by-category"); KinesisClient kinesis = aws.kinesis()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(2));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
            for (Shard shard : shards) {
                // Known shards are registered before the first batch (the orchestrator's job on AWS).
                sluice.store().putSplit(SplitState.pending(sluice.pipeline(), shard.shardId(),
                        System.currentTimeMillis(), List.of()));
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            orders.forEach(o -> entries.add(entry(o.toJson(), o.orderId(), null)));
            entries.add(entry("{not json", "poison", null));
            for (int i = 0; i < shards.size(); i++) {
                // One sentinel per shard moves every watermark past the real windows.
                Order sentinel = new Order("o-sentinel-" + i, "u-0", "c-sentinel", 1, sentinelTs);
                entries.add(entry(sentinel.toJson(), "s", shards.get(i).hashKeyRange().startingHashKey()));
            }
            for (int from = 0; from < entries.size(); from += 250) {
                List<PutRecordsRequestEntry> chunk = entries.subList(from, Math.min(entries.size(), from + 250));
                assertThat(kinesis.putRecords(b -> b.streamName(stream).records(chunk)).failedRecordCount()).isZero();
            }
            EventSourceMappingConfig config = EventSourceMappingConfig.forStream(stream).withBatchSize(100)
                    .withReportBatchItemFailures(true).withBisectBatchOnFunctionError(true)
                    .withMaximumRetryAttempts(3);

            // Act
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config, sluice.kinesisHandler(), aws,
                    CheckpointStore.inMemory())) {
                assertThat(esm.awaitDrained(Duration.ofSeconds(90))).isTrue();
                assertThat(esm.stats().functionErrors()).isZero();
                assertThat(esm.stats().partialFailures()).isZero();
            }

            // Assert
            assertThat(S3BatchHandlerTest.totalCount(sluice)).isEqualTo(orders.size());
            assertThat(S3BatchHandlerTest.totalSum(sluice)).isEqualTo(orders.stream().mapToLong(Order::amount).sum());
            assertThat(sluice.drainDeadLetters()).singleElement()
                    .satisfies(m -> assertThat(m.body()).contains("{not json"));
        }
    }

    private static PutRecordsRequestEntry entry(String data, String partitionKey, String explicitHashKey) {
        return PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(data)).partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey).build();
    }
}
