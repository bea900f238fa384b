package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.SplitState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Double 11 promise: the stream handler fed the generated orders in shard batches and the batch handler fed the
 * same orders as S3 objects write byte-identical result CSVs, and set the same bad lines aside.
 */
@ExtendWith(LocalAwsExtension.class)
class StreamBatchParityTest {

    private static final int SHARDS = 4;
    private static final int BATCH = 100;
    private static final BigInteger FIRST_SEQUENCE = new BigInteger("49590338271490256608559692538361571095921575989136");

    @Test
    void streamAndBatchHandlers_writeByteIdenticalResultCsvs_forTheSameOrders(LocalAws aws) {
        // Arrange: the generated orders with three bad lines among them
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(3_000).seed(1111).duration(Duration.ofMinutes(4))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        List<String> lines = new ArrayList<>();
        orders.forEach(o -> lines.add(o.toJson()));
        lines.add(10, "");
        lines.add(1_000, "{\"orderId\":\"o-bad\",\"category\":\"c-1\",\"amount\":\"lots\",\"ts\":1}");
        lines.add(2_500, "not json at all");
        try (LocalSluice stream = new LocalSluice(aws, "gmv-by-category");
             LocalSluice batch = new LocalSluice(aws, "gmv-by-category")) {

            // Act: stream, round-robin over shard batches
            runStream(stream, lines, orders.stream().mapToLong(Order::ts).max().orElseThrow());
            // Act: batch, the same lines as two objects (plain and gzip), one task each
            int half = lines.size() / 2;
            batch.putData(S3BatchHandlerTest.PART_1, text(lines.subList(0, half)));
            batch.putData(S3BatchHandlerTest.PART_2, S3BatchHandlerTest.gzip(text(lines.subList(half, lines.size()))));
            runBatch(batch);

            // Assert
            Map<String, String> streamed = stream.resultCsvs();
            Map<String, String> batched = batch.resultCsvs();
            assertThat(streamed).hasSizeGreaterThanOrEqualTo(4);
            assertThat(streamed).isEqualTo(batched);
            assertThat(S3BatchHandlerTest.totalCount(stream)).isEqualTo(orders.size());
            assertThat(stream.objects("late/")).isEmpty();
            // Two malformed lines; the blank line is skipped and counted, not a dead letter, on both sides.
            assertThat(stream.drainDeadLetters()).hasSize(2);
            assertThat(batch.drainDeadLetters()).hasSize(2);
        }
    }

    private static byte[] text(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void runStream(LocalSluice sluice, List<String> lines, long maxTs) {
        List<List<String>> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(new ArrayList<>());
            // The shards of the stream are known before the first batch (the orchestrator registers them), so no
            // shard's first batch can let the global watermark pass a sibling that has not been read yet.
            sluice.store().advanceSplit(SplitState.pending(sluice.pipeline(), shardId(s), System.currentTimeMillis(),
                    List.of()));
        }
        for (String line : lines) {
            shards.get(Math.floorMod(line.hashCode(), SHARDS)).add(line);
        }
        for (int s = 0; s < SHARDS; s++) {
            // A sentinel far ahead moves every shard's watermark past the real windows; its own window never fires.
            shards.get(s).add(new Order("o-sentinel-" + s, "u-0", "c-sentinel", 1, maxTs + Duration.ofHours(1).toMillis())
                    .toJson());
        }
        KinesisOperatorHandler handler = sluice.kinesisHandler();
        int[] next = new int[SHARDS];
        boolean more = true;
        while (more) {
            more = false;
            for (int s = 0; s < SHARDS; s++) {
                List<String> shard = shards.get(s);
                if (next[s] >= shard.size()) {
                    continue;
                }
                int to = Math.min(shard.size(), next[s] + BATCH);
                StreamsEventResponse response = handler.handleRequest(event(s, shard, next[s], to), null);
                assertThat(response.getBatchItemFailures()).isEmpty();
                next[s] = to;
                more = true;
            }
        }
    }

    private static void runBatch(LocalSluice sluice) {
        String event = "{\"jobId\":\"parity\",\"tasks\":["
                + "{\"taskId\":\"parity-t1\",\"bucket\":\"" + LocalSluice.DATA_BUCKET + "\",\"key\":\""
                + S3BatchHandlerTest.PART_1 + "\"},"
                + "{\"taskId\":\"parity-t2\",\"bucket\":\"" + LocalSluice.DATA_BUCKET + "\",\"key\":\""
                + S3BatchHandlerTest.PART_2 + "\"}]}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            sluice.batchHandler().handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                    null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Failure");
    }

    /** What the event source mapping would deliver for records {@code [from, to)} of shard {@code s}. */
    private static KinesisEvent event(int s, List<String> shard, int from, int to) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String seq = FIRST_SEQUENCE.multiply(BigInteger.valueOf(1_000_000)).add(BigInteger.valueOf(i)).toString();
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(seq);
            kinesis.setPartitionKey("pk-" + i);
            kinesis.setData(ByteBuffer.wrap(shard.get(i).getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(shardId(s) + ":" + seq);
            record.setEventSource("aws:kinesis");
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    private static String shardId(int s) {
        return String.format("shardId-%012d", s);
    }
}
