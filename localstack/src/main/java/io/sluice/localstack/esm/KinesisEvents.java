package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
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
    private KinesisEvents() {
    }

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
            e.setInvokeIdentityArn("arn:aws:iam::000000000000:role/sluice-local-esm");
            e.setAwsRegion(region);
            e.setEventSourceARN(streamArn);
            out.add(e);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(out);
        return event;
    }
}
