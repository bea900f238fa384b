package io.sluice.localstack;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds SDK v2 clients for a {@link LocalAws}: endpoint override, region, dummy credentials, path-style
 * S3 and the {@code url-connection-client} (the only HTTP client on the classpath, and the fastest to
 * start).
 *
 * <pre>{@code
 * try (DynamoDbClient dynamo = AwsClients.dynamoDb(localAws)) { ... }
 * }</pre>
 */
public final class AwsClients {
    static final String ACCESS_KEY = "test";
    static final String SECRET_KEY = "test";
    static final AwsCredentialsProvider DUMMY_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    private AwsClients() {
    }

    /**
     * Turns the SDK's CBOR wire format for Kinesis off, unless the user chose otherwise. SDK v2 reads
     * only the system property {@code aws.cborEnabled} or the variable {@code CBOR_ENABLED}
     * ({@code AWS_CBOR_DISABLE} does nothing in v2), and only when a client is built, so there is no
     * per-client switch. JSON is what moto speaks and what real Kinesis and kinesis-mock also accept, so
     * setting it JVM-wide is harmless; an explicit {@code -Daws.cborEnabled=true} is respected.
     */
    public static void disableCbor() {
        if (System.getProperty("aws.cborEnabled") == null && System.getenv("CBOR_ENABLED") == null) {
            System.setProperty("aws.cborEnabled", "false");
        }
    }

    /**
     * @param aws started local AWS
     * @return a new Kinesis client speaking JSON; caller closes
     */
    public static KinesisClient kinesis(LocalAws aws) {
        disableCbor();
        return KinesisClient.builder()
                .endpointOverride(aws.endpoint(Service.KINESIS))
                .region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    /**
     * @param aws started local AWS
     * @return a new DynamoDB client; caller closes
     */
    public static DynamoDbClient dynamoDb(LocalAws aws) {
        return DynamoDbClient.builder()
                .endpointOverride(aws.endpoint(Service.DYNAMODB))
                .region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    /**
     * @param aws started local AWS
     * @return a new S3 client with path-style addressing (local engines have no wildcard DNS); caller closes
     */
    public static S3Client s3(LocalAws aws) {
        return S3Client.builder()
                .endpointOverride(aws.endpoint(Service.S3))
                .region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(overrides())
                .forcePathStyle(true)
                .build();
    }

    /**
     * @param aws started local AWS
     * @return a new SQS client; caller closes
     */
    public static SqsClient sqs(LocalAws aws) {
        return SqsClient.builder()
                .endpointOverride(aws.endpoint(Service.SQS))
                .region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    private static UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(30));
    }

    private static ClientOverrideConfiguration overrides() {
        // Local engines answer in milliseconds; a call that hangs is a bug we want to see quickly.
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60)).build();
    }
}
