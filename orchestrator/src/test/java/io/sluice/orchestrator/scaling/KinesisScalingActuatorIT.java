package io.sluice.orchestrator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The actuator reshards a kinesis-mock stream while a producer writes: splits (at the load-weighted key
 * the policy chose), merges and UpdateShardCount, then every record is read exactly once across
 * parents and children, in per-key order.
 */
@ExtendWith(LocalAwsExtension.class)
class KinesisScalingActuatorIT {
    private static final int RECORDS = 3_000;
    private static final int KEYS = 40;

    @Test
    void actuatorSplitsAndMergesWhileRecordsFlow_andEveryRecordIsReadExactlyOnce(LocalAws aws) throws Exception {
        String stream = "scaling-it-" + Long.toHexString(System.nanoTime());
        try (KinesisClient kinesis = aws.kinesis()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(2));
            KinesisScalingActuator actuator = KinesisScalingActuator.of(kinesis, stream)
                    .withActiveWait(Duration.ofMillis(50), Duration.ofSeconds(30)).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 8);
            actuator.awaitActive();
            Producer producer = new Producer(kinesis, stream);
            Thread thread = new Thread(producer, "scaling-it-producer");
            thread.start();
            try {
                producer.awaitPut(500);

                // 1. Split: shard 0 is hot, and most of its load is one key: the split isolates that key.
                StreamTopology before = StreamTopology.read(kinesis, stream);
                StreamTopology.OpenShard hot = before.openShards().get(0);
                String hotKey = ScalingPolicyTest.hotKeyAbove(hot.range(), 0.3);
                ShardMetricsSource hotSource = now -> StreamMetrics.active(now, before.openShards().stream().map(s -> s == hot
                        ? ShardMetrics.of(s.shardId(), s.range(), 1_000, 400_000).withThrottledRecordsPerSecond(400)
                                .withKeyLoads(List.of(KeyLoad.ofPartitionKey(hotKey, 900)))
                        : ShardMetrics.of(s.shardId(), s.range(), 200, 80_000)).toList());
                ScalingPolicy policy = ScalingPolicy.targetUtilization(0.75).withScaleOutCooldown(Duration.ZERO).withScaleInCooldown(Duration.ZERO);
                ScalingLoop.Tick split = new ScalingLoop(hotSource, policy, actuator).runOnce(Instant.now());

                assertThat(split.plan().decisions()).singleElement().isInstanceOf(ScalingDecision.Split.class);
                assertThat(split.actuation().applied()).isEqualTo(1);
                BigInteger cut = ((ScalingDecision.Split) split.plan().decisions().get(0)).newStartingHashKey();
                assertThat(cut).isIn(KeyLoad.hashKeyOf(hotKey), KeyLoad.hashKeyOf(hotKey).add(BigInteger.ONE)).isNotEqualTo(hot.range().midpoint());
                producer.awaitPut(1_200);

                // 2. Merge: every shard is cold; the policy merges adjacent pairs.
                StreamTopology three = StreamTopology.read(kinesis, stream);
                assertThat(three.openShards()).hasSize(3);
                ShardMetricsSource coldSource = now -> StreamMetrics.active(now, three.openShards().stream()
                        .map(s -> ShardMetrics.of(s.shardId(), s.range(), 10, 4_000)).toList());
                ScalingLoop.Tick merge = new ScalingLoop(coldSource, policy, actuator).runOnce(Instant.now());

                assertThat(merge.plan().decisions()).singleElement().isInstanceOf(ScalingDecision.Merge.class);
                assertThat(merge.actuation().applied()).isEqualTo(1);
                producer.awaitPut(1_900);

                // 3. Uniform scale-out while records still flow.
                ActuationReport uniform = actuator.apply(List.of(new ScalingDecision.UpdateShardCount(4)));
                assertThat(uniform.applied()).isEqualTo(1);
            } finally {
                producer.stop();
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(producer.failure.get()).isNull();

            // Lineage: 2 originals -> split -> merge -> uniform 4, parents named by their children.
            List<Shard> all = StreamTopology.listAllShards(kinesis, stream);
            List<String> ids = all.stream().map(Shard::shardId).toList();
            assertThat(StreamTopology.read(kinesis, stream).openShards()).hasSize(4);
            assertThat(all).filteredOn(s -> s.adjacentParentShardId() != null).isNotEmpty()
                    .allSatisfy(s -> assertThat(ids).contains(s.parentShardId(), s.adjacentParentShardId()));
            assertThat(all).filteredOn(s -> s.parentShardId() != null).allSatisfy(s -> assertThat(ids).contains(s.parentShardId()));
            Map<String, Long> childrenPerParent = all.stream().filter(s -> s.parentShardId() != null)
                    .collect(Collectors.groupingBy(Shard::parentShardId, Collectors.counting()));
            assertThat(childrenPerParent).containsValue(2L);   // the split

            // Exactly once, parents before children: every put record read once, per key in put order.
            Map<String, List<String>> read = StreamReader.readAll(kinesis, stream);
            List<Integer> seen = read.values().stream().flatMap(Collection::stream).map(Integer::valueOf).toList();
            assertThat(seen).hasSize(producer.put.get()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, producer.put.get()).boxed().toList());
            for (int key = 0; key < KEYS; key++) {
                int k = key;
                assertThat(seen.stream().filter(n -> n % KEYS == k).toList()).as("key k-" + k).isSorted();
            }
            System.out.printf("Resharded while writing: %d records over %d shards (%d open)%n", seen.size(), all.size(), 4);
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    /**
     * Puts records 0, 1, 2, ... (partition key {@code k-(n % 40)}) in order, in small batches, retrying
     * refused entries before anything newer so per-key order holds; stops at {@link #RECORDS} or when told.
     */
    private static final class Producer implements Runnable {
        final KinesisClient kinesis;
        final String stream;
        final AtomicInteger put = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        final ConcurrentLinkedQueue<CountDownLatch> waiters = new ConcurrentLinkedQueue<>();
        volatile boolean stop;

