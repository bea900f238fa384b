package io.sluice.functions.wiring;

import io.sluice.functions.lambda.CannedDynamoDbServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class SdkClientsTest {

    private static final int IN_FLIGHT = 64;   // DynamoDbStateStoreBuilder.DEFAULT_MAX_IN_FLIGHT

    @Test
    void httpClient_isApache5_theCheapestPerCall() throws Exception {
        // Arrange
        try (CannedDynamoDbServer server = new CannedDynamoDbServer("{}", true);
             SdkHttpClient http = SdkClients.httpClient();
             DynamoDbClient dynamo = dynamoOn(server, http)) {
            // Act
            dynamo.putItem(b -> b.tableName("t").item(Map.of("pk", AttributeValue.fromS("k"))));
            // Assert: the SDK names the HTTP client in every request's User-Agent
            assertThat(server.lastUserAgent()).contains("md/http#Apache5");
        }
    }

    @Test
    void httpClient_keepsTheStoresConcurrentConnectionsAlive_betweenBatches() throws Exception {
        // Arrange
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        try (CannedDynamoDbServer server = new CannedDynamoDbServer("{}", true);
             SdkHttpClient http = SdkClients.httpClient();
             DynamoDbClient dynamo = dynamoOn(server, http)) {
            // Act: three "batches" of 64 calls in flight together, as the state store sends a batch's partials
            for (int batch = 0; batch < 3; batch++) {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    String key = "k" + i;
                    calls.add(pool.submit(() -> dynamo.putItem(b -> b.tableName("t")
                            .item(Map.of("pk", AttributeValue.fromS(key))))));
                }
                for (Future<?> call : calls) {
                    call.get();
                }
            }
            // Assert: no connection opened again in a later batch (the JDK's HttpURLConnection keeps 5 idle per host
            // unless told otherwise, so 11 of 16 would reconnect, TCP and TLS, every batch)
            assertThat(server.connectionsAccepted()).isBetween(1, IN_FLIGHT);
        } finally {
            pool.shutdownNow();
        }
    }

    private static DynamoDbClient dynamoOn(CannedDynamoDbServer server, SdkHttpClient http) {
        return DynamoDbClient.builder().httpClient(http)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
    }
}
