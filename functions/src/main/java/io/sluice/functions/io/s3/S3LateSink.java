package io.sluice.functions.io.s3;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.LateRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The late-records side output: the late records of one batch of one split in one JSON-lines object (or a few, each
 * under {@link #OBJECT_BYTES}), one line per record,
 * {@code {"pipeline","split","position","ts","window_start_ms","window_end_ms","watermark","record"}}, at
 * {@code <prefix><pipeline>/<split>/<first position>--<last position>.jsonl}.
 *
 * <p>The key is the coordinates of its first and last record: a retry of the same batch writes the same objects
 * again, overwriting them. A retry over another range (the event source mapping bisecting a batch, a retry from the
 * first record not applied) writes objects of its own, so a record may be in two objects, never in none: count late
 * records by their distinct {@code (split, position)}, not by lines.
 *
 * <pre>{@code
 * RecordSink<LateRecord> late = new S3LateSink(s3, "sluice-dev-results", "late/");
 * // late/gmv-by-category/shardId-000000000000/seq_4959...898_sub_0--seq_4959...911_sub_0.jsonl
 * }</pre>
 */
public final class S3LateSink implements RecordSink<LateRecord> {

    /** Bytes per object, at most (one record over it makes an object of its own). */
    public static final int OBJECT_BYTES = 8 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int objectBytes;

    public S3LateSink(S3Client s3, String bucket, String prefix) {
        this(s3, bucket, prefix, OBJECT_BYTES);
    }

    /** @param objectBytes the size bound of an object (tests) */
    public S3LateSink(S3Client s3, String bucket, String prefix, int objectBytes) {
        if (objectBytes < 1) {
            throw new IllegalArgumentException("objectBytes must be >= 1 but was " + objectBytes);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.objectBytes = objectBytes;
    }

    @Override
    public void write(LateRecord record) {
        writeAll(List.of(record));
    }

    /** One object per run of records that fits {@link #OBJECT_BYTES}; the records are one split's, in order. */
    @Override
    public void writeAll(List<LateRecord> records) {
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        LateRecord first = null;
        LateRecord last = null;
        for (LateRecord record : records) {
            byte[] line = line(record);
            if (first != null && object.size() + line.length > objectBytes) {
                put(first, last, object.toByteArray());
                object.reset();
                first = null;
            }
            if (first == null) {
                first = record;
            }
            last = record;
            object.writeBytes(line);
        }
        if (first != null) {
            put(first, last, object.toByteArray());
        }
    }

    /** Deterministic key of the object holding the records {@code first} to {@code last} of one split. */
    public String key(LateRecord first, LateRecord last) {
        return prefix + first.pipeline() + "/" + safe(first.split()) + "/" + safe(first.position()) + "--"
                + safe(last.position()) + ".jsonl";
    }

    private void put(LateRecord first, LateRecord last, byte[] body) {
        s3.putObject(b -> b.bucket(bucket).key(key(first, last)).contentType("application/x-ndjson"),
                RequestBody.fromBytes(body));
    }

    private static byte[] line(LateRecord record) {
        ObjectNode body = JSON.createObjectNode()
                .put("pipeline", record.pipeline())
                .put("split", record.split())
                .put("position", record.position())
                .put("ts", record.timestamp())
                .put("window_start_ms", record.windowStart())
                .put("window_end_ms", record.windowEnd())
                .put("watermark", record.watermark())
                .put("record", record.record());
        return (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isLetterOrDigit(c) || c == '-' || c == '.' ? c : '_');
        }
        return b.toString();
    }
}
