package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JSON of a Kinesis invocation as the event source mapping sends it to a function, and the partial batch response
 * a function writes back: what a {@code RequestStreamHandler} reads and writes on Lambda.
 *
 * <pre>{@code
 * {"Records":[{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"1","sequenceNumber":"4959...","data":"SGVs...",
 *  "approximateArrivalTimestamp":1545084650.987},"eventSource":"aws:kinesis","eventVersion":"1.0",
 *  "eventID":"shardId-000000000006:4959...","eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::...",
 *  "awsRegion":"us-east-2","eventSourceARN":"arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"}]}
 * {"batchItemFailures":[{"itemIdentifier":"4959..."}]}
 * }</pre>
 *
 * Field order and number format follow the Lambda guide's example event: data base64, arrival time in epoch seconds
 * with milliseconds; {@link KinesisEvents#jsonBytes} counts exactly these bytes for the 6 MB payload cap.
 */
public final class KinesisEventJson {

    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private KinesisEventJson() {
    }

    /**
     * Writes {@code event} as the event source mapping sends it.
     *
     * @throws UncheckedIOException if {@code out} fails
     */
    public static void write(KinesisEvent event, OutputStream out) {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName("Records");
            g.writeStartArray();
            for (KinesisEvent.KinesisEventRecord r : event.getRecords() == null
                    ? List.<KinesisEvent.KinesisEventRecord>of() : event.getRecords()) {
                g.writeStartObject();
                KinesisEvent.Record k = r.getKinesis();
                g.writeFieldName("kinesis");
                if (k == null) {
                    g.writeNull();
                } else {
                    g.writeStartObject();
                    g.writeStringField("kinesisSchemaVersion", k.getKinesisSchemaVersion());
                    g.writeStringField("partitionKey", k.getPartitionKey());
                    g.writeStringField("sequenceNumber", k.getSequenceNumber());
                    g.writeStringField("data", k.getData() == null ? null : base64(k.getData()));
                    g.writeFieldName("approximateArrivalTimestamp");
                    if (k.getApproximateArrivalTimestamp() == null) {
                        g.writeNull();
                    } else {
                        g.writeNumber(BigDecimal.valueOf(k.getApproximateArrivalTimestamp().getTime(), 3).toPlainString());
                    }
                    g.writeEndObject();
                }
                g.writeStringField("eventSource", r.getEventSource());
                g.writeStringField("eventVersion", r.getEventVersion());
                g.writeStringField("eventID", r.getEventID());
                g.writeStringField("eventName", r.getEventName());
                g.writeStringField("invokeIdentityArn", r.getInvokeIdentityArn());
                g.writeStringField("awsRegion", r.getAwsRegion());
                g.writeStringField("eventSourceARN", r.getEventSourceARN());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code event} as the event source mapping sends it */
    public static byte[] toBytes(KinesisEvent event) {
        var out = new java.io.ByteArrayOutputStream();
        write(event, out);
        return out.toByteArray();
    }

    /**
     * Reads what a function returned: {@code {"batchItemFailures":[...]}}, or nothing / {@code null} (a handler that
     * returns nothing: success, as the event source mapping reads it).
     *
     * @return the response, or null for an empty or {@code null} body
     * @throws IllegalArgumentException if the body is not such JSON (the mapping treats it as a function error)
     */
    public static StreamsEventResponse readResponse(InputStream body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("Function response is not JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("Function response is not a JSON object: " + root.getNodeType());
        }
        JsonNode failures = root.path("batchItemFailures");
        if (failures.isMissingNode() || failures.isNull()) {
            return new StreamsEventResponse(null);
        }
        if (!failures.isArray()) {
            throw new IllegalArgumentException("batchItemFailures is not an array: " + failures.getNodeType());
        }
        List<StreamsEventResponse.BatchItemFailure> out = new ArrayList<>();
        for (JsonNode f : failures) {
            JsonNode id = f.path("itemIdentifier");
            out.add(new StreamsEventResponse.BatchItemFailure(id.isTextual() ? id.asText() : null));
        }
        return new StreamsEventResponse(out);
    }

    private static String base64(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
