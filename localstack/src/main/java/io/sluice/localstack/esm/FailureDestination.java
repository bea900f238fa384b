package io.sluice.localstack.esm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The on-failure destination (SQS): for each batch given up on, one message with Lambda's invocation record for a
 * Kinesis source, field by field as the guide documents it ("Retain discarded batch records for a Kinesis Data
 * Streams event source in Lambda"; see {@link #record}). As on Lambda it carries coordinates, not payloads: read the
 * records from the stream with them.
 */
final class FailureDestination {
    private static final System.Logger LOG = System.getLogger(FailureDestination.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lambda writes times with milliseconds, in UTC: {@code 2019-11-14T00:38:06.021Z}. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Why records were given up on; Lambda's {@code condition} values. */
    enum Condition { RetryAttemptsExhausted, RecordAgeExceeded }

    /**
     * How the last invocation of the batch failed, which sets {@code responseContext.functionError}: "Unhandled"
     * for an exception or a timeout; null when the function returned (batch item failures, or an unusable
     * batchItemFailures answer).
     */
    enum LastFailure { FUNCTION_ERROR, RETURNED_FAILURE }

    private final SqsClient sqs;
    private final String destination;
    private final Clock clock;
    private volatile String queueUrl;

    FailureDestination(SqsClient sqs, String destination, Clock clock) {
        this.sqs = sqs;
        this.destination = destination;
        this.clock = clock;
    }

    /**
     * Lambda's record, in its field order:
     * <pre>{@code
     * {"requestContext":{"requestId":"...","functionArn":"arn:aws:lambda:...:function:f",
     *                    "condition":"RetryAttemptsExhausted","approximateInvokeCount":4},
     *  "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
     *  "version":"1.0","timestamp":"2019-11-14T00:38:06.021Z",
     *  "KinesisBatchInfo":{"shardId":"shardId-000000000001","startSequenceNumber":"...","endSequenceNumber":"...",
     *                      "approximateArrivalOfFirstRecord":"2019-11-14T00:38:04.835Z",
     *                      "approximateArrivalOfLastRecord":"2019-11-14T00:38:05.580Z","batchSize":500,
     *                      "streamArn":"arn:aws:kinesis:...:stream/mystream"}}
     * }</pre>
     * A record-age expiry has no {@code responseContext}; {@code approximateInvokeCount} is at least 1.
     *
     * @param lastFailure how the last invocation failed; ignored for {@link Condition#RecordAgeExceeded}
     */
    String record(List<Record> records, Condition condition, LastFailure lastFailure, int invokeCount,
                  String shardId, String streamArn, String functionArn) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode req = msg.putObject("requestContext");
        req.put("requestId", UUID.randomUUID().toString());
        req.put("functionArn", functionArn);
        req.put("condition", condition.name());
        req.put("approximateInvokeCount", Math.max(1, invokeCount));
        if (condition == Condition.RetryAttemptsExhausted) {
            ObjectNode resp = msg.putObject("responseContext");
            resp.put("statusCode", 200);
            resp.put("executedVersion", "$LATEST");
            resp.put("functionError", lastFailure == LastFailure.FUNCTION_ERROR ? "Unhandled" : null);
        }
        msg.put("version", "1.0");
        msg.put("timestamp", TIME.format(clock.instant()));
        ObjectNode info = msg.putObject("KinesisBatchInfo");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", records.get(0).sequenceNumber());
        info.put("endSequenceNumber", records.get(records.size() - 1).sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", time(records.get(0).approximateArrivalTimestamp()));
        info.put("approximateArrivalOfLastRecord", time(records.get(records.size() - 1).approximateArrivalTimestamp()));
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        return msg.toString();
    }

    private static String time(Instant t) {
        return t == null ? null : TIME.format(t);
    }

    void send(List<Record> records, Condition condition, LastFailure lastFailure, String lastError, int invokeCount,
              String shardId, String streamArn, String functionArn) {
        String body = record(records, condition, lastFailure, invokeCount, shardId, streamArn, functionArn);
        String where = "shard=[" + shardId + "] seq=[" + records.get(0).sequenceNumber() + ".."
                + records.get(records.size() - 1).sequenceNumber() + "] size=" + records.size() + " condition="
                + condition + " lastError=[" + lastError + "]";
        if (destination == null) {
            LOG.log(Level.WARNING, "No on-failure destination: discarding failed batch. " + where + " record=" + body);
            return;
        }
        sqs.sendMessage(b -> b.queueUrl(queueUrl()).messageBody(body));
        LOG.log(Level.INFO, "Failed batch to destination. " + where);
    }

    private String queueUrl() {
        if (queueUrl == null) {
            if (destination.startsWith("http://") || destination.startsWith("https://")) {
                queueUrl = destination;
            } else {
                // arn:aws:sqs:region:account:name; the local account id differs by engine, so look up by name.
                String name = destination.substring(destination.lastIndexOf(':') + 1);
                queueUrl = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            }
        }
        return queueUrl;
    }
}
