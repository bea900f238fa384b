package io.sluice.functions.io.dynamodb;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.RoundTripMeter;
import io.sluice.localstack.Service;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fired window's rows wait a constant number of DynamoDB round trips, not one per 25 rows: with 20 ms added to
 * every request, 600 rows (24 {@code BatchWriteItem}s) are stored in 2 waves of at most 16 requests, and every row is
 * there when {@code write} returns.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbResultsSinkRoundTripsTest {

    private static final RoundTripMeter METER = RoundTripMeter.withLatency(Duration.ofMillis(20));
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void connect(LocalAws aws) {
        dynamo = DynamoDbClient.builder().endpointOverride(aws.endpoint(Service.DYNAMODB)).region(aws.region())
                .credentialsProvider(aws.credentialsProvider()).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(METER)).build();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @Test
    void write_storesAWindowsRowsInTwoWavesOfRequests_notOneRoundTripPer25Rows() {
        // Arrange
        String table = "results-" + UUID.randomUUID().toString().substring(0, 8);
        dynamo.createTable(StateTables.createTableRequest(table));
        DynamoDbResultsSink sink = new DynamoDbResultsSink(dynamo, table, List.of("count", "sum_cents"),
                Duration.ofDays(1));
        List<ResultRow> rows = new ArrayList<>();
        for (int k = 0; k < 600; k++) {
            rows.add(new ResultRow("gmv", 60_000, 120_000, String.format("c-%03d", k), new CountAndSum(k + 1, 100L * k),
                    true));
        }
        METER.reset();

        // Act
        sink.write(rows);

        // Assert
        assertThat(METER.calls()).as("BatchWriteItem requests").isEqualTo(24);
        // 24 requests, at most 16 in flight: 2 waves; one more of slack for a busy machine's thread scheduling.
        assertThat(METER.sequentialRoundTrips()).isLessThanOrEqualTo(3);
        List<Map<String, AttributeValue>> stored = dynamo.queryPaginator(b -> b.tableName(table)
                .keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", AttributeValue.fromS("gmv")))
                .consistentRead(true)).items().stream().toList();
        assertThat(stored).hasSize(600);
        assertThat(stored).anySatisfy(item -> {
            assertThat(item.get("sk").s()).isEqualTo("0000000060000#c-599");
            assertThat(item.get("count").n()).isEqualTo("600");
            assertThat(item.get("sum_cents").n()).isEqualTo("59900");
        });
    }
}
