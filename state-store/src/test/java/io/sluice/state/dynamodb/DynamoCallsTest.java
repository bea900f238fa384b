package io.sluice.state.dynamodb;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retry loop alone, fed by plain suppliers (no DynamoDB involved, so nothing of DynamoDB is mocked). */
class DynamoCallsTest {

    private final DynamoCalls calls = new DynamoCalls(4, Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void write_retriesThrottling_andCountsEveryAttempt() {
        AtomicInteger attempts = new AtomicInteger();

        String result = calls.write("PutItem", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw ProvisionedThroughputExceededException.builder().message("slow down").statusCode(400).build();
            }
            return "ok";
        }, r -> ConsumedCapacity.builder().capacityUnits(2.0).build());

        assertThat(result).isEqualTo("ok");
        assertThat(calls.usage().calls()).containsEntry("PutItem", 3L);
        assertThat(calls.usage().writeUnits()).isEqualTo(2.0);
    }

    @Test
    void read_retriesThrottlingExceptionCodeAnd5xx_upToMaxAttempts() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> calls.read("Query", () -> {
            attempts.incrementAndGet();
            throw attempts.get() % 2 == 0 ? serviceError("ThrottlingException", 400) : serviceError("InternalServerError", 500);
        }, r -> null)).isInstanceOf(DynamoDbException.class);
        assertThat(attempts).hasValue(4);
    }

    @Test
    void write_doesNotRetryConditionalCheckFailures() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> calls.write("PutItem", () -> {
            attempts.incrementAndGet();
            throw ConditionalCheckFailedException.builder().message("fence").statusCode(400).build();
        }, r -> null)).isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(attempts).hasValue(1);
    }

    private static AwsServiceException serviceError(String code, int status) {
        return DynamoDbException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
}
