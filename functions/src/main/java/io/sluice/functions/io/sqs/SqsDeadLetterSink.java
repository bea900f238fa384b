package io.sluice.functions.io.sqs;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.RejectedRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dead-letter sink: one SQS message per rejected record with its reason and coordinates
 * ({@code {"id","pipeline","split","position","reason","record"}}), sent ten to a {@code SendMessageBatch} call.
 *
 * <ul>
 *   <li><b>Ids.</b> Each message has {@code id} (body and attribute), a hash of pipeline, split and position: the same
 *       on a retry, so consumers deduplicate by it (and a FIFO queue by its deduplication id).</li>
 *   <li><b>Size.</b> A message and a batch call hold at most 256 KB ({@link #MESSAGE_BYTES}); a body over it keeps
 *       its payload in S3 at {@code <prefix><pipeline>/<id>.txt} and carries {@code "recordRef":"s3://bucket/key"}.
 *       Bodies are ASCII (JSON escapes), so no character of a record makes SQS refuse the message.</li>
 *   <li><b>Per-batch bound.</b> The first {@code messagesPerBatch} (default {@value #MESSAGES_PER_BATCH}) records of
 *       one batch of one split get a message each; the rest are not dropped: they go, as JSON lines of the same
 *       envelope, into S3 objects of at most {@link #BULK_OBJECT_BYTES} at
 *       {@code <prefix><pipeline>/bulk/<id>.jsonl}, each announced by one message
 *       {@code {"id","pipeline","split","bulk":true,"count","firstPosition","lastPosition","recordsRef"}} (its id a
 *       hash of pipeline, split and the two positions), one WARNING log line with those coordinates, and the count in
 *       {@link #inBulk()} (the EMF metric {@code DeadLettersInBulk} of the operator and the batch function). So a batch of
 *       1,000 garbage lines costs about 12 calls instead of 1,000, and every dead letter is still in the queue or in
 *       an object a message points to: count them as distinct ids over messages and bulk lines.</li>
 *   <li><b>Failures.</b> Entries a batch call reports failed are sent again, up to {@value #ATTEMPTS} attempts; then
 *       the write fails and so does the batch, which is retried (what was sent is sent again under the same ids).</li>
 * </ul>
 *
 * <pre>{@code
 * RecordSink<RejectedRecord> dlq = new SqsDeadLetterSink(sqs, queueUrl, s3, "sluice-dev-results", "dead-letters/");
 * }</pre>
 */
public final class SqsDeadLetterSink implements RecordSink<RejectedRecord> {

    private static final System.Logger LOG = System.getLogger(SqsDeadLetterSink.class.getName());
    /** SQS's limit on a message and on a batch call, bodies and attributes together. */
    public static final int MESSAGE_BYTES = 256 * 1024;
    /** Individual messages per batch of one split; the rest go to bulk objects. */
    public static final int MESSAGES_PER_BATCH = 100;
    /** Bytes of one bulk object, at most (one record over it makes an object of its own). */
    public static final int BULK_OBJECT_BYTES = 8 * 1024 * 1024;
    static final int ATTEMPTS = 3;
    /** Entries per SendMessageBatch call (the SQS limit). */
    private static final int ENTRIES_PER_CALL = 10;
    /** Room left for the {@code id} attribute (name, type and 64 hex digits) and accounting slack. */
    private static final int ATTRIBUTE_ROOM = 1024;
    /** ASCII bodies: SQS refuses some characters (U+FFFE, U+FFFF, most controls) that a record may hold. */
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private final SqsClient sqs;
    private final String queueUrl;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int messagesPerBatch;
    private final SqsBatchSender sender;
    private final LongAdder inBulk = new LongAdder();

    public SqsDeadLetterSink(SqsClient sqs, String queueUrl, S3Client s3, String bucket, String prefix) {
        this(sqs, queueUrl, s3, bucket, prefix, MESSAGES_PER_BATCH);
    }

    /** @param messagesPerBatch individual messages per batch of one split, the rest in bulk objects; 0 or more */
    public SqsDeadLetterSink(SqsClient sqs, String queueUrl, S3Client s3, String bucket, String prefix,
                             int messagesPerBatch) {
        if (messagesPerBatch < 0) {
            throw new IllegalArgumentException("messagesPerBatch must be >= 0 but was " + messagesPerBatch);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.messagesPerBatch = messagesPerBatch;
        this.sender = new SqsBatchSender(sqs, queueUrl, MESSAGE_BYTES, ENTRIES_PER_CALL, ATTEMPTS);
    }

    @Override
    public void write(RejectedRecord record) {
        writeAll(List.of(record));
    }

    /** The records of one batch of one split: the first {@code messagesPerBatch} as messages, the rest in bulk. */
    @Override
    public void writeAll(List<RejectedRecord> records) {
        int individual = Math.min(records.size(), messagesPerBatch);
        List<SqsBatchSender.Message> messages = new ArrayList<>(individual + 1);
        for (RejectedRecord record : records.subList(0, individual)) {
            messages.add(message(record));
        }
        if (individual < records.size()) {
            messages.addAll(bulk(records.subList(individual, records.size())));
        }
        sender.send(messages);
    }

    /** Dead letters written to bulk objects rather than as messages of their own, since this sink was built. */
    public long inBulk() {
        return inBulk.sum();
    }

    private SqsBatchSender.Message message(RejectedRecord record) {
        String id = id(record);
        ObjectNode body = envelope(record, id).put("record", record.record());
        String text = body.toString();
        if (text.length() + ATTRIBUTE_ROOM > MESSAGE_BYTES) {
            // Over SQS's limit (ASCII: one byte a char): the payload waits in S3, the message points to it.
            String key = prefix + record.pipeline() + "/" + id + ".txt";
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(record.record(), StandardCharsets.UTF_8));
            text = envelope(record, id).put("recordRef", "s3://" + bucket + "/" + key).toString();
        }
        return new SqsBatchSender.Message(id, record.split(), text);
    }

    /** Bulk objects of the records past the bound, each with the message that announces it. */
    private List<SqsBatchSender.Message> bulk(List<RejectedRecord> records) {
        List<SqsBatchSender.Message> announcements = new ArrayList<>();
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i < records.size(); i++) {
            RejectedRecord record = records.get(i);
            byte[] line = (envelope(record, id(record)).put("record", record.record()) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            if (i > from && object.size() + line.length > BULK_OBJECT_BYTES) {
                announcements.add(putBulk(records.subList(from, i), object.toByteArray()));
                object.reset();
                from = i;
            }
            object.writeBytes(line);
        }
        announcements.add(putBulk(records.subList(from, records.size()), object.toByteArray()));
        return announcements;
    }

    private SqsBatchSender.Message putBulk(List<RejectedRecord> records, byte[] lines) {
        RejectedRecord first = records.get(0);
        RejectedRecord last = records.get(records.size() - 1);
        String id = hash(first.pipeline() + '\n' + first.split() + '\n' + first.position() + '\n' + last.position());
        String key = prefix + first.pipeline() + "/bulk/" + id + ".jsonl";
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"), RequestBody.fromBytes(lines));
        inBulk.add(records.size());
        LOG.log(Level.WARNING, "Dead letters over the per-batch bound written in bulk. pipeline=[{0}] split=[{1}] "
                        + "from=[{2}] to=[{3}] count=[{4}] ref=[s3://{5}/{6}]", first.pipeline(), first.split(),
                first.position(), last.position(), Integer.toString(records.size()), bucket, key);
        ObjectNode body = JSON.createObjectNode()
                .put("id", id)
                .put("pipeline", first.pipeline())
                .put("split", first.split())
                .put("bulk", true)
                .put("count", records.size())
                .put("firstPosition", first.position())
                .put("lastPosition", last.position())
                .put("recordsRef", "s3://" + bucket + "/" + key);
        return new SqsBatchSender.Message(id, first.split(), body.toString());
    }

    private static ObjectNode envelope(RejectedRecord record, String id) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("pipeline", record.pipeline())
                .put("split", record.split())
                .put("position", record.position())
                .put("reason", record.reason());
    }

    /** Deterministic id of a rejected record: SHA-256 of pipeline, split and position, hex. */
    public static String id(RejectedRecord record) {
        return hash(record.pipeline() + '\n' + record.split() + '\n' + record.position());
    }

    private static String hash(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE provides SHA-256", e);
        }
    }
}
