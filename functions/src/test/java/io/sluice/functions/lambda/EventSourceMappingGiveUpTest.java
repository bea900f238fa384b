package io.sluice.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's last gap, end to end on kinesis-mock and moto_server: the state table fails past the local event source
 * mapping's retries, the mapping gives up on the batch (its coordinates go to the on-failure queue) and moves on; the
 * table recovers, and the next batch's invocation reads the abandoned range back from the shard: every order is
 * counted exactly once. Without the read-back the abandoned orders are missing from the results.
 */
@ExtendWith(LocalAwsExtension.class)
class EventSourceMappingGiveUpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void batchTheMappingGaveUpOn_isCountedOnce_byTheNextInvocation(LocalAws aws) throws Exception {
        // Arrange
        String stream = "giveup-orders-" + UUID.randomUUID().toString().substring(0, 8);
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(400).seed(14).duration(Duration.ofMinutes(2))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        long sentinelTs = orders.stream().mapToLong(Order::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
        AtomicBoolean tableDown = new AtomicBoolean(true);
        try (KinesisClient kinesis = aws.kinesis();
             LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", kinesis)) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            String shard = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            put(kinesis, stream, orders.subList(0, 200).stream().map(Order::toJson).toList());
            String onFailure = sluice.sqs.createQueue(b -> b.queueName("giveup-onfailure-"
                    + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
            EventSourceMappingConfig config = EventSourceMappingConfig.forStream(stream).withBatchSize(100)
                    .withReportBatchItemFailures(true).withBisectBatchOnFunctionError(true)
                    .withMaximumRetryAttempts(2).withOnFailureDestination(onFailure);

            // Act
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config,
                    sluice.kinesisHandler(kinesis, store -> failingWhile(store, tableDown)), aws,
                    CheckpointStore.inMemory())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (esm.stats().recordsToDestination() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(esm.stats().recordsToDestination()).as("the mapping gave up on a batch").isPositive();
                tableDown.set(false);
                List<String> rest = new ArrayList<>(orders.subList(200, orders.size()).stream().map(Order::toJson)
                        .toList());
                rest.add(new Order("o-sentinel", "u-0", "c-sentinel", 1, sentinelTs).toJson());
                put(kinesis, stream, rest);
                assertThat(esm.awaitDrained(Duration.ofSeconds(90))).isTrue();
            }

            // Assert
            assertThat(S3BatchHandlerTest.totalCount(sluice)).isEqualTo(orders.size());
            assertThat(S3BatchHandlerTest.totalSum(sluice)).isEqualTo(orders.stream().mapToLong(Order::amount).sum());
            assertThat(sluice.objects("late/")).isEmpty();
            assertThat(sluice.drainDeadLetters()).as("nothing lost").isEmpty();
            List<Message> given = sluice.sqs.receiveMessage(b -> b.queueUrl(onFailure).maxNumberOfMessages(10))
                    .messages();
            assertThat(given).isNotEmpty();
            JsonNode info = JSON.readTree(given.get(0).body()).path("KinesisBatchInfo");
            assertThat(info.path("shardId").asText()).isEqualTo(shard);
            BigInteger start = new BigInteger(info.path("startSequenceNumber").asText());
            assertThat(new BigInteger(info.path("endSequenceNumber").asText())).isGreaterThanOrEqualTo(start);
            assertThat(sluice.metricLines()).anySatisfy(l -> assertThat(l).contains("\"BatchesRecovered\":1"));
        }
    }

    /** {@code store}, whose partial and progress writes fail while {@code down} is set. */
    private static StateStore failingWhile(StateStore store, AtomicBoolean down) {
        Set<String> writes = Set.of("writePartial", "advanceSplit");
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    if (down.get() && writes.contains(method.getName())) {
                        throw new StateStoreException("state table throttled past the SDK's retries (test)");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void put(KinesisClient kinesis, String stream, List<String> lines) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            entries.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(lines.get(i)))
                    .partitionKey("k" + i).build());
        }
        for (int from = 0; from < entries.size(); from += 250) {
            List<PutRecordsRequestEntry> chunk = entries.subList(from, Math.min(entries.size(), from + 250));
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(chunk)).failedRecordCount()).isZero();
        }
    }
}
