package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The execution model against the Lambda guide ("Lambda execution environment", "Configure Lambda function
 * timeout", "Polling and batching streams"): instances built by the handler's constructor, an idle one per
 * invocation, one invocation per shard at a time, and the function's timeout enforced.
 */
class ExecutionModelTest {
    private static final Duration DRAIN = Duration.ofSeconds(20);

    @Test
    void shouldRunOneInvocationPerShardAtATimeOnInstancesTheFactoryBuilt() throws Exception {
        // Arrange
        FakeKinesis kinesis = new FakeKinesis(4);
        for (int i = 0; i < 200; i++) {
            kinesis.put(i % 4, Integer.toString(i));
        }
        Map<Integer, AtomicBoolean> busy = new ConcurrentHashMap<>();
        AtomicBoolean overlap = new AtomicBoolean();
        CountDownLatch twoShardsInFlight = new CountDownLatch(2); // so at least two instances exist
        Recorder recorder = new Recorder(call -> {
            twoShardsInFlight.countDown();
            twoShardsInFlight.await(5, TimeUnit.SECONDS);
            if (busy.computeIfAbsent(call.instance(), k -> new AtomicBoolean()).getAndSet(true)) {
                overlap.set(true);
            }
            Thread.sleep(10);
            busy.get(call.instance()).set(false);
            return new StreamsEventResponse();
        });

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, new FakeSqs(), Recorder.config().withBatchSize(5), recorder)) {
            assertThat(esm.awaitDrained(DRAIN)).isTrue();

            // Assert
            assertThat(esm.stats().instancesCreated()).isEqualTo(recorder.instances.get()).isBetween(1L, 4L);
        }
        assertThat(recorder.delivered()).hasSize(200).doesNotHaveDuplicates();
        assertThat(recorder.maxInFlightPerShard.get()).isEqualTo(1);
        assertThat(overlap).as("an instance ran two invocations at once").isFalse();
        // Whether a shard's invocations move between instances here depends on timing: with every shard busy, the
        // only idle instance at a shard's next invocation is often its own. The draw itself is pinned below.
    }

    /**
     * Each instance has threads of its own ({@link InstanceThreads}): its constructor runs on one, so a pool it makes
     * with the default thread factory (which takes the creating thread's group) is the instance's and sees the
     * instance's invocation, as every thread of an execution environment is in it.
     */
    @Test
    void shouldBuildAndInvokeEachInstanceOnItsOwnThreads_soAPoolItsConstructorMadeSeesItsInvocation() throws Exception {
        // Arrange
        FakeKinesis kinesis = new FakeKinesis(2);
        for (int i = 0; i < 20; i++) {
            kinesis.put(i % 2, Integer.toString(i));
        }
        List<ThreadGroup> groups = new CopyOnWriteArrayList<>();
        List<ExecutorService> pools = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        HandlerFactory factory = () -> {
            ThreadGroup own = Thread.currentThread().getThreadGroup();
            groups.add(own);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            pools.add(pool);
            return (event, context) -> {
                if (Thread.currentThread().getThreadGroup() != own) {
                    problems.add("invoked outside the instance's threads: " + Thread.currentThread());
                }
                try {
                    LocalInvocation seen = pool.submit(() -> InstanceThreads.invocationOf(Thread.currentThread())).get();
                    if (seen == null || seen != InstanceThreads.invocationOf(Thread.currentThread())) {
                        problems.add("the pool sees " + seen);
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
                return new StreamsEventResponse();
            };
        };

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, new FakeSqs(), Recorder.config().withBatchSize(3),
                factory, Chaos.off(), java.time.Clock.systemUTC())) {
            assertThat(esm.awaitDrained(DRAIN)).isTrue();
        } finally {
            pools.forEach(ExecutorService::shutdown);
        }

        // Assert
        assertThat(problems).isEmpty();
        assertThat(groups).isNotEmpty().doesNotHaveDuplicates().allMatch(g -> g instanceof InstanceThreads)
                .doesNotContain(Thread.currentThread().getThreadGroup());
        assertThat(InstanceThreads.invocationOf(Thread.currentThread())).as("the test's thread").isNull();
    }

    /** Lambda routes an invocation to any idle environment: the pool draws among all idle instances, not the last. */
    @Test
    void shouldDrawAnyIdleInstance_notTheOneThatJustFinished() throws InterruptedException {
        AtomicInteger built = new AtomicInteger();
        List<RequestHandler<KinesisEvent, StreamsEventResponse>> instances = new ArrayList<>();
        HandlerPool pool = new HandlerPool(() -> {
            int id = built.incrementAndGet();
            // capturing its id makes each a distinct object (a non-capturing lambda is one shared instance)
            RequestHandler<KinesisEvent, StreamsEventResponse> h = (event, context) -> {
                assertThat(id).isPositive();
                return new StreamsEventResponse();
            };
            instances.add(h);
            return h;
        }, 42, new EsmCounters());
        var first = pool.acquire();
        var second = pool.acquire();
        pool.release(first);
        pool.release(second);

        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            var instance = pool.acquire();   // one shard's invocations, one after the other
            drawn.add(instances.indexOf(instance.handler()));
            instance.handler().handleRequest(new KinesisEvent(), null);
            pool.release(instance);
        }

        assertThat(built).as("no cold start while an instance is idle").hasValue(2);
        assertThat(drawn).as("a shard's invocations land on either idle instance").containsExactlyInAnyOrder(0, 1);
        assertThat(pool.idleCount()).isEqualTo(2);
        pool.close();
    }

    @Test
    void shouldAbandonAnInvocationAtTheTimeoutDiscardItsInstanceAndRetryOnAnother() throws Exception {
        // Arrange: the first call ignores interruption and runs far past the 500 ms timeout
        FakeKinesis kinesis = new FakeKinesis(1);
        for (int i = 0; i < 5; i++) {
            kinesis.put(0, Integer.toString(i));
        }
        AtomicBoolean first = new AtomicBoolean(true);
        Recorder recorder = new Recorder(call -> {
            if (first.getAndSet(false)) {
                sleepIgnoringInterrupts(2000);
            }
            return new StreamsEventResponse();
        });
        EventSourceMappingConfig config = Recorder.config().withFunctionTimeout(Duration.ofMillis(500));

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, new FakeSqs(), config, recorder)) {
            assertThat(esm.awaitDrained(DRAIN)).isTrue();

            // Assert
            assertThat(esm.stats()).extracting(EsmStats::timeouts, EsmStats::functionErrors, EsmStats::retries,
                    EsmStats::instancesDiscarded, EsmStats::recordsToDestination).containsExactly(1L, 1L, 1L, 1L, 0L);
        }
        List<Recorder.Call> calls = recorder.calls;
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).remainingMillis()).isBetween(0, 500);
        assertThat(calls.get(1).instance()).as("the retry runs on a new instance").isNotEqualTo(calls.get(0).instance());
        assertThat(calls.get(1).data()).containsExactly("0", "1", "2", "3", "4");
    }

    @Test
    void shouldInterruptATimedOutInvocationAndRefuseItsLaterAwsCalls() throws Exception {
        // Arrange
        FakeKinesis kinesis = new FakeKinesis(1);
        kinesis.put(0, "a");
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<Throwable> laterCall = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Recorder recorder = new Recorder(call -> {
            if (first.getAndSet(false)) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
                try {
                    LocalInvocation.beforeCall(); // what the SDK interceptor does before each request
                } catch (RuntimeException e) {
                    laterCall.set(e);
                }
                done.countDown();
            }
            return new StreamsEventResponse();
        });
        EventSourceMappingConfig config = Recorder.config().withFunctionTimeout(Duration.ofMillis(200));

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, new FakeSqs(), config, recorder)) {
            assertThat(esm.awaitDrained(DRAIN)).isTrue();
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        }

        // Assert
        assertThat(interrupted).isTrue();
        assertThat(laterCall.get()).isInstanceOf(LocalInvocation.InvocationFrozenException.class);
    }

    @Test
    void shouldBisectATimedOutBatchDownToTheRecordThatHangs() throws Exception {
        // Arrange
        FakeKinesis kinesis = new FakeKinesis(1);
        for (int i = 0; i < 8; i++) {
            kinesis.put(0, Integer.toString(i));
        }
        Recorder recorder = new Recorder(call -> {
            if (call.data().contains("3")) {
                Thread.sleep(10_000);
            }
            return new StreamsEventResponse();
        });
        FakeSqs sqs = new FakeSqs();
        EventSourceMappingConfig config = Recorder.config().withFunctionTimeout(Duration.ofMillis(100))
                .withBisectBatchOnFunctionError(true).withMaximumRetryAttempts(1).withOnFailureDestination(FakeSqs.QUEUE_ARN);

        // Act
        try (LocalEventSourceMapping esm = Recorder.start(kinesis, sqs, config, recorder)) {
            assertThat(esm.awaitDrained(DRAIN)).isTrue();

            // Assert: 8 -> 4 -> 2 -> 1, then one retry of the record alone
            assertThat(esm.stats().bisections()).isEqualTo(3);
            assertThat(esm.stats().timeouts()).isEqualTo(5);
            assertThat(esm.stats().recordsToDestination()).isEqualTo(1);
        }
        JsonNode failure = new ObjectMapper().readTree(sqs.bodies.get(0));
        assertThat(failure.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(failure.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(1);
        assertThat(failure.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(recorder.delivered().stream().distinct()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
    }

    @Test
    void shouldKeepTheCallersOnlyInstanceWhenGivenOneHandler() throws Exception {
        FakeKinesis kinesis = new FakeKinesis(2);
        for (int i = 0; i < 20; i++) {
            kinesis.put(i % 2, Integer.toString(i));
        }
        Recorder recorder = Recorder.succeeding();
        var handler = recorder.factory().newInstance();
        try (LocalEventSourceMapping esm = new LocalEventSourceMapping(Recorder.config().withBatchSize(3), handler,
                kinesis, new FakeSqs(), CheckpointStore.inMemory(), "us-east-1").start()) {
            assertThat(esm.awaitDrained(DRAIN)).isTrue();
            assertThat(esm.stats().instancesCreated()).isZero();
        }
        assertThat(recorder.calls).extracting(Recorder.Call::instance).containsOnly(1);
        assertThat(recorder.delivered()).hasSize(20);
    }

    @Test
    void shouldRefuseChaosWithASingleSharedInstance() {
        var handler = Recorder.succeeding().factory().newInstance();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalEventSourceMapping.builder(Recorder.config())
                        .handlers(HandlerFactory.shared(handler)).chaos(Chaos.seeded(1))
                        .build(new FakeKinesis(1), new FakeSqs(), "us-east-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Chaos mode needs a HandlerFactory");
    }

    private static void sleepIgnoringInterrupts(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                // ignored on purpose: a handler that does not stop when interrupted
            }
        }
    }
}
