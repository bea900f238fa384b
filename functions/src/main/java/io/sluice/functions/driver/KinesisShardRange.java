package io.sluice.functions.driver;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * {@link ShardRange} on the Kinesis API: GetShardIterator AFTER_SEQUENCE_NUMBER (TRIM_HORIZON without one;
 * AT_SEQUENCE_NUMBER for {@link #readFrom}), then
 * GetRecords until a record past the range, the shard's end, the tip, or one batch. Kinesis trims a shard from its oldest record,
 * so a range whose last record is missing was trimmed; so is one whose start Kinesis refuses (InvalidArgument), whose
 * iterator expired, or whose shard is gone (ResourceNotFound, a closed shard past retention).
 *
 * <pre>{@code
 * ShardRange range = new KinesisShardRange(kinesisClient);
 * }</pre>
 */
public final class KinesisShardRange implements ShardRange {

    /** GetRecords calls per range before giving up for now (the batch is retried): sparse shards return empty pages. */
    private static final int MAX_CALLS = 50;

    private final KinesisClient kinesis;

    public KinesisShardRange(KinesisClient kinesis) {
        this.kinesis = kinesis;
    }

    @Override
    public List<KinesisEvent.KinesisEventRecord> read(String streamArn, String shard, String afterSequence,
                                                      String throughSequence) {
        return afterSequence == null
                ? read(streamArn, shard, ShardIteratorType.TRIM_HORIZON, null, throughSequence)
                : read(streamArn, shard, ShardIteratorType.AFTER_SEQUENCE_NUMBER, afterSequence, throughSequence);
    }

    @Override
    public List<KinesisEvent.KinesisEventRecord> readFrom(String streamArn, String shard, String atSequence,
                                                          String throughSequence) {
        return read(streamArn, shard, ShardIteratorType.AT_SEQUENCE_NUMBER, atSequence, throughSequence);
    }

    private List<KinesisEvent.KinesisEventRecord> read(String streamArn, String shard, ShardIteratorType type,
                                                       String sequence, String throughSequence) {
        String stream = streamNameOf(streamArn);
        BigInteger through = new BigInteger(throughSequence);
        String iterator;
        try {
            iterator = kinesis.getShardIterator(b -> {
                b.streamName(stream).shardId(shard).shardIteratorType(type);
                if (sequence != null) {
                    b.startingSequenceNumber(sequence);
                }
            }).shardIterator();
        } catch (InvalidArgumentException | ResourceNotFoundException e) {
            throw new Unreadable("shard no longer holds the range: " + e.getClass().getSimpleName());
        }
        List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
        long bytes = 0;
        for (int call = 0; call < MAX_CALLS && iterator != null; call++) {
            String current = iterator;
            GetRecordsResponse page;
            try {
                page = kinesis.getRecords(b -> b.shardIterator(current).limit(MAX_RECORDS));
            } catch (ExpiredIteratorException | ResourceNotFoundException e) {
                throw new Unreadable("shard no longer holds the range: " + e.getClass().getSimpleName());
            }
            for (Record r : page.records()) {
                if (new BigInteger(r.sequenceNumber()).compareTo(through) > 0) {
                    return complete(out, throughSequence);
                }
                bytes += r.data().asByteArrayUnsafe().length;
                if (out.size() == MAX_RECORDS || (bytes > MAX_BYTES && !out.isEmpty())) {
                    return out;   // one batch; the caller reads on after its last record
                }
                out.add(eventRecord(streamArn, shard, r));
            }
            boolean atTip = page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest());
            if (atTip) {
                return complete(out, throughSequence);
            }
            iterator = page.nextShardIterator();
        }
        if (iterator == null) {
            return complete(out, throughSequence);   // the shard's end
        }
        throw new IllegalStateException("range of shard [" + shard + "] not read to its end after " + MAX_CALLS
                + " GetRecords calls");
    }

    /** The range read, if its last record is there: the attempt that started on it saw that record. */
    private static List<KinesisEvent.KinesisEventRecord> complete(List<KinesisEvent.KinesisEventRecord> out,
                                                                  String throughSequence) {
        boolean last = !out.isEmpty() && new BigInteger(out.get(out.size() - 1).getKinesis().getSequenceNumber())
                .equals(new BigInteger(throughSequence));
        if (!last) {
            throw new Unreadable("shard no longer holds the range's last record (trimmed)");
        }
        return out;
    }

    /** The record as Lambda's event would carry it, so it is decoded (and de-aggregated) exactly alike. */
    private static KinesisEvent.KinesisEventRecord eventRecord(String streamArn, String shard, Record r) {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setData(r.data().asByteBuffer());
        kinesis.setSequenceNumber(r.sequenceNumber());
        kinesis.setPartitionKey(r.partitionKey());
        if (r.approximateArrivalTimestamp() != null) {
            kinesis.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
        }
        KinesisEvent.KinesisEventRecord event = new KinesisEvent.KinesisEventRecord();
        event.setKinesis(kinesis);
        event.setEventID(shard + ":" + r.sequenceNumber());
        event.setEventSourceARN(streamArn);
        return event;
    }

    /** The name in {@code arn:aws:kinesis:<region>:<account>:stream/<name>}; a bare name is returned as is. */
    static String streamNameOf(String streamArn) {
        int slash = streamArn.indexOf(":stream/");
        return slash < 0 ? streamArn : streamArn.substring(slash + ":stream/".length());
    }
}
