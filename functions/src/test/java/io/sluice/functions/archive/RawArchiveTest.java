package io.sluice.functions.archive;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The raw input archive on local AWS: by event-time day, each record once, whatever retries and crashes do. */
@ExtendWith(LocalAwsExtension.class)
class RawArchiveTest {

    private static final CompiledPipeline PIPELINE = CompiledPipeline.compile(GmvPipelines.byCategory());
    private static final long MIDNIGHT = Instant.parse("2026-11-11T00:00:00Z").toEpochMilli();

    private final String bucket = "archive-" + UUID.randomUUID();
    private final String table = "coordination-" + UUID.randomUUID();
    private S3Client s3;
    private DynamoDbClient dynamo;

    @BeforeEach
    void create(LocalAws aws) {
        s3 = aws.s3();
        dynamo = aws.dynamoDb();
        s3.createBucket(b -> b.bucket(bucket));
        dynamo.createTable(StateTables.createTableRequest(table));
    }

    @AfterEach
    void close() {
        dynamo.deleteTable(b -> b.tableName(table));
        s3.close();
        dynamo.close();
    }

    @Test
    void write_filesRecordsByEventTimeDay_asGzipJsonLinesUnderTheFirstSequenceNumber() throws IOException {
        RawArchive archive = new RawArchive(s3, bucket, dynamo, table, PIPELINE);

        // Two orders of the 10th's last second arriving after midnight, then one of the 11th, and a malformed line.
        archive.write(List.of(record(1, order(1, MIDNIGHT - 500)), record(2, order(2, MIDNIGHT - 1)),
                record(3, order(3, MIDNIGHT + 10)), record(4, "{not json")));

        assertThat(keys()).containsExactly(
                "archive/gmv-by-category/dt=2026-11-10/shardId-000000000000/" + seq(1) + ".jsonl.gz",
                "archive/gmv-by-category/dt=2026-11-11/shardId-000000000000/" + seq(1) + ".jsonl.gz");
        assertThat(lines("archive/gmv-by-category/dt=2026-11-10/")).containsExactly(order(1, MIDNIGHT - 500),
                order(2, MIDNIGHT - 1));
        // The malformed record is filed by its arrival (just after midnight) and stays input: the job rejects it too.
        assertThat(lines("archive/gmv-by-category/dt=2026-11-11/")).containsExactly(order(3, MIDNIGHT + 10), "{not json");
        assertThat(archive.objectsWritten()).isEqualTo(2);
    }

    @Test
    void retries_redeliveries_andRetriesFromTheMiddle_archiveEachRecordOnce() throws IOException {
        RawArchive archive = new RawArchive(s3, bucket, dynamo, table, PIPELINE);
        List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            batch.add(record(i, order(i, MIDNIGHT + i)));
        }
        archive.write(batch);
        archive.write(batch);                                   // redelivered whole
        archive.write(batch.subList(6, 10));                    // retried from a reported failure at the 7th
        List<KinesisEvent.KinesisEventRecord> next = new ArrayList<>(batch.subList(6, 10));
        next.add(record(11, order(11, MIDNIGHT + 11)));         // a retry that also carries a new record
        archive.write(next);

        assertThat(lines("archive/")).hasSize(11).doesNotHaveDuplicates();
    }

    @Test
    void aCrashBeforeTheFenceMoves_andAShorterRetry_leaveNoDuplicateAndNoGap() throws IOException {
        // The first attempt spans two days and dies after writing its objects, before confirming them.
        AtomicInteger updates = new AtomicInteger();
        DynamoDbClient crashing = (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("updateItem") && updates.incrementAndGet() == 2) {
                        throw new IllegalStateException("crash: the invocation timed out");
                    }
                    try {
                        return method.invoke(dynamo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            batch.add(record(i, order(i, MIDNIGHT - 4 + i)));   // 3 on the 10th, 3 on the 11th
        }
        assertThatThrownBy(() -> new RawArchive(s3, bucket, crashing, table, PIPELINE).write(batch))
                .hasMessageContaining("crash");

        // A new instance retries a bisected half (the 10th only), then the rest comes in a later batch.
        RawArchive retry = new RawArchive(s3, bucket, dynamo, table, PIPELINE);
        retry.write(batch.subList(0, 3));
        retry.write(batch.subList(3, 6));

        assertThat(lines("archive/gmv-by-category/dt=2026-11-10/")).hasSize(3);
        assertThat(lines("archive/gmv-by-category/dt=2026-11-11/")).hasSize(3).doesNotHaveDuplicates();
        assertThat(lines("archive/")).hasSize(6).doesNotHaveDuplicates();
    }

    private List<String> keys() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("archive/")).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    private List<String> lines(String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray();
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                lines.addAll(List.of(text.split("\n")));
            }
        }
        return lines;
    }

    private static String order(int i, long ts) {
        return new Order("o-" + i, "u-1", "c-" + (i % 3), 100 + i, ts).toJson();
    }

    private static String seq(int i) {
        return "4959" + String.format("%052d", i);
    }

    private static KinesisEvent.KinesisEventRecord record(int i, String data) {
        KinesisEvent.Record k = new KinesisEvent.Record();
        k.setSequenceNumber(seq(i));
        k.setPartitionKey("p-" + i);
        k.setData(ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
        k.setApproximateArrivalTimestamp(new Date(MIDNIGHT + 1_000));
        KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
        e.setKinesis(k);
        e.setEventID("shardId-000000000000:" + seq(i));
        e.setEventSource("aws:kinesis");
        return e;
    }
}
