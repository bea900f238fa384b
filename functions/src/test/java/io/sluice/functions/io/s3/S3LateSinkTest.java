package io.sluice.functions.io.s3;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.io.CallCounter;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalAwsExtension.class)
class S3LateSinkTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void writeAll_writesABatchOf1000LateRecordsAsOneObject_thatARetryOverwrites(LocalAws aws) throws Exception {
        CallCounter counter = new CallCounter();
        try (S3Client s3 = counter.s3(aws)) {
            // Arrange
            String bucket = "late-" + UUID.randomUUID().toString().substring(0, 8);
            s3.createBucket(b -> b.bucket(bucket));
            S3LateSink sink = new S3LateSink(s3, bucket, "late/");
            List<LateRecord> records = late(1_000);
            counter.reset();

            // Act: the batch, then its retry
            sink.writeAll(records);
            sink.writeAll(records);

            // Assert
            assertThat(counter.all()).containsOnlyKeys("PutObject").containsEntry("PutObject", 2);
            assertThat(positions(s3, bucket)).hasSize(1_000).doesNotHaveDuplicates()
                    .containsExactlyElementsOf(records.stream().map(LateRecord::position).toList());
            assertThat(keys(s3, bucket)).containsExactly(
                    "late/gmv-total/shardId-000000000001/seq_1_sub_0--seq_1000_sub_0.jsonl");
        }
    }

    @Test
    void writeAll_splitsABatchIntoObjectsUnderTheSizeBound_inOrder(LocalAws aws) throws Exception {
        try (S3Client s3 = aws.s3()) {
            String bucket = "late-" + UUID.randomUUID().toString().substring(0, 8);
            s3.createBucket(b -> b.bucket(bucket));
            S3LateSink sink = new S3LateSink(s3, bucket, "late/", 4 * 1024);
            List<LateRecord> records = late(100);

            sink.writeAll(records);

            List<String> keys = keys(s3, bucket);
            assertThat(keys).hasSizeGreaterThan(1);
            for (String key : keys) {
                assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength()).isLessThanOrEqualTo(4 * 1024);
            }
            assertThat(positions(s3, bucket)).containsExactlyInAnyOrderElementsOf(
                    records.stream().map(LateRecord::position).toList());
        }
    }

    static List<LateRecord> late(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new LateRecord("gmv-total", "shardId-000000000001",
                "seq=" + i + " sub=0", 1_000L * i, 0, 10_000, 600_000, "{\"amount\":" + i + "}")).toList();
    }

    private static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    /** Every line's position, object after object. */
    private static List<String> positions(S3Client s3, String bucket) throws Exception {
        List<String> positions = new ArrayList<>();
        for (String key : keys(s3, bucket)) {
            for (String line : s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String().lines().toList()) {
                positions.add(JSON.readTree(line).path("position").asText());
            }
        }
        return positions;
    }
}
