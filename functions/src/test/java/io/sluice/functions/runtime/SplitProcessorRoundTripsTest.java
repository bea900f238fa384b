package io.sluice.functions.runtime;

import io.sluice.functions.runtime.ReplayHarness.OrderBatch;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.RoundTripMeter;
import io.sluice.localstack.Service;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting a Kinesis batch costs does not grow with the partial items it touches: with 20 ms added to every
 * DynamoDB request, a batch of {@code gmv-by-category} orders spread over several windows (dozens of items) waits a
 * handful of round trips ({@link RoundTripMeter}: the longest chain of calls one after the other), where writing its
 * items one by one waited one per item. The rows stay those of a clean run on the in-memory store.
 */
@ExtendWith(LocalAwsExtension.class)
class SplitProcessorRoundTripsTest {

    private static final RoundTripMeter METER = RoundTripMeter.withLatency(Duration.ofMillis(20));
    private static final String SHARD = ReplayHarness.SHARDS.get(0);
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
    void aBatchTouchingDozensOfItems_waitsAConstantNumberOfRoundTrips() {
        String table = "roundtrips-" + UUID.randomUUID().toString().substring(0, 8);
        StateTables.create(dynamo, table);
        DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo).withStateTable(table)
                .withCoordinationTable(table).withWindowBuckets(4).build();
        Map<String, List<OrderBatch>> batches = ReplayHarness.batches(4_000, 1_000);
        ReplayHarness h = new ReplayHarness(() -> store);
        SplitProcessor processor = h.newInstance(SHARD, store);

        for (OrderBatch batch : batches.get(SHARD)) {
            long writesBefore = h.metrics.partialWrites();
            METER.reset();
            long started = System.nanoTime();
            h.process(processor, batch);
            long millis = (System.nanoTime() - started) / 1_000_000;
            long items = h.metrics.partialWrites() - writesBefore;
            System.out.printf("batch: %d items, %d calls, %d sequential round trips, %d ms at 20 ms a call%n", items,
                    METER.calls(), METER.sequentialRoundTrips(), millis);

            assertThat(items).as("partial items the batch touched").isGreaterThanOrEqualTo(30);
            // attempt, published watermark, preload (a cold batch), slot registrations, ceil(items / 16) waves of
            // partial writes, the split's progress; a little slack for a busy machine's thread scheduling.
            long waves = (items + 15) / 16;
            assertThat(METER.sequentialRoundTrips())
                    .as("sequential round trips of a batch of %d items (%d calls, %d ms)", items, METER.calls(), millis)
                    .isLessThanOrEqualTo((int) (6 + waves + 2));
        }
    }
}
