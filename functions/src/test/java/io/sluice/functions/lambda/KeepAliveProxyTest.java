package io.sluice.functions.lambda;

import io.sluice.functions.wiring.SdkClients;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveProxyTest {

    @Test
    void proxy_keepsTheClientsConnection_whenTheEngineClosesAfterEveryResponse() throws Exception {
        // Arrange: an engine that closes every connection, as moto_server does
        try (CannedDynamoDbServer engine = new CannedDynamoDbServer(
                "{\"ConsumedCapacity\":{\"TableName\":\"t\",\"CapacityUnits\":3.0}}", true, true);
             KeepAliveProxy proxy = new KeepAliveProxy(URI.create("http://127.0.0.1:" + engine.port()));
             SdkHttpClient http = SdkClients.httpClient();
             DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(http).endpointOverride(proxy.endpoint())
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                     .build()) {
            // Act
            PutItemResponse last = null;
            for (int i = 0; i < 10; i++) {
                last = dynamo.putItem(b -> b.tableName("t").item(Map.of("pk", AttributeValue.fromS("k")))
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            }
            // Assert: one connection from the client, ten to the engine, and the responses intact (CRC32 checked)
            assertThat(proxy.connectionsPerRequests()).isEqualTo("1 connections for 10 requests");
            assertThat(engine.connectionsAccepted()).isEqualTo(10);
            assertThat(last.consumedCapacity().capacityUnits()).isEqualTo(3.0);
        }
    }
}
