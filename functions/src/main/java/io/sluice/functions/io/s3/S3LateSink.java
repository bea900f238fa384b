package io.sluice.functions.io.s3;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.LateRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;

/**
 * The late-records side output: one small JSON object per late record at
 * {@code <prefix><pipeline>/<split>/<position>.json}. The key is the record's coordinates, so a retried batch
 * overwrites instead of adding, and counting objects counts late records exactly once.
 *
 * <pre>{@code
 * RecordSink<LateRecord> late = new S3LateSink(s3, "sluice-dev-results", "late/");
 * // late/gmv-by-category/shardId-000000000000/seq_4959...898_sub_0.json
 * }</pre>
 */
public final class S3LateSink implements RecordSink<LateRecord> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3LateSink(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    @Override
    public void write(LateRecord record) {
        ObjectNode body = JSON.createObjectNode()
                .put("pipeline", record.pipeline())
                .put("split", record.split())
                .put("position", record.position())
                .put("ts", record.timestamp())
                .put("window_start_ms", record.windowStart())
                .put("window_end_ms", record.windowEnd())
                .put("watermark", record.watermark())
                .put("record", record.record());
        s3.putObject(b -> b.bucket(bucket).key(key(record)).contentType("application/json"),
                RequestBody.fromBytes(body.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Deterministic key of {@code record}. */
    public String key(LateRecord record) {
        return prefix + record.pipeline() + "/" + safe(record.split()) + "/" + safe(record.position()) + ".json";
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
