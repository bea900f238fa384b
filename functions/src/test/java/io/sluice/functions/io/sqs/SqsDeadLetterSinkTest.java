package io.sluice.functions.io.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.io.CallCounter;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(LocalAwsExtension.class)
class SqsDeadLetterSinkTest {

    @Test
    void write_referencesAPayloadOverTheSqsLimit_fromS3(LocalAws aws) throws Exception {
        try (SqsClient sqs = aws.sqs(); S3Client s3 = aws.s3()) {
            // Arrange
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            String queue = sqs.createQueue(b -> b.queueName("dlq-" + suffix)).queueUrl();
            s3.createBucket(b -> b.bucket("dlq-" + suffix));
            SqsDeadLetterSink sink = new SqsDeadLetterSink(sqs, queue, s3, "dlq-" + suffix, "dead-letters/");
            String payload = "x".repeat(300 * 1024);
            RejectedRecord rejected = new RejectedRecord("gmv-total", "shardId-000000000001", "seq=7 sub=0",
                    "record over 262144 bytes", payload);

            // Act
            sink.write(rejected);

            // Assert
            List<Message> messages = drain(sqs, queue);
            assertThat(messages).hasSize(1);
            JsonNode body = JSON.readTree(messages.get(0).body());
            assertThat(body.path("id").asText()).isEqualTo(SqsDeadLetterSink.id(rejected));
            assertThat(body.has("record")).isFalse();
            String ref = body.path("recordRef").asText();
            assertThat(ref).isEqualTo("s3://dlq-" + suffix + "/dead-letters/gmv-total/" + SqsDeadLetterSink.id(rejected)
                    + ".txt");
            String key = ref.substring(("s3://dlq-" + suffix + "/").length());
            assertThat(s3.getObjectAsBytes(b -> b.bucket("dlq-" + suffix).key(key)).asUtf8String()).isEqualTo(payload);
        }
    }

    @Test
    void writeAll_sendsABatchOf1000InElevenBatchCallsAndOneObject_andAccountsForEveryRecord(LocalAws aws)
            throws Exception {
        CallCounter counter = new CallCounter();
        try (SqsClient sqs = counter.sqs(aws); S3Client s3 = counter.s3(aws)) {
            // Arrange
            String bucket = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
            String queue = sqs.createQueue(b -> b.queueName(bucket)).queueUrl();
            s3.createBucket(b -> b.bucket(bucket));
            SqsDeadLetterSink sink = new SqsDeadLetterSink(sqs, queue, s3, bucket, "dead-letters/");
            List<RejectedRecord> records = rejects(1_000);
            counter.reset();

            // Act
            sink.writeAll(records);

            // Assert: 100 messages and one bulk object of 900 announced by a 101st message
            assertThat(counter.all()).containsOnlyKeys("PutObject", "SendMessageBatch")
                    .containsEntry("SendMessageBatch", 11).containsEntry("PutObject", 1);
            assertThat(sink.inBulk()).isEqualTo(900);
            assertThat(deadLetterIds(sqs, s3, queue)).containsExactlyInAnyOrderElementsOf(
                    records.stream().map(SqsDeadLetterSink::id).toList());
        }
    }

    @Test
    void writeAll_resendsAnEntryTheBatchCallReportsFailed(LocalAws aws) throws Exception {
        AtomicBoolean failed = new AtomicBoolean();
        ExecutionInterceptor failThirdEntryOnce = failing(e -> e.id().equals("m3") && failed.compareAndSet(false, true));
        CallCounter counter = new CallCounter();
        try (SqsClient sqs = counter.sqs(aws, failThirdEntryOnce); S3Client s3 = aws.s3()) {
            String bucket = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
            String queue = sqs.createQueue(b -> b.queueName(bucket)).queueUrl();
            SqsDeadLetterSink sink = new SqsDeadLetterSink(sqs, queue, s3, bucket, "dead-letters/");
            List<RejectedRecord> records = rejects(5);
            counter.reset();

            sink.writeAll(records);

            assertThat(counter.calls("SendMessageBatch")).isEqualTo(2);
            assertThat(deadLetterIds(sqs, s3, queue)).containsExactlyInAnyOrderElementsOf(
                    records.stream().map(SqsDeadLetterSink::id).toList());
        }
    }

    @Test
    void writeAll_fails_whenTheQueueKeepsRefusingAnEntry(LocalAws aws) {
        CallCounter counter = new CallCounter();
        try (SqsClient sqs = counter.sqs(aws, failing(e -> e.id().equals("m0"))); S3Client s3 = aws.s3()) {
            String bucket = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
            String queue = sqs.createQueue(b -> b.queueName(bucket)).queueUrl();
            SqsDeadLetterSink sink = new SqsDeadLetterSink(sqs, queue, s3, bucket, "dead-letters/");
            counter.reset();

            assertThatThrownBy(() -> sink.writeAll(rejects(3))).hasMessageContaining("1 dead letters refused")
                    .hasMessageNotContaining("garbage");
            assertThat(counter.calls("SendMessageBatch")).isEqualTo(SqsDeadLetterSink.ATTEMPTS);
        }
    }

