package io.sluice.functions.lambda;

import io.sluice.functions.driver.S3BatchOperator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Result codes of S3 failures that a local engine cannot produce on demand (throttling, 5xx, access denied,
 * network), with an S3 client that fails every call the given way.
 */
class S3BatchOperatorFailureTest {

    private static final String EVENT = "{\"invocationSchemaVersion\":\"2.0\",\"invocationId\":\"inv-1\","
            + "\"job\":{\"id\":\"job-1\",\"userArguments\":{}},\"tasks\":[{\"taskId\":\"t-1\",\"s3Bucket\":\"b\","
            + "\"s3Key\":\"orders.jsonl\",\"s3VersionId\":null}]}";

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "503, SlowDown, TemporaryFailure",
            "500, InternalError, TemporaryFailure",
            "429, TooManyRequests, TemporaryFailure",
            "403, AccessDenied, PermanentFailure",
            "400, InvalidRequest, PermanentFailure"})
    void handle_mapsS3ErrorsToResultCodes(int status, String code, String expected) throws Exception {
        // Arrange
        S3Exception failure = (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
        S3BatchOperator operator = operatorOver(failing(failure));

        // Act
        JsonNode result = operator.handle(JsonMapper.builder().build().readTree(EVENT)).path("results").get(0);

        // Assert
        assertThat(result.path("resultCode").asText()).isEqualTo(expected);
        assertThat(result.path("resultString").asText()).contains(code);
    }

    @ParameterizedTest(name = "network error -> TemporaryFailure")
    @CsvSource("connection reset")
    void handle_reportsATemporaryFailure_whenTheNetworkFails(String message) throws Exception {
        S3BatchOperator operator = operatorOver(failing(SdkClientException.create(message)));

        JsonNode result = operator.handle(JsonMapper.builder().build().readTree(EVENT)).path("results").get(0);

        assertThat(result.path("resultCode").asText()).isEqualTo("TemporaryFailure");
    }

    private static S3BatchOperator operatorOver(S3Client s3) {
        SinkOutputs outputs = new SinkOutputs(List.of(rows -> { }), late -> { }, rejected -> { });
        return new S3BatchOperator(CompiledPipeline.compile(GmvPipelines.byCategory()), new InMemoryStateStore(),
                outputs, s3, Clock.systemUTC(),
                new EmfMetrics("Sluice", "gmv-by-category", "batch", new PrintStream(OutputStream.nullOutputStream())));
    }

    /** An S3 client whose every call throws {@code failure}. */
    private static S3Client failing(RuntimeException failure) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw failure;
                });
    }
}
