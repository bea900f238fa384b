package io.sluice.functions.lambda;

import io.sluice.functions.driver.OnFailureQueue;
import io.sluice.functions.driver.OnFailureRecord;
import io.sluice.functions.driver.OnFailureReplay;
import io.sluice.functions.examples.Order;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.state.Fence;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's last exactly-once hole, end to end on kinesis-mock and moto_server through the local event source
 * mapping: the state table refuses every attempt of one batch at its very first write ({@code startAttempt}), so no
 * attempt is recorded; the mapping gives up (its on-failure record goes to the dead-letter queue, the template's
 * on-failure destination) and moves on, and the operator's read-back cannot find the range. {@code sluice replay}'s
 * driver ({@link OnFailureQueue}, {@link OnFailureReplay}) applies it exactly once: before the window fires the results
 * equal the reference; after it fired, the records go to the late output; a second replay changes nothing.
 */
@ExtendWith(LocalAwsExtension.class)
class EventSourceMappingReplayTest {

    private static final int ORDERS = 400;
    private static final int BATCH = 100;

    @Test
    void batchNoAttemptRecorded_isAppliedOnceByReplay_beforeItsWindowFires(LocalAws aws) throws Exception {
        try (KinesisClient kinesis = aws.kinesis();
             LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", kinesis)) {
            // Arrange: the second batch is refused at its first write, every time
            List<Order> orders = orders();
            CheckpointStore checkpoints = CheckpointStore.inMemory();
            String stream = lostSecondBatch(aws, kinesis, sluice, orders, checkpoints);

            String deadLetter = "{\"pipeline\":\"gmv-by-category\",\"reason\":\"invalid JSON\",\"record\":\"{oops\"}";
            sluice.sqs.sendMessage(b -> b.queueUrl(sluice.config.deadLetterQueue()).messageBody(deadLetter));

            // Act: a dry run, the replay, a second replay of the queue and of the same record from a file
            OnFailureQueue.Pass dry = sluice.onFailureQueue().drain(true, 10, r -> { });
            List<OnFailureReplay.Result> results = new ArrayList<>();
            OnFailureQueue.Pass pass = sluice.onFailureQueue().drain(false, 10, results::add);
            OnFailureQueue.Pass again = sluice.onFailureQueue().drain(false, 10, r -> { });
            OnFailureReplay.Result fromFile = sluice.onFailureReplay().replay(results.get(0).range(), false);
            fire(aws, kinesis, sluice, stream, orders, checkpoints);

            // Assert
            assertThat(dry.results()).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(OnFailureReplay.Outcome.WOULD_APPLY);
                assertThat(r.replayed()).isEqualTo(BATCH);
            });
            assertThat(pass.results()).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(OnFailureReplay.Outcome.APPLIED);
                assertThat(r.records()).isEqualTo(BATCH);
                assertThat(r.theOperators()).isZero();
                assertThat(r.replayed()).isEqualTo(BATCH);
                assertThat(r.late()).isZero();
            });
            assertThat(pass.deleted()).as("the settled message is deleted").isEqualTo(1);
            assertThat(pass.others()).as("the dead letter is not an on-failure record").isEqualTo(1);
            assertThat(again.results()).as("no on-failure record left in the queue").isEmpty();
            assertThat(fromFile.outcome()).isEqualTo(OnFailureReplay.Outcome.ALREADY_APPLIED);
            assertThat(S3BatchHandlerTest.totalCount(sluice)).isEqualTo(ORDERS);
            assertThat(S3BatchHandlerTest.totalSum(sluice)).isEqualTo(orders.stream().mapToLong(Order::amount).sum());
            assertThat(byCategory(sluice)).isEqualTo(reference(orders));
            assertThat(sluice.objects("late/")).isEmpty();
            assertThat(sluice.drainDeadLetters()).as("left in the queue, and visible again at once")
                    .extracting(Message::body).containsExactly(deadLetter);
        }
    }

    @Test
    void batchNoAttemptRecorded_isShortInTheResults_andItsRecordsGoLateWhenReplayedAfterTheWindowFired(LocalAws aws)
            throws Exception {
        try (KinesisClient kinesis = aws.kinesis();
             LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", kinesis)) {
            // Arrange
            List<Order> orders = orders();
            CheckpointStore checkpoints = CheckpointStore.inMemory();
            String stream = lostSecondBatch(aws, kinesis, sluice, orders, checkpoints);
            fire(aws, kinesis, sluice, stream, orders, checkpoints);
            long shortBy = ORDERS - S3BatchHandlerTest.totalCount(sluice);
            Map<String, String> resultsBefore = sluice.resultCsvs();

            // Act
            OnFailureQueue.Pass pass = sluice.onFailureQueue().drain(false, 10, r -> { });
            OnFailureReplay.Result again = sluice.onFailureReplay().replay(pass.results().get(0).range(), false);

            // Assert: without the replay the batch is missing; with it, its records are accounted as late
            assertThat(shortBy).as("the lost batch is missing from the results").isEqualTo(BATCH);
            assertThat(pass.results()).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(OnFailureReplay.Outcome.APPLIED);
                assertThat(r.late()).isEqualTo(BATCH);
            });
            assertThat(again.outcome()).isEqualTo(OnFailureReplay.Outcome.ALREADY_APPLIED);
            assertThat(sluice.resultCsvs()).as("nothing is written into a fired window").isEqualTo(resultsBefore);
            long late = sluice.objects("late/").values().stream().mapToLong(o -> o.lines().count()).sum();
            assertThat(late).as("in = counted + late").isEqualTo(BATCH);
            assertThat(sluice.drainDeadLetters()).isEmpty();
        }
    }

    /** 400 orders in one minute-window of an hour ago, 40 s long, so the window stays open until the sentinel. */
    private static List<Order> orders() {
        long base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1)).toEpochMilli();
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orders.add(new Order("o-" + i, "u-" + (i % 37), "c-" + (i % 7), 100 + 13L * i, base + 100L * i));
        }
        return orders;
    }

    /**
     * Streams {@code orders} in batches of 100 through the local mapping, whose operator's store refuses the second
     * batch's {@code startAttempt} on every attempt; returns the stream once the mapping has given up on that batch
     * and applied the others.
     */
    private static String lostSecondBatch(LocalAws aws, KinesisClient kinesis, LocalSluice sluice, List<Order> orders,
                                          CheckpointStore checkpoints) throws InterruptedException {
        String stream = "replay-orders-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
        put(kinesis, stream, orders.stream().map(Order::toJson).toList());
        try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config(stream, sluice),
                sluice.kinesisHandler(kinesis, EventSourceMappingReplayTest::refusingSecondBatch), aws, checkpoints)) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(90))).isTrue();
            assertThat(esm.stats().recordsToDestination()).as("the mapping gave up on one batch").isEqualTo(BATCH);
        }
        return stream;
    }

    /** A sentinel an hour later through a well-behaved operator, from the checkpoints on: the orders' window fires. */
    private static void fire(LocalAws aws, KinesisClient kinesis, LocalSluice sluice, String stream, List<Order> orders,
                             CheckpointStore checkpoints) throws InterruptedException {
        long sentinelTs = orders.get(orders.size() - 1).ts() + Duration.ofHours(1).toMillis();
        put(kinesis, stream, List.of(new Order("o-sentinel", "u-0", "c-sentinel", 1, sentinelTs).toJson()));
        try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config(stream, sluice),
                sluice.kinesisHandler(kinesis, s -> s), aws, checkpoints)) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(90))).isTrue();
        }
    }

    private static EventSourceMappingConfig config(String stream, LocalSluice sluice) {
        return EventSourceMappingConfig.forStream(stream).withBatchSize(BATCH).withReportBatchItemFailures(true)
                .withMaximumRetryAttempts(2).withOnFailureDestination(sluice.config.deadLetterQueue());
    }

    /** {@code store}, refusing every {@code startAttempt} of the second distinct batch it sees. */
    private static StateStore refusingSecondBatch(StateStore store) {
        Set<Fence> batches = new HashSet<>();
        AtomicReference<Fence> refused = new AtomicReference<>();
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("startAttempt")) {
                        Fence through = (Fence) args[2];
                        synchronized (batches) {
                            if (batches.add(through) && batches.size() == 2) {
                                refused.set(through);
                            }
                        }
                        if (through.equals(refused.get())) {
                            throw new StateStoreException("state table refuses the attempt's first write (test)");
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Map<String, Long> byCategory(LocalSluice sluice) {
        Map<String, Long> out = new java.util.TreeMap<>();
        sluice.resultCsvs().values().forEach(csv -> csv.lines().skip(1).forEach(line -> {
            String[] f = line.split(",");
            if (!f[1].equals("c-sentinel")) {
                out.merge(f[1] + " count", Long.parseLong(f[2]), Long::sum);
                out.merge(f[1] + " sum", Long.parseLong(f[3]), Long::sum);
            }
        }));
        return out;
    }

    private static Map<String, Long> reference(List<Order> orders) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Order o : orders) {
            out.merge(o.category() + " count", 1L, Long::sum);
            out.merge(o.category() + " sum", o.amount(), Long::sum);
        }
        return out;
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
