package io.sluice.functions.archive;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.io.kinesis.KinesisRecordBatch;
import io.sluice.functions.io.kinesis.KinesisShards;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.state.Fence;
import io.sluice.state.coordination.CoordinationKeys;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * The raw input archive: every record that reaches the live pipeline, also kept in S3 by event-time day (UTC), as
 * gzip JSON lines the batch coordinator reads with a prefix input:
 * {@code s3://<bucket>/archive/<pipeline>/dt=2026-11-11/<shard id>/<first sequence number>.jsonl.gz}.
 *
 * <p><b>Exactly once across retries.</b> Each shard has an archive fence in the coordination table
 * ({@code pk = archive:<pipeline>}, see {@link CoordinationKeys}, {@code sk = <shard id>}, {@code seq} = the last archived sequence number as a
 * {@link Fence#encoded()} string, {@code pending} = the keys of an attempt not yet confirmed). A batch archives only
 * its records after the fence, under keys named by the first of them, then moves the fence to its last record under
 * a condition on the old value. A retried attempt starts at the same first record (Kinesis order, one invocation per
 * shard at a time: {@code ParallelizationFactor: 1}), so it overwrites the same keys; keys a longer earlier attempt
 * wrote that this one does not (its tail reached a later day) are in {@code pending} and deleted before the fence
 * moves. So every record is in exactly one object once its batch is confirmed, and the operator processes a batch
 * only after its records are archived.
 *
 * <p>The day is the event time the pipeline stamps ({@link CompiledPipeline#eventTime}); a record without one
 * (malformed) is filed by its arrival time. Records for yesterday's windows that arrive after midnight are thus in
 * yesterday's prefix, which the nightly job reads once the allowed lateness has passed.
 *
 * <pre>{@code
 * RawArchive archive = new RawArchive(s3, "sluice-prod-data-...", dynamo, "sluice-prod-coordination", compiled);
 * archive.write(event.getRecords());   // before the operator processes them
 * }</pre>
 */
public final class RawArchive {

    private final S3Client s3;
    private final String bucket;
    private final DynamoDbClient dynamo;
    private final String coordinationTable;
    private final CompiledPipeline pipeline;
    private long objectsWritten;
    private long recordsArchived;

    public RawArchive(S3Client s3, String bucket, DynamoDbClient dynamo, String coordinationTable,
                      CompiledPipeline pipeline) {
        this.s3 = s3;
        this.bucket = bucket;
        this.dynamo = dynamo;
        this.coordinationTable = coordinationTable;
        this.pipeline = pipeline;
    }

    /** The prefix of one day's archive, a job input: {@code archive/<pipeline>/dt=<day>/}. */
    public static String dayPrefix(String pipeline, LocalDate day) {
        return "archive/" + pipeline + "/dt=" + day + "/";
    }

    /**
     * Archives the records of an event (any shards) that are after their shard's archive fence.
     *
     * @throws RuntimeException if S3 or DynamoDB fails, or another writer moved the fence: the caller fails the
     *                          batch, which is retried, and nothing of it has been processed
     */
    public synchronized void write(List<KinesisEvent.KinesisEventRecord> records) {
        KinesisShards.byShard(records).forEach(this::writeShard);
    }

    /** Objects put since this instance was made (for the cost measurement). */
    public synchronized long objectsWritten() {
        return objectsWritten;
    }

    /** Records archived since this instance was made. */
    public synchronized long recordsArchived() {
        return recordsArchived;
    }

    private void writeShard(String shard, List<KinesisEvent.KinesisEventRecord> records) {
        Map<String, AttributeValue> item = readFence(shard);
        Fence fence = item.containsKey("seq") ? Fence.decode(item.get("seq").s()) : Fence.NONE;
        List<KinesisEvent.KinesisEventRecord> fresh = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : records) {
            if (r.getKinesis() != null && r.getKinesis().getSequenceNumber() != null
                    && Fence.of(r.getKinesis().getSequenceNumber()).isAfter(fence)) {
                fresh.add(r);
            }
        }
        if (fresh.isEmpty()) {
            return;   // a retry of records already archived
        }
        String first = fresh.get(0).getKinesis().getSequenceNumber();
        Fence last = Fence.of(fresh.get(fresh.size() - 1).getKinesis().getSequenceNumber());
        Map<String, ByteArrayOutputStream> objects = objects(shard, first, fresh);
        Set<String> pending = new TreeSet<>(objects.keySet());
        if (item.containsKey("pending") && first.equals(item.get("pendingFirst").s())) {
            pending.addAll(item.get("pending").ss());
        }
        // 1. Announce this attempt's keys, 2. write them, 3. delete what a longer earlier attempt left, 4. move on.
        update(shard, fence, "SET pending = :keys, pendingFirst = :first",
                Map.of(":keys", AttributeValue.fromSs(List.copyOf(pending)), ":first", AttributeValue.fromS(first)));
        objects.forEach((key, bytes) -> s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson")
                .contentEncoding("gzip"), RequestBody.fromBytes(bytes.toByteArray())));
        for (String stale : pending) {
            if (!objects.containsKey(stale)) {
                s3.deleteObject(b -> b.bucket(bucket).key(stale));
            }
        }
        update(shard, fence, "SET seq = :last REMOVE pending, pendingFirst",
                Map.of(":last", AttributeValue.fromS(last.encoded())));
        objectsWritten += objects.size();
        recordsArchived += fresh.size();
    }

    // One gzip JSON-lines object per event-time day, KPL aggregates de-aggregated, each user record a line.
    private Map<String, ByteArrayOutputStream> objects(String shard, String first,
                                                       List<KinesisEvent.KinesisEventRecord> fresh) {
        Map<LocalDate, OutputStream> zips = new TreeMap<>();
        Map<String, ByteArrayOutputStream> objects = new TreeMap<>();
        KinesisRecordBatch batch = KinesisRecordBatch.of(fresh, (r, reason) -> { });   // undecodable: not input
        Map<String, Long> arrivals = new HashMap<>();
        for (KinesisEvent.KinesisEventRecord r : fresh) {
            arrivals.put(r.getKinesis().getSequenceNumber(), r.getKinesis().getApproximateArrivalTimestamp() == null
                    ? 0L : r.getKinesis().getApproximateArrivalTimestamp().getTime());
        }
        try {
            for (int i = 0; i < batch.size(); i++) {
                OptionalLong ts = pipeline.eventTime(batch.buffer(i), batch.offset(i), batch.length(i));
                long when = ts.isPresent() ? ts.getAsLong() : arrivals.getOrDefault(batch.sequenceNumber(i), 0L);
                LocalDate day = Instant.ofEpochMilli(when).atOffset(ZoneOffset.UTC).toLocalDate();
                OutputStream out = zips.get(day);
                if (out == null) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    objects.put(dayPrefix(pipeline.name(), day) + shard + "/" + first + ".jsonl.gz", bytes);
                    out = new GZIPOutputStream(bytes);
                    zips.put(day, out);
                }
                out.write(batch.buffer(i), batch.offset(i), batch.length(i));
                out.write('\n');
            }
            for (OutputStream out : zips.values()) {
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    // One consistent read per shard and batch: the fence and any pending keys of an unconfirmed attempt.
    private Map<String, AttributeValue> readFence(String shard) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(coordinationTable).key(key(shard))
                .consistentRead(true)).item();
        return item == null ? Map.of() : item;
    }

    private void update(String shard, Fence expected, String expression, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        String condition;
        if (expected == Fence.NONE) {
            condition = "attribute_not_exists(seq)";
        } else {
            condition = "seq = :expected";
            all.put(":expected", AttributeValue.fromS(expected.encoded()));
        }
        try {
            dynamo.updateItem(b -> b.tableName(coordinationTable).key(key(shard)).updateExpression(expression)
                    .conditionExpression(condition).expressionAttributeValues(all));
        } catch (ConditionalCheckFailedException moved) {
            throw new IllegalStateException("archive fence of " + shard + " moved past " + expected.sequenceNumber()
                    + " under this writer (another invocation on the shard?); the batch is retried", moved);
        }
    }

    private Map<String, AttributeValue> key(String shard) {
        return Map.of("pk", AttributeValue.fromS(CoordinationKeys.archivePk(pipeline.name())), "sk", AttributeValue.fromS(shard));
    }
}
