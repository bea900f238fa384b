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
        for (int k = 0; k < 2_000; k++) {
            rows.add(new ResultRow("gmv", 60_000, 120_000, String.format("c-%04d", k), new CountAndSum(k + 1, 100L * k),
                    true));
        }
        METER.reset();

        // Act
        sink.write(rows);

        // Assert
        assertThat(METER.calls()).as("BatchWriteItem requests").isEqualTo(80);
        // 80 requests, at most 64 in flight: 2 waves; one more of slack for a busy machine's thread scheduling.
        assertThat(METER.sequentialRoundTrips()).isLessThanOrEqualTo(3);
        List<Map<String, AttributeValue>> stored = dynamo.queryPaginator(b -> b.tableName(table)
                .keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", AttributeValue.fromS("gmv")))
                .consistentRead(true)).items().stream().toList();
        assertThat(stored).hasSize(2_000);
        assertThat(stored).anySatisfy(item -> {
            assertThat(item.get("sk").s()).isEqualTo("0000000060000#c-1999");
            assertThat(item.get("count").n()).isEqualTo("2000");
            assertThat(item.get("sum_cents").n()).isEqualTo("199900");
        });
    }

    @Test
    void writeWindows_ofTwelveWindows_sharesTheBatches_andStoresWhatWritingEachWindowStores() {
        // Arrange: 12 windows of 2 keys, into one table together and into another window by window.
        List<List<ResultRow>> windows = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            windows.add(List.of(new ResultRow("gmv", w * 60_000L, (w + 1) * 60_000L, "c-1", new CountAndSum(w + 1, w), true),
                    new ResultRow("gmv", w * 60_000L, (w + 1) * 60_000L, "c-2", new CountAndSum(1, 7), true)));
        }
        String together = newTable();
        String oneByOne = newTable();
        METER.reset();

        // Act
        sink(together).writeWindows(windows);
        totals(together).writeWindows(windows);
        int calls = METER.calls();
        int roundTrips = METER.sequentialRoundTrips();
        windows.forEach(sink(oneByOne)::write);
        windows.forEach(totals(oneByOne)::write);

        // Assert: 24 rows in one BatchWriteItem, the 12 totals in another; the same items as window by window.
        assertThat(calls).isEqualTo(2);
        assertThat(roundTrips).isEqualTo(2);
        assertThat(items(together)).hasSize(24 + 12).isEqualTo(items(oneByOne));
    }

    private static String newTable() {
        String table = "results-" + UUID.randomUUID().toString().substring(0, 8);
        dynamo.createTable(StateTables.createTableRequest(table));
        return table;
    }

    private static DynamoDbResultsSink sink(String table) {
        return new DynamoDbResultsSink(dynamo, table, List.of("count", "sum_cents"), Duration.ofDays(1));
    }

    private static DynamoDbWindowTotalsSink totals(String table) {
        return new DynamoDbWindowTotalsSink(dynamo, table, List.of("count", "sum_cents"), Duration.ofDays(1));
    }

    /** Every item of {@code table}, by partition and sort key. */
    private static Map<String, Map<String, AttributeValue>> items(String table) {
        Map<String, Map<String, AttributeValue>> items = new java.util.TreeMap<>();
        dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                .forEach(item -> items.put(item.get("pk").s() + "|" + item.get("sk").s(), item));
        return items;
    }
}