    @Test
    void writeAll_sendsRecordsOfCharactersSqsRefuses_andMovesBodiesThatEscapingGrowsPastTheLimit_toS3(LocalAws aws)
            throws Exception {
        try (SqsClient sqs = aws.sqs(); S3Client s3 = aws.s3()) {
            String bucket = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
            String queue = sqs.createQueue(b -> b.queueName(bucket)).queueUrl();
            s3.createBucket(b -> b.bucket(bucket));
            SqsDeadLetterSink sink = new SqsDeadLetterSink(sqs, queue, s3, bucket, "dead-letters/");
            String odd = "a\uFFFF\uFFFEb\u0001\u00e9\uD83D\uDE00";
            String controls = "\u0001".repeat(100 * 1024);   // 100 KB that JSON escapes to 600 KB

            sink.writeAll(List.of(new RejectedRecord("p", "s", "seq=1", "not JSON", odd),
                    new RejectedRecord("p", "s", "seq=2", "not JSON", controls)));

            List<JsonNode> bodies = new ArrayList<>();
            for (Message m : drain(sqs, queue)) {
                bodies.add(JSON.readTree(m.body()));
            }
            assertThat(bodies).extracting(b -> b.path("position").asText()).containsExactlyInAnyOrder("seq=1", "seq=2");
            assertThat(bodies).filteredOn(b -> b.path("position").asText().equals("seq=1"))
                    .singleElement().satisfies(b -> assertThat(b.path("record").asText()).isEqualTo(odd));
            assertThat(bodies).filteredOn(b -> b.path("position").asText().equals("seq=2"))
                    .singleElement().satisfies(b -> assertThat(b.path("recordRef").asText()).startsWith("s3://"));
        }
    }

    @Test
    void id_isTheSameForTheSameCoordinates_andDiffersOtherwise() {
        RejectedRecord a = new RejectedRecord("p", "shardId-000000000000", "seq=1 sub=0", "bad", "{");
        RejectedRecord retried = new RejectedRecord("p", "shardId-000000000000", "seq=1 sub=0", "bad", "{");
        RejectedRecord other = new RejectedRecord("p", "shardId-000000000000", "seq=1 sub=1", "bad", "{");

        assertThat(SqsDeadLetterSink.id(a)).isEqualTo(SqsDeadLetterSink.id(retried))
                .isNotEqualTo(SqsDeadLetterSink.id(other));
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static List<RejectedRecord> rejects(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new RejectedRecord("gmv-total", "shardId-000000000001",
                "seq=" + i + " sub=0", "not JSON", "garbage " + i)).toList();
    }

    static List<Message> drain(SqsClient sqs, String queue) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                    .messageAttributeNames("All").waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle())));
            all.addAll(batch);
        }
    }

    /** Distinct dead-letter ids in the queue: each message's, and each line's of the bulk objects messages point to. */
    static Set<String> deadLetterIds(SqsClient sqs, S3Client s3, String queue) throws Exception {
        Set<String> ids = new HashSet<>();
        for (Message m : drain(sqs, queue)) {
            JsonNode body = JSON.readTree(m.body());
            assertThat(m.messageAttributes().get("id").stringValue()).isEqualTo(body.path("id").asText());
            if (!body.path("bulk").asBoolean()) {
                ids.add(body.path("id").asText());
                continue;
            }
            String ref = body.path("recordsRef").asText().substring("s3://".length());
            String bucket = ref.substring(0, ref.indexOf('/'));
            String key = ref.substring(ref.indexOf('/') + 1);
            List<String> lines = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String().lines().toList();
            assertThat(lines).hasSize(body.path("count").asInt());
            for (String line : lines) {
                ids.add(JSON.readTree(line).path("id").asText());
            }
        }
        return ids;
    }

    /** Reports the entries {@code fail} selects as failed (the queue got them: a resend is a duplicate by id). */
    static ExecutionInterceptor failing(java.util.function.Predicate<SendMessageBatchResultEntry> fail) {
        return new ExecutionInterceptor() {
            @Override
            public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
                if (!(context.response() instanceof SendMessageBatchResponse r)) {
                    return context.response();
                }
                List<SendMessageBatchResultEntry> ok = new ArrayList<>();
                List<BatchResultErrorEntry> failed = new ArrayList<>(r.failed());
                for (SendMessageBatchResultEntry e : r.successful()) {
                    if (fail.test(e)) {
                        failed.add(BatchResultErrorEntry.builder().id(e.id()).code("InternalError").senderFault(false)
                                .message("injected").build());
                    } else {
                        ok.add(e);
                    }
                }
                return r.toBuilder().successful(ok).failed(failed).build();
            }
        };
    }
}
