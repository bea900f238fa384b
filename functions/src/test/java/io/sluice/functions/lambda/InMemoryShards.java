package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test double of a Kinesis stream for the three calls the operator and the replay make (ListShards, GetShardIterator
 * after, at or from the trim horizon, GetRecords):
 * shards with parents, records with increasing sequence numbers, closing and trimming. The events it hands out are
 * what Lambda would deliver, so a test plays the event source mapping by hand: deliver, retry, give up.
 */
final class InMemoryShards implements KinesisClient {

    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";

    private record Put(String seq, String data) {
    }

    private record ShardData(List<String> parents, List<Put> records, boolean[] closed) {
    }

    private final Map<String, ShardData> shards = new LinkedHashMap<>();
    private long nextSeq = 1_000;
    int getRecordsCalls;

    InMemoryShards shard(String id, String... parents) {
        shards.put(id, new ShardData(List.of(parents), new ArrayList<>(), new boolean[1]));
        return this;
    }

    void close(String shard) {
        shards.get(shard).closed()[0] = true;
    }

    /** Appends lines (one record each) and returns them as the event records Lambda would deliver. */
    List<KinesisEvent.KinesisEventRecord> put(String shard, String... lines) {
        List<KinesisEvent.KinesisEventRecord> out = new ArrayList<>();
        for (String line : lines) {
            Put p = new Put(Long.toString(nextSeq++), line);
            shards.get(shard).records().add(p);
            out.add(event(shard, p));
        }
        return out;
    }

    /** Drops the shard's records up to and including {@code seq}, as retention does. */
    void trimThrough(String shard, String seq) {
        shards.get(shard).records().removeIf(p -> new BigInteger(p.seq()).compareTo(new BigInteger(seq)) <= 0);
    }

    static KinesisEvent eventOf(List<KinesisEvent.KinesisEventRecord> records) {
        KinesisEvent event = new KinesisEvent();
        event.setRecords(new ArrayList<>(records));
        return event;
    }

    private static KinesisEvent.KinesisEventRecord event(String shard, Put p) {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setData(ByteBuffer.wrap(p.data().getBytes(StandardCharsets.UTF_8)));
        kinesis.setSequenceNumber(p.seq());
        kinesis.setPartitionKey("k");
        KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
        r.setKinesis(kinesis);
        r.setEventID(shard + ":" + p.seq());
        r.setEventSourceARN(STREAM_ARN);
        return r;
    }

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
        List<Shard> list = new ArrayList<>();
        shards.forEach((id, s) -> list.add(Shard.builder().shardId(id)
                .parentShardId(s.parents().isEmpty() ? null : s.parents().get(0))
                .adjacentParentShardId(s.parents().size() < 2 ? null : s.parents().get(1))
                .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
                        .endingSequenceNumber(s.closed()[0] ? "9223372036854775807" : null).build())
                .build()));
        return ListShardsResponse.builder().shards(list).build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        List<Put> records = shards.get(request.shardId()).records();
        int from = 0;
        if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER
                || request.shardIteratorType() == ShardIteratorType.AT_SEQUENCE_NUMBER) {
            BigInteger at = new BigInteger(request.startingSequenceNumber());
            int past = request.shardIteratorType() == ShardIteratorType.AT_SEQUENCE_NUMBER ? 0 : 1;
            while (from < records.size() && new BigInteger(records.get(from).seq()).compareTo(at) < past) {
                from++;
            }
        }
        String position = from == records.size() ? "end" : records.get(from).seq();
        return GetShardIteratorResponse.builder().shardIterator(request.shardId() + "/" + position).build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        getRecordsCalls++;
        String[] it = request.shardIterator().split("/");
        ShardData shard = shards.get(it[0]);
        List<Put> records = shard.records();
        int from = 0;
        if (it[1].equals("end")) {
            from = records.size();
        } else {
            while (from < records.size() && !records.get(from).seq().equals(it[1])) {
                from++;
            }
        }
        int to = Math.min(records.size(), from + (request.limit() == null ? 10_000 : request.limit()));
        List<Record> page = new ArrayList<>();
        for (Put p : records.subList(from, to)) {
            page.add(Record.builder().sequenceNumber(p.seq()).partitionKey("k")
                    .data(SdkBytes.fromUtf8String(p.data())).build());
        }
        boolean end = to == records.size();
        String next = end && shard.closed()[0] ? null : it[0] + "/" + (end ? "end" : records.get(to).seq());
        return GetRecordsResponse.builder().records(page).nextShardIterator(next).millisBehindLatest(end ? 0L : 1L)
                .build();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
