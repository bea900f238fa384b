package io.sluice.functions.io.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalAwsExtension.class)
class KinesisOutputSinkTest {

    @Test
    void write_putsOneJsonRecordPerRow_withTheRowsIdentityAndValueColumns(LocalAws aws) throws Exception {
        try (KinesisClient kinesis = aws.kinesis()) {
            // Arrange
            String stream = "results-" + UUID.randomUUID().toString().substring(0, 8);
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            KinesisOutputSink sink = new KinesisOutputSink(kinesis, stream, List.of("count", "sum_cents"));

            // Act
            sink.write(List.of(
                    new ResultRow("gmv-by-category", 0, 60_000, "c-1", new CountAndSum(2, 300), true),
                    new ResultRow("gmv-by-category", 0, 60_000, "c-2", new CountAndSum(1, 5), false)));

            // Assert
            String shard = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<JsonNode> records = new ArrayList<>();
            JsonMapper json = JsonMapper.builder().build();
            for (Record r : kinesis.getRecords(b -> b.shardIterator(iterator)).records()) {
                records.add(json.readTree(r.data().asUtf8String()));
            }
            assertThat(records).hasSize(2);
            assertThat(records.get(0).toString()).isEqualTo("{\"pipeline\":\"gmv-by-category\",\"window_start_ms\":0,"
                    + "\"window_end_ms\":60000,\"key\":\"c-1\",\"final\":true,\"count\":2,\"sum_cents\":300}");
            assertThat(records.get(1).path("final").asBoolean()).isFalse();
        }
    }

    @Test
    void writeWindows_putsEveryWindowsRowsOnce_asWritingEachWindowWould(LocalAws aws) throws Exception {
        try (KinesisClient kinesis = aws.kinesis()) {
            // Arrange
            String stream = "results-" + UUID.randomUUID().toString().substring(0, 8);
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            KinesisOutputSink sink = new KinesisOutputSink(kinesis, stream, List.of("count", "sum_cents"));
            List<List<ResultRow>> windows = List.of(
                    List.of(new ResultRow("gmv-by-category", 0, 60_000, "c-1", new CountAndSum(2, 300), true),
                            new ResultRow("gmv-by-category", 0, 60_000, "c-2", new CountAndSum(1, 5), true)),
                    List.of(new ResultRow("gmv-by-category", 60_000, 120_000, "c-1", new CountAndSum(4, 9), true)));

            // Act
            sink.writeWindows(windows);

            // Assert: one record per row of every window, each the record writing its window alone puts.
            String shard = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<String> records = new ArrayList<>();
            for (Record r : kinesis.getRecords(b -> b.shardIterator(iterator)).records()) {
                records.add(r.data().asUtf8String());
            }
            List<String> expected = windows.stream().flatMap(List::stream).map(sink::json).toList();
            assertThat(records).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