        Producer(KinesisClient kinesis, String stream) {
            this.kinesis = kinesis;
            this.stream = stream;
        }

        @Override
        public void run() {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!stop && put.get() < RECORDS && System.nanoTime() < deadline) {
                    putBatch(put.get(), Math.min(25, RECORDS - put.get()));
                    Thread.sleep(15);   // ~1,000 records/s at most: within kinesis-mock's comfortable rate
                }
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                stop = true;
            }
        }

        private void putBatch(int from, int count) throws InterruptedException {
            List<Integer> batch = new ArrayList<>();
            for (int n = from; n < from + count; n++) {
                batch.add(n);
            }
            while (!batch.isEmpty()) {
                List<PutRecordsRequestEntry> entries = batch.stream().map(n -> PutRecordsRequestEntry.builder()
                        .partitionKey("k-" + (n % KEYS)).data(SdkBytes.fromUtf8String(Integer.toString(n))).build()).toList();
                PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                int firstFailed = -1;
                for (int i = 0; i < response.records().size(); i++) {
                    if (response.records().get(i).errorCode() != null) {
                        firstFailed = i;
                        break;
                    }
                }
                if (firstFailed < 0) {
                    break;
                }
                // Entries after a failed one may have succeeded out of order for other keys only; retry
                // just the failed ones, which keeps each key's order because a key maps to one shard.
                List<Integer> failed = new ArrayList<>();
                for (int i = 0; i < response.records().size(); i++) {
                    if (response.records().get(i).errorCode() != null) {
                        failed.add(batch.get(i));
                    }
                }
                batch = failed;
                Thread.sleep(50);
            }
            put.addAndGet(count);
        }

        void awaitPut(int records) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (put.get() < records && !stop && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(put.get()).as("records put before resharding").isGreaterThanOrEqualTo(Math.min(records, RECORDS));
        }

        void stop() {
            stop = true;
        }
    }
}
