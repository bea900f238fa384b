package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.examples.Order;
import io.sluice.functions.io.CallCounter;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's amplification, on the Kinesis handler: what 1,000 bad records of one batch cost in S3 and SQS calls.
 * Before, one {@code SendMessage} per dead letter and one {@code PutObject} per late record (1,000 each); now a
 * batch's dead letters go ten to a {@code SendMessageBatch} call up to the per-batch bound and the rest to one bulk
 * object, and its late records to one object, every record still accounted for once.
 */
@ExtendWith(LocalAwsExtension.class)
class SideOutputCallsTest {

    private static final String SHARD = "shardId-000000000000";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void handleRequest_sends1000DeadLettersOfABatchInAFewCalls_andLosesNone(LocalAws aws) throws Exception {
        CallCounter counter = new CallCounter();
        try (LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", null, aws.dynamoDb(), counter.s3(aws),
                counter.sqs(aws))) {
            // Arrange
            KinesisOperatorHandler handler = sluice.kinesisHandler();
            String[] garbage = IntStream.range(0, 1_000).mapToObj(i -> "garbage line " + i).toArray(String[]::new);
            KinesisEvent event = InMemoryShards.eventOf(new InMemoryShards().shard(SHARD).put(SHARD, garbage));
            counter.reset();

            // Act
            handler.handleRequest(event, null);

            // Assert
            System.out.println("1,000 dead letters in one batch: " + counter.all());
            assertThat(counter.calls("SendMessage")).isZero();
            assertThat(counter.calls("SendMessageBatch")).isEqualTo(11);
            assertThat(counter.calls("PutObject")).isEqualTo(1);
            assertThat(deadLetterIds(sluice)).hasSize(1_000);
            JsonNode metrics = JSON.readTree(sluice.metricLines().get(sluice.metricLines().size() - 1));
            assertThat(metrics.path("DeadLetters").asLong()).isEqualTo(1_000);
            assertThat(metrics.path("DeadLettersInBulk").asLong()).isEqualTo(900);   // past the bound, counted
        }
    }

    @Test
    void handleRequest_writes1000LateRecordsOfABatchAsOneObject_andLosesNone(LocalAws aws) throws Exception {
        CallCounter counter = new CallCounter();
        try (LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", null, aws.dynamoDb(), counter.s3(aws),
                counter.sqs(aws))) {
            // Arrange: the shard's watermark passes minute 0, then 1,000 orders of minute 0 arrive
            KinesisOperatorHandler handler = sluice.kinesisHandler();
            InMemoryShards shards = new InMemoryShards().shard(SHARD);
            handler.handleRequest(InMemoryShards.eventOf(shards.put(SHARD,
                    new Order("o-0", "u-1", "c-1", 100, 600_000).toJson())), null);
            String[] late = IntStream.range(0, 1_000).mapToObj(i -> new Order("o-" + (i + 1), "u-1", "c-1", 100,
                    10_000 + i).toJson()).toArray(String[]::new);
            counter.reset();

            // Act
            handler.handleRequest(InMemoryShards.eventOf(shards.put(SHARD, late)), null);

            // Assert
            System.out.println("1,000 late records in one batch: " + counter.all());
            assertThat(counter.calls("PutObject")).isEqualTo(1);
            assertThat(counter.calls("SendMessage") + counter.calls("SendMessageBatch")).isZero();
            Set<String> positions = new HashSet<>();
            for (String object : sluice.objects("late/").values()) {
                for (String line : object.lines().toList()) {
                    positions.add(JSON.readTree(line).path("position").asText());
                }
            }
            assertThat(positions).hasSize(1_000);
        }
    }

    /** Distinct dead-letter ids: each message's, and each line's of the bulk objects messages point to. */
    private static Set<String> deadLetterIds(LocalSluice sluice) throws Exception {
        Set<String> ids = new HashSet<>();
        for (Message m : sluice.drainDeadLetters()) {
            JsonNode body = JSON.readTree(m.body());
            if (!body.path("bulk").asBoolean()) {
                ids.add(body.path("id").asText());
                continue;
            }
            String ref = body.path("recordsRef").asText().substring("s3://".length());
            List<String> lines = sluice.s3.getObjectAsBytes(b -> b.bucket(ref.substring(0, ref.indexOf('/')))
                    .key(ref.substring(ref.indexOf('/') + 1))).asUtf8String().lines().toList();
            for (String line : lines) {
                ids.add(JSON.readTree(line).path("id").asText());
            }
        }
        return ids;
    }
}
