package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
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
 * on a plain DynamoDB client whose endpoint does not answer: what it refuses never leaves the JVM.
 */
class LocalInvocationInterceptorTest {
    private final DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                    .apiCallTimeout(Duration.ofSeconds(5)).build())
            .build();

    @AfterEach
    void unbind() {
        new LocalInvocation(0).unbind();
        dynamo.close();
    }

    private void putItem() {
        dynamo.putItem(b -> b.tableName("t").item(Map.of("pk", AttributeValue.fromS("k"))));
    }

    @Test
    void shouldRefuseEveryCallOfATimedOutInvocationBeforeItIsSent() {
        LocalInvocation invocation = new LocalInvocation(0);
        invocation.bind();
        invocation.freeze();

        assertThatThrownBy(this::putItem).satisfies(e -> assertThat(e).isInstanceOfAny(
                LocalInvocation.InvocationFrozenException.class, SdkClientException.class))
                .hasStackTraceContaining("invocation timed out");
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("k")))))
                .hasStackTraceContaining("invocation timed out");
    }

    @Test
    void shouldFailTheThrottledWriteAsDynamoDbDoes() {
        new LocalInvocation(0, 1).bind();

        assertThatThrownBy(this::putItem).isInstanceOf(ProvisionedThroughputExceededException.class)
                .hasMessageContaining("local chaos");
    }

    @Test
    void shouldLetCallsOutsideAnInvocationThrough() {
        assertThatThrownBy(this::putItem).isInstanceOf(SdkClientException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain("local chaos").doesNotContain("timed out: its"));
    }
}
