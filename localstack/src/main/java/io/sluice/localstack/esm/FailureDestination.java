package io.sluice.localstack.esm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The on-failure destination: for each batch given up on, one SQS message shaped like Lambda's
 * invocation record ({@code requestContext.condition}, {@code KinesisBatchInfo} with shard, first and
 * last sequence numbers, arrival times, batch size and stream ARN). As on Lambda it carries the
 * coordinates, not the payload: read the records from the stream with them. A local extra field,
 * {@code errorMessage}, says why the last attempt failed.
 */
final class FailureDestination {
    private static final System.Logger LOG = System.getLogger(FailureDestination.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why records were given up on; Lambda's {@code condition} values. */
    enum Condition { RetryAttemptsExhausted, RecordAgeExceeded }

    private final SqsClient sqs;
    private final String destination;
    private volatile String queueUrl;

    FailureDestination(SqsClient sqs, String destination) {
        this.sqs = sqs;
        this.destination = destination;
    }

    void send(List<Record> records, Condition condition, String error, int invokeCount,
              String shardId, String streamArn, String functionArn) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode req = msg.putObject("requestContext");
        req.put("requestId", UUID.randomUUID().toString());
        req.put("functionArn", functionArn);
        req.put("condition", condition.name());
        req.put("approximateInvokeCount", invokeCount);
        ObjectNode resp = msg.putObject("responseContext");
        resp.put("statusCode", 200);
        resp.put("executedVersion", "$LATEST");
        resp.put("functionError", condition == Condition.RetryAttemptsExhausted ? "Unhandled" : null);
        msg.put("version", "1.0");
        msg.put("timestamp", Instant.now().toString());
        ObjectNode info = msg.putObject("KinesisBatchInfo");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", records.get(0).sequenceNumber());
        info.put("endSequenceNumber", records.get(records.size() - 1).sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", String.valueOf(records.get(0).approximateArrivalTimestamp()));
        info.put("approximateArrivalOfLastRecord", String.valueOf(records.get(records.size() - 1).approximateArrivalTimestamp()));
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        msg.put("errorMessage", error);
        String body = msg.toString();
        if (destination == null) {
            LOG.log(Level.WARNING, "No on-failure destination: discarding failed batch " + body);
            return;
        }
        sqs.sendMessage(b -> b.queueUrl(queueUrl()).messageBody(body));
        LOG.log(Level.INFO, "Failed batch to destination. shard=[" + shardId + "] seq=[" + records.get(0).sequenceNumber()
                + ".." + records.get(records.size() - 1).sequenceNumber() + "] size=" + records.size() + " condition=" + condition);
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
