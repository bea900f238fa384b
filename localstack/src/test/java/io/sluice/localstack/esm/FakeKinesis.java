package io.sluice.localstack.esm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * An in-memory Kinesis stream for the runtime's unit tests: open shards, records with increasing sequence numbers,
 * iterators as positions, pages of at most {@code pageSize} records, and GetRecords calls that can be throttled
 * (as a real engine does, by call number).
 */
final class FakeKinesis implements KinesisClient {
    static final String STREAM = "orders";
    static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM;

    private final Map<String, List<Record>> shards = new LinkedHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger getRecordsCalls = new AtomicInteger();
    private volatile int pageSize = 10_000;
    private volatile IntPredicate throttled = n -> false;

    FakeKinesis(int shardCount) {
        for (int i = 0; i < shardCount; i++) {
            shards.put(String.format("shardId-%012d", i), new ArrayList<>());
        }
    }

    FakeKinesis pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /** @param calls which GetRecords calls (1-based) fail with ProvisionedThroughputExceededException */
    FakeKinesis throttle(IntPredicate calls) {
        this.throttled = calls;
        return this;
    }

    List<String> shardIds() {
        return new ArrayList<>(shards.keySet());
    }

    /** Appends {@code data} to shard {@code shard} (0-based) @return its sequence number */
    String put(int shard, String data) {
        return put(shard, SdkBytes.fromUtf8String(data), Instant.now());
    }

    synchronized String put(int shard, SdkBytes data, Instant arrival) {
        String seq = String.format("%056d", sequence.incrementAndGet());
        shards.get(shardIds().get(shard)).add(Record.builder().sequenceNumber(seq).partitionKey("pk-" + shard)
                .data(data).approximateArrivalTimestamp(arrival).build());
        return seq;
    }

    @Override
    public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
        return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(StreamDescriptionSummary.builder()
                .streamName(STREAM).streamARN(ARN).streamCreationTimestamp(Instant.ofEpochSecond(1_600_000_000))
                .streamStatus("ACTIVE").build()).build();
    }

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
        List<Shard> list = new ArrayList<>();
        shards.keySet().forEach(id -> list.add(Shard.builder().shardId(id).build()));
        return ListShardsResponse.builder().shards(list).build();
    }

    @Override
    public synchronized GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        List<Record> records = shards.get(request.shardId());
        int position = switch (request.shardIteratorType()) {
            case TRIM_HORIZON -> 0;
            case LATEST -> records.size();
            case AT_SEQUENCE_NUMBER -> indexOf(records, request.startingSequenceNumber());
            case AFTER_SEQUENCE_NUMBER -> indexOf(records, request.startingSequenceNumber()) + 1;
            default -> throw new UnsupportedOperationException(request.shardIteratorTypeAsString());
        };
        return GetShardIteratorResponse.builder().shardIterator(request.shardId() + "/" + position).build();
    }

    private static int indexOf(List<Record> records, String seq) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(seq)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no record " + seq);
    }

    @Override
    public synchronized GetRecordsResponse getRecords(GetRecordsRequest request) {
        if (throttled.test(getRecordsCalls.incrementAndGet())) {
            throw ProvisionedThroughputExceededException.builder().message("Rate exceeded (fake)").build();
        }
        String[] it = request.shardIterator().split("/");
        List<Record> records = shards.get(it[0]);
        int from = Integer.parseInt(it[1]);
        int to = Math.min(records.size(), from + Math.min(pageSize, request.limit() == null ? 10_000 : request.limit()));
        return GetRecordsResponse.builder().records(new ArrayList<>(records.subList(from, to)))
                .nextShardIterator(it[0] + "/" + to).millisBehindLatest(to == records.size() ? 0L : 1000L).build();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
