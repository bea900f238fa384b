package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A handler that sends its DynamoDB writes from a pool it made itself, as Sluice's state store does
 * ({@code ConcurrentCalls}: threads created with {@code new Thread(..)} when the invocation first submits), against
 * moto_server: those threads belong to the instance ({@link InstanceThreads}), so a timed-out instance is frozen on
 * them too and chaos mode counts and throttles their writes, as Lambda freezes a whole execution environment.
 */
@ExtendWith(LocalAwsExtension.class)
class InstanceThreadsTest {
    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void createTable(LocalAws aws) {
        dynamo = aws.dynamoDb();
        table = "instance-threads-" + UUID.randomUUID().toString().substring(0, 8);
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
    }

    @AfterEach
    void close() {
        dynamo.close();
    }

    /** Counts a write of {@code pk} in the table (one UpdateItem). */
    private void write(String pk) {
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk)))
                .updateExpression("ADD writes :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    }

    /** @return writes per key that reached the table */
    private Map<String, Integer> writesInTable() {
        Map<String, Integer> writes = new TreeMap<>();
        dynamo.scan(b -> b.tableName(table).consistentRead(true)).items()
                .forEach(i -> writes.put(i.get("pk").s(), Integer.parseInt(i.get("writes").n())));
        return writes;
    }

    /**
     * An instance whose constructor makes a one-thread pool as {@code ConcurrentCalls} does: each invocation hands
     * every write to it and waits for all of them, ignoring interruption (a call in flight cannot be recalled), then
     * throws the first failure. {@code onInterrupt} runs when the invocation's worker is interrupted (a timeout).
     */
    private class PoolWritingHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "handler-pool");
                    t.setDaemon(true);
                    return t;
                });
        private final List<Runnable> beforeWrites;
        private final Runnable onInterrupt;

        PoolWritingHandler(List<Runnable> beforeWrites, Runnable onInterrupt) {
            this.beforeWrites = beforeWrites;
            this.onInterrupt = onInterrupt;
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
            List<Future<?>> writes = new ArrayList<>();
            for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
                String pk = StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).toString();
                writes.add(pool.submit(() -> {
                    beforeWrites.forEach(Runnable::run);
                    write(pk);
                }));
            }
            RuntimeException failure = null;
            for (Future<?> f : writes) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        onInterrupt.run();
                    } catch (ExecutionException e) {
                        failure = failure != null ? failure : new IllegalStateException(e.getCause());
                        break;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return new StreamsEventResponse();
        }
    }

    private static FakeKinesis oneShardWith(String... records) {
        FakeKinesis kinesis = new FakeKinesis(1);
        for (String r : records) {
            kinesis.put(0, r);
        }
        return kinesis;
    }

    @Test
    void shouldRefuseAWriteFromTheInstancesOwnPool_afterItsInvocationTimedOut() throws Exception {
        // Arrange: the first instance's pool writes only once its invocation has been abandoned (its worker
        // interrupted at the 300 ms timeout); the retry's instance writes at once
        AtomicInteger instances = new AtomicInteger();
        CountDownLatch abandoned = new CountDownLatch(1);
        CountDownLatch lateWriteDone = new CountDownLatch(1);
        AtomicReference<Throwable> lateWrite = new AtomicReference<>();
        HandlerFactory factory = () -> {
            if (instances.incrementAndGet() > 1) {
                return new PoolWritingHandler(List.of(), () -> { });
            }
            return new PoolWritingHandler(List.of(() -> {
                try {
                    assertThat(abandoned.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }), abandoned::countDown) {
                @Override
                public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
                    try {
                        return super.handleRequest(event, context);
                    } catch (RuntimeException e) {
                        lateWrite.set(e);
                        throw e;
                    } finally {
                        lateWriteDone.countDown();
                    }
                }
            };
        };
        EventSourceMappingConfig config = Recorder.config().withFunctionTimeout(Duration.ofMillis(300));
        EsmStats stats;

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(oneShardWith("r"), new FakeSqs(), config, factory,
                Chaos.off(), Clock.systemUTC())) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();
            assertThat(lateWriteDone.await(10, TimeUnit.SECONDS)).isTrue();
            stats = esm.stats();
        }

        // Assert: the late write failed before it was sent; only the retry's write is in the table
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(lateWrite.get()).as("the abandoned instance's pool write").isNotNull()
                .hasStackTraceContaining("invocation timed out");
        assertThat(writesInTable()).containsExactly(Map.entry("r", 1));
    }

    @Test
    void shouldTimeOutAfterTheNthWrite_countingWritesSentFromTheInstancesPool() throws Exception {
        // Arrange: chaos times every attempt but the last out right after its first write; the handler's worker
        // writes nothing itself, its pool writes r0, r1, r2 one after the other
        Chaos chaos = Chaos.off().withSeed(5).withTimeoutsAfterWrites(1.0, 1);

        // Act
        EsmStats stats = poolWritesOfR0R1R2(chaos);

        // Assert: two attempts timed out after r0 (r1, r2 refused unsent, frozen), the last wrote all three
        assertThat(stats.chaosTimeouts()).as(stats.toString()).isEqualTo(2);
        assertThat(stats.recordsToDestination()).isZero();
        assertThat(writesInTable()).containsExactly(Map.entry("r0", 3), Map.entry("r1", 1), Map.entry("r2", 1));
    }

    @Test
    void shouldThrottleAWriteSentFromTheInstancesPool() throws Exception {
        // Arrange: chaos throttles the first write of every attempt but the last (maxWrites 1)
        Chaos chaos = Chaos.off().withSeed(5).withTimeoutsAfterWrites(0, 1).withThrottledWrites(1.0);

        // Act
        EsmStats stats = poolWritesOfR0R1R2(chaos);

        // Assert: r0 failed unsent twice (the attempt failed after the others were written), then went through
        assertThat(stats.throttledWrites()).as(stats.toString()).isEqualTo(2);
        assertThat(stats.functionErrors()).isEqualTo(2);
        assertThat(writesInTable()).containsExactly(Map.entry("r0", 1), Map.entry("r1", 3), Map.entry("r2", 3));
    }

    /** Records r0, r1, r2 on one shard, written by a handler's own pool, up to 3 attempts under {@code chaos}. */
    private EsmStats poolWritesOfR0R1R2(Chaos chaos) throws Exception {
        EventSourceMappingConfig config = Recorder.config().withMaximumRetryAttempts(2);
        try (LocalEventSourceMapping esm = Recorder.start(oneShardWith("r0", "r1", "r2"), new FakeSqs(), config,
                () -> new PoolWritingHandler(List.of(), () -> { }), chaos, Clock.systemUTC())) {
            assertThat(esm.awaitDrained(Duration.ofSeconds(20))).isTrue();
            return esm.stats();
        }
    }
}
