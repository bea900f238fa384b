package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.examples.Order;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, case 1, through the real Kinesis handler on the local engines: after shard 0 split into 2 and 3, a
 * record 270 s old arrives on child shard 2 after its window fired. Before the fix the child, registered at watermark
 * MIN, judged it on time and wrote it into the fired window: it was in neither the results nor the late output.
 */
@ExtendWith(LocalAwsExtension.class)
class ReshardHandlerTest {

    private static final long T0 = 1605052800000L;   // 2020-11-11T00:00:00Z, a window start

    private LocalSluice sluice;

    @BeforeEach
    void deploy(LocalAws aws) {
        sluice = new LocalSluice(aws, "gmv-by-category");
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    @Test
    void lateRecordOnAChildShard_afterItsWindowFired_goesToTheLateOutput() {
        // Arrange: the parent passes the first window, which fires; the children are registered as ShardRegistry does
        KinesisOperatorHandler handler = sluice.kinesisHandler();
        assertThat(handler.handleRequest(event("shardId-000000000000", 1, T0 + 10_000, T0 + 300_000), null)
                .getBatchItemFailures()).isEmpty();
        assertThat(sluice.resultCsvs()).containsOnlyKeys(T0 + "-" + (T0 + 60_000) + ".csv");
        StateStore store = sluice.store();
        for (String child : List.of("shardId-000000000002", "shardId-000000000003")) {
            store.createSplit(SplitState.pending("gmv-by-category", child, 0, List.of("shardId-000000000000")));
        }
        store.advanceSplit(store.readSplit("gmv-by-category", "shardId-000000000000").orElseThrow()
                .finished(Fence.NONE));

        // Act: a new instance takes the child's first batch
        assertThat(sluice.kinesisHandler().handleRequest(event("shardId-000000000002", 100, T0 + 30_000), null)
                .getBatchItemFailures()).isEmpty();

        // Assert
        assertThat(sluice.objects("late/")).hasSize(1);
        assertThat(sluice.resultCsvs().get(T0 + "-" + (T0 + 60_000) + ".csv"))
                .isEqualTo("window_start_ms,category,count,sum_cents\n" + T0 + ",c-1,1,100\n");
    }

    @Test
    void parentOfAShardNoListingSaw_isFinishedThroughIt_andItsWindowFires(LocalAws aws) throws Exception {
        // Arrange: shard 0 delivers; then it splits into 1 and 2, which merge into 3 before any listing saw them
        // (found by chaos resharding: shard 0 held the global watermark back forever, nothing fired after it)
        try (KinesisClient kinesis = aws.kinesis(); LocalSluice withShards = new LocalSluice(aws, "gmv-by-category", kinesis)) {
            String stream = "reshard-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
            String arn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
            String parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            assertThat(withShards.kinesisHandler().handleRequest(event(parent, 1, arn, T0 + 10_000), null)
                    .getBatchItemFailures()).isEmpty();
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent)
                    .newStartingHashKey(java.math.BigInteger.TWO.pow(127).toString()));
            EventSourceMappingChaosTest.awaitActive(kinesis, stream);
            List<Shard> children = kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                    .filter(sh -> parent.equals(sh.parentShardId())).toList();
            kinesis.mergeShards(b -> b.streamName(stream).shardToMerge(children.get(0).shardId())
                    .adjacentShardToMerge(children.get(1).shardId()));
            EventSourceMappingChaosTest.awaitActive(kinesis, stream);
            String merged = kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                    .filter(sh -> sh.adjacentParentShardId() != null).findFirst().orElseThrow().shardId();

            // Act: the merged shard's first batch, an hour later
            assertThat(withShards.kinesisHandler().handleRequest(event(merged, 100, arn, T0 + 3_600_000), null)
                    .getBatchItemFailures()).isEmpty();

            // Assert
            assertThat(withShards.store().readSplit("gmv-by-category", parent).orElseThrow().status())
                    .isEqualTo(io.sluice.state.SplitStatus.FINISHED);
            assertThat(withShards.resultCsvs().get(T0 + "-" + (T0 + 60_000) + ".csv"))
                    .isEqualTo("window_start_ms,category,count,sum_cents\n" + T0 + ",c-1,1,100\n");
        }
    }

    private static KinesisEvent event(String shard, long firstSequence, String streamArn, long... timestamps) {
        KinesisEvent event = event(shard, firstSequence, timestamps);
        event.getRecords().forEach(r -> r.setEventSourceARN(streamArn));
        return event;
    }

    private static KinesisEvent event(String shard, long firstSequence, long... timestamps) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < timestamps.length; i++) {
            String seq = Long.toString(firstSequence + i);
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(seq);
            kinesis.setPartitionKey("pk-" + seq);
            kinesis.setData(ByteBuffer.wrap(new Order("o-" + shard + seq, "u-1", "c-1", 100, timestamps[i]).toJson()
                    .getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(shard + ":" + seq);
            record.setEventSource("aws:kinesis");
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}
