package io.sluice.localstack.esm;

import java.math.BigInteger;
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
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.MergeShardsRequest;
import software.amazon.awssdk.services.kinesis.model.MergeShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.SplitShardRequest;
import software.amazon.awssdk.services.kinesis.model.SplitShardResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * An in-memory Kinesis stream for the runtime's unit tests: open shards, records with increasing sequence numbers,
 * iterators as positions, pages of at most {@code pageSize} records, and GetRecords calls that can be throttled
 * (as a real engine does, by call number). Shards have hash key ranges and can be split and merged: a closed shard
 * keeps its records, and its last page has no next iterator (as Kinesis ends a closed shard).
 */
final class FakeKinesis implements KinesisClient {
    static final String STREAM = "orders";
    static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM;

    private static final BigInteger HASH_KEYS = BigInteger.TWO.pow(128);

    /** A shard's hash keys [start, end], lineage and whether it is closed (no more records). */
    private static final class FakeShard {
        final String id;
        final BigInteger start;
        final BigInteger end;
        final String parent;
        final String adjacentParent;
        final List<Record> records = new ArrayList<>();
        boolean closed;

        FakeShard(String id, BigInteger start, BigInteger end, String parent, String adjacentParent) {
            this.id = id;
            this.start = start;
            this.end = end;
            this.parent = parent;
            this.adjacentParent = adjacentParent;
        }

        boolean owns(BigInteger hashKey) {
            return !closed && start.compareTo(hashKey) <= 0 && hashKey.compareTo(end) <= 0;
        }
    }

    private final Map<String, FakeShard> shards = new LinkedHashMap<>();
    private final List<String> initialShards = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger getRecordsCalls = new AtomicInteger();
    private volatile int pageSize = 10_000;
    private volatile IntPredicate throttled = n -> false;

    FakeKinesis(int shardCount) {
        BigInteger width = HASH_KEYS.divide(BigInteger.valueOf(shardCount));
        for (int i = 0; i < shardCount; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == shardCount - 1 ? HASH_KEYS.subtract(BigInteger.ONE) : start.add(width).subtract(BigInteger.ONE);
            String id = shardId(i);
            shards.put(id, new FakeShard(id, start, end, null, null));
            initialShards.add(id);
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

    private static String shardId(int n) {
        return String.format("shardId-%012d", n);
    }

    /** @return the ids of the shards the stream was created with */
    List<String> shardIds() {
        return new ArrayList<>(initialShards);
    }

    /** Appends {@code data} where the start of initial shard {@code shard} (0-based) now lands @return its sequence number */
    String put(int shard, String data) {
        return put(shard, SdkBytes.fromUtf8String(data), Instant.now());
    }

    synchronized String put(int shard, SdkBytes data, Instant arrival) {
        return put(shards.get(initialShards.get(shard)).start, data, arrival);
    }

    /** Appends {@code data} to the open shard whose range holds {@code hashKey} @return its sequence number */
    synchronized String put(BigInteger hashKey, SdkBytes data, Instant arrival) {
        FakeShard shard = shards.values().stream().filter(s -> s.owns(hashKey)).findFirst().orElseThrow();
        String seq = String.format("%056d", sequence.incrementAndGet());
        shard.records.add(Record.builder().sequenceNumber(seq).partitionKey("pk-" + hashKey)
                .data(data).approximateArrivalTimestamp(arrival).build());
        return seq;
    }

    /** @return the open shards' ids */
    synchronized List<String> openShards() {
        return shards.values().stream().filter(s -> !s.closed).map(s -> s.id).toList();
    }

    @Override
    public synchronized SplitShardResponse splitShard(SplitShardRequest request) {
        FakeShard parent = open(request.shardToSplit());
        BigInteger at = new BigInteger(request.newStartingHashKey());
        if (at.compareTo(parent.start) <= 0 || at.compareTo(parent.end) > 0) {
            throw InvalidArgumentException.builder().message("hash key " + at + " not inside " + parent.id).build();
        }
        parent.closed = true;
        add(new FakeShard(shardId(shards.size()), parent.start, at.subtract(BigInteger.ONE), parent.id, null));
        add(new FakeShard(shardId(shards.size()), at, parent.end, parent.id, null));
        return SplitShardResponse.builder().build();
    }

    @Override
    public synchronized MergeShardsResponse mergeShards(MergeShardsRequest request) {
        FakeShard lower = open(request.shardToMerge());
        FakeShard upper = open(request.adjacentShardToMerge());
        if (!lower.end.add(BigInteger.ONE).equals(upper.start)) {
            throw InvalidArgumentException.builder().message(lower.id + " and " + upper.id + " are not adjacent").build();
        }
        lower.closed = true;
        upper.closed = true;
        add(new FakeShard(shardId(shards.size()), lower.start, upper.end, lower.id, upper.id));
        return MergeShardsResponse.builder().build();
    }

    private FakeShard open(String id) {
        FakeShard shard = shards.get(id);
        if (shard == null || shard.closed) {
            throw InvalidArgumentException.builder().message("shard " + id + " is not open").build();
        }
        return shard;
    }

    private void add(FakeShard shard) {
        shards.put(shard.id, shard);
    }

    @Override
    public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
        return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(StreamDescriptionSummary.builder()
                .streamName(STREAM).streamARN(ARN).streamCreationTimestamp(Instant.ofEpochSecond(1_600_000_000))
                .streamStatus("ACTIVE").build()).build();
    }

    @Override
    public synchronized ListShardsResponse listShards(ListShardsRequest request) {
        List<Shard> list = new ArrayList<>();
        for (FakeShard s : shards.values()) {
            String last = s.closed ? (s.records.isEmpty() ? "0" : s.records.get(s.records.size() - 1).sequenceNumber()) : null;
            list.add(Shard.builder().shardId(s.id).parentShardId(s.parent).adjacentParentShardId(s.adjacentParent)
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(s.start.toString())
                            .endingHashKey(s.end.toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
                            .endingSequenceNumber(last).build())
                    .build());
        }
        return ListShardsResponse.builder().shards(list).build();
    }

    @Override
    public synchronized GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        List<Record> records = shards.get(request.shardId()).records;
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
        FakeShard shard = shards.get(it[0]);
        List<Record> records = shard.records;
        int from = Integer.parseInt(it[1]);
        int to = Math.min(records.size(), from + Math.min(pageSize, request.limit() == null ? 10_000 : request.limit()));
        boolean end = shard.closed && to == records.size();
        return GetRecordsResponse.builder().records(new ArrayList<>(records.subList(from, to)))
                .nextShardIterator(end ? null : it[0] + "/" + to).millisBehindLatest(to == records.size() ? 0L : 1000L)
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
