package io.sluice.functions.io.sqs;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.io.RecordSink;
import io.sluice.functions.runtime.RejectedRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The dead-letter sink: one SQS message per rejected record with its reason and coordinates
 * ({@code {"pipeline","split","position","reason","record"}}). SQS messages hold at most 256 KB, so a payload over
 * {@link #INLINE_LIMIT} bytes is stored in S3 under a key derived from its coordinates and the message carries
 * {@code "recordRef":"s3://bucket/key"} instead. Each message has the attribute {@code id}, a hash of pipeline, split
 * and position: the same on a retry, so consumers deduplicate by it (and a FIFO queue by its deduplication id).
 *
 * <pre>{@code
 * RecordSink<RejectedRecord> dlq = new SqsDeadLetterSink(sqs, queueUrl, s3, "sluice-dev-results", "dead-letters/");
 * }</pre>
 */
public final class SqsDeadLetterSink implements RecordSink<RejectedRecord> {

    /** Payload bytes kept in the message; the rest of the 256 KB is left for the envelope and escaping. */
    public static final int INLINE_LIMIT = 192 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SqsClient sqs;
    private final String queueUrl;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final boolean fifo;

    public SqsDeadLetterSink(SqsClient sqs, String queueUrl, S3Client s3, String bucket, String prefix) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.fifo = queueUrl.endsWith(".fifo");
    }

    @Override
    public void write(RejectedRecord record) {
        String id = id(record);
        ObjectNode body = JSON.createObjectNode()
                .put("id", id)
                .put("pipeline", record.pipeline())
                .put("split", record.split())
                .put("position", record.position())
                .put("reason", record.reason());
        String payload = record.record();
        if (payload != null && payload.length() > INLINE_LIMIT / 4
                && payload.getBytes(StandardCharsets.UTF_8).length > INLINE_LIMIT) {
            String key = prefix + record.pipeline() + "/" + id + ".txt";
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(payload, StandardCharsets.UTF_8));
            body.put("recordRef", "s3://" + bucket + "/" + key);
        } else {
            body.put("record", payload);
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(body.toString())
                .messageAttributes(Map.of("id", MessageAttributeValue.builder().dataType("String").stringValue(id).build()));
        if (fifo) {
            request.messageGroupId(record.split()).messageDeduplicationId(id);
        }
        sqs.sendMessage(request.build());
    }

    /** Deterministic id of a rejected record: SHA-256 of pipeline, split and position, hex. */
    public static String id(RejectedRecord record) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((record.pipeline() + '\n' + record.split() + '\n' + record.position())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE provides SHA-256", e);
        }
    }
}
