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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a warm batch that fires nothing waits for, with 20 ms added to every DynamoDB request: the attempt record, the
 * published watermark, the partial writes, the split's progress, the splits and the pending windows, one after the
 * other (6 round trips); the attempt's log entry and the shard load report go out beside them and add none.
 */
@ExtendWith(LocalAwsExtension.class)
class KinesisHandlerRoundTripsTest {

    private static final String SHARD = "shardId-000000000000";
    private static final long MINUTE = 1_605_052_800_000L;

    @Test
    void aWarmBatchThatFiresNothing_waitsSixRoundTrips_itsShardLoadWrittenBesideThem(LocalAws aws) {
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
            assertThat(meter.calls()).as("attempt, its log entry, watermark read, 1 partial, progress, load, splits, "
                    + "pending").isEqualTo(8);
            assertThat(meter.sequentialRoundTrips()).isEqualTo(6);
            assertThat(sluice.reportedLoad("sluice-dev-orders", SHARD)).isEqualTo(20);
        }
    }

    /** Orders {@code [from, to)} of one category, a second apart from the window's start. */
    private static KinesisEvent event(int from, int to) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String seq = "4959033827149025660855969253836157109592157598913658" + String.format("%04d", i);
            String order = "{\"orderId\":\"o-" + i + "\",\"userId\":\"u-1\",\"category\":\"c-1\",\"amount\":100,\"ts\":"
                    + (MINUTE + 1_000L * i) + "}";
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
