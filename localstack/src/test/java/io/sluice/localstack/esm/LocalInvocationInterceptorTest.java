package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * The global SDK interceptor (registered in {@code software/amazon/awssdk/global/handlers/execution.interceptors})
 * on a plain DynamoDB client whose endpoint does not answer: what it refuses never leaves the JVM. Calls are made
 * from threads of a handler instance ({@link InstanceThreads}), as its worker and its pools make them, or from
 * outside it; a call that does leave fails with a connection error.
 */
class LocalInvocationInterceptorTest {
    private final DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                    .apiCallTimeout(Duration.ofSeconds(5)).build())
            .build();
    private final InstanceThreads instance = InstanceThreads.exclusive();

    @AfterEach
    void close() {
        dynamo.close();
    }

    private void putItem() {
        dynamo.putItem(b -> b.tableName("t").item(Map.of("pk", AttributeValue.fromS("k"))));
    }

    private void getItem() {
        dynamo.getItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("k"))));
    }

    /** @return what {@code call} threw on a new thread of {@code group} */
    private static Throwable onThreadOf(ThreadGroup group, Runnable call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(group, () -> {
            try {
                call.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.join(10_000);
        assertThat(t.isAlive()).as("call finished").isFalse();
        return thrown.get();
    }

    /** @return what {@code call} threw on a thread made by a thread of {@code group}, as a pool's threads are made */
    private static Throwable onThreadMadeIn(ThreadGroup group, Runnable call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Throwable outer = onThreadOf(group, () -> {
            try {
                thrown.set(onThreadOf(null, call)); // a null group: the creating thread's, as new Thread(r) does
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(outer).isNull();
        return thrown.get();
    }

    private LocalInvocation runningOn(InstanceThreads threads, LocalInvocation invocation) throws InterruptedException {
        assertThat(onThreadOf(threads, () -> invocation.bind(threads))).isNull();
        return invocation;
    }

    @Test
    void shouldRefuseEveryCallOfATimedOutInvocationBeforeItIsSent_fromEveryThreadOfItsInstance() throws Exception {
        runningOn(instance, new LocalInvocation(0)).freeze();

        assertThat(onThreadOf(instance, this::putItem)).hasStackTraceContaining("invocation timed out");
        assertThat(onThreadOf(instance, this::getItem)).hasStackTraceContaining("invocation timed out");
        assertThat(onThreadMadeIn(instance, this::putItem)).as("a pool thread the instance made")
                .hasStackTraceContaining("invocation timed out");
    }

    @Test
    void shouldKeepATimedOutInstanceFrozenAfterItsInvocationReturned() throws Exception {
        LocalInvocation invocation = runningOn(instance, new LocalInvocation(0));
        invocation.freeze();
        invocation.unbind(); // the abandoned handler returned at last; its pools may still run queued work

        assertThat(onThreadMadeIn(instance, this::putItem)).hasStackTraceContaining("invocation timed out");
    }

    @Test
    void shouldFailTheThrottledWriteAsDynamoDbDoes_fromAPoolThreadOfTheInstance() throws Exception {
        runningOn(instance, new LocalInvocation(0, 1));

        assertThat(onThreadMadeIn(instance, this::putItem)).isInstanceOf(ProvisionedThroughputExceededException.class)
                .hasMessageContaining("local chaos");
    }

    @Test
    void shouldTimeOutAfterTheNthWrite_countingWritesOfEveryThreadOfTheInstance() throws Exception {
        LocalInvocation invocation = runningOn(instance, new LocalInvocation(2));

        // what the interceptor does after a write took effect (no write takes effect on this endpoint)
        assertThat(onThreadOf(instance, LocalInvocation::afterWrite)).as("write 1 of 2, on the worker").isNull();
        assertThat(invocation.timeoutRequested()).isNotDone();
        LocalInvocation.afterWrite();                  // the test's own thread is no thread of the instance
        assertThat(onThreadMadeIn(instance, LocalInvocation::afterWrite)).as("write 2, on a pool thread")
                .hasMessageContaining("timed out after 2 writes");
        assertThat(invocation.timeoutRequested()).isDone();
    }

    @Test
    void shouldLetCallsOutsideTheInstanceThrough_andItsOwnBetweenInvocations() throws Exception {
        InstanceThreads other = InstanceThreads.exclusive();
        runningOn(other, new LocalInvocation(0)).freeze();
        LocalInvocation finished = runningOn(instance, new LocalInvocation(0, 1));
        finished.unbind();

        assertThat(onThreadOf(Thread.currentThread().getThreadGroup(), this::putItem)).as("a thread of no instance")
                .isInstanceOf(SdkClientException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain("local chaos").doesNotContain("timed out: its"));
        assertThat(onThreadMadeIn(instance, this::putItem)).as("an instance between invocations")
                .isInstanceOf(SdkClientException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain("local chaos").doesNotContain("timed out: its"));
    }

    @Test
    void shouldFreezeOnlyTheWorkerOfASharedInstance_whoseThreadsServeSeveralInvocations() throws Exception {
        InstanceThreads shared = InstanceThreads.shared();
        AtomicReference<Throwable> onWorker = new AtomicReference<>();
        AtomicReference<Throwable> onPool = new AtomicReference<>();
        assertThat(onThreadOf(shared, () -> {
            LocalInvocation invocation = new LocalInvocation(0);
            invocation.bind(shared);
            invocation.freeze();
            try {
                putItem();
            } catch (RuntimeException e) {
                onWorker.set(e);
            }
            try {
                onPool.set(onThreadOf(null, this::putItem));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            invocation.unbind();
        })).isNull();

        assertThat(onWorker.get()).hasStackTraceContaining("invocation timed out");
        assertThat(onPool.get()).isInstanceOf(SdkClientException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain("timed out: its"));
    }
}
