package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/** Random Kinesis events for the readers' tests, and the fields of a record the operator reads, to compare them by. */
final class RandomKinesisEvents {

    private RandomKinesisEvents() {
    }

    /**
     * An event of one shard's {@code records}: 128-bit sequence numbers (now and then short), data up to
     * {@code maxData} bytes (now and then 10-60x that, or empty), any field the operator reads now and then missing.
     *
     * @param keys a partition key of a length, from the random source
     */
    static KinesisEvent event(Random random, int records, int maxData, BiFunction<Random, Integer, String> keys) {
        String shard = String.format("shardId-%012d", random.nextInt(1000));
        String arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s-" + random.nextInt(5);
        List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            KinesisEvent.Record k = new KinesisEvent.Record();
            k.setKinesisSchemaVersion("1.0");
            k.setPartitionKey(random.nextInt(20) == 0 ? null : keys.apply(random, 1 + random.nextInt(256)));
            String seq = new BigInteger(random.nextInt(20) == 0 ? 1 + random.nextInt(16) : 128, random).toString();
            k.setSequenceNumber(random.nextInt(30) == 0 ? null : seq);
            int size = switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> maxData * 10 + random.nextInt(maxData * 50);   // large
                default -> random.nextInt(maxData);
            };
            byte[] data = new byte[size];
            random.nextBytes(data);
            k.setData(random.nextInt(40) == 0 ? null : ByteBuffer.wrap(data));
            k.setApproximateArrivalTimestamp(random.nextInt(20) == 0 ? null
                    : new Date(1_400_000_000_000L + (long) (random.nextDouble() * 900_000_000_000L)));
            k.setEncryptionType(random.nextBoolean() ? "KMS" : "NONE");
            KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
            r.setKinesis(random.nextInt(50) == 0 ? null : k);
            r.setEventSource("aws:kinesis");
            r.setEventVersion("1.0");
            r.setEventID(random.nextInt(30) == 0 ? null : shard + ":" + seq);
            r.setEventName("aws:kinesis:record");
            r.setInvokeIdentityArn("arn:aws:iam::123456789012:role/lambda-role");
            r.setAwsRegion("us-east-1");
            r.setEventSourceARN(random.nextInt(30) == 0 ? null : arn);
            out.add(r);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(out);
        return event;
    }

    /** What the operator reads of a record: equal lists, equal records for the operator. */
    static List<Object> fields(KinesisEvent.KinesisEventRecord r) {
        List<Object> f = new ArrayList<>(Arrays.asList(r.getEventID(), r.getEventSourceARN(), r.getKinesis() == null));
        KinesisEvent.Record k = r.getKinesis();
        if (k != null) {
            f.addAll(Arrays.asList(k.getSequenceNumber(), k.getPartitionKey(),
                    k.getApproximateArrivalTimestamp() == null ? null : k.getApproximateArrivalTimestamp().getTime(),
                    k.getData() == null ? null : ByteBuffer.wrap(KinesisRecordBatch.bytes(k.getData()))));
        }
        return f;
    }
}
