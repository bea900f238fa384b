package io.sluice.functions.lambda;

import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.esm.Chaos;
import io.sluice.localstack.esm.EsmStats;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.localstack.esm.StreamHandlerInvocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Kinesis handler behind the local event source mapping in chaos mode, on kinesis-mock and moto, across a
 * shard split and whatever splits and merges chaos adds while the orders are read: batches redelivered after their
 * checkpoint, invocations timed out at random points and right after
 * their N-th DynamoDB/S3/SQS write (the writes stay, the instance is discarded), throttled reads, recycled
 * instances. Every order must still be counted exactly once in the fired windows, none late, and only the malformed
 * record dead-lettered. Seeds: {@code -Dsluice.chaos.seeds=1,2,3} (default 16); a failure names its seed.
 */
@ExtendWith(LocalAwsExtension.class)
class EventSourceMappingChaosTest {

    static java.util.stream.LongStream seeds() {
        return java.util.Arrays.stream(System.getProperty("sluice.chaos.seeds", "16").split(","))
                .mapToLong(s -> Long.parseLong(s.trim()));
    }

    @ParameterizedTest(name = "chaos seed {0}")
    @MethodSource("seeds")
    void kinesisHandler_underChaos_countsEveryOrderExactlyOnceAcrossAShardSplit(long seed, LocalAws aws) throws Exception {
        // Arrange
        String stream = "chaos-orders-" + UUID.randomUUID().toString().substring(0, 8);
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(600).seed(7).duration(Duration.ofMinutes(2))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        long sentinelTs = orders.stream().mapToLong(Order::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
        Chaos chaos = Chaos.seeded(seed).withRedeliveries(0.3).withRandomTimeouts(0.1, Duration.ofMillis(300))
                .withTimeoutsAfterWrites(0.2, 6).withThrottledReads(0.15).withRecycling(0.2).withReshards(0.3, 4);
        try (KinesisClient kinesis = aws.kinesis();
             LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", kinesis)) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            List<PutRecordsRequestEntry> firstHalf = new ArrayList<>();
            orders.subList(0, 300).forEach(o -> firstHalf.add(entry(o.toJson(), o.orderId(), null)));
            firstHalf.add(entry("{not json", "poison", null));
            put(kinesis, stream, firstHalf);
            EventSourceMappingConfig config = EventSourceMappingConfig.forStream(stream).withBatchSize(25)
                    .withReportBatchItemFailures(true).withBisectBatchOnFunctionError(true)
                    .withMaximumRetryAttempts(3).withFunctionTimeout(Duration.ofSeconds(60))
                    .withLocalTimings(Duration.ofMillis(50), Duration.ofMillis(10));
            EsmStats stats;

            // Act: the mapping runs while the shard is split and the second half arrives on the children
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.builder(config)
                    .handlers(() -> StreamHandlerInvocation.kinesis(sluice.kinesisStreamHandler()))
                    .chaos(chaos).start(aws)) {
                String parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
                kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent)
                        .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
                awaitActive(kinesis, stream);
                List<PutRecordsRequestEntry> secondHalf = new ArrayList<>();
                orders.subList(300, orders.size()).forEach(o -> secondHalf.add(entry(o.toJson(), o.orderId(), null)));
                put(kinesis, stream, secondHalf);
                assertThat(esm.awaitDrained(Duration.ofSeconds(180))).as("drained, chaos seed " + seed).isTrue();
                // A sentinel an hour later on every shard still open closes the windows. Chaos may reshard after a
                // sentinel's batch too: a child that never gets a record stays pending and holds the watermark back
                // by design (a deployment's idleness timeout releases it), so new open shards get a sentinel too.
                Set<String> sentinelled = new HashSet<>();
                for (int round = 0; ; round++) {
                    List<Shard> open = kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                            .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                            .filter(s -> !sentinelled.contains(s.shardId())).toList();
                    if (open.isEmpty()) {
                        break;
                    }
                    assertThat(round).as("chaos kept opening shards, chaos seed " + seed).isLessThan(20);
                    List<PutRecordsRequestEntry> sentinels = new ArrayList<>();
                    for (Shard shard : open) {
                        Order sentinel = new Order("o-sentinel-" + sentinelled.size(), "u-0", "c-sentinel", 1, sentinelTs);
                        sentinels.add(entry(sentinel.toJson(), "s", shard.hashKeyRange().startingHashKey()));
                        sentinelled.add(shard.shardId());
                    }
                    put(kinesis, stream, sentinels);
                    assertThat(esm.awaitDrained(Duration.ofSeconds(120))).as("sentinels drained, chaos seed " + seed)
                            .isTrue();
                }
                stats = esm.stats();
            }
            // The template's scheduled firer, a few minutes on: a window whose firing claim a timed-out invocation
            // left behind is fired once the claim's lease lapses, though no record arrives any more (liveness)
            int beforeSchedule = sluice.resultCsvs().size();
            sluice.scheduledFirer(Clock.offset(Clock.systemUTC(), PipelineRun.FIRING_LEASE.plusMinutes(1)))
                    .handleRequest(new ScheduledEvent(), null);
            System.out.println("chaos seed " + seed + ": result objects " + beforeSchedule + " before the scheduled firer, "
                    + sluice.resultCsvs().size() + " after");
            System.out.println("chaos seed " + seed + ": " + stats);

            // Assert
            String context = "chaos seed " + seed + ", " + stats;
            Map<String, long[]> expected = new TreeMap<>();
            for (Order o : orders) {
                long[] cs = expected.computeIfAbsent(o.ts() / 60_000 * 60_000 + "," + o.category(), k -> new long[2]);
                cs[0]++;
                cs[1] += o.amount();
            }
            Map<String, long[]> actual = new TreeMap<>();
            sluice.resultCsvs().values().forEach(csv -> csv.lines().skip(1).forEach(line -> {
                String[] f = line.split(",");
                long[] cs = actual.computeIfAbsent(f[0] + "," + f[1], k -> new long[2]);
                cs[0] += Long.parseLong(f[2]);
                cs[1] += Long.parseLong(f[3]);
            }));
            List<String> differences = new ArrayList<>();
            for (String key : new TreeSet<>(expected.keySet())) {
                long[] e = expected.get(key);
                long[] a = actual.getOrDefault(key, new long[2]);
                if (e[0] != a[0] || e[1] != a[1]) {
                    differences.add("window,category=" + key + " expected count=" + e[0] + " sum=" + e[1]
                            + " actual count=" + a[0] + " sum=" + a[1]);
                }
            }
            actual.keySet().stream().filter(k -> !expected.containsKey(k))
                    .forEach(k -> differences.add("unexpected row " + k + " count=" + actual.get(k)[0]));
            Map<String, String> late = sluice.objects("late/");
            if (!differences.isEmpty()) {
                sluice.store().splits(sluice.pipeline()).forEach(sp -> System.out.println("differences: split state " + sp));
                System.out.println("differences: pending windows " + sluice.store().pendingSlots(sluice.pipeline(), Long.MAX_VALUE));
                expected.keySet().stream().map(k -> Long.parseLong(k.split(",")[0])).distinct().forEach(start ->
                        System.out.println("differences: window " + start + " fired " + sluice.store().isFired(
                                sluice.pipeline(), new io.sluice.state.Slot(start, start + 60_000))));
                kinesis.listShards(b -> b.streamName(stream)).shards().forEach(sh -> System.out.println("differences: shard "
                        + sh.shardId() + " parents=" + sh.parentShardId() + "," + sh.adjacentParentShardId()
                        + " range=" + sh.sequenceNumberRange()));
            }
            assertThat(differences).as("fired windows differ from the orders (lost or doubled records), " + context)
                    .isEmpty();
            assertThat(late).as("records sent to the late output (none is late), " + context).isEmpty();
            // a retried batch sends its dead letters again (a standard queue, at least once): one distinct id
            assertThat(sluice.drainDeadLetters().stream().collect(java.util.stream.Collectors.toMap(
                    m -> m.messageAttributes().get("id").stringValue(), m -> m.body(), (a, b) -> a)).values())
                    .as("dead letters: only the malformed record, " + context)
                    .singleElement().satisfies(body -> assertThat(body).contains("{not json"));
            assertThat(stats.timeouts()).as("timeouts injected, " + context).isPositive();
            assertThat(stats.redeliveries()).as("redeliveries injected, " + context).isPositive();
            assertThat(stats.instancesCreated()).as("instances created, " + context).isGreaterThan(2);
            assertThat(stats.recordsToDestination()).as("batches given up on, " + context).isZero();
        }
    }

    private static void put(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> entries) {
        for (int from = 0; from < entries.size(); from += 250) {
            List<PutRecordsRequestEntry> chunk = entries.subList(from, Math.min(entries.size(), from + 250));
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(chunk)).failedRecordCount()).isZero();
        }
    }

    /** Waits until a reshard of {@code stream} is done (shared by the reshard tests of this package). */
    static void awaitActive(KinesisClient kinesis, String stream) throws InterruptedException {
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
