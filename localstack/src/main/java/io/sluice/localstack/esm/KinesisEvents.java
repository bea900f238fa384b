package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Builds the {@link KinesisEvent} Lambda would deliver for a batch of records read from one shard:
 * {@code eventID = shardId:sequenceNumber}, data as the raw bytes (a {@code ByteBuffer}; base64 only in
 * the JSON form), partition key, sequence number, arrival time and the stream ARN.
 */
final class KinesisEvents {
    /** Lambda's payload quota for a synchronous invocation: 6 MB (6,291,456 bytes) of request JSON. */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** {@code {"Records":[} and {@code ]}}. */
    static final int ENVELOPE_BYTES = "{\"Records\":[]}".length();

    private KinesisEvents() {
    }

    /**
     * The size of one record in the invocation's JSON as Lambda serializes it (base64 data, arrival time in
     * seconds with milliseconds), plus the comma that separates it from the next:
     * <pre>{@code
     * {"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"1","sequenceNumber":"4959...","data":"SGVs...",
     *  "approximateArrivalTimestamp":1545084650.987},"eventSource":"aws:kinesis","eventVersion":"1.0",
     *  "eventID":"shardId-000000000006:4959...","eventName":"aws:kinesis:record",
     *  "invokeIdentityArn":"arn:aws:iam::123456789012:role/lambda-role","awsRegion":"us-east-2",
     *  "eventSourceARN":"arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"}
     * }</pre>
     */
    static int jsonBytes(Record r, String shardId, String streamArn, String region) {
        int data = 4 * ((r.data().asByteArrayUnsafe().length + 2) / 3);
        String arrival = r.approximateArrivalTimestamp() == null ? "null"
                : String.format(java.util.Locale.ROOT, "%.3f", r.approximateArrivalTimestamp().toEpochMilli() / 1000.0);
        String skeleton = "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":,\"sequenceNumber\":\"\","
                + "\"data\":\"\",\"approximateArrivalTimestamp\":},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\","
                + "\"eventID\":\":\",\"eventName\":\"aws:kinesis:record\",\"invokeIdentityArn\":\"" + INVOKE_ROLE + "\","
                + "\"awsRegion\":\"\",\"eventSourceARN\":\"\"},";
        return skeleton.length() + quoted(r.partitionKey()) + 2 * r.sequenceNumber().length() + data + arrival.length()
                + shardId.length() + region.length() + streamArn.length();
    }

    private static int quoted(String s) {
        return JsonStringEncoder.getInstance().quoteAsUTF8(s).length + 2;
    }

    static final String INVOKE_ROLE = "arn:aws:iam::000000000000:role/sluice-local-esm";

    static KinesisEvent of(List<Record> records, String shardId, String streamArn, String region) {
        List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>(records.size());
        for (Record r : records) {
            KinesisEvent.Record k = new KinesisEvent.Record();
            k.setKinesisSchemaVersion("1.0");
            k.setPartitionKey(r.partitionKey());
            k.setSequenceNumber(r.sequenceNumber());
            k.setData(r.data().asByteBuffer());
            k.setApproximateArrivalTimestamp(r.approximateArrivalTimestamp() == null ? null
                    : Date.from(r.approximateArrivalTimestamp()));
            k.setEncryptionType(r.encryptionType() == null ? "NONE" : r.encryptionTypeAsString());
            KinesisEvent.KinesisEventRecord e = new KinesisEvent.KinesisEventRecord();
            e.setKinesis(k);
            e.setEventSource("aws:kinesis");
            e.setEventVersion("1.0");
            e.setEventID(shardId + ":" + r.sequenceNumber());
            e.setEventName("aws:kinesis:record");
            e.setInvokeIdentityArn(INVOKE_ROLE);
            e.setAwsRegion(region);
            e.setEventSourceARN(streamArn);
            out.add(e);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(out);
        return event;
    }
}
