package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalAwsTest {

    @Test
    void shouldExportOneEndpointPerServiceAndAFallback() {
        LocalAws aws = LocalAws.attach(URI.create("http://localhost:4566"),
                Map.of(Service.KINESIS, URI.create("http://127.0.0.1:4567")));

        Map<String, String> env = aws.environment();

        assertThat(env).containsEntry("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567")
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:4566")
                .containsEntry("AWS_ENDPOINT_URL", "http://localhost:4566")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("CBOR_ENABLED", "false");
        assertThat(aws.describe()).startsWith("Local AWS (attached, region us-east-1)\n")
                .contains("export AWS_ENDPOINT_URL_S3=http://localhost:4566\n");
    }

    @Test
    void shouldBuildClientsThatTargetTheGivenEndpoints() {
        LocalAws aws = LocalAws.attach(URI.create("http://localhost:4566"), Map.of());

        try (var s3 = aws.s3(); var dynamo = aws.dynamoDb()) {
            assertThat(s3.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://localhost:4566"));
            assertThat(dynamo.serviceClientConfiguration().region().id()).isEqualTo("us-east-1");
        }
    }
}
