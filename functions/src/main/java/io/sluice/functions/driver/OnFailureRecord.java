package io.sluice.functions.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigInteger;
import java.util.Objects;

/**
 * The coordinates of a Kinesis batch an event source mapping gave up on, from the record Lambda sends to the on-failure
 * destination ("Retain discarded batch records for a Kinesis Data Streams event source in Lambda"): only
 * {@code KinesisBatchInfo} is read; {@code requestContext.condition} says why.
 *
 * <pre>{@code
 * OnFailureRecord r = OnFailureRecord.parse(message.body());
 * // {"requestContext":{"condition":"RetryAttemptsExhausted",...},"KinesisBatchInfo":{"shardId":"shardId-000000000001",
 * //  "startSequenceNumber":"4959...","endSequenceNumber":"4959...","batchSize":500,"streamArn":"arn:aws:kinesis:..."}}
 * }</pre>
 *
 * @param shardId the shard
 * @param startSequenceNumber the batch's first record
 * @param endSequenceNumber the batch's last record
 * @param streamArn the stream
 * @param batchSize records in the batch (as Lambda counts them: Kinesis records, not lines)
 * @param condition {@code RetryAttemptsExhausted} or {@code RecordAgeExceeded} (empty when absent)
 */
public record OnFailureRecord(String shardId, String startSequenceNumber, String endSequenceNumber, String streamArn,
                              long batchSize, String condition) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Far more than Lambda's record (about 700 bytes): a longer message is not one. */
    static final int MAX_BYTES = 64 * 1024;

    public OnFailureRecord {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(streamArn, "streamArn");
        Objects.requireNonNull(condition, "condition");
        BigInteger start = decimal("startSequenceNumber", startSequenceNumber);
        BigInteger end = decimal("endSequenceNumber", endSequenceNumber);
        if (start.compareTo(end) > 0) {
            throw new IllegalArgumentException("startSequenceNumber [" + startSequenceNumber
                    + "] is after endSequenceNumber [" + endSequenceNumber + "]");
        }
    }

    /**
     * Reads Lambda's on-failure record for a Kinesis source.
     *
     * @throws IllegalArgumentException if {@code json} is not one (another message of the queue, such as a dead
     *     letter; not JSON; a missing or malformed field), with a message naming what is wrong
     */
    public static OnFailureRecord parse(String json) {
        if (json == null || json.length() > MAX_BYTES) {
            throw new IllegalArgumentException("not an on-failure record: " + (json == null ? "no body"
                    : "longer than " + MAX_BYTES + " characters"));
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an on-failure record: not JSON");
        }
        JsonNode info = root == null ? null : root.get("KinesisBatchInfo");
        if (info == null || !info.isObject()) {
            throw new IllegalArgumentException("not an on-failure record of a Kinesis source: no KinesisBatchInfo");
        }
        JsonNode condition = root.path("requestContext").path("condition");
        return new OnFailureRecord(text(info, "shardId"), text(info, "startSequenceNumber"),
                text(info, "endSequenceNumber"), text(info, "streamArn"), info.path("batchSize").asLong(0),
                condition.isTextual() ? condition.asText() : "");
    }

    /** {@code shard [..] seq [start..end]}: how reports name the range. */
    public String describe() {
        return "shard=[" + shardId + "] seq=[" + startSequenceNumber + ".." + endSequenceNumber + "]";
    }

    private static String text(JsonNode info, String field) {
        JsonNode v = info.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("on-failure record without KinesisBatchInfo." + field);
        }
        return v.asText();
    }

    private static BigInteger decimal(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.length() > 129 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("on-failure record's " + field + " is not a sequence number");
        }
        return new BigInteger(value);
    }
}
