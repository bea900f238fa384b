package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Chaos mode against a handler that applies records exactly once with a per-shard fence (as Sluice's partial
 * writer does): however often chaos redelivers, times out, throttles and recycles, every record is applied exactly
 * once, each shard's first deliveries follow its order, and nothing reaches the on-failure destination. A failing
 * seed is in the test's name: rerun it with the same seed.
 */
class ChaosTest {

    /** A fenced store: per shard, the highest sequence number applied and the values applied. */
    static final class FencedStore {
        private final Map<String, String> fences = new HashMap<>();
        private final Map<String, Integer> applied = new HashMap<>();

        /** Applies {@code value} unless the shard's fence is at or past {@code seq}; then a write "took effect". */
        synchronized void apply(String shard, String seq, String value) {
            String fence = fences.get(shard);
            if (fence == null || seq.compareTo(fence) > 0) { // fixed-width sequence numbers compare as text
                fences.put(shard, seq);
                applied.merge(value, 1, Integer::sum);
            }
        }

        synchronized Map<String, Integer> applied() {
            return new HashMap<>(applied);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2026})
    void shouldApplyEveryRecordExactlyOnceUnderChaos(long seed) throws Exception {
        // Arrange
        FakeKinesis kinesis = new FakeKinesis(3).pageSize(7);
        List<String> put = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            kinesis.put(i % 3, Integer.toString(i));
            put.add(Integer.toString(i));
        }
        FencedStore store = new FencedStore();
        Recorder recorder = fencedRecorder(store);
        Chaos chaos = Chaos.seeded(seed).withRedeliveries(0.3).withRandomTimeouts(0.1, Duration.ofMillis(5))
                .withTimeoutsAfterWrites(0.15, 10).withThrottledReads(0.15).withRecycling(0.2).withThrottledWrites(0.1);
        FakeSqs sqs = new FakeSqs();
        EventSourceMappingConfig config = Recorder.config().withBatchSize(20).withMaximumRetryAttempts(3)
                .withBisectBatchOnFunctionError(true).withOnFailureDestination(FakeSqs.QUEUE_ARN);
        EsmStats stats;

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, sqs, config, recorder.factory(), chaos, Clock.systemUTC())) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(30))).as("drained, seed " + seed).isTrue();
            stats = esm.stats();
        }

        // Assert
        Map<String, Integer> applied = store.applied();
        List<String> lost = put.stream().filter(v -> !applied.containsKey(v)).toList();
        Map<String, Integer> doubled = new HashMap<>(applied);
        doubled.values().removeIf(n -> n == 1);
        assertThat(lost).as("records never applied, seed " + seed + ", " + stats).isEmpty();
        assertThat(doubled).as("records applied more than once, seed " + seed + ", " + stats).isEmpty();
        assertThat(sqs.bodies).as("chaos alone must not dead-letter records, seed " + seed).isEmpty();
        Map<String, List<String>> firstSightByShard = new HashMap<>();
        recorder.calls.forEach(c -> c.data().forEach(v -> {
            List<String> seen = firstSightByShard.computeIfAbsent(c.shardId(), k -> new ArrayList<>());
            if (!seen.contains(v)) {
                seen.add(v);
            }
        }));
        firstSightByShard.values().forEach(seen -> assertThat(seen).isSortedAccordingTo(
                (a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))));
        assertThat(stats.redeliveries()).as("redeliveries").isPositive();
        assertThat(stats.chaosTimeouts()).as("chaos timeouts").isPositive();
        assertThat(stats.throttledReads()).as("throttled reads").isPositive();
        assertThat(stats.throttledWrites()).as("throttled writes").isPositive();
        assertThat(stats.instancesCreated()).as("instances created").isGreaterThan(3);
        assertThat(stats.recordsDelivered()).as("records delivered, with redeliveries").isGreaterThan(600);
        System.out.println("chaos seed " + seed + ": " + stats);
    }

    /** The most records the resharding test puts while it waits for chaos to merge. */
    private static final int MAX_RECORDS = 3_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 77, 2026})
    void shouldApplyEveryRecordExactlyOnce_whileChaosSplitsAndMergesShards(long seed) throws Exception {
        // Arrange: records arrive while chaos reshards, each to the open shard that owns its hash key
        FakeKinesis kinesis = new FakeKinesis(2).pageSize(7);
        FencedStore store = new FencedStore();
        Recorder recorder = fencedRecorder(store);
        Chaos chaos = Chaos.seeded(seed).withRedeliveries(0.2).withRandomTimeouts(0.05, Duration.ofMillis(5))
                .withTimeoutsAfterWrites(0.1, 10).withThrottledReads(0.1).withRecycling(0.2).withThrottledWrites(0.05)
                .withReshards(0.3, 4);
        FakeSqs sqs = new FakeSqs();
        EventSourceMappingConfig config = Recorder.config().withBatchSize(10).withMaximumRetryAttempts(3)
                .withBisectBatchOnFunctionError(true).withOnFailureDestination(FakeSqs.QUEUE_ARN);
        Random hashKeys = new Random(seed);
        List<String> put = new ArrayList<>();
        EsmStats stats;

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, sqs, config, recorder.factory(), chaos, Clock.systemUTC())) {
            // 600 records, then more (up to 3,000) until chaos has merged too: a merge needs 4 open shards first,
            // and on a busy machine the first 600 may be read in too few batches to reach it (a flake, once).
            for (int i = 0; i < 600 || i < MAX_RECORDS && esm.stats().merges() == 0; i++) {
                kinesis.put(new BigInteger(128, hashKeys), SdkBytes.fromUtf8String(Integer.toString(i)), Instant.now());
                put.add(Integer.toString(i));
                if (i % 10 == 9) {
                    Thread.sleep(3); // lets batches finish, and chaos reshard, between arrivals
                }
            }
            assertThat(esm.awaitDrained(Duration.ofSeconds(60))).as("drained, seed " + seed).isTrue();
            stats = esm.stats();
        }

        // Assert
        String context = "seed " + seed + ", " + stats;
        Map<String, Integer> applied = store.applied();
        assertThat(put.stream().filter(v -> !applied.containsKey(v)).toList()).as("records never applied, " + context)
                .isEmpty();
        assertThat(applied.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("records applied more than once, " + context).isEmpty();
        assertThat(sqs.bodies).as("chaos alone must not dead-letter records, " + context).isEmpty();
        assertThat(stats.splits()).as("splits, " + context).isPositive();
        assertThat(stats.merges()).as("merges, " + context).isPositive();
        // Lambda's order across a reshard: a child shard's first call comes after its parents' last call
        for (Shard shard : kinesis.listShards(ListShardsRequest.builder().build()).shards()) {
            int firstOfChild = firstCall(recorder, shard.shardId());
            for (String parent : java.util.Arrays.asList(shard.parentShardId(), shard.adjacentParentShardId())) {
                if (parent != null && firstOfChild >= 0) {
                    assertThat(lastCall(recorder, parent)).as("parent " + parent + " before child " + shard.shardId()
                            + ", " + context).isLessThan(firstOfChild);
                }
            }
        }
        System.out.println("chaos seed " + seed + " with reshards: " + stats);
    }

    /** Applies each record through {@code store} with a write's chaos hooks before and after, as the SDK does. */
    private static Recorder fencedRecorder(FencedStore store) {
        return new Recorder(call -> {
            for (int i = 0; i < call.data().size(); i++) {
                if (LocalInvocation.beforeWrite()) {                // what the SDK interceptor does before a write
                    throw new IllegalStateException("write throttled");
                }
                store.apply(call.shardId(), call.sequenceNumbers().get(i), call.data().get(i));
                LocalInvocation.afterWrite();                       // may time the invocation out right here (chaos)
                if (i % 5 == 0) {
                    Thread.sleep(1);                                // gives random-point timeouts a moment to land
                }
            }
            return new StreamsEventResponse();
        });
    }

    private static int firstCall(Recorder recorder, String shardId) {
        for (int i = 0; i < recorder.calls.size(); i++) {
            if (recorder.calls.get(i).shardId().equals(shardId)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastCall(Recorder recorder, String shardId) {
        for (int i = recorder.calls.size() - 1; i >= 0; i--) {
            if (recorder.calls.get(i).shardId().equals(shardId)) {
                return i;
            }
        }
        return -1;
    }
}
