package io.sluice.functions.io.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

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
                    "record exceeds 262144 bytes", payload);

            // Act
            sink.write(rejected);

            // Assert
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();
            assertThat(messages).hasSize(1);
            JsonNode body = JsonMapper.builder().build().readTree(messages.get(0).body());
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
    void id_isTheSameForTheSameCoordinates_andDiffersOtherwise() {
        RejectedRecord a = new RejectedRecord("p", "shardId-000000000000", "seq=1 sub=0", "bad", "{");
        RejectedRecord retried = new RejectedRecord("p", "shardId-000000000000", "seq=1 sub=0", "bad", "{");
        RejectedRecord other = new RejectedRecord("p", "shardId-000000000000", "seq=1 sub=1", "bad", "{");

        assertThat(SqsDeadLetterSink.id(a)).isEqualTo(SqsDeadLetterSink.id(retried))
                .isNotEqualTo(SqsDeadLetterSink.id(other));
    }
}
