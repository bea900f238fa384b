package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pipeline whose source is CSV runs in both handlers: the same orders as CSV records on a Kinesis shard and as a
 * CSV object with a header line give byte-identical result CSVs; the header line is skipped and a malformed row goes
 * to the dead-letter queue on both sides.
 */
@ExtendWith(LocalAwsExtension.class)
class CsvInputHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void csvRecords_inTheStreamAndInAnObject_giveIdenticalResults(LocalAws aws) throws Exception {
        // Arrange
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(600).seed(5).duration(Duration.ofMinutes(2)).build().forEach(orders::add);
        List<String> lines = new ArrayList<>();
        orders.forEach(o -> lines.add(CsvTestPipelines.csvLine(o)));
        lines.add(300, "o-bad,u-1,c-1,nineteen,1605024000000");

        try (LocalSluice live = new LocalSluice(aws, CsvTestPipelines.GMV_CSV);
             LocalSluice batch = new LocalSluice(aws, CsvTestPipelines.GMV_CSV)) {
            // Act: the stream, one shard in batches of 100, then end it; the object, header first
            // A sentinel far ahead moves the shard's watermark past the real windows; its own window never fires.
            long sentinelTs = orders.stream().mapToLong(Order::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
            List<String> stream = new ArrayList<>(lines);
            stream.add(CsvTestPipelines.csvLine(new Order("o-sentinel", "u-0", "c-sentinel", 1, sentinelTs)));
            KinesisOperatorHandler handler = live.kinesisHandler();
            long sequence = 1;
            for (int from = 0; from < stream.size(); from += 100) {
                KinesisEvent event = new KinesisEvent();
                List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
                for (String line : stream.subList(from, Math.min(stream.size(), from + 100))) {
                    records.add(record(line, sequence++));
                }
                event.setRecords(records);
                assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
            }

            batch.putData("orders/part.csv", (CsvTestPipelines.HEADER + "\n" + String.join("\n", lines) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            ObjectNode task = JSON.createObjectNode();
            task.putArray("tasks").addObject().put("taskId", "csv-task").put("bucket", LocalSluice.DATA_BUCKET)
                    .put("key", "orders/part.csv");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            batch.batchHandler().handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(task)), out, null);
            JsonNode response = JSON.readTree(out.toByteArray());

            // Assert
            assertThat(response.path("results").get(0).path("resultCode").asText()).isEqualTo("Succeeded");
            assertThat(response.path("results").get(0).path("resultString").asText()).contains("rejected=1");
            assertThat(batch.resultCsvs()).isNotEmpty();
            assertThat(String.join("", live.resultCsvs().values())).isEqualTo(String.join("", batch.resultCsvs().values()));
            assertThat(live.drainDeadLetters()).singleElement().satisfies(m -> assertThat(m.body()).contains("nineteen"));
            assertThat(batch.drainDeadLetters()).singleElement().satisfies(m -> assertThat(m.body()).contains("nineteen"));
        }
    }

    private static KinesisEvent.KinesisEventRecord record(String line, long sequence) {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setData(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        kinesis.setSequenceNumber(Long.toString(sequence));
        kinesis.setPartitionKey("p");
        kinesis.setApproximateArrivalTimestamp(new Date());
        KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
        r.setKinesis(kinesis);
        r.setEventSourceARN("arn:aws:kinesis:us-east-1:000000000000:stream/csv");
        r.setEventID("shardId-000000000000:" + sequence);
        r.setEventSource("aws:kinesis");
        return r;
    }
}
