package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.RoundTripMeter;
import io.sluice.localstack.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a warm batch waits for, with a latency added to every DynamoDB request. One that fires nothing: the attempt
 * record, the published watermark, the partial writes, the split's progress and the windows pending up to its own
 * watermark (none: so the splits are not read), one after the other (5 round trips; 6 when every batch read the
 * splits); the attempt's log entry and the shard load report go out beside them and add none. One that fires windows:
 * 15, however many windows it fires.
 */
@ExtendWith(LocalAwsExtension.class)
class KinesisHandlerRoundTripsTest {

    private static final String SHARD = "shardId-000000000000";
    private static final long MINUTE = 1_605_052_800_000L;
    /** What a batch that fires windows waits, however many it fires (see below). */
    private static final int FIRING_BATCH_ROUND_TRIPS = 15;

    @Test
    void aWarmBatchThatFiresNothing_waitsFiveRoundTrips_itsShardLoadWrittenBesideThem(LocalAws aws) {
        // Arrange: one shard; both batches in the first half of one window, so nothing is final and nothing fires.
        RoundTripMeter meter = RoundTripMeter.withLatency(Duration.ofMillis(100)); // overlap survives a slow thread start
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(aws.endpoint(Service.DYNAMODB))
                .region(aws.region()).credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(meter)).build();
        try (LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", null, dynamo)) {
            KinesisOperatorHandler handler = sluice.kinesisHandler();
            assertThat(handler.handleRequest(event(0, 10), null).getBatchItemFailures()).isEmpty();
            meter.reset();

            // Act
            var response = handler.handleRequest(event(10, 20), null);

            // Assert
            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(meter.calls()).as("attempt, its log entry, watermark read, 1 partial, progress, load, "
                    + "pending").isEqualTo(7);
            assertThat(meter.sequentialRoundTrips()).isEqualTo(5);
            assertThat(sluice.reportedLoad("sluice-dev-orders", SHARD)).isEqualTo(20);
        }
    }

    /**
     * Issue 15: a warm batch that fires 1, 4 or 12 windows waits the same 15 round trips: the 5 above and the splits,
     * the new windows' items looked up and their slots registered (each one wave for all windows), the published
     * watermark read and raised and the splits read again before firing, then one wave each for the claims, the
     * partials of every window, the results (rows and totals of every window together; the S3 objects beside them)
     * and the completions. Fired one window after the other (main before this change) it was 15, 27 and 59.
     */
    @Test
    void aBatchThatFiresOneFourOrTwelveWindows_waitsTheSameRoundTrips(LocalAws aws) {
        Map<Integer, Integer> roundTrips = new TreeMap<>();
        for (int windows : new int[] {1, 4, 12}) {
            roundTrips.put(windows, roundTripsOfABatchFiring(aws, windows));
        }

        assertThat(roundTrips).as("sequential round trips by windows fired").containsExactly(
                Map.entry(1, FIRING_BATCH_ROUND_TRIPS), Map.entry(4, FIRING_BATCH_ROUND_TRIPS),
                Map.entry(12, FIRING_BATCH_ROUND_TRIPS));
    }

    /** Round trips of a warm batch whose watermark passes the ends of {@code windows} windows, which then fire. */
    private static int roundTripsOfABatchFiring(LocalAws aws, int windows) {
        // Arrange: one shard, one category. A first batch fires windows 0 .. windows - 1 and warms the instance (its
        // caches, and the threads that send calls together: a Lambda catching up a backlog fires in every batch).
        // 200 ms a request: a wave's calls all start before its first one ends, even on a busy machine.
        RoundTripMeter meter = RoundTripMeter.withLatency(Duration.ofMillis(200));
        try (LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", null, meteredDynamo(aws, meter))) {
            KinesisOperatorHandler handler = sluice.kinesisHandler();
            assertThat(handler.handleRequest(event(0, firing(0, windows)), null).getBatchItemFailures()).isEmpty();
            assertThat(sluice.resultCsvs()).hasSize(windows);
            meter.reset();

            // Act: the next batch fires windows .. 2 * windows - 1.
            var response = handler.handleRequest(event(100, firing(windows, windows)), null);

            // Assert: every window fired, one result object each.
            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(sluice.resultCsvs()).as("result objects after firing %d more windows", windows)
                    .hasSize(2 * windows);
            return meter.sequentialRoundTrips();
        }
    }

    /**
     * Order times that fire windows {@code first .. first + windows - 1}: one early in each of windows
     * {@code first + 1 .. first + windows - 1}, then one 10 s into window {@code first + windows}, so the watermark
     * (5 s of disorder) passes their ends. Window {@code first} holds an order of the batch before (or its own).
     */
    private static List<Long> firing(int first, int windows) {
        List<Long> times = new ArrayList<>();
        for (int w = first == 0 ? 0 : first + 1; w < first + windows; w++) {
            times.add(MINUTE + w * 60_000L + 1_000);
        }
        times.add(MINUTE + (first + windows) * 60_000L + 10_000);
        return times;
    }

    private static DynamoDbClient meteredDynamo(LocalAws aws, RoundTripMeter meter) {
        return DynamoDbClient.builder().endpointOverride(aws.endpoint(Service.DYNAMODB))
                .region(aws.region()).credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(meter)).build();
    }

    /** Orders {@code [from, to)} of one category, a second apart from the window's start. */
    private static KinesisEvent event(int from, int to) {
        List<Long> times = new ArrayList<>();
        for (int i = from; i < to; i++) {
            times.add(MINUTE + 1_000L * i);
        }
        return event(from, times);
    }

    /** Orders of one category at {@code times}, sequence numbers from {@code first} on. */
    private static KinesisEvent event(int first, List<Long> times) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = first; i < first + times.size(); i++) {
            String seq = "4959033827149025660855969253836157109592157598913658" + String.format("%04d", i);
            String order = "{\"orderId\":\"o-" + i + "\",\"userId\":\"u-1\",\"category\":\"c-1\",\"amount\":100,\"ts\":"
                    + times.get(i - first) + "}";
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(seq);
            kinesis.setPartitionKey("pk-1");
            kinesis.setData(ByteBuffer.wrap(order.getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(SHARD + ":" + seq);
            record.setEventSource("aws:kinesis");
            record.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/sluice-dev-orders");
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}
