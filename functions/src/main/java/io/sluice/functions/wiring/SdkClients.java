package io.sluice.functions.wiring;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Map;

/**
 * The SDK clients of a deployed function, built once per instance on one HTTP client, Apache HttpClient 5
 * ({@code apache5-client}). A batch makes 23-190 DynamoDB calls, and the SDK was about half of the handler's CPU: over
 * kept-alive connections a conditional {@code PutItem} costs the caller 57-73 us of CPU through Apache 5 against
 * 211-249 us through {@code url-connection-client}, the client chosen before for its start-up; Apache 5 costs about
 * 60-120 ms more CPU at cold initialisation (in the SnapStart snapshot) and 2.3 MB more jar
 * ({@code DynamoDbCallCpuBenchmark}; BENCHMARKS.md, "The HTTP client", issue 15).
 *
 * <pre>{@code
 * LambdaWiring.Clients clients = SdkClients.fromEnvironment(System.getenv());
 * }</pre>
 */
public final class SdkClients {

    /**
     * Connections the pool keeps per host and in all: above the state store's 64 calls in flight (also a firing's
     * slot queries, 16 windows fired together × 4 window buckets) plus the results sinks' (64 to DynamoDB, 16 to S3)
     * and the shard load report sent beside them, so no call waits for a connection and none is opened again (TCP
     * and TLS) in every batch. Connections are opened as calls need them.
     */
    static final int MAX_CONNECTIONS = 160;

    private SdkClients() {
    }

    /** The HTTP client every SDK client of a function shares. */
    public static SdkHttpClient httpClient() {
        return Apache5HttpClient.builder().maxConnections(MAX_CONNECTIONS).build();
    }

    /**
     * Clients from {@code env} (the SDK's endpoint variables), with the SDK's region and credentials: the Lambda
     * environment, or the CLI run with the operator's variables.
     */
    public static LambdaWiring.Clients fromEnvironment(Map<String, String> env) {
        // A custom endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, read by the SDK itself) is a local engine,
        // which serves buckets by path only.
        boolean pathStyle = env.containsKey("AWS_ENDPOINT_URL_S3") || env.containsKey("AWS_ENDPOINT_URL");
        // Lambda sets AWS_REGION and the credential variables: naming them skips the default chains' probing of
        // profile files and instance metadata, a large part of client construction at cold start.
        Region region = env.containsKey("AWS_REGION") ? Region.of(env.get("AWS_REGION")) : null;
        AwsCredentialsProvider credentials = env.containsKey("AWS_ACCESS_KEY_ID")
                ? EnvironmentVariableCredentialsProvider.create() : DefaultCredentialsProvider.builder().build();
        SdkHttpClient http = httpClient();
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(http).region(region)
                .credentialsProvider(credentials).build();
        S3Client s3 = S3Client.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .forcePathStyle(pathStyle).build();
        SqsClient sqs = SqsClient.builder().httpClient(http).region(region).credentialsProvider(credentials).build();
        // Kinesis: ListShards for shard registration, and the output stream when configured.
        KinesisClient kinesis = KinesisClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .build();
        return new LambdaWiring.Clients(dynamo, s3, sqs, kinesis);
    }
}
